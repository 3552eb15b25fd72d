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
from django.utils.text import slugify

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


# --- the gym's own exercises, tag corrections, overrides --------------------------------------

FACT_FIELDS = (
    "name",
    "category",
    "level",
    "mechanic",
    "force",
    "equipment",
    "primary_muscles",
    "secondary_muscles",
    "instructions",
)


def _facts(values: dict[str, Any]) -> tags.ExerciseFacts:
    return tags.ExerciseFacts(
        name=values["name"],
        category=values["category"],
        mechanic=values.get("mechanic", ""),
        force=values.get("force", ""),
        equipment=values.get("equipment", ""),
        primary_muscles=tuple(values.get("primary_muscles", ())),
        secondary_muscles=tuple(values.get("secondary_muscles", ())),
    )


def _unique_slug(name: str) -> str:
    from apps.workouts.models import Exercise

    base = "gym-" + (slugify(name)[:60] or "exercise")
    slug, n = base, 2
    while Exercise.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def exercise_create(*, actor_id: UUID, facts: dict[str, Any], tag_values: dict[str, Any]) -> Any:
    """A gym's own exercise. Tags not given are derived from the facts; given ones count as
    corrected (kept when the facts change)."""
    from apps.workouts.models import Exercise

    derived = tags.derive(_facts(facts))
    values = tags.merge(derived, tag_values, tag_values.keys())
    with transaction.atomic():
        exercise = Exercise.objects.create(
            slug=_unique_slug(facts["name"]),
            source=ExerciseSource.GYM.value,
            created_by=actor_id,
            tags_edited=sorted(tag_values),
            **facts,
            **values,
        )
        refresh_search_vectors(exercise_ids=[exercise.id])
    return exercise


class CatalogueFactError(ValueError):
    """A catalogue exercise's facts come from the data and cannot be changed by a gym."""


def exercise_update(*, exercise: Any, facts: dict[str, Any], tag_values: dict[str, Any]) -> Any:
    """Change a gym exercise's facts, or any exercise's tags (a changed tag is kept across
    re-seeding); tags nobody corrected are derived again from the facts."""
    if facts and exercise.source == ExerciseSource.CATALOGUE.value:
        raise CatalogueFactError(
            "A catalogue exercise's facts come from free-exercise-db; rename or hide it with an override."
        )
    with transaction.atomic():
        for name, value in facts.items():
            setattr(exercise, name, value)
        edited = set(exercise.tags_edited) | set(tag_values)
        current = {f: getattr(exercise, f) for f in tags.TAG_FIELDS} | tag_values
        derived = tags.derive(_facts({f: getattr(exercise, f) for f in FACT_FIELDS}))
        for name, value in tags.merge(derived, current, edited).items():
            setattr(exercise, name, value)
        exercise.tags_edited = sorted(edited)
        exercise.save()
        refresh_search_vectors(exercise_ids=[exercise.id])
    return exercise


def exercise_tags_reset(*, exercise: Any) -> Any:
    """Forget the corrections: derive every tag from the facts again."""
    derived = tags.derive(_facts({f: getattr(exercise, f) for f in FACT_FIELDS}))
    for name, value in tags.merge(derived, {}, ()).items():
        setattr(exercise, name, value)
    exercise.tags_edited = []
    exercise.save()
    return exercise


class ExerciseInUseError(ValueError):
    pass


def exercise_delete(*, exercise: Any) -> None:
    """Delete a gym's own exercise that no program or log uses (hide catalogue ones instead)."""
    from django.db.models import ProtectedError

    if exercise.source == ExerciseSource.CATALOGUE.value:
        raise CatalogueFactError("Catalogue exercises are not deleted; hide them with an override.")
    try:
        with transaction.atomic():
            exercise.delete()
    except ProtectedError as exc:
        raise ExerciseInUseError(
            "The exercise is used by a program or a logged set; hide it instead."
        ) from exc


def override_set(*, exercise: Any, actor_id: UUID, hidden: bool, name: str) -> Any:
    from apps.workouts.models import ExerciseOverride

    with transaction.atomic():
        override, _ = ExerciseOverride.objects.update_or_create(
            exercise=exercise, defaults={"hidden": hidden, "name": name.strip(), "updated_by": actor_id}
        )
        refresh_search_vectors(exercise_ids=[exercise.id])
    return override


def override_clear(*, exercise: Any) -> None:
    from apps.workouts.models import ExerciseOverride

    with transaction.atomic():
        ExerciseOverride.objects.filter(exercise=exercise).delete()
        refresh_search_vectors(exercise_ids=[exercise.id])


def setup_update(*, actor_id: UUID, **changes: Any) -> Any:
    """Change the gym's unit, available equipment or loading set-ups (validated by the engine)."""
    from apps.workouts.models import GymTrainingSetup

    with transaction.atomic():
        row, _ = GymTrainingSetup.objects.select_for_update().get_or_create(singleton=True)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by = actor_id
        row.save()
    return row


def profile_update(*, member_id: UUID, **changes: Any) -> Any:
    from apps.workouts.models import MemberTrainingProfile

    with transaction.atomic():
        row, _ = MemberTrainingProfile.objects.select_for_update().get_or_create(member_id=member_id)
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
    return row


def restriction_override_create(
    *,
    gym_id: int,
    member_id: UUID,
    exercise: Any,
    restriction_id: UUID,
    reason: str,
    actor_id: UUID,
    actor_role: str,
) -> Any:
    """A coach or clinician lets ``exercise`` through one restriction for one member, with a
    reason. The medical context records and audits it too; both happen or neither."""
    from django.core.exceptions import ValidationError

    from apps.medical.facade import api as medical
    from apps.workouts.models import RestrictionOverride

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["A reason is required to override a restriction."]})
    with transaction.atomic():
        if RestrictionOverride.objects.filter(
            member_id=member_id, exercise=exercise, restriction_id=restriction_id, revoked_at__isnull=True
        ).exists():
            raise ValidationError({"restriction_id": ["This exercise already has a live override of it."]})
        medical.restriction_override_record(
            gym_id=gym_id,
            member_id=member_id,
            exercise_ref=exercise.slug,
            restriction_id=restriction_id,
            actor_id=actor_id,
            reason=reason,
        )
        return RestrictionOverride.objects.create(
            member_id=member_id,
            exercise=exercise,
            restriction_id=restriction_id,
            reason=reason[:500],
            author_id=actor_id,
            author_role=actor_role,
        )


def restriction_override_revoke(*, override: Any, actor_id: UUID) -> Any:
    from django.utils import timezone

    if override.revoked_at is None:
        override.revoked_at = timezone.now()
        override.revoked_by = actor_id
        override.save(update_fields=["revoked_at", "revoked_by"])
    return override
