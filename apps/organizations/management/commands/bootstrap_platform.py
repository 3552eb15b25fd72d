from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.organizations.services import platform_bootstrap


class Command(BaseCommand):
    help = "Route the public host, create the template schema and fill the spare-schema pool."

    def handle(self, *args: Any, **options: Any) -> None:
        platform_bootstrap()
        self.stdout.write(
            self.style.SUCCESS(
                f"Public host {settings.PLATFORM_DOMAIN} ready; "
                f"{settings.GYM_SPARE_POOL_SIZE} spare gym schemas in the pool."
            )
        )
