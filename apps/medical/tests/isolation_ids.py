"""Cross-gym isolation tables for the medical API (see tests/isolation/test_cross_gym.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.common.tenancy import tenant_connection
from apps.medical import services
from apps.medical.models import (
    BreakGlass,
    Clearance,
    Condition,
    Consent,
    Injury,
    Medication,
    Restriction,
    Screening,
    ScreeningRule,
)
from apps.medical.tests.helpers import ALL_NO

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/medical/screenings/"): {
        "answers": ALL_NO,
        "signed_name": "Intruder",
        "date_of_birth": "1990-01-01",
    },
    ("POST", "/api/v1/medical/consents/"): {"grantee_kind": "clinicians", "days": 30},
    ("PATCH", "/api/v1/medical/rules/{rule_id}/"): {"active": False},
    ("POST", "/api/v1/medical/members/{member_id}/conditions/"): {"description": "taken over"},
    ("POST", "/api/v1/medical/members/{member_id}/injuries/"): {
        "region": "knee",
        "severity": "mild",
        "onset": "2026-01-01",
    },
    ("POST", "/api/v1/medical/members/{member_id}/medications/"): {"text": "taken over"},
    ("POST", "/api/v1/medical/members/{member_id}/restrictions/"): {
        "region": "knee",
        "action": "exclude",
        "severity": "mild",
    },
    ("POST", "/api/v1/medical/members/{member_id}/clearances/"): {
        "decision": "cleared",
        "expires_at": "2099-01-01T00:00:00Z",
    },
    ("PUT", "/api/v1/medical/members/{member_id}/clearances/{clearance_id}/document/"): {},
    ("POST", "/api/v1/medical/members/{member_id}/break-glass/"): {
        "reason": "taking over the record",
        "minutes": 30,
        "code": "000000",
    },
}


@dataclass(frozen=True)
class _Tenant:
    id: int
    schema_name: str


@contextmanager
def in_gym(gym: Any) -> Iterator[None]:
    connection = tenant_connection()
    previous = connection.tenant
    connection.set_tenant(_Tenant(id=gym.id, schema_name=gym.schema_name))
    try:
        yield
    finally:
        connection.set_tenant(previous)


def b_only_urls(world: Any) -> dict[str, str]:
    """Rows that exist only in gym B, owned by B's own member (not the person in both gyms)."""
    b = world.b
    member = b.people["member"].id
    clinician = b.people["clinician"].id
    now = timezone.now()
    with in_gym(b):
        services.questionnaires_sync()
        rule = ScreeningRule.objects.order_by("key").first()
        assert rule is not None
        condition = Condition(member_id=member, description="b only", source="self_report", author_id=member)
        condition.save()
        injury = Injury(member_id=member, details={"region": "knee"}, source="self_report", author_id=member)
        injury.save()
        medication = Medication(member_id=member, text="b only", source="self_report", author_id=member)
        medication.save()
        restriction = Restriction(
            member_id=member,
            region="knee",
            action="exclude",
            severity="mild",
            source="clinician",
            author_id=clinician,
        )
        restriction.save()
        clearance = Clearance(
            member_id=member, clinician_id=clinician, decision="cleared", expires_at=now + timedelta(days=30)
        )
        clearance.save()
        consent = Consent.objects.create(
            member_id=member, grantee_kind="clinicians", expires_at=now + timedelta(days=30)
        )
    m = f"/api/v1/medical/members/{member}"
    return {
        "/api/v1/medical/consents/{consent_id}/": f"/api/v1/medical/consents/{consent.id}/",
        "/api/v1/medical/rules/{rule_id}/": f"/api/v1/medical/rules/{rule.id}/",
        "/api/v1/medical/members/{member_id}/summary/": f"{m}/summary/",
        "/api/v1/medical/members/{member_id}/record/": f"{m}/record/",
        "/api/v1/medical/members/{member_id}/conditions/": f"{m}/conditions/",
        "/api/v1/medical/members/{member_id}/conditions/{item_id}/": f"{m}/conditions/{condition.id}/",
        "/api/v1/medical/members/{member_id}/injuries/": f"{m}/injuries/",
        "/api/v1/medical/members/{member_id}/injuries/{item_id}/": f"{m}/injuries/{injury.id}/",
        "/api/v1/medical/members/{member_id}/medications/": f"{m}/medications/",
        "/api/v1/medical/members/{member_id}/medications/{item_id}/": f"{m}/medications/{medication.id}/",
        "/api/v1/medical/members/{member_id}/restrictions/": f"{m}/restrictions/",
        "/api/v1/medical/members/{member_id}/restrictions/{item_id}/": f"{m}/restrictions/{restriction.id}/",
        "/api/v1/medical/members/{member_id}/clearances/": f"{m}/clearances/",
        "/api/v1/medical/members/{member_id}/clearances/{clearance_id}/document/": (
            f"{m}/clearances/{clearance.id}/document/"
        ),
        "/api/v1/medical/members/{member_id}/break-glass/": f"{m}/break-glass/",
    }


def snapshot_b(world: Any) -> tuple[Any, ...]:
    with in_gym(world.b):
        return (
            Screening.objects.count(),
            Condition.objects.count(),
            Injury.objects.count(),
            Medication.objects.count(),
            sorted(str(r) for r in Restriction.objects.values_list("id", "ended_at")),
            Clearance.objects.count(),
            sorted(str(c) for c in Consent.objects.values_list("id", "revoked_at")),
            BreakGlass.objects.count(),
            sorted(str(r) for r in ScreeningRule.objects.values_list("key", "active")),
        )
