"""Seed the exercise catalogue (free-exercise-db, apps/workouts/data/) into the schema.

Runs once in the template schema; spare schemas are cloned from it with their rows (ADR 0009).
"""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from apps.workouts.services.catalogue import catalogue_seed

    catalogue_seed(exercise_model=apps.get_model("workouts", "Exercise"))


class Migration(migrations.Migration):
    dependencies = [("workouts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop, elidable=False)]
