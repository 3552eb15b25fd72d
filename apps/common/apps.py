from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared kernel: base types, request context, the integration-event bus and its outbox."""

    name = "apps.common"
    label = "common"

    def ready(self) -> None:
        # Subscribers register themselves when each context's handlers module is imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("handlers")
