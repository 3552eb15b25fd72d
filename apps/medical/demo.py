"""Demo data of the medical context (``seed_demo_all``): ``member@`` has signed a PAR-Q+ with a
knee problem (one restriction follows from the screening rules) and lets their trainer see
their record. Written through the services, so the audit trail records it like any other."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from apps.medical import services
from apps.medical.audit.api import system_meta
from apps.medical.models import Consent, GranteeKind, Restriction, Screening
from apps.medical.policy import policy

CONSENT_DAYS = 90  # within the limit of HIPAA mode too
DATE_OF_BIRTH = date(1990, 4, 2)

# Yes to one general question (a bone, joint or soft-tissue problem: the knee), no to every
# follow-up: the member may train, and the knee restriction keeps deep knee bends and impact out.
KNEE_PROBLEM: dict[str, Any] = (
    {f"g{i}": i == 6 for i in range(1, 8)}
    | {"g6_regions": ["knee"], "d1": False, "d2": False, "d3": False}
    | {f"f{i}": False for i in range(1, 11)}
)


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Screening and consent of ``member@`` (idempotent). Returns what is there, one line each."""
    member, trainer = people["member"], people["trainer"]
    meta = system_meta(label="seed_demo_all")
    if not Screening.objects.filter(member_id=member).exists():
        services.screening_submit(
            member_id=member,
            answers=KNEE_PROBLEM,
            signed_name="Max Member",
            date_of_birth=DATE_OF_BIRTH,
            meta=meta,
        )
    if not Consent.objects.filter(
        member_id=member, grantee_kind=GranteeKind.TRAINER, grantee_id=trainer, revoked_at__isnull=True
    ).exists():
        services.consent_grant(
            member_id=member,
            grantee_kind=GranteeKind.TRAINER,
            grantee_id=trainer,
            days=CONSENT_DAYS,
            rules=policy(hipaa_mode=False),
            meta=meta,
        )
    regions = sorted(
        str(r.region) for r in Restriction.objects.filter(member_id=member, ended_at__isnull=True)
    )
    return [
        f"member@ signed a PAR-Q+ (restrictions: {', '.join(regions) or 'none'}) "
        "and consents to trainer@ seeing their health record"
    ]
