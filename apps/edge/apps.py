from django.apps import AppConfig


class EdgeConfig(AppConfig):
    """The API edge and web shell: routing, authentication, membership, throttling, health."""

    name = "apps.edge"
    label = "edge"

    def ready(self) -> None:
        from apps.edge import cors

        cors.connect()
