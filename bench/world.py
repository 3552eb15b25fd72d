"""The benchmark's own database and the gym every HTTP benchmark talks to.

Built through the real commands and services, like production: ``migrate_schemas --shared``,
``bootstrap_platform``, then ``gym_sign_up``, ``membership_add`` and ``token_create``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench import harness

PASSWORD = "bench-horse-battery-staple-42"
OWNER_EMAIL = "owner@bench-gym.test"


@dataclass(frozen=True)
class BenchGym:
    gym_id: int
    schema_name: str
    host: str
    token: str
    members: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def build_database() -> None:
    """A fresh bench database, migrated, with the public host routed and the spare pool full.
    Also drops this benchmark's Redis keys, so no route or throttle of an earlier run lingers."""
    env = harness.bench_env()
    harness.recreate_database(env["DATABASE_URL"])
    dropped = harness.clear_redis(env["REDIS_URL"], f"{env['CACHE_KEY_PREFIX']}:*")
    harness.log(f"dropped {dropped} Redis keys under {env['CACHE_KEY_PREFIX']}:")
    harness.manage("migrate_schemas", "--shared", "--verbosity", "0")
    harness.manage("bootstrap_platform", "--verbosity", "0")


def seed_gym(*, subdomain: str = "bench-gym", members: int = 50) -> BenchGym:
    """Sign a gym up with ``members`` active memberships (the owner included) and give the owner
    a personal API token. Needs ``harness.setup_django()`` first."""
    from django.conf import settings

    from apps.organizations.facade.contracts import Role
    from apps.organizations.services import gym_sign_up, membership_add
    from apps.users.facade import api as users
    from apps.users.services import token_create

    started = time.perf_counter()
    gym = gym_sign_up(
        name="Bench Barbell", subdomain=subdomain, owner_email=OWNER_EMAIL, owner_password=PASSWORD
    )
    owner = users.user_by_email(email=OWNER_EMAIL)
    assert owner is not None
    for i in range(max(0, min(members, 10_000) - 1)):
        person = users.user_ensure(email=f"member-{i:04d}@bench-gym.test", full_name=f"Member {i:04d}")
        membership_add(gym=gym, user_id=person.id, role=Role.MEMBER, actor_id=owner.id)
    _, raw = token_create(user_id=owner.id, gym_id=gym.pk, name="benchmark")
    host = f"{subdomain}.{settings.PLATFORM_DOMAIN}"
    harness.log(
        f"gym {host} ({gym.schema_name}) with {members} members in {time.perf_counter() - started:.1f} s"
    )
    return BenchGym(gym_id=gym.pk, schema_name=gym.schema_name, host=host, token=raw, members=members)


def table_counts(schema_names: list[str]) -> dict[str, int]:
    """Tables per schema (information_schema), to put sign-up times in proportion."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, count(*) FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' GROUP BY table_schema",
            [schema_names],
        )
        found = {str(name): int(count) for name, count in cursor.fetchall()}
    return {name: found.get(name, 0) for name in schema_names}
