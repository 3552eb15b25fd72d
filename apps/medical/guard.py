"""Checks every health-data surface makes, API and pages alike.

The edge middleware (wt-mfa) already refuses callers whose role needs MFA and who have not
verified it; these views check again, defensively, so a misconfigured middleware list never
opens health data. ``Cache-Control: no-store`` keeps health responses out of every cache.
"""

from __future__ import annotations

from typing import Any, TypeVar

from apps.common.health import HEALTH_DATA_ROLES
from apps.medical.policy import Policy, policy
from apps.users.facade import api as users

NO_STORE = "no-store, private, max-age=0"
MFA_MESSAGE = "Verify your second factor (MFA) before reading or changing health data."


def mfa_missing(request: Any, role: str | None) -> bool:
    """Whether the caller must verify MFA first: their role needs it (always for health-data
    roles; for every staff role in HIPAA mode) and it is not verified."""
    needs = users.mfa_required(request) or role in HEALTH_DATA_ROLES
    return needs and not users.mfa_verified(request)


def gym_policy(request: Any) -> Policy:
    route = getattr(getattr(request, "_request", request), "tenant", None)
    return policy(hipaa_mode=bool(getattr(route, "hipaa_mode", False)))


R = TypeVar("R")


def no_store(response: R) -> R:
    response["Cache-Control"] = NO_STORE  # type: ignore[index]
    response["Pragma"] = "no-cache"  # type: ignore[index]
    return response
