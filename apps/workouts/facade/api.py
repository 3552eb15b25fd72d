"""The training context's facade: what other contexts (and wt-live's session services) may ask.

Every function runs in the gym's schema (a request on the gym's host or a tenant-aware task).
"""

from __future__ import annotations

from uuid import UUID

from apps.workouts.facade.contracts import Decision, ExerciseInfo, SubstituteInfo
from apps.workouts.models import Exercise
from apps.workouts.selectors import catalogue as selectors


def _info(e: Exercise) -> ExerciseInfo:
    return ExerciseInfo(
        id=e.id,
        slug=e.slug,
        name=str(getattr(e, "display_name", None) or e.name),
        equipment=e.equipment,
        primary_muscles=tuple(e.primary_muscles),
        patterns=tuple(e.patterns),
    )


def exercise_info(*, exercise_id: UUID) -> ExerciseInfo | None:
    """An exercise of this gym (hidden ones included), or None."""
    e = selectors.exercises(include_hidden=True).filter(pk=exercise_id).first()
    return None if e is None else _info(e)


def exercise_decision(*, gym_id: int, member_id: UUID, exercise_id: UUID) -> Decision | None:
    """What the member's restrictions do to the exercise (exclude, cap, limit, allow) and why;
    None when the gym has no such exercise."""
    e = selectors.exercises(include_hidden=True).filter(pk=exercise_id).first()
    if e is None:
        return None
    d = selectors.offering(gym_id=gym_id, member_id=member_id).decide(e)
    return Decision(
        exercise_id=e.id,
        action="override" if d.overridden and d.offered and not d.restriction_ids else str(d.verdict),
        reasons=d.reasons,
        restriction_ids=d.restriction_ids,
        cap_load_kg=d.cap_load_kg,
        cap_rpe=d.cap_rpe,
    )


def is_offered(*, gym_id: int, member_id: UUID, exercise_id: UUID) -> bool:
    """Whether the member may be offered the exercise (their restrictions do not exclude it)."""
    decision = exercise_decision(gym_id=gym_id, member_id=member_id, exercise_id=exercise_id)
    return decision is not None and decision.action != "exclude"


def substitutes(*, gym_id: int, member_id: UUID, exercise_id: UUID, limit: int = 3) -> list[SubstituteInfo]:
    """Exercises that can replace ``exercise_id`` for the member, best first, each with why."""
    e = selectors.exercises(include_hidden=True).filter(pk=exercise_id).first()
    if e is None:
        return []
    found = selectors.offering(gym_id=gym_id, member_id=member_id).substitutes_for(e, limit=limit)
    rows = selectors.by_ids([s.candidate.id for s in found])
    return [SubstituteInfo(exercise=_info(rows[s.candidate.id]), reason=s.reason) for s in found]


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Demo data of this context in a demo gym (run in the gym's tenant context): the gym's
    loading set-up and equipment; member@'s profile, assigned program and three weeks of finished
    sessions.
    Idempotent; returns what is there, one line each."""
    from apps.workouts import demo

    return demo.demo_seed(gym_id=gym_id, people=people)
