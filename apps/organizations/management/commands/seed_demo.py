"""Two demo gyms with an owner, a trainer, a clinician and members each. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from apps.organizations.facade.contracts import Role
from apps.organizations.models import Gym
from apps.organizations.services import gym_sign_up, gym_update, membership_add
from apps.users.facade import api as users

DEMO_PASSWORD = "Chalk-Plates-Rack-2026"  # noqa: S105 - published demo credentials
DEMO_GYMS = [
    ("Ironworks Gym", "ironworks", "#c2410c"),
    ("Harbour Strength", "harbour", "#0f766e"),
]
PEOPLE = [
    (Role.TRAINER, "trainer", "Tess Trainer"),
    (Role.CLINICIAN, "clinician", "Cleo Clinician"),
    (Role.MEMBER, "member", "Max Member"),
    (Role.MEMBER, "member2", "Mia Member"),
]


class Command(BaseCommand):
    help = "Create the demo gyms and people (safe to run again); prints URLs and credentials."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", default="8000", help="Port shown in the printed URLs.")

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"]
        suffix = "" if port in ("80", "") else f":{port}"
        rows = []
        for name, subdomain, colour in DEMO_GYMS:
            owner_email = f"owner@{subdomain}.demo"
            with transaction.atomic():
                gym = Gym.objects.filter(subdomain=subdomain).first()
                if gym is None:
                    gym = gym_sign_up(
                        name=name,
                        subdomain=subdomain,
                        owner_email=owner_email,
                        owner_password=DEMO_PASSWORD,
                        owner_full_name=f"Olive Owner ({name})",
                    )
                    gym_update(gym=gym, brand_colour=colour)
                    for role, local, full_name in PEOPLE:
                        person = users.user_ensure(
                            email=f"{local}@{subdomain}.demo", password=DEMO_PASSWORD, full_name=full_name
                        )
                        membership_add(gym=gym, user_id=person.id, role=role, actor_id=None)
            rows.append((name, f"http://{subdomain}.{settings.PLATFORM_DOMAIN}{suffix}/", subdomain))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Public site and sign-up: http://{settings.PLATFORM_DOMAIN}{suffix}/")
        for name, url, subdomain in rows:
            self.stdout.write(f"  {name}: {url}")
            who = ", ".join(f"{local}@{subdomain}.demo" for local in ["owner", *[p[1] for p in PEOPLE]])
            self.stdout.write(f"    people: {who}")
        self.stdout.write(f"  Password for every demo account: {DEMO_PASSWORD}")
