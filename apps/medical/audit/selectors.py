"""Reads of the audit trail."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from apps.medical.audit.contracts import DisclosureInfo, EntryInfo, EntryKind
from apps.medical.audit.models import AuditEntry, ComplianceDesignation, Disclosure


def entry_info(e: AuditEntry) -> EntryInfo:
    return EntryInfo(
        id=e.id,
        seq=e.seq,
        kind=EntryKind(e.kind),
        action=e.action,
        occurred_at=e.occurred_at,
        gym_id=e.gym_id,
        schema_name=e.schema_name,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        via=e.via,
        subject_id=e.subject_id,
        object_type=e.object_type,
        object_id=e.object_id,
        purpose=e.purpose,
        ip_address=e.ip_address or None,
        request_id=e.request_id,
        fields=tuple(e.fields),
        hash=e.hash,
    )


def disclosure_info(d: Disclosure) -> DisclosureInfo:
    return DisclosureInfo(
        id=d.id,
        subject_id=d.subject_id,
        disclosed_at=d.disclosed_at,
        recipient=d.recipient,
        description=d.description,
        purpose=d.purpose,
        recorded_by=d.recorded_by,
        recorded_at=d.recorded_at,
    )


def retention_start(*, now: datetime | None = None) -> datetime:
    """The start of the retention window: ``AUDIT_RETENTION_YEARS`` before now."""
    now = now or timezone.now()
    years = int(settings.AUDIT_RETENTION_YEARS)
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def disclosures_of_member(*, subject_id: UUID) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(subject_id=subject_id, disclosed_at__gte=retention_start()).order_by(
        "-disclosed_at", "-recorded_at"
    )


def disclosures_of_gym() -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(disclosed_at__gte=retention_start()).order_by(
        "-disclosed_at", "-recorded_at"
    )


def entries(
    *,
    subject_id: UUID | None = None,
    actor_id: UUID | None = None,
    action: str | None = None,
    kind: EntryKind | str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action=action)
    if kind:
        qs = qs.filter(kind=EntryKind(kind).value)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs.order_by("seq")


def compliance_officer_id() -> UUID | None:
    """The designated compliance officer besides the owners, if any."""
    latest = ComplianceDesignation.objects.order_by("-designated_at", "-id").first()
    return latest.officer_id if latest else None
