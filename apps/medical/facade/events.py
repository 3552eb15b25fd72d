"""Integration events the medical context publishes. They carry ids and statuses, never a
health value: a subscriber that needs more asks the facade (and is told only what it may know).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from apps.common.events import IntegrationEvent, integration_event


@integration_event("medical.ClearanceChanged")
@dataclass(frozen=True, kw_only=True)
class ClearanceChanged(IntegrationEvent):
    """A member's clearance status changed (a screening, a clinician's clearance, an expiry).
    ``status`` is a ``ClearanceStatus`` value."""

    gym_id: int
    member_id: UUID
    status: str
    previous_status: str


@integration_event("medical.RestrictionsChanged")
@dataclass(frozen=True, kw_only=True)
class RestrictionsChanged(IntegrationEvent):
    """A member's restrictions were added, ended or changed; re-read ``training_constraints``."""

    gym_id: int
    member_id: UUID


@integration_event("medical.ScreeningExpiring")
@dataclass(frozen=True, kw_only=True)
class ScreeningExpiring(IntegrationEvent):
    """A member's screening expires soon: remind them to fill it in again."""

    gym_id: int
    member_id: UUID
    screening_id: UUID
    expires_at: datetime


@integration_event("medical.BreakGlassStarted")
@dataclass(frozen=True, kw_only=True)
class BreakGlassStarted(IntegrationEvent):
    """Someone opened a member's record in an emergency: alert the gym's owners (``owner_ids``).
    The typed reason stays in the record; only ids cross."""

    gym_id: int
    access_id: UUID
    actor_id: UUID
    member_id: UUID
    owner_ids: tuple[UUID, ...]
    expires_at: datetime
