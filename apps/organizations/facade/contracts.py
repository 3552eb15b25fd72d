"""What other contexts may know about gyms and memberships. No Django imports here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class GymStatus(StrEnum):
    PLATFORM = "platform"  # the public schema: landing page, sign-up, staff admin
    TEMPLATE = "template"  # the migrated schema that spares are cloned from
    SPARE = "spare"  # migrated, waiting to be claimed by a sign-up
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    TRAINER = "trainer"
    CLINICIAN = "clinician"
    MEMBER = "member"

    @property
    def manages_gym(self) -> bool:
        return self in (Role.OWNER, Role.ADMIN)


class MembershipStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class GymRoute:
    """What the edge needs to serve a request for a gym; cached per host name.

    ``schema_name`` makes it usable with ``connection.set_tenant``.
    """

    id: int
    schema_name: str
    name: str
    subdomain: str
    plan: Plan
    brand_colour: str
    status: GymStatus
    cors_allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    domain_url: str = ""
    # The gym runs in HIPAA mode: the strictest health-data settings apply (MFA for every staff
    # role, shorter sessions); see apps/common/health.py.
    hipaa_mode: bool = False

    @property
    def is_public(self) -> bool:
        return self.schema_name == "public"


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    id: UUID
    gym_id: int
    gym_name: str
    gym_subdomain: str
    user_id: UUID
    role: Role
    status: MembershipStatus
    joined_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status is MembershipStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class GymMemberInfo:
    """One row of a gym's roster: who, in which role, in which state. No health data."""

    membership_id: UUID
    user_id: UUID
    email: str
    full_name: str
    role: Role
    status: MembershipStatus
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class CoachingInfo:
    """A trainer coaching a client in one gym. Both people are active members while it counts."""

    id: UUID
    gym_id: int
    trainer_id: UUID
    client_id: UUID
    assigned_at: datetime


@dataclass(frozen=True, slots=True)
class DemoGymInfo:
    """A demo gym made by ``seed_demo``: its route (for ``tenant_context``: the connection's
    tenant then has the gym's id) and its people (``owner``, ``trainer``, ``clinician``,
    ``member``, ``member2``) by user id."""

    route: GymRoute
    people: dict[str, UUID] = field(default_factory=dict)
