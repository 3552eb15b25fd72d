"""Reads of programs and assignments, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from apps.organizations.facade import api as organizations
from apps.workouts.models import Exercise, Program, ProgramAssignment, SlotExercise
from apps.workouts.selectors import catalogue

MANAGERS = frozenset({"owner", "admin"})


def exercises_by_id_strings(ids: Iterable[str]) -> dict[str, Exercise]:
    """Exercises of this gym by the id strings a payload gave (malformed ids match nothing)."""
    valid = []
    for raw in ids:
        try:
            valid.append(UUID(raw))
        except (TypeError, ValueError):
            continue
    return {str(e.id): e for e in catalogue.exercises(include_hidden=True).filter(pk__in=valid)}


def programs_visible(*, gym_id: int, role: str | None, user_id: UUID) -> QuerySet[Program]:
    """Templates for staff; members' programs for their managers, their coach and themselves."""
    qs = Program.objects.all()
    if role in MANAGERS:
        return qs
    if role == "trainer":
        clients = organizations.clients_of(gym_id=gym_id, trainer_id=user_id)
        return qs.filter(
            Q(is_template=True) | Q(member_id__in=clients) | Q(member_id__isnull=True, created_by=user_id)
        )
    return qs.filter(member_id=user_id).exclude(status="draft")


def program_full(*, program_id: UUID) -> Program:
    """A program with its whole structure loaded in a fixed number of queries."""
    items = SlotExercise.objects.select_related("exercise", "exercise__override").prefetch_related("sets")
    return Program.objects.prefetch_related(
        "weeks__days__slots",
        Prefetch("weeks__days__slots__exercises", queryset=items),
    ).get(pk=program_id)


def assignments_visible(*, gym_id: int, role: str | None, user_id: UUID) -> QuerySet[ProgramAssignment]:
    qs = ProgramAssignment.objects.select_related("program")
    if role in MANAGERS:
        return qs
    if role == "trainer":
        return qs.filter(member_id__in=organizations.clients_of(gym_id=gym_id, trainer_id=user_id))
    return qs.filter(member_id=user_id)
