"""Integration events published by the organizations context."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from apps.common.events import IntegrationEvent, integration_event
from apps.organizations.facade.contracts import Role


@integration_event("organizations.GymCreated")
@dataclass(frozen=True, kw_only=True)
class GymCreated(IntegrationEvent):
    """A sign-up claimed a schema; published in the public schema."""

    gym_id: int
    schema_name: str
    subdomain: str
    owner_id: UUID


@integration_event("organizations.MemberJoined")
@dataclass(frozen=True, kw_only=True)
class MemberJoined(IntegrationEvent):
    """A person became a member of a gym; published in the gym's schema."""

    gym_id: int
    membership_id: UUID
    user_id: UUID
    role: Role


@integration_event("organizations.MembershipChanged")
@dataclass(frozen=True, kw_only=True)
class MembershipChanged(IntegrationEvent):
    """A member's role or status changed; published in the gym's schema."""

    gym_id: int
    membership_id: UUID
    user_id: UUID
    role: Role
    status: str
    previous_role: Role
    previous_status: str
