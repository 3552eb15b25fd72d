"""The exercise catalogue: seeding from free-exercise-db, the gym's own exercises, overrides,
tag corrections and the gym's training set-up."""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from django.db import connection, transaction

from apps.workouts import tags
from apps.workouts.facade.contracts import ExerciseSource

DATA = Path(__file__).resolve().parent.parent / "data" / "exercises.json"
CATALOGUE_NAMESPACE = uuid.UUID("6f1c3e52-8a4b-4c7e-9d0a-2b5e7f9a1c3d")
SEARCH_VECTOR_SQL = """
UPDATE workouts_exercise AS e SET search_vector =
    setweight(to_tsvector('english', coalesce(o.name, '') || ' ' || e.name), 'A')
    || setweight(to_tsvector('english', array_to_string(e.primary_muscles, ' ') || ' '
                 || e.equipment || ' ' || e.category || ' ' || e.variation_group), 'B')
    || setweight(to_tsvector('english', array_to_string(e.secondary_muscles, ' ') || ' '
                 || replace(array_to_string(e.patterns, ' '), '_', ' ')), 'C')
FROM workouts_exercise AS x LEFT JOIN workouts_exerciseoverride AS o ON o.exercise_id = x.id
WHERE e.id = x.id {where}
"""


@cache
def catalogue_records() -> tuple[dict[str, Any], ...]:
    """The free-exercise-db records shipped under apps/workouts/data/."""
    with DATA.open(encoding="utf-8") as fh:
        return tuple(json.load(fh))


def catalogue_id(slug: str) -> UUID:
    """Catalogue exercises have the same id in every gym (derived from their slug)."""
    return uuid.uuid5(CATALOGUE_NAMESPACE, slug)


def _row(record: dict[str, Any]) -> dict[str, Any]:
    facts = tags.facts_from_record(record)
    derived = tags.derive(facts)
    return {
        "name": record["name"],
        "category": facts.category,
        "level": str(record.get("level") or "beginner"),
        "mechanic": facts.mechanic,
        "force": facts.force,
        "equipment": facts.equipment,
        "primary_muscles": list(facts.primary_muscles),
        "secondary_muscles": list(facts.secondary_muscles),
        "instructions": [str(s) for s in record.get("instructions") or []],
        "patterns": list(derived.patterns),
        "positions": list(derived.positions),
        "joints": list(derived.joints),
        "impact": derived.impact,
        "variation_group": derived.variation_group,
    }


def refresh_search_vectors(*, exercise_ids: list[UUID] | None = None) -> None:
    """Recompute the full-text vectors (all, or of ``exercise_ids``) in the current schema."""
    with connection.cursor() as cursor:
        if exercise_ids is None:
            cursor.execute(SEARCH_VECTOR_SQL.format(where=""))
        else:
            cursor.execute(SEARCH_VECTOR_SQL.format(where="AND e.id = ANY(%s)"), [list(exercise_ids)])


def catalogue_seed(*, exercise_model: Any = None) -> dict[str, int]:
    """Insert or refresh every catalogue exercise in the current schema.

    Facts come from the data; tags are derived again, except the tag fields staff corrected
    (``tags_edited``), which keep their values. Gym-owned exercises are untouched. Used by the
    data migration (with its historical model) and by ``manage.py workouts_seed_catalogue``.
    Returns counts of created and updated rows.
    """
    if exercise_model is None:
        from apps.workouts.models import Exercise

        exercise_model = Exercise
    created = updated = 0
    with transaction.atomic():
        existing = {e.slug: e for e in exercise_model.objects.filter(source=ExerciseSource.CATALOGUE.value)}
        new_rows = []
        changed = []
        for record in catalogue_records():
            slug = str(record["id"])
            row = _row(record)
            current = existing.get(slug)
            if current is None:
                new_rows.append(
                    exercise_model(
                        id=catalogue_id(slug), slug=slug, source=ExerciseSource.CATALOGUE.value, **row
                    )
                )
                continue
            kept = tags.merge(
                tags.DerivedTags(
                    patterns=tuple(row["patterns"]),
                    positions=tuple(row["positions"]),
                    joints=tuple(row["joints"]),
                    impact=row["impact"],
                    variation_group=row["variation_group"],
                ),
                {f: getattr(current, f) for f in tags.TAG_FIELDS},
                current.tags_edited,
            )
            row.update(kept)
            if any(getattr(current, k) != v for k, v in row.items()):
                for k, v in row.items():
                    setattr(current, k, v)
                changed.append(current)
        exercise_model.objects.bulk_create(new_rows, batch_size=500)
        created = len(new_rows)
        if changed:
            exercise_model.objects.bulk_update(changed, list(_row(catalogue_records()[0])), batch_size=500)
            updated = len(changed)
        refresh_search_vectors()
    return {"created": created, "updated": updated}
