"""System check: audit entries and disclosures are kept at least 6 years (45 CFR 164.316)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

MINIMUM_RETENTION_YEARS = 6


@register()
def audit_retention_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    years = getattr(settings, "AUDIT_RETENTION_YEARS", None)
    if isinstance(years, int) and not isinstance(years, bool) and years >= MINIMUM_RETENTION_YEARS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_YEARS is {years!r}; health-data audit records are kept at least "
            f"{MINIMUM_RETENTION_YEARS} years.",
            hint=f"Set AUDIT_RETENTION_YEARS to {MINIMUM_RETENTION_YEARS} or more.",
            id="medical_audit.E001",
        )
    ]
