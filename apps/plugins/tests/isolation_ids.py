"""Cross-gym isolation tables for the plugin API (see tests/isolation/test_cross_gym.py)."""

from __future__ import annotations

import uuid
from typing import Any

from django_tenants.utils import schema_context

from apps.plugins.models import PluginInstallation

BASE = "/api/v1/plugins/installations/{id}/"

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/plugins/installations/"): {
        "plugin_id": "badges",
        "version": "1.0.0",
        "granted_capabilities": ["events.workout.read"],
    },
    ("PUT", BASE + "config/"): {"config": {"award_title": "Taken over"}},
    ("POST", BASE + "activate/"): {},
    ("POST", BASE + "deactivate/"): {},
    ("POST", BASE + "version/"): {"version": "1.0.0"},
}


def _b_installation(world: Any) -> PluginInstallation:
    with schema_context(world.b.schema_name):
        installation, _ = PluginInstallation.objects.get_or_create(
            plugin_id="b-only-plugin",
            defaults={"version": "1.0.0", "service_account_id": uuid.uuid4(), "config": {"secret_plan": "b"}},
        )
        return installation


def b_only_urls(world: Any) -> dict[str, str]:
    pk = _b_installation(world).pk
    base = f"/api/v1/plugins/installations/{pk}/"
    return {
        BASE: base,
        **{
            BASE + suffix: base + suffix
            for suffix in ("config/", "activate/", "deactivate/", "version/", "audit/", "metrics/")
        },
    }


def snapshot_b(world: Any) -> list[Any]:
    with schema_context(world.b.schema_name):
        return sorted(
            PluginInstallation.objects.values_list("plugin_id", "version", "status", "config", "secrets")
        )
