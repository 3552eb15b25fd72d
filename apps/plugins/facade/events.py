"""Integration events published by the plugin platform."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from apps.common.events import IntegrationEvent, integration_event


@integration_event("plugins.PluginSuspended")
@dataclass(frozen=True, kw_only=True)
class PluginSuspended(IntegrationEvent):
    """The threat detector stopped a plugin in a gym; published in the gym's schema. The gym's
    admins also get a notice; a notifications context can subscribe to tell them elsewhere."""

    gym_id: int
    installation_id: UUID
    plugin_id: str
    reason: str
