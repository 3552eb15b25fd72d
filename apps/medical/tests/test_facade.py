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
        from apps.medical.audit.api import entries_of_subject

        audited = [
            (e.kind, e.action, e.object_id, e.actor_id, e.fields)
            for e in entries_of_subject(subject_id=member)
        ]
        assert audited == [
            ("change", "override", str(oid), gym_a.people["trainer"].id, ("exercise_ref", "reason"))
        ]
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


def _meta() -> Any:
    from apps.medical.audit.api import system_meta

    return system_meta(label="test")


def _events(kind: str) -> list[dict[str, Any]]:
    from apps.common.models import OutboxEvent

    return [e.payload for e in OutboxEvent.objects.filter(event_type=kind).order_by("occurred_at")]


def test_clearance_status_follows_screening_and_clearance(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    from datetime import date

    from apps.medical import services
    from apps.medical.tests.helpers import ALL_NO, KNEE_YES

    clock = frozen(NOW)
    member = gym_a.people["member"].id
    with in_gym(gym_a):
        services.screening_submit(
            member_id=member, answers=KNEE_YES, signed_name="M", date_of_birth=date(1990, 1, 1), meta=_meta()
        )
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
        assert got.clearance is health.ClearanceStatus.NEEDS_CLEARANCE
        assert sorted((r.region, r.action) for r in got.restrictions) == [
            ("knee", "require_clearance"),
            ("lower_back", "require_clearance"),
        ]
        clock.at = NOW + timedelta(days=1)
        services.clearance_create(
            member_id=member,
            clinician_id=gym_a.people["clinician"].id,
            decision="cleared_with_restrictions",
            text="Cleared; no jumping for now.",
            expires_at=NOW + timedelta(days=90),
            restrictions=[
                services.RestrictionSpec(region="knee", avoid=["jump"], action="exclude", severity="mild")
            ],
            meta=_meta(),
        )
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
        assert (got.clearance, got.clearance_expires_at) == (
            health.ClearanceStatus.CLEARED,
            NOW + timedelta(days=90),
        )
        assert [(r.region, sorted(r.avoid), r.action, r.source) for r in got.restrictions] == [
            ("knee", ["jump"], "exclude", "clinician")
        ]
        assert [(e["previous_status"], e["status"]) for e in _events("medical.ClearanceChanged")] == [
            ("unscreened", "needs_clearance"),
            ("needs_clearance", "cleared"),
        ]
        assert len(_events("medical.RestrictionsChanged")) == 2
        clock.at = NOW + timedelta(days=2)
        services.screening_submit(
            member_id=member,
            answers={**ALL_NO, "d1": True},
            signed_name="M",
            date_of_birth=date(1990, 1, 1),
            meta=_meta(),
        )
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
        assert (got.clearance, got.may_start_training) == (health.ClearanceStatus.DELAY, False)
        clock.at = NOW + timedelta(days=400)
        got = medical.training_constraints(gym_id=gym_a.id, member_id=member)
        assert got.clearance is health.ClearanceStatus.EXPIRED


def test_clearance_bad_input_names_each_field(gym_a: Any, in_gym: Any, frozen: Any) -> None:
    from apps.medical import services

    frozen(NOW)
    with in_gym(gym_a), pytest.raises(ValidationError) as info:
        services.clearance_create(
            member_id=gym_a.people["member"].id,
            clinician_id=gym_a.people["clinician"].id,
            decision="cleared_with_restrictions",
            text="",
            expires_at=NOW + timedelta(days=400),
            restrictions=[
                services.RestrictionSpec(region="tail", avoid=[], action="exclude", severity="mild")
            ],
            meta=_meta(),
        )
    assert info.value.message_dict == {
        "expires_at": ["A clearance lasts at most 12 months."],
        "restrictions.0.region": [
            "Unknown region. Allowed values: neck, shoulder, elbow, wrist, upper_back, lower_back, chest, "
            "abdomen, hip, knee, ankle."
        ],
    }
