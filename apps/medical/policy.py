"""Time limits of health-data access, normal and in HIPAA mode (the strictest settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    hipaa_mode: bool
    consent_max_days: int
    break_glass_max_minutes: int
    export_reauth_seconds: int


NORMAL = Policy(
    hipaa_mode=False, consent_max_days=365, break_glass_max_minutes=240, export_reauth_seconds=300
)
HIPAA = Policy(hipaa_mode=True, consent_max_days=90, break_glass_max_minutes=60, export_reauth_seconds=60)


def policy(*, hipaa_mode: bool) -> Policy:
    return HIPAA if hipaa_mode else NORMAL
