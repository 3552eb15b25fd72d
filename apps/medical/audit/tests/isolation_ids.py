"""Cross-gym isolation tables for the audit API (see tests/isolation/test_cross_gym.py)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from apps.medical.audit import api
from apps.medical.audit.models import AuditEntry, ComplianceDesignation, Disclosure

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/audit/disclosures/"): {
        "member_id": "00000000-0000-0000-0000-000000000001",
        "recipient": "Intruder",
        "description": "everything",
        "purpose": "curiosity",
    },
    ("PUT", "/api/v1/audit/compliance-officer/"): {"user_id": None},
}


def b_only_urls(world: Any) -> dict[str, str]:
    with schema_context(world.b.schema_name):
        disclosure = api.disclosure_record(
            actor_id=world.b.people["owner"].id,
            subject_id=world.b.people["member"].id,
            recipient="B's physio",
            description="clearance letter",
            purpose="continuity of care",
        )
    return {"/api/v1/audit/disclosures/{id}/": f"/api/v1/audit/disclosures/{disclosure.id}/"}


def snapshot_b(world: Any) -> tuple[Any, ...]:
    with schema_context(world.b.schema_name):
        return (
            AuditEntry.objects.count(),
            sorted(Disclosure.objects.values_list("id", "recipient")),
            list(ComplianceDesignation.objects.values_list("officer_id", flat=True)),
        )
