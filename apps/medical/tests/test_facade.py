"""The facade training reads: clearance status and restrictions, nothing else."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.common import health
from apps.medical.facade import api as medical
from apps.medical.models import RestrictionOverride, RestrictionSource
from apps.medical.services import restriction_create

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_unscreened_member_has_no_restrictions(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    frozen(NOW)
    member = gym_a.people["member"].id
    with in_gym(gym_a):
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
    assert got == health.TrainingConstraints(member_id=member, clearance=health.ClearanceStatus.UNSCREENED)


def test_constraints_carry_structured_restrictions_only(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    frozen(NOW)
    member = gym_a.people["member"].id
    with in_gym(gym_a):
        r = restriction_create(
            member_id=member,
            region="knee",
            avoid=["squat", "deep_knee_flexion", "squat"],
            action="cap_load",
            severity="moderate",
            cap_load_kg=Decimal("40"),
            reason="Knee: keep squats light",
            source=RestrictionSource.CLINICIAN,
            author_id=gym_a.people["clinician"].id,
            expires_at=NOW + timedelta(days=30),
        )
        restriction_create(
            member_id=member,
            region="shoulder",
            avoid=["overhead"],
            action="exclude",
            severity="mild",
            source=RestrictionSource.SELF_REPORT,
            author_id=member,
            expires_at=NOW + timedelta(days=1),
        )
        frozen(NOW + timedelta(days=2))
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
    assert got.clearance is health.ClearanceStatus.UNSCREENED
    assert got.restrictions == (
        health.Restriction(
            id=r.id,
            region="knee",
            avoid=frozenset({"squat", "deep_knee_flexion"}),
            action="cap_load",
            severity="moderate",
            reason="Knee: keep squats light",
            source="clinician",
            cap_load_kg=Decimal("40.00"),
            cap_rpe=None,
            expires_at=NOW + timedelta(days=30),
        ),
    )
    # The contract's fields are the whole of what crosses: no answers, conditions or medications.
    assert [f.name for f in dataclasses.fields(got)] == [
        "member_id",
        "clearance",
        "restrictions",
        "clearance_expires_at",
    ]


def test_constraints_refuse_another_gyms_connection(gym_a: Any, gym_b: Any, in_gym: Any) -> None:
    with in_gym(gym_b), pytest.raises(medical.WrongGymError):
        medical.training_constraints(gym_id=gym_a.id, member_id=gym_a.people["member"].id)


def test_override_is_recorded_with_reason(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    frozen(NOW)
    member = gym_a.people["member"].id
    with in_gym(gym_a):
        r = restriction_create(
            member_id=member,
            region="knee",
            avoid=["jump"],
            action="exclude",
            severity="severe",
            source=RestrictionSource.CLINICIAN,
            author_id=gym_a.people["clinician"].id,
        )
        oid = medical.restriction_override_record(
            gym_id=gym_a.id,
            member_id=member,
            exercise_ref="box-jump",
            restriction_id=r.id,
            actor_id=gym_a.people["trainer"].id,
            reason="Low box, supervised",
        )
        row = RestrictionOverride.objects.get(pk=oid)
        assert (row.exercise_ref, row.reason, row.actor_id) == (
            "box-jump",
            "Low box, supervised",
            gym_a.people["trainer"].id,
        )
        with pytest.raises(ValidationError) as info:
            medical.restriction_override_record(
                gym_id=gym_a.id,
                member_id=gym_a.people["member2"].id,
                exercise_ref="box-jump",
                restriction_id=r.id,
                actor_id=gym_a.people["trainer"].id,
                reason=" ",
            )
    assert info.value.message_dict == {
        "reason": ["A reason is required to override a restriction."],
        "restriction_id": ["No such restriction for this member."],
    }
