from django.apps import AppConfig


class PluginsConfig(AppConfig):
    """The plugin platform: registry, lifecycle, sandboxes, policy, monitoring."""

    name = "apps.plugins"
    label = "plugins"
