"""The capabilities a plugin may ask for, and what the policy knows about each.

A capability either lets the host call some of the plugin's hooks (``events.workout.read``) or
lets the plugin call a host function (``notifications.send``). Nothing else is reachable: a
plugin has no network, files or database of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Classification(StrEnum):
    """How sensitive the data behind a resource is (SECURITY.md)."""

    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"
    HEALTH = "health"  # never available to plugins, whatever was granted


class PlanTier(IntEnum):
    FREE = 0
    PRO = 1
    ENTERPRISE = 2


@dataclass(frozen=True, slots=True)
class Capability:
    name: str
    description: str
    min_plan: PlanTier
    classification: Classification


CAPABILITIES: dict[str, Capability] = {
    c.name: c
    for c in (
        Capability(
            "events.member.read",
            "Be told when a person joins the gym",
            PlanTier.FREE,
            Classification.PERSONAL,
        ),
        Capability(
            "events.workout.read",
            "Be told when members finish workouts and set records",
            PlanTier.FREE,
            Classification.PERSONAL,
        ),
        Capability(
            "events.booking.read", "Be told when members book classes", PlanTier.FREE, Classification.PERSONAL
        ),
        Capability("members.read", "Read members' names and roles", PlanTier.FREE, Classification.PERSONAL),
        Capability(
            "notifications.send", "Send notifications to members", PlanTier.FREE, Classification.PERSONAL
        ),
        Capability(
            "notifications.deliver",
            "Deliver the gym's notifications through its own channel",
            PlanTier.PRO,
            Classification.PERSONAL,
        ),
        Capability("storage.kv", "Keep its own small key-value data", PlanTier.FREE, Classification.INTERNAL),
        Capability(
            "analytics.track", "Receive the gym's analytics events", PlanTier.PRO, Classification.INTERNAL
        ),
        Capability("payments.charge", "Charge and refund members", PlanTier.PRO, Classification.PERSONAL),
        Capability(
            "programs.recommend", "Recommend training programs", PlanTier.FREE, Classification.PERSONAL
        ),
        Capability(
            "http.fetch", "Call the HTTPS hosts its manifest names", PlanTier.FREE, Classification.INTERNAL
        ),
    )
}

# Capabilities no manifest may ask for: health data is never available to plugins.
FORBIDDEN_CAPABILITIES = frozenset({"health.read", "medical.read", "clearance.read"})


def plan_tier(plan: str) -> PlanTier:
    """The tier of a gym plan name (``free``, ``pro``, ``enterprise``); unknown plans are free."""
    return {"free": PlanTier.FREE, "pro": PlanTier.PRO, "enterprise": PlanTier.ENTERPRISE}.get(
        plan, PlanTier.FREE
    )
