"""Demo data of the plugin platform (``seed_demo_all``): the first-party signed "badges" sample
from the plugins folder, installed with every capability it asks for, configured and active."""

from __future__ import annotations

from uuid import UUID

from apps.plugins import registry, services
from apps.plugins.models import PluginInstallation

PLUGIN_ID = "badges"


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """Install, configure and activate "badges" unless it is installed already (then it is left
    as the gym's admins made it). Returns what is there, one line each."""
    installation = PluginInstallation.objects.filter(plugin_id=PLUGIN_ID).first()
    if installation is None:
        versions = registry.catalogue().versions(PLUGIN_ID)
        if not versions:
            return [f'plugin "{PLUGIN_ID}": not in the catalogue (plugins folder or trusted keys missing)']
        manifest = versions[0].manifest
        owner = people["owner"]
        installation = services.plugin_install(
            gym_id=gym_id,
            plugin_id=PLUGIN_ID,
            version=manifest.version,
            granted=manifest.capabilities,
            actor_id=owner,
        )
        installation = services.plugin_configure(
            installation=installation, values={"announce": True, "title_prefix": "Ironworks"}, actor_id=owner
        )
        installation = services.plugin_activate(installation=installation, actor_id=owner)
    return [f'plugin "{PLUGIN_ID}" {installation.version}: {installation.status}']
