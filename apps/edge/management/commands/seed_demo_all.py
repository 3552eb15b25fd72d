"""`make run`'s demo data: the gyms and people (``seed_demo``), then every context's demo data in
each demo gym, through each context's facade. Idempotent: a second run adds nothing."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_tenants.utils import tenant_context

from apps.medical.facade import api as medical
from apps.organizations.facade import api as organizations
from apps.plugins.facade import api as plugins
from apps.workouts.facade import api as workouts

PLUGIN_GYMS = {"ironworks"}  # the badges plugin is demonstrated in one gym only


class Command(BaseCommand):
    help = "Create the demo gyms, people and every context's demo data (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", default="8000", help="Port shown in the printed URLs.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("seed_demo", port=options["port"], stdout=self.stdout)
        for gym in organizations.demo_gyms():
            route = gym.route
            lines: list[str] = []
            # The tenant context (not only the schema): services read the gym's id from it.
            with tenant_context(route), transaction.atomic():
                # Order matters: coaching lets the trainer assign; the screening's restriction
                # shapes the recommended program.
                lines += organizations.demo_seed(gym_id=route.id, people=gym.people)
                lines += medical.demo_seed(gym_id=route.id, people=gym.people)
                lines += workouts.demo_seed(gym_id=route.id, people=gym.people)
                if route.subdomain in PLUGIN_GYMS:
                    lines += plugins.demo_seed(gym_id=route.id, people=gym.people)
            self.stdout.write(f"  {route.name} demo data:")
            for line in lines:
                self.stdout.write(f"    - {line}")
        self.stdout.write(
            "  member@ sees the next workout of their program at /workouts/today/, charts and records "
            "at /workouts/progress/, screening and restrictions at /health/."
        )
        self.stdout.write(
            "  trainer@ and clinician@ set up MFA (an authenticator app) at their first sign-in, "
            "as intended: their roles see health data."
        )
