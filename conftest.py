"""Session-wide test fixtures.

Two real gyms (schemas ``gym-a`` and ``gym-b``) with their people are created once per test
session (per xdist worker) and committed, so isolation can be asserted between them. Each test
then runs in a transaction that is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

# Property tests run on a shared 2-core CI machine: no per-example deadline (timing is for bench/),
# and a fixed example budget so the suite's wall time stays predictable.
hypothesis_settings.register_profile(
    "project", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("project")

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - test accounts only


@dataclass
class Person:
    email: str
    id: Any = None


@dataclass
class GymFixture:
    id: int
    schema_name: str
    subdomain: str
    host: str
    people: dict[str, Person] = field(default_factory=dict)


@dataclass
class World:
    a: GymFixture
    b: GymFixture
    both: Person  # trainer in A, member in B
    password: str = PASSWORD


def _make_world() -> World:
    from django.conf import settings

    from apps.organizations.facade.contracts import Role
    from apps.organizations.models import Gym
    from apps.organizations.services import (
        coaching_assign,
        gym_sign_up,
        membership_add,
        platform_bootstrap,
    )
    from apps.users.facade import api as users

    platform_bootstrap()
    gyms: dict[str, GymFixture] = {}
    for key, name in (("a", "Alpha Barbell"), ("b", "Beta Strength")):
        owner = f"owner-{key}@example.test"
        gym = gym_sign_up(name=name, subdomain=f"gym-{key}", owner_email=owner, owner_password=PASSWORD)
        fixture = GymFixture(
            id=gym.pk,
            schema_name=gym.schema_name,
            subdomain=gym.subdomain or "",
            host=f"{gym.subdomain}.{settings.PLATFORM_DOMAIN}",
        )
        fixture.people["owner"] = Person(owner, users.user_by_email(email=owner).id)  # type: ignore[union-attr]
        for role in (Role.ADMIN, Role.TRAINER, Role.CLINICIAN, Role.MEMBER):
            email = f"{role.value}-{key}@example.test"
            person = users.user_ensure(
                email=email, password=PASSWORD, full_name=f"{role.value.title()} {key.upper()}"
            )
            membership_add(gym=gym, user_id=person.id, role=role, actor_id=None)
            fixture.people[role.value] = Person(email, person.id)
        # A second trainer who coaches nobody and a second member nobody coaches, so "only
        # assigned clients" and "only their own records" can be tested inside one gym.
        for key2, role in (("trainer2", Role.TRAINER), ("member2", Role.MEMBER)):
            email = f"{key2}-{key}@example.test"
            person = users.user_ensure(
                email=email, password=PASSWORD, full_name=f"{key2.title()} {key.upper()}"
            )
            membership_add(gym=gym, user_id=person.id, role=role, actor_id=None)
            fixture.people[key2] = Person(email, person.id)
        coaching_assign(
            gym=gym,
            trainer_id=fixture.people["trainer"].id,
            client_id=fixture.people["member"].id,
            actor_id=None,
            actor_role=None,
        )
        gyms[key] = fixture
    both = users.user_ensure(email="both@example.test", password=PASSWORD, full_name="Both Gyms")
    membership_add(gym=Gym.objects.get(pk=gyms["a"].id), user_id=both.id, role=Role.TRAINER, actor_id=None)
    membership_add(gym=Gym.objects.get(pk=gyms["b"].id), user_id=both.id, role=Role.MEMBER, actor_id=None)
    return World(a=gyms["a"], b=gyms["b"], both=Person(both.email, both.id))


_world: World | None = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    global _world
    from django.db import connection

    # Never build the fixture gyms in a real database (only in pytest-django's test_ one).
    assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        _world = _make_world()


@pytest.fixture(autouse=True)
def _public_schema_after_each_test() -> Iterator[None]:
    """A request to a gym host leaves the connection on that gym's schema (as in production,
    where the next request sets its own); put it back so no test depends on the one before."""
    yield
    from apps.common.tenancy import tenant_connection

    tenant_connection().set_schema_to_public()


@pytest.fixture(autouse=True)
def _forget_cached_routes() -> Iterator[None]:
    """A rolled-back test may have cached a route it changed; drop the cached routes after
    each test so the next one reads the committed state."""
    yield
    if _world is not None:
        from django.conf import settings

        from apps.organizations.routing import drop_cached

        drop_cached([_world.a.host, _world.b.host, settings.PLATFORM_DOMAIN])


@pytest.fixture
def world(django_db_setup: Any) -> World:
    assert _world is not None
    return _world


@pytest.fixture
def gym_a(world: World) -> GymFixture:
    return world.a


@pytest.fixture
def gym_b(world: World) -> GymFixture:
    return world.b


def login(client: Client, gym: GymFixture, email: str, *, mfa: bool = True) -> Client:
    """Sign ``email`` in on ``gym``'s host (the session row lives in that gym's schema).

    The session counts as MFA-verified unless ``mfa=False`` (roles that must use MFA are
    refused everything but sign-in and MFA set-up without it; ADR 0014)."""
    from django.contrib.auth import get_user_model

    from apps.users.facade.api import user_by_email
    from apps.users.facade.testing import mark_session_mfa_verified

    info = user_by_email(email=email)
    assert info is not None
    user = get_user_model().objects.get(pk=info.id)
    with schema_context(gym.schema_name):
        client.force_login(user)
        if mfa:
            session = client.session
            mark_session_mfa_verified(session)
            session.save()
    return client


@pytest.fixture
def api_for() -> Any:
    """``api_for(gym, role_or_email=None, mfa=True)`` -> an APIClient on that gym's host, signed
    in (MFA-verified unless ``mfa=False``)."""

    def make(gym: GymFixture, who: str | None = None, *, mfa: bool = True) -> APIClient:
        client = APIClient(HTTP_HOST=gym.host)
        if who is not None:
            email = gym.people[who].email if who in gym.people else who
            login(client, gym, email, mfa=mfa)
        return client

    return make


@pytest.fixture
def public_client() -> APIClient:
    from django.conf import settings

    return APIClient(HTTP_HOST=settings.PLATFORM_DOMAIN)


def body(response: Any) -> Any:
    return json.loads(response.content) if response.content else None
