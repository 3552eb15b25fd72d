"""A member's export of their whole health record, as JSON and as PDF (fpdf2).

Everything the member's record holds goes in: screenings with answers, conditions, injuries,
medications, clearances (document details and SHA-256; the document itself is downloaded from
its own endpoint), restrictions, consents, emergency accesses to the record, restriction
overrides and the accounting of disclosures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from fpdf import FPDF

from apps.medical import clock, selectors, trail
from apps.medical.audit import api as audit
from apps.medical.models import BreakGlass, ClearanceDocument, Consent, RestrictionOverride


@dataclass(frozen=True)
class Export:
    member_id: UUID
    gym_id: int
    generated_at: datetime
    record: selectors.FullRecord
    data: dict[str, Any]


def _document(c: Any) -> dict[str, Any] | None:
    try:
        doc = c.document
    except ClearanceDocument.DoesNotExist:
        return None
    return {
        "id": doc.id,
        "content_type": doc.content_type,
        "size": doc.size,
        "sha256": doc.sha256,
        "filename": doc.filename,
        "uploaded_at": doc.uploaded_at,
    }


def export_build(*, member_id: UUID, gym_id: int) -> Export:
    now = clock.now()
    record = selectors.record_full(member_id=member_id, now=now)
    data: dict[str, Any] = {
        "member_id": member_id,
        "gym_id": gym_id,
        "generated_at": now,
        "clearance": record.clearance,
        "clearance_expires_at": record.clearance_expires_at,
        "screenings": [
            {
                "id": x.id,
                "questionnaire": f"{x.questionnaire.code} {x.questionnaire.version}",
                "answers": x.answers,
                "outcome": x.outcome,
                "signed_name": x.signed_name,
                "signed_at": x.signed_at,
                "date_of_birth": x.date_of_birth,
                "guardian_name": x.guardian_name,
                "guardian_signed_at": x.guardian_signed_at,
                "expires_at": x.expires_at,
            }
            for x in record.screenings
        ],
        "conditions": [
            {
                "id": x.id,
                "description": x.description,
                "severity": x.severity,
                "notes": x.notes,
                "source": x.source,
                "created_at": x.created_at,
            }
            for x in record.conditions
        ],
        "injuries": [
            {"id": x.id, **x.details, "source": x.source, "created_at": x.created_at} for x in record.injuries
        ],
        "medications": [
            {"id": x.id, "text": x.text, "source": x.source, "created_at": x.created_at}
            for x in record.medications
        ],
        "clearances": [
            {
                "id": x.id,
                "clinician_id": x.clinician_id,
                "decision": x.decision,
                "text": x.text,
                "issued_at": x.issued_at,
                "expires_at": x.expires_at,
                "document": _document(x),
            }
            for x in record.clearances
        ],
        "restrictions": [
            {
                "id": x.id,
                "region": x.region,
                "avoid": x.avoid,
                "action": x.action,
                "severity": x.severity,
                "cap_load_kg": x.cap_load_kg,
                "cap_rpe": x.cap_rpe,
                "reason": x.reason,
                "source": x.source,
                "expires_at": x.expires_at,
            }
            for x in record.restrictions
        ],
        "consents": [
            {
                "id": x.id,
                "grantee_kind": x.grantee_kind,
                "grantee_id": x.grantee_id,
                "granted_at": x.granted_at,
                "expires_at": x.expires_at,
                "revoked_at": x.revoked_at,
            }
            for x in Consent.objects.filter(member_id=member_id)
        ],
        "emergency_accesses": [
            {"id": x.id, "actor_id": x.actor_id, "started_at": x.started_at, "expires_at": x.expires_at}
            for x in BreakGlass.objects.filter(member_id=member_id)
        ],
        "restriction_overrides": [
            {
                "id": x.id,
                "restriction_id": x.restriction_id,
                "exercise_ref": x.exercise_ref,
                "actor_id": x.actor_id,
                "reason": x.reason,
                "created_at": x.created_at,
            }
            for x in RestrictionOverride.objects.filter(member_id=member_id)
        ],
        "disclosures": [
            {
                "disclosed_at": d.disclosed_at,
                "recipient": d.recipient,
                "description": d.description,
                "purpose": d.purpose,
            }
            for d in audit.disclosures_of_member(subject_id=member_id)
        ],
    }
    return Export(member_id=member_id, gym_id=gym_id, generated_at=now, record=record, data=data)


def export_recorded(*, made: Export, meta: trail.AuditMeta) -> None:
    """The export is a disclosure to the member: it goes into their accounting."""
    trail.disclosed(
        meta=meta,
        subject_id=made.member_id,
        recipient="the member (own export)",
        description=f"Export of the whole health record ({len(made.record.rows())} items)",
        purpose="member's request",
    )


def as_json(made: Export) -> bytes:
    return json.dumps(made.data, cls=DjangoJSONEncoder, indent=2, sort_keys=True).encode("utf-8")


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1; anything else becomes "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")


def _lines(value: Any, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if isinstance(value, dict):
        out: list[str] = []
        for k, v in value.items():
            if isinstance(v, dict | list) and v:
                out.append(f"{pad}{k}:")
                out.extend(_lines(v, indent + 1))
            else:
                out.append(f"{pad}{k}: {_scalar(v)}")
        return out
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value, 1):
            out.append(f"{pad}#{i}")
            out.extend(_lines(item, indent + 1))
        return out
    return [f"{pad}{_scalar(value)}"]


def _scalar(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list | dict):
        return "none"
    return str(json.loads(json.dumps(v, cls=DjangoJSONEncoder)))


def as_pdf(made: Export) -> bytes:
    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 10, _latin1("Health record export"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    for section, value in made.data.items():
        if isinstance(value, list | dict):
            pdf.set_font("Helvetica", style="B", size=11)
            pdf.cell(0, 8, _latin1(section.replace("_", " ").title()), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=9)
            lines = _lines(value) or ["none"]
        else:
            lines = [f"{section}: {_scalar(value)}"]
        for line in lines:
            pdf.multi_cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
