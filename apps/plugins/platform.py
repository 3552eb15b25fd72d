"""Views of the plugin platform across gyms, for platform staff: monitoring and compliance.

Each gym's plugin rows live in its schema, so these walk the active gyms one schema at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django_tenants.utils import get_tenant_model, schema_context

from apps.plugins import selectors
from apps.plugins.models import PluginInstallation


@dataclass(frozen=True, slots=True)
class GymRef:
    id: int
    schema_name: str
    subdomain: str


def active_gyms() -> list[GymRef]:
    """Gyms that serve members (not the public schema, the template or spares)."""
    with schema_context("public"):
        rows = get_tenant_model().objects.filter(status="active").order_by("id")
        return [GymRef(id=g.pk, schema_name=g.schema_name, subdomain=g.subdomain or "") for g in rows]


def per_gym() -> Iterator[GymRef]:
    for gym in active_gyms():
        with schema_context(gym.schema_name):
            yield gym


def compliance_rows() -> list[dict[str, Any]]:
    """Which plugin holds which capabilities in which gym, and in what state."""
    rows = []
    for gym in per_gym():
        for inst in PluginInstallation.objects.order_by("plugin_id"):
            rows.append(
                {
                    "gym": gym.subdomain,
                    "gym_id": gym.id,
                    "plugin_id": inst.plugin_id,
                    "version": inst.version,
                    "status": inst.status,
                    "capabilities": list(inst.granted_capabilities),
                }
            )
    return rows


def monitoring_rows() -> list[dict[str, Any]]:
    """Call statistics per gym, plugin and hook."""
    rows = []
    for gym in per_gym():
        for stat in selectors.call_stats():
            rows.append({"gym": gym.subdomain, "gym_id": gym.id, **stat})
    return rows
