"""Reads of sessions, logged sets and records: each list in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum

from apps.workouts.models import LoggedSet, PersonalRecord, SessionExercise, WorkoutSession

_COUNTED = ~Q(sets__set_type="warm_up")


def sessions_of_member(*, member_id: UUID) -> QuerySet[WorkoutSession]:
    """The member's sessions, newest first, each with its set count and volume load (kg)."""
    volume = ExpressionWrapper(
        F("sets__reps") * F("sets__load_kg"), output_field=DecimalField(max_digits=14, decimal_places=3)
    )
    return (
        WorkoutSession.objects.filter(member_id=member_id)
        .annotate(set_count=Count("sets"), volume_kg=Sum(volume, filter=_COUNTED))
        .order_by("-started_at")
    )


def session_with_sets(*, session_id: UUID | str) -> WorkoutSession | None:
    """One session with its exercises (and what they replaced) and its sets: three queries."""
    return (
        WorkoutSession.objects.filter(pk=session_id)
        .prefetch_related(
            Prefetch(
                "exercises",
                queryset=SessionExercise.objects.select_related("exercise", "swapped_from").order_by("order"),
            ),
            Prefetch("sets", queryset=LoggedSet.objects.select_related("exercise").order_by("order")),
        )
        .first()
    )


def latest_open_session(*, member_id: UUID) -> WorkoutSession | None:
    return (
        WorkoutSession.objects.filter(member_id=member_id, status="in_progress")
        .order_by("-started_at")
        .first()
    )


def sets_of_member(
    *, member_id: UUID, exercise_id: UUID | None = None, since: datetime | None = None
) -> QuerySet[LoggedSet]:
    """The member's logged sets, newest first, with their exercise (one query per page)."""
    rows = LoggedSet.objects.filter(member_id=member_id).select_related("exercise")
    if exercise_id is not None:
        rows = rows.filter(exercise_id=exercise_id)
    if since is not None:
        rows = rows.filter(performed_at__gte=since)
    return rows.order_by("-performed_at", "-order")


def records_of_member(*, member_id: UUID, exercise_id: UUID | None = None) -> QuerySet[PersonalRecord]:
    rows = PersonalRecord.objects.filter(member_id=member_id).select_related("exercise")
    if exercise_id is not None:
        rows = rows.filter(exercise_id=exercise_id)
    return rows.order_by("-achieved_at", "kind")
