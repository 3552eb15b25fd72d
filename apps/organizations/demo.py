"""Demo data of the organizations context (``seed_demo_all``): the trainer coaches ``member@``."""

from __future__ import annotations

from uuid import UUID

from apps.organizations import routing
from apps.organizations.facade.contracts import DemoGymInfo, Role
from apps.organizations.models import CoachingAssignment, Gym
from apps.organizations.services import coaching_assign
from apps.users.facade import api as users

DEMO_SUBDOMAINS = ("ironworks", "harbour")
DEMO_LOCALS = ("owner", "trainer", "clinician", "member", "member2")


def demo_gyms() -> list[DemoGymInfo]:
    """The demo gyms that exist (``seed_demo`` makes them), with their people's user ids."""
    found: list[DemoGymInfo] = []
    for subdomain in DEMO_SUBDOMAINS:
        gym = Gym.objects.filter(subdomain=subdomain).first()
        if gym is None:
            continue
        people: dict[str, UUID] = {}
        for local in DEMO_LOCALS:
            info = users.user_by_email(email=f"{local}@{subdomain}.demo")
            if info is not None:
                people[local] = info.id
        found.append(DemoGymInfo(route=routing.route_from_gym(gym), people=people))
    return found


def demo_seed(*, gym_id: int, people: dict[str, UUID]) -> list[str]:
    """The demo trainer coaches ``member@`` (idempotent). Returns what is there, one line each."""
    trainer, member = people["trainer"], people["member"]
    if not CoachingAssignment.objects.filter(gym_id=gym_id, trainer_id=trainer, client_id=member).exists():
        coaching_assign(
            gym=Gym.objects.get(pk=gym_id),
            trainer_id=trainer,
            client_id=member,
            actor_id=people["owner"],
            actor_role=Role.OWNER,
        )
    return ["trainer@ coaches member@"]
