"""Writes to the audit trail. Every function appends; nothing here updates or deletes."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.apps import apps as django_apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.common.tenancy import tenant_connection
from apps.medical.audit.chain import chain_append
from apps.medical.audit.contracts import (
    DISCLOSE,
    AccessAction,
    AccessedObject,
    AuditMeta,
    ChangeAction,
    EntryKind,
    Purpose,
    Via,
)
from apps.medical.audit.models import AuditEntry, ComplianceDesignation, Disclosure

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_OBJECT_TYPE = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
_DETAIL_VALUE = str | int | bool | None


def _gym_id() -> int | None:
    """The gym being served (None when only its schema is known, as under ``schema_context``)."""
    tenant = getattr(tenant_connection(), "tenant", None)
    schema = getattr(tenant, "schema_name", "public")
    if tenant is None or schema == "public":
        raise RuntimeError("The audit trail lives in a gym's schema: set the connection to a gym first.")
    gym_id = getattr(tenant, "id", None)
    return None if gym_id is None else int(gym_id)


def _meta(meta: AuditMeta | None, actor_id: UUID | None, ip: str | None, request_id: str) -> AuditMeta:
    if meta is None:
        meta = AuditMeta(actor_id=actor_id, ip_address=ip, request_id=request_id, via=Via.SYSTEM)
    elif actor_id is not None or ip is not None or request_id:
        raise ValueError("Pass either request_meta or actor_id/ip/request_id, not both.")
    if meta.actor_id is None and not (meta.via == Via.SYSTEM and meta.actor_label):
        raise ValueError("Every audit entry names its actor: an actor_id, or a system label.")
    return meta


def _ip(value: str | None) -> str:
    if not value:
        return ""
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return ""


def _object_type(value: str) -> str:
    if not _OBJECT_TYPE.match(value):
        raise ValueError(f"object_type must be 'app_label.model', got {value!r}.")
    return value


def _detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    detail = dict(detail or {})
    for key, value in detail.items():
        if not _FIELD_NAME.match(key) or not isinstance(value, _DETAIL_VALUE):
            raise ValueError("detail holds short identifiers only (names to str/int/bool/None).")
        if isinstance(value, str) and len(value) > 100:
            raise ValueError("detail values are identifiers, at most 100 characters.")
    return detail


def _entry(
    *,
    meta: AuditMeta,
    kind: EntryKind,
    action: str,
    subject_id: UUID | None,
    object_type: str,
    object_id: str,
    purpose: str,
    fields: list[str] | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEntry:
    return AuditEntry(
        kind=kind.value,
        action=action,
        occurred_at=occurred_at or timezone.now(),
        gym_id=_gym_id(),
        actor_id=meta.actor_id,
        actor_label=meta.actor_label[:254],
        via=meta.via.value,
        credential_id=meta.credential_id[:64],
        subject_id=subject_id,
        object_type=_object_type(object_type),
        object_id=str(object_id)[:64],
        purpose=Purpose(purpose).value,
        ip_address=_ip(meta.ip_address),
        request_id=meta.request_id[:64],
        fields=fields or [],
        detail=_detail(detail),
    )


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
) -> list[AuditEntry]:
    meta = _meta(request_meta, actor_id, ip, request_id)
    act = AccessAction(action).value
    now = timezone.now()
    entries = [
        _entry(
            meta=meta,
            kind=EntryKind.ACCESS,
            action=act,
            subject_id=o.subject_id,
            object_type=object_type,
            object_id=o.object_id,
            purpose=purpose,
            detail=detail,
            occurred_at=now,
        )
        for o in objects
    ]
    return chain_append(entries)


def _model_field_names(object_type: str) -> set[str] | None:
    try:
        model = django_apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    names: set[str] = set()
    for f in model._meta.get_fields():
        names.add(f.name)
        attname = getattr(f, "attname", None)
        if attname:
            names.add(attname)
    return names


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
) -> AuditEntry:
    names = sorted(set(fields))
    known = _model_field_names(object_type)
    for name in names:
        if not _FIELD_NAME.match(name):
            raise ValueError("fields are field names, never values.")
        if known is not None and name not in known:
            raise FieldDoesNotExist(f"{object_type} has no field {name!r}.")
    meta = _meta(request_meta, actor_id, ip, request_id)
    entry = _entry(
        meta=meta,
        kind=EntryKind.CHANGE,
        action=ChangeAction(action).value,
        subject_id=subject_id,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
        fields=names,
        detail=detail,
    )
    return chain_append([entry])[0]


def disclosure_digest(d: Disclosure) -> str:
    """SHA-256 of a disclosure's content, stored in its chained entry so an edit shows."""
    body = {
        "id": str(d.id),
        "subject_id": str(d.subject_id),
        "disclosed_at": d.disclosed_at.isoformat(timespec="microseconds"),
        "recipient": d.recipient,
        "description": d.description,
        "purpose": d.purpose,
        "recorded_by": str(d.recorded_by) if d.recorded_by else None,
        "recorded_at": d.recorded_at.isoformat(timespec="microseconds"),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@transaction.atomic
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
) -> Disclosure:
    meta = _meta(request_meta, actor_id, ip, request_id)
    given = {"recipient": recipient, "description": description, "purpose": purpose}
    errors = {name: "This field is required." for name, value in given.items() if not value.strip()}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    when = disclosed_at or now
    if when > now:
        raise ValidationError({"disclosed_at": "A disclosure cannot be in the future."})
    disclosure = Disclosure.objects.create(
        subject_id=subject_id,
        disclosed_at=when,
        recipient=recipient.strip()[:200],
        description=description.strip()[:500],
        purpose=purpose.strip()[:500],
        recorded_by=meta.actor_id,
        recorded_at=now,
    )
    disclosure.refresh_from_db()
    entry = _entry(
        meta=meta,
        kind=EntryKind.DISCLOSURE,
        action=DISCLOSE,
        subject_id=subject_id,
        object_type="medical_audit.disclosure",
        object_id=str(disclosure.id),
        purpose=Purpose.DISCLOSURE,
        detail={"sha256": disclosure_digest(disclosure)},
    )
    chain_append([entry])
    return disclosure


@transaction.atomic
def compliance_officer_designate(*, officer_id: UUID | None, meta: AuditMeta) -> ComplianceDesignation:
    if meta.actor_id is None:
        raise ValueError("Only a person designates the compliance officer.")
    designation = ComplianceDesignation.objects.create(officer_id=officer_id, designated_by=meta.actor_id)
    entry = _entry(
        meta=meta,
        kind=EntryKind.CHANGE,
        action=(ChangeAction.GRANT if officer_id else ChangeAction.REVOKE).value,
        subject_id=None,
        object_type="medical_audit.compliancedesignation",
        object_id=str(designation.pk),
        purpose=Purpose.COMPLIANCE,
        fields=["officer_id"],
        detail={"officer_id": str(officer_id) if officer_id else None},
    )
    chain_append([entry])
    return designation
