"""The health-data audit trail's Python API: what the rest of apps.medical calls.

Stable: every function is keyword-only. Entries go to the audit trail of the gym whose schema the
connection points at (a request to a gym's host sets it). Each append is chained under the gym's
chain lock inside the caller's transaction, so an entry commits or rolls back with the work it
records.

Rules for callers:
- Every read of health data (detail, list, export, admin) calls ``access_record`` (or
  ``access_record_many`` for lists), or goes through ``apps.medical.audit.rest.AccessLoggedMixin``
  (DRF views) or ``apps.medical.audit.admin.AccessLoggedAdminMixin`` (ModelAdmins), which do it.
- Every write of health data calls ``change_record`` with the names of the changed fields. Values
  are never accepted: field names are checked against the model when ``object_type`` names one.
- Never pass health data in ``detail``: it takes short identifiers only (a consent or grant id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from apps.medical.audit import selectors, services
from apps.medical.audit.contracts import (
    AccessAction,
    AccessedObject,
    AuditMeta,
    ChangeAction,
    DisclosureInfo,
    EntryInfo,
    EntryKind,
    Purpose,
    Via,
)
from apps.medical.audit.models import AuditEntry, Disclosure

__all__ = [
    "AccessAction",
    "AccessedObject",
    "AuditMeta",
    "ChangeAction",
    "DisclosureInfo",
    "EntryInfo",
    "Purpose",
    "Via",
    "access_record",
    "access_record_many",
    "audit_meta",
    "change_record",
    "changed_fields",
    "disclosure_record",
    "disclosures_of_member",
    "entries_of_subject",
    "system_meta",
]


def audit_meta(request: Any) -> AuditMeta:
    """Who is acting and from where, for a Django ``HttpRequest`` or a DRF ``Request``.

    Under DRF pass the DRF request (``self.request`` in a view): its ``user`` is the one its
    authentication classes resolved, so the actor is right under token auth too (Django's
    ``request.user`` is anonymous for token callers). Under token auth ``credential_id`` is the
    token's id."""
    user = request.user
    auth = getattr(request, "auth", None)
    token_id = getattr(auth, "token_id", None)
    django_request: HttpRequest = getattr(request, "_request", request)
    if not user or not user.is_authenticated:
        raise ValueError("An audited read needs an authenticated actor.")
    return AuditMeta(
        actor_id=UUID(str(user.pk)),
        actor_label=str(getattr(user, "email", "") or ""),
        via=Via.TOKEN if token_id is not None else Via.SESSION,
        credential_id=str(token_id) if token_id is not None else "",
        ip_address=django_request.META.get("REMOTE_ADDR") or None,
        request_id=str(getattr(django_request, "request_id", "")),
    )


def system_meta(*, label: str, request_id: str = "") -> AuditMeta:
    """The actor for work no person started (a task, a command), named by ``label``."""
    return AuditMeta(actor_id=None, actor_label=label, via=Via.SYSTEM, request_id=request_id)


def _info(e: AuditEntry) -> EntryInfo:
    return selectors.entry_info(e)


def access_record(
    *,
    request_meta: AuditMeta | None = None,
    actor_id: UUID | None = None,
    ip: str | None = None,
    request_id: str = "",
    subject_id: UUID | None,
    object_type: str,
    object_id: str | UUID | int,
    action: AccessAction | str,
    purpose: Purpose | str,
    detail: dict[str, Any] | None = None,
) -> EntryInfo:
    """Append one access entry: ``actor`` read ``object_type``/``object_id`` (health data of
    member ``subject_id``) for ``purpose``. Give ``request_meta`` (from ``audit_meta``) or
    ``actor_id`` with ``ip`` and ``request_id``. ``object_type`` is ``"app_label.model"``.

    Raises ``ValueError`` for an unknown action or purpose, a malformed object type, no actor,
    or a ``detail`` that is not short identifiers."""
    entries = services.access_record_many(
        request_meta=request_meta,
        actor_id=actor_id,
        ip=ip,
        request_id=request_id,
        objects=[AccessedObject(object_id=str(object_id), subject_id=subject_id)],
        object_type=object_type,
        action=action,
        purpose=purpose,
        detail=detail,
    )
    return _info(entries[0])


