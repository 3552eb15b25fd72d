"""Reads of the medical context. Callers decide who may see what (``apps.medical.access``);
these functions only fetch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db import models
from django.db.models import Q, QuerySet

from apps.common import health
from apps.medical.models import (
    BreakGlass,
    Clearance,
    ClearanceDecision,
    ClearanceDocument,
    Condition,
    Consent,
    Injury,
    Medication,
    Questionnaire,
    Restriction,
    Screening,
    ScreeningOutcome,
)
from apps.organizations.facade import api as organizations


def questionnaire_current(*, code: str) -> Questionnaire | None:
    return Questionnaire.objects.filter(code=code, is_current=True).first()


def screening_latest(*, member_id: UUID) -> Screening | None:
    return Screening.objects.filter(member_id=member_id).order_by("-signed_at").first()


def clearance_latest_valid(*, member_id: UUID, since: datetime, now: datetime) -> Clearance | None:
    return (
        Clearance.objects.filter(member_id=member_id, issued_at__gte=since, expires_at__gt=now)
        .order_by("-issued_at")
        .first()
    )


def restrictions_active(*, member_id: UUID, now: datetime) -> QuerySet[Restriction]:
    return Restriction.objects.filter(member_id=member_id, ended_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def clearance_status(*, member_id: UUID, now: datetime) -> tuple[health.ClearanceStatus, datetime | None]:
    """The member's clearance status and when it lapses (None when it does not)."""
    screening = screening_latest(member_id=member_id)
    if screening is None:
        return health.ClearanceStatus.UNSCREENED, None
    if screening.expires_at <= now:
        return health.ClearanceStatus.EXPIRED, screening.expires_at
    if screening.outcome == ScreeningOutcome.DELAY:
        return health.ClearanceStatus.DELAY, screening.expires_at
    if screening.outcome == ScreeningOutcome.CLEARED:
        return health.ClearanceStatus.CLEARED, screening.expires_at
    clearance = clearance_latest_valid(member_id=member_id, since=screening.signed_at, now=now)
    if clearance is None or clearance.decision == ClearanceDecision.NOT_CLEARED:
        return health.ClearanceStatus.NEEDS_CLEARANCE, screening.expires_at
    return health.ClearanceStatus.CLEARED, min(screening.expires_at, clearance.expires_at)


def restriction_contract(r: Restriction) -> health.Restriction:
    """A restriction as training may see it."""
    return health.Restriction(
        id=r.id,
        region=r.region,
        avoid=frozenset(str(v) for v in r.avoid),
        action=r.action,
        severity=r.severity,
        reason=r.reason,
        source=r.source,
        cap_load_kg=Decimal(r.cap_load_kg) if r.cap_load_kg is not None else None,
        cap_rpe=Decimal(r.cap_rpe) if r.cap_rpe is not None else None,
        expires_at=r.expires_at,
    )


def training_constraints(*, member_id: UUID, now: datetime) -> health.TrainingConstraints:
    status, lapses = clearance_status(member_id=member_id, now=now)
    restrictions = tuple(restriction_contract(r) for r in restrictions_active(member_id=member_id, now=now))
    return health.TrainingConstraints(
        member_id=member_id, clearance=status, restrictions=restrictions, clearance_expires_at=lapses
    )


def consents_of_member(*, member_id: UUID) -> QuerySet[Consent]:
    return Consent.objects.filter(member_id=member_id)


def consent_for(*, member_id: UUID, grantee_id: UUID, role: str, now: datetime) -> Consent | None:
    """The member's live consent covering ``grantee_id`` in ``role``, or None."""
    qs = Consent.objects.filter(member_id=member_id, revoked_at__isnull=True, expires_at__gt=now)
    if role == "trainer":
        return qs.filter(grantee_kind="trainer", grantee_id=grantee_id).first()
    if role == "clinician":
        return qs.filter(
            Q(grantee_kind="clinicians") | Q(grantee_kind="clinician", grantee_id=grantee_id)
        ).first()
    return None


def consent_lapsed_for(*, member_id: UUID, grantee_id: UUID, role: str) -> Consent | None:
    """The most recent consent that once covered ``grantee_id`` (expired or revoked), if any."""
    qs = Consent.objects.filter(member_id=member_id)
    if role == "trainer":
        return qs.filter(grantee_kind="trainer", grantee_id=grantee_id).first()
    if role == "clinician":
        return qs.filter(
            Q(grantee_kind="clinicians") | Q(grantee_kind="clinician", grantee_id=grantee_id)
        ).first()
    return None


