"""Cross-gym isolation tables for the training API (see tests/isolation/test_cross_gym.py).

Catalogue exercises share their ids across gyms (derived from the catalogue slug), so the
B-only ids here are rows created in gym B only: its own exercise, a program, an assignment
and a restriction override.
"""

from __future__ import annotations

import uuid
from typing import Any

from django_tenants.utils import schema_context

PROGRAM = {
    "name": "Intruder",
    "weeks": [
        {
            "days": [
                {
                    "slots": [
                        {
                            "exercises": [
                                {
                                    "exercise_id": "00000000-0000-0000-0000-000000000000",
                                    "sets": [{"reps_low": 5, "load_value": "60"}],
                                }
                            ]
                        }
                    ]
                }
            ]
        }
    ],
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/exercises/"): {
        "name": "Intruder press",
        "category": "strength",
        "primary_muscles": ["chest"],
    },
    ("PATCH", "/api/v1/exercises/{id}/"): {"joints": ["knee"]},
    ("PUT", "/api/v1/exercises/{id}/override/"): {"hidden": True, "name": "Taken"},
    ("POST", "/api/v1/exercises/{id}/reset-tags/"): {},
    ("POST", "/api/v1/programs/"): PROGRAM,
    ("PUT", "/api/v1/programs/{id}/"): PROGRAM,
    ("PATCH", "/api/v1/programs/{id}/"): {"name": "Taken over"},
    ("POST", "/api/v1/programs/{id}/assign/"): {"member_id": "00000000-0000-0000-0000-000000000000"},
    ("POST", "/api/v1/assignments/{id}/end/"): {},
    ("POST", "/api/v1/recommendations/"): {"member_id": "00000000-0000-0000-0000-000000000000"},
    ("POST", "/api/v1/restriction-overrides/"): {
        "member_id": "00000000-0000-0000-0000-000000000000",
        "exercise_id": "00000000-0000-0000-0000-000000000000",
        "restriction_id": "00000000-0000-0000-0000-000000000000",
        "reason": "Let me",
    },
    ("POST", "/api/v1/restriction-overrides/{id}/revoke/"): {},
    ("PATCH", "/api/v1/training/profile/"): {"unit": "lb"},
    ("PATCH", "/api/v1/training/setup/"): {"unit": "lb", "available_equipment": ["bands"]},
}


def b_only_urls(world: Any) -> dict[str, str]:
    from apps.workouts.models import Exercise, Program, ProgramAssignment, RestrictionOverride

    member_b = world.b.people["member"].id
    with schema_context(world.b.schema_name):
        exercise = Exercise.objects.create(
            slug=f"gym-b-only-{uuid.uuid4().hex[:8]}",
            source="gym",
            name="B-only sled push",
            category="strongman",
            level="beginner",
            primary_muscles=["quadriceps"],
        )
        program = Program.objects.create(name="B-only program", member_id=member_b)
        assignment = ProgramAssignment.objects.create(program=program, member_id=member_b, active=False)
        override = RestrictionOverride.objects.create(
            member_id=member_b,
            exercise=exercise,
            restriction_id=uuid.uuid4(),
            reason="B only",
            author_id=world.b.people["trainer"].id,
            author_role="trainer",
        )
    return {
        "/api/v1/exercises/{id}/": f"/api/v1/exercises/{exercise.pk}/",
        "/api/v1/exercises/{id}/override/": f"/api/v1/exercises/{exercise.pk}/override/",
        "/api/v1/exercises/{id}/reset-tags/": f"/api/v1/exercises/{exercise.pk}/reset-tags/",
        "/api/v1/exercises/{id}/substitutes/": f"/api/v1/exercises/{exercise.pk}/substitutes/",
        "/api/v1/programs/{id}/": f"/api/v1/programs/{program.pk}/",
        "/api/v1/programs/{id}/assign/": f"/api/v1/programs/{program.pk}/assign/",
        "/api/v1/programs/{id}/preview/": f"/api/v1/programs/{program.pk}/preview/",
        "/api/v1/assignments/{id}/": f"/api/v1/assignments/{assignment.pk}/",
        "/api/v1/assignments/{id}/end/": f"/api/v1/assignments/{assignment.pk}/end/",
        "/api/v1/restriction-overrides/{id}/": f"/api/v1/restriction-overrides/{override.pk}/",
        "/api/v1/restriction-overrides/{id}/revoke/": f"/api/v1/restriction-overrides/{override.pk}/revoke/",
    }


