"""Writes of the medical context: keyword-only, typed, atomic; events after commit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.common.events import publish
from apps.common.tenancy import tenant_connection
from apps.medical import clock, selectors, validation
from apps.medical.facade.events import ClearanceChanged, RestrictionsChanged
from apps.medical.models import Clearance, Restriction, RestrictionOverride, RestrictionSource, Screening


def _gym_id() -> int:
    return int(tenant_connection().tenant.id)


def restrictions_changed(*, member_id: UUID) -> None:
    publish(RestrictionsChanged(gym_id=_gym_id(), member_id=member_id))


def clearance_maybe_changed(*, member_id: UUID, previous: str) -> None:
    status, _ = selectors.clearance_status(member_id=member_id, now=clock.now())
    if status.value != previous:
        publish(
            ClearanceChanged(
                gym_id=_gym_id(), member_id=member_id, status=status.value, previous_status=previous
            )
        )


@transaction.atomic
def restriction_create(
    *,
    member_id: UUID,
    region: str | None,
    avoid: Any,
    action: str,
    severity: str,
    source: RestrictionSource,
    author_id: UUID,
    reason: str = "",
    cap_load_kg: Decimal | None = None,
    cap_rpe: Decimal | None = None,
    expires_at: datetime | None = None,
    screening: Screening | None = None,
    clearance: Clearance | None = None,
    rule_key: str = "",
    announce: bool = True,
) -> Restriction:
    """Record a structured restriction after checking it against the shared vocabulary."""
    cleaned = validation.restriction_fields(
        region=region, avoid=avoid, action=action, severity=severity, cap_load_kg=cap_load_kg, cap_rpe=cap_rpe
    )
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationError({"expires_at": ["The expiry must be in the future."]})
    restriction = Restriction(
        member_id=member_id,
        region=region,
        avoid=cleaned,
        action=action,
        severity=severity,
        cap_load_kg=cap_load_kg,
        cap_rpe=cap_rpe,
        reason=reason,
        source=source.value,
        screening=screening,
        clearance=clearance,
        rule_key=rule_key,
        expires_at=expires_at,
        author_id=author_id,
        created_at=clock.now(),
    )
    restriction.save()
    if announce:
        restrictions_changed(member_id=member_id)
    return restriction


@transaction.atomic
def restriction_end(*, restriction: Restriction, actor_id: UUID) -> Restriction:
    """End a restriction now (it stays on record)."""
    if restriction.ended_at is None:
        restriction.ended_at = clock.now()
        restriction.ended_by = actor_id
        restriction.save(update_fields=["ended_at", "ended_by"])
        restrictions_changed(member_id=restriction.member_id)
    return restriction


@transaction.atomic
def restriction_override_record(
    *, member_id: UUID, restriction_id: UUID, exercise_ref: str, actor_id: UUID, reason: str
) -> RestrictionOverride:
    """Record that ``actor_id`` let ``exercise_ref`` through despite a restriction."""
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["A reason is required to override a restriction."]
    if not exercise_ref.strip() or len(exercise_ref) > 120:
        errors["exercise_ref"] = ["An exercise reference of 1 to 120 characters is required."]
    restriction = Restriction.objects.filter(pk=restriction_id, member_id=member_id).first()
    if restriction is None:
        errors["restriction_id"] = ["No such restriction for this member."]
    if errors:
        raise ValidationError(errors)
    assert restriction is not None
    return RestrictionOverride.objects.create(
        member_id=member_id,
        restriction=restriction,
        exercise_ref=exercise_ref,
        actor_id=actor_id,
        reason=reason.strip(),
        created_at=clock.now(),
    )