def access_record_many(
    *,
    request_meta: AuditMeta | None = None,
    actor_id: UUID | None = None,
    ip: str | None = None,
    request_id: str = "",
    objects: Iterable[AccessedObject],
    object_type: str,
    action: AccessAction | str,
    purpose: Purpose | str,
    detail: dict[str, Any] | None = None,
) -> int:
    """As ``access_record`` for several records read at once (a list page, an export): one
    entry per record, appended in one statement. Returns how many were appended."""
    return len(
        services.access_record_many(
            request_meta=request_meta,
            actor_id=actor_id,
            ip=ip,
            request_id=request_id,
            objects=objects,
            object_type=object_type,
            action=action,
            purpose=purpose,
            detail=detail,
        )
    )


def change_record(
    *,
    request_meta: AuditMeta | None = None,
    actor_id: UUID | None = None,
    ip: str | None = None,
    request_id: str = "",
    subject_id: UUID | None,
    object_type: str,
    object_id: str | UUID | int,
    action: ChangeAction | str,
    fields: Iterable[str],
    purpose: Purpose | str,
    detail: dict[str, Any] | None = None,
) -> EntryInfo:
    """Append one change entry naming the changed ``fields`` (names only: the trail never holds
    values, old or new). When ``object_type`` is a model label, each name must be one of its
    fields (``django.core.exceptions.FieldDoesNotExist`` otherwise), so a value passed by
    mistake is refused instead of stored."""
    return _info(
        services.change_record(
            request_meta=request_meta,
            actor_id=actor_id,
            ip=ip,
            request_id=request_id,
            subject_id=subject_id,
            object_type=object_type,
            object_id=object_id,
            action=action,
            fields=fields,
            purpose=purpose,
            detail=detail,
        )
    )


def changed_fields(*, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The names whose values differ between two snapshots of a record (for ``change_record``)."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _disclosure(d: Disclosure) -> DisclosureInfo:
    return selectors.disclosure_info(d)


def disclosure_record(
    *,
    request_meta: AuditMeta | None = None,
    actor_id: UUID | None = None,
    ip: str | None = None,
    request_id: str = "",
    subject_id: UUID,
    recipient: str,
    description: str,
    purpose: str,
    disclosed_at: datetime | None = None,
) -> DisclosureInfo:
    """Record that member ``subject_id``'s health data went to ``recipient`` outside the gym
    (45 CFR 164.528): when (``disclosed_at``, default now; never in the future), what
    (``description``, brief) and why (``purpose``). Anchored in the hash chain. Raises
    ``django.core.exceptions.ValidationError`` keyed by field for blank or future values."""
    return _disclosure(
        services.disclosure_record(
            request_meta=request_meta,
            actor_id=actor_id,
            ip=ip,
            request_id=request_id,
            subject_id=subject_id,
            recipient=recipient,
            description=description,
            purpose=purpose,
            disclosed_at=disclosed_at,
        )
    )


def disclosures_of_member(*, subject_id: UUID) -> list[DisclosureInfo]:
    """The accounting of disclosures of one member over the retention window
    (``AUDIT_RETENTION_YEARS``, 6 by default), newest first."""
    return [_disclosure(d) for d in selectors.disclosures_of_member(subject_id=subject_id)]


def entries_of_subject(*, subject_id: UUID, kind: EntryKind | None = None) -> list[EntryInfo]:
    """Every audit entry about member ``subject_id`` in this gym, oldest first (tests, exports)."""
    return [_info(e) for e in selectors.entries(subject_id=subject_id, kind=kind)]
