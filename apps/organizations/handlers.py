"""Subscribers of the organizations context."""

from __future__ import annotations

from apps.common.events import subscribe
from apps.organizations.facade.events import GymCreated
from apps.organizations.services import gym_pool_top_up


@subscribe(GymCreated)
def refill_spare_pool(event: GymCreated) -> None:
    """A sign-up used a spare schema: clone another so the next sign-up is instant too."""
    gym_pool_top_up()