def snapshot_b(world: Any) -> tuple[Any, ...]:
    from apps.workouts.models import (
        Exercise,
        ExerciseOverride,
        GymTrainingSetup,
        MemberTrainingProfile,
        Program,
        ProgramAssignment,
        RestrictionOverride,
        SlotExercise,
    )

    with schema_context(world.b.schema_name):
        return (
            sorted(Exercise.objects.filter(source="gym").values_list("name", "joints", "tags_edited")),
            Exercise.objects.filter(tags_edited__len__gt=0).count(),
            sorted(ExerciseOverride.objects.values_list("exercise_id", "hidden", "name")),
            list(GymTrainingSetup.objects.values_list("unit", "available_equipment")),
            sorted(MemberTrainingProfile.objects.values_list("member_id", "unit")),
            sorted(Program.objects.values_list("name", "status", "member_id")),
            SlotExercise.objects.count(),
            sorted(ProgramAssignment.objects.values_list("member_id", "active")),
            sorted(RestrictionOverride.objects.values_list("reason", "revoked_at")),
        )


# -- live (sessions, sets, records, progress, history): appended by wt-live -------------------------
BODIES.update(
    {
        ("POST", "/api/v1/workouts/sessions/"): {"name": "Intruder"},
        ("POST", "/api/v1/workouts/sessions/{session_id}/sets/"): {
            "id": "00000000-0000-0000-0000-0000000000aa",
            "exercise": "00000000-0000-0000-0000-000000000000",
            "reps": 5,
            "load": "100",
        },
        ("POST", "/api/v1/workouts/sessions/{session_id}/finish/"): {},
        ("POST", "/api/v1/workouts/sessions/{session_id}/swap/"): {
            "session_exercise": 1,
            "exercise": "00000000-0000-0000-0000-000000000000",
        },
        ("POST", "/api/v1/workouts/history/import/"): {"format": "strong"},
    }
)

_core_b_only_urls = b_only_urls
_core_snapshot_b = snapshot_b


def _live_b_only_urls(world: Any) -> dict[str, str]:
    from apps.workouts.models import WorkoutSession

    with schema_context(world.b.schema_name):
        session = WorkoutSession.objects.create(member_id=world.b.people["member"].id, name="B-only session")
    base = f"/api/v1/workouts/sessions/{session.pk}/"
    return {
        "/api/v1/workouts/sessions/{session_id}/": base,
        "/api/v1/workouts/sessions/{session_id}/sets/": f"{base}sets/",
        "/api/v1/workouts/sessions/{session_id}/finish/": f"{base}finish/",
        "/api/v1/workouts/sessions/{session_id}/substitutes/": f"{base}substitutes/?session_exercise=1",
        "/api/v1/workouts/sessions/{session_id}/swap/": f"{base}swap/",
    }


def b_only_urls(world: Any) -> dict[str, str]:  # type: ignore[no-redef]
    return {**_core_b_only_urls(world), **_live_b_only_urls(world)}


def snapshot_b(world: Any) -> tuple[Any, ...]:  # type: ignore[no-redef]
    from apps.workouts.models import LoggedSet, PersonalRecord, SessionExercise, WorkoutSession

    with schema_context(world.b.schema_name):
        live = (
            sorted(WorkoutSession.objects.values_list("name", "status", "member_id")),
            sorted(SessionExercise.objects.values_list("session_id", "exercise_id")),
            LoggedSet.objects.count(),
            PersonalRecord.objects.count(),
        )
    return (*_core_snapshot_b(world), *live)
