"""List the plugins this platform discovers, and every reason each refused one is refused."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.plugins import registry


class Command(BaseCommand):
    help = "Discover plugins (entry points and the plugins folder); exit 1 when any is refused."

    def handle(self, *args: Any, **options: Any) -> None:
        catalogue = registry.catalogue(reload=True)
        for package in catalogue.all():
            m = package.manifest
            self.stdout.write(
                f"ok       {m.id} {m.version} ({m.sandbox}, signed by {m.key_id}; {package.source})"
            )
        for refusal in catalogue.refused:
            self.stdout.write(f"refused  {refusal.location}")
            for reason in refusal.reasons:
                self.stdout.write(f"         - {reason}")
        if catalogue.refused:
            raise CommandError(f"{len(catalogue.refused)} plugin(s) refused")