def break_glass_live(*, actor_id: UUID, member_id: UUID, now: datetime) -> BreakGlass | None:
    return BreakGlass.objects.filter(
        actor_id=actor_id, member_id=member_id, ended_at__isnull=True, expires_at__gt=now
    ).first()


def break_glass_latest(*, actor_id: UUID, member_id: UUID) -> BreakGlass | None:
    return BreakGlass.objects.filter(actor_id=actor_id, member_id=member_id).first()


def screenings_expiring(*, before: datetime, now: datetime) -> QuerySet[Screening]:
    """Latest screenings that lapse before ``before`` and have not been reminded yet."""
    return Screening.objects.filter(expires_at__gt=now, expires_at__lte=before, reminder_sent_at__isnull=True)


@dataclass(frozen=True)
class FullRecord:
    member_id: UUID
    clearance: str
    clearance_expires_at: datetime | None
    screenings: list[Screening]
    conditions: list[Condition]
    injuries: list[Injury]
    medications: list[Medication]
    clearances: list[Clearance]
    restrictions: list[Restriction]

    def rows(self) -> list[models.Model]:
        """Every health row in the record (for access entries), documents included."""
        out: list[models.Model] = [
            *self.screenings,
            *self.conditions,
            *self.injuries,
            *self.medications,
            *self.clearances,
            *self.restrictions,
        ]
        out.extend(c.document for c in self.clearances if _document(c) is not None)
        return out


def _document(c: Clearance) -> ClearanceDocument | None:
    try:
        return c.document
    except ClearanceDocument.DoesNotExist:
        return None


def record_full(*, member_id: UUID, now: datetime) -> FullRecord:
    status, lapses = clearance_status(member_id=member_id, now=now)
    return FullRecord(
        member_id=member_id,
        clearance=status.value,
        clearance_expires_at=lapses,
        screenings=list(Screening.objects.filter(member_id=member_id).select_related("questionnaire")),
        conditions=list(Condition.objects.filter(member_id=member_id)),
        injuries=list(Injury.objects.filter(member_id=member_id)),
        medications=list(Medication.objects.filter(member_id=member_id)),
        clearances=list(Clearance.objects.filter(member_id=member_id).select_related("document")),
        restrictions=list(restrictions_active(member_id=member_id, now=now)),
    )


@dataclass(frozen=True)
class Summary:
    member_id: UUID
    clearance: str
    clearance_expires_at: datetime | None
    restrictions: list[Restriction]


def summary(*, member_id: UUID, now: datetime) -> Summary:
    status, lapses = clearance_status(member_id=member_id, now=now)
    return Summary(
        member_id=member_id,
        clearance=status.value,
        clearance_expires_at=lapses,
        restrictions=list(restrictions_active(member_id=member_id, now=now)),
    )


def consents_to(*, grantee_id: UUID, role: str, now: datetime) -> list[UUID]:
    """Members with a live consent covering ``grantee_id`` in ``role``."""
    qs = Consent.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
    if role == "trainer":
        qs = qs.filter(grantee_kind="trainer", grantee_id=grantee_id)
    elif role == "clinician":
        qs = qs.filter(Q(grantee_kind="clinicians") | Q(grantee_kind="clinician", grantee_id=grantee_id))
    else:
        return []
    return list(dict.fromkeys(qs.values_list("member_id", flat=True)))


@dataclass(frozen=True)
class ClientSummary:
    full_name: str
    email: str
    summary: Summary


def client_summaries(*, gym_id: int, actor_id: UUID, role: str, now: datetime) -> list[ClientSummary]:
    """The summaries ``actor_id`` sees on the clients list: a trainer's coached clients and the
    members with live consent to them in ``role`` (trainer or clinician), active members of the gym
    only, each once. Empty for any other role."""
    if role not in ("trainer", "clinician"):
        return []
    ids: list[UUID] = []
    if role == "trainer":
        ids.extend(organizations.clients_of(gym_id=gym_id, trainer_id=actor_id))
    ids.extend(consents_to(grantee_id=actor_id, role=role, now=now))
    people = {m.user_id: m for m in organizations.members_of_gym(gym_id=gym_id)}
    return [
        ClientSummary(
            full_name=people[member_id].full_name,
            email=people[member_id].email,
            summary=summary(member_id=member_id, now=now),
        )
        for member_id in dict.fromkeys(ids)
        if member_id in people
    ]
