"""Rows the live tests need, made through the models of the training context (in a gym's
schema: call inside ``schema_context``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from apps.workouts import engine
from apps.workouts.models import (
    Exercise,
    MemberTrainingProfile,
    Program,
    ProgramAssignment,
    ProgramDay,
    ProgramSlot,
    ProgramWeek,
    SlotExercise,
)


def catalogue(name: str) -> Exercise:
    return Exercise.objects.get(name=name)


def gym_exercise(name: str, *, muscles: tuple[str, ...] = ("chest",)) -> Exercise:
    return Exercise.objects.create(
        slug=name.lower().replace(" ", "-"),
        source="gym",
        name=name,
        category="strength",
        level="beginner",
        equipment="barbell",
        primary_muscles=list(muscles),
    )


def profile(member_id: UUID, *, unit: str = "kg", formula: str = "epley") -> MemberTrainingProfile:
    return MemberTrainingProfile.objects.update_or_create(
        member_id=member_id, defaults={"unit": unit, "e1rm_formula": formula}
    )[0]


def linear_program(member_id: UUID, exercise: Exercise, *, start_kg: str = "100") -> ProgramDay:
    """A one-day program: ``exercise`` 3 x 5, linear +2.5 kg from ``start_kg``, assigned."""
    program = Program.objects.create(name="Linear", member_id=member_id)
    week = ProgramWeek.objects.create(program=program, number=1)
    day = ProgramDay.objects.create(week=week, number=1, name="Heavy day")
    slot = ProgramSlot.objects.create(day=day, order=1)
    scheme: Any = engine.LinearScheme(sets=3, reps=5, increment=Decimal("2.5"))
    SlotExercise.objects.create(
        slot=slot,
        order=1,
        exercise=exercise,
        progression_key="main",
        scheme=engine.scheme_to_dict(scheme),
        start=engine.state_to_dict(engine.ExerciseState(load=Decimal(start_kg))),
    )
    ProgramAssignment.objects.create(program=program, member_id=member_id)
    return day
