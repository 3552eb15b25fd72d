"""How the medical context writes to the health-data audit trail (``apps.medical.audit``).

One place that names object types and purposes, so every view and service records reads,
changes and disclosures the same way. Values never go in: ids and field names only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import models

from apps.medical.audit import api as audit
from apps.medical.audit.api import AccessAction, AccessedObject, AuditMeta, ChangeAction, Purpose

__all__ = ["AccessAction", "AuditMeta", "ChangeAction", "Purpose", "meta_for"]


def meta_for(request: Any) -> AuditMeta:
    return audit.audit_meta(request)


def label(obj: models.Model | type[models.Model]) -> str:
    return str(obj._meta.label_lower)


def subject_of(row: models.Model) -> UUID | None:
    """Whose health data a row is: its ``member_id``, or its clearance's for a document."""
    subject = getattr(row, "member_id", None)
    if subject is None and hasattr(row, "clearance_id"):
        clearance = getattr(row, "clearance", None)
        subject = getattr(clearance, "member_id", None)
    return subject


def read(
    *, meta: AuditMeta, rows: Iterable[models.Model], action: AccessAction, purpose: Purpose, grant: str = ""
) -> int:
    """One access entry per row read (rows carry ``member_id``), grouped by model."""
    by_type: dict[str, list[AccessedObject]] = {}
    for row in rows:
        subject = subject_of(row)
        by_type.setdefault(label(row), []).append(AccessedObject(object_id=str(row.pk), subject_id=subject))
    detail = {"grant": grant} if grant else None
    return sum(
        audit.access_record_many(
            request_meta=meta, objects=objs, object_type=t, action=action, purpose=purpose, detail=detail
        )
        for t, objs in by_type.items()
    )


def changed(
    *,
    meta: AuditMeta | None,
    actor_id: UUID | None = None,
    row: models.Model,
    action: ChangeAction,
    fields: Iterable[str],
    purpose: Purpose,
    subject_id: UUID | None = None,
) -> None:
    audit.change_record(
        request_meta=meta,
        actor_id=actor_id if meta is None else None,
        subject_id=subject_id if subject_id is not None else subject_of(row),
        object_type=label(row),
        object_id=str(row.pk),
        action=action,
        fields=list(fields),
        purpose=purpose,
    )


def disclosed(*, meta: AuditMeta, subject_id: UUID, recipient: str, description: str, purpose: str) -> None:
    audit.disclosure_record(
        request_meta=meta,
        subject_id=subject_id,
        recipient=recipient,
        description=description,
        purpose=purpose,
    )
