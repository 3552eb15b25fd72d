"""The policy decision point (PDP) and the attributes it decides on.

XACML roles (ADR 0018): host functions are the enforcement points (PEP, ``host.py``); this
module decides; the information points (PIP, ``pip.py``) gather the attributes once per call:
the gym's plan, the installation's state, its manifest, the guardian grants of its service
account, and the role of a member a request is about. Consent at install is the administration
point (PAP, ``services.plugin_install``). The PDP is a pure function of those attributes, in
process: no I/O, so a decision costs microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from apps.plugins.capabilities import CAPABILITIES, Classification, PlanTier


class DenyReason(StrEnum):
    HEALTH_DATA = "health_data"
    NOT_ACTIVE = "not_active"
    UNKNOWN_CAPABILITY = "unknown_capability"
    NOT_DECLARED = "not_declared"
    NOT_GRANTED = "not_granted"
    PLAN = "plan"
    EGRESS = "egress"
    NOT_A_MEMBER = "not_a_member"


@dataclass(frozen=True, slots=True)
class Subject:
    """Who asks: one installation in one gym, with the attributes the PIPs supplied."""

    gym_id: int
    plugin_id: str
    active: bool
    plan: PlanTier
    declared: frozenset[str]  # the manifest's capabilities
    granted: frozenset[str]  # guardian codenames held by the service account
    http_hosts: frozenset[str]


@dataclass(frozen=True, slots=True)
class Request:
    capability: str
    classification: Classification
    url: str = ""  # http.fetch only
    # For requests about a member: their role in this gym, "" when they are not an active member.
    member_role: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: DenyReason | None = None
    message: str = ""

    @property
    def egress_violation(self) -> bool:
        return self.reason is DenyReason.EGRESS


ALLOW = Decision(allowed=True)


def _deny(reason: DenyReason, message: str) -> Decision:
    return Decision(allowed=False, reason=reason, message=message)


def decide(subject: Subject, request: Request) -> Decision:
    """Allow only what the manifest declared, the gym granted, the plan includes and the data's
    classification permits. Health data is denied before anything else is considered."""
    if request.classification is Classification.HEALTH:
        return _deny(DenyReason.HEALTH_DATA, "health data is never available to plugins")
    if not subject.active:
        return _deny(DenyReason.NOT_ACTIVE, "the installation is not active")
    capability = CAPABILITIES.get(request.capability)
    if capability is None:
        return _deny(DenyReason.UNKNOWN_CAPABILITY, f"unknown capability {request.capability!r}")
    if capability.classification is Classification.HEALTH:
        return _deny(DenyReason.HEALTH_DATA, "health data is never available to plugins")
    if request.capability not in subject.declared:
        return _deny(DenyReason.NOT_DECLARED, f"{request.capability!r} is not in the manifest")
    if "use_" + request.capability.replace(".", "_") not in subject.granted:
        return _deny(DenyReason.NOT_GRANTED, f"{request.capability!r} was not granted by the gym")
    if subject.plan < capability.min_plan:
        return _deny(
            DenyReason.PLAN, f"{request.capability!r} needs the {capability.min_plan.name.lower()} plan"
        )
    if request.capability == "http.fetch":
        parts = urlsplit(request.url)
        if (
            parts.scheme != "https"
            or (parts.hostname or "") not in subject.http_hosts
            or parts.port
            not in (
                None,
                443,
            )
            or parts.username
            or parts.password
        ):
            return _deny(
                DenyReason.EGRESS, f"{parts.hostname or request.url!r} is not a host of the manifest"
            )
    if request.member_role == "":
        return _deny(DenyReason.NOT_A_MEMBER, "that person is not an active member of this gym")
    return ALLOW
