"""Benchmark 3: how long gym sign-up takes, by the way the new gym's schema comes to be.

Every sample is one real ``gym_sign_up`` call (new owner account, domain, owner membership,
security event, outbox event), only the schema differs:

* ``pool``: a spare schema is waiting (the pool was topped up, untimed, before the call);
  sign-up claims it with ``SELECT ... FOR UPDATE SKIP LOCKED``. The production path.
* ``clone``: the pool is empty, so sign-up clones the template schema on the spot.
* ``migrate``: the pool is empty and ``TENANT_CREATION_FAKES_MIGRATIONS`` is off, so
  django-tenants creates an empty schema and runs every tenant migration into it: what
  sign-up would cost without the template and the pool.

The modes alternate (their order rotates each iteration) so they share the machine's state.
One untimed sign-up per mode goes first (it loads the password validators' word list, defines
the clone function, warms caches). The password hash of the owner, which every mode pays, is
timed on its own too, once per iteration: it is the floor of any sign-up that creates an account.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from bench import harness, world

MODES = ("pool", "clone", "migrate")


@dataclass
class SignUpResult:
    mode: str
    seconds: list[float] = field(default_factory=list)
    tables: int = 0

    def as_dict(self) -> dict[str, Any]:
        stats = harness.percentiles(self.seconds)
        return {
            "mode": self.mode,
            "n": len(self.seconds),
            "p50_ms": round(stats["p50"] * 1000, 1),
            "p95_ms": round(stats["p95"] * 1000, 1),
            "mean_ms": round(stats["mean"] * 1000, 1),
            "max_ms": round(stats["max"] * 1000, 1),
            "tables_in_new_schema": self.tables,
        }


def _drain_pool() -> None:
    from apps.organizations.facade.contracts import GymStatus
    from apps.organizations.models import Gym

    for spare in Gym.objects.filter(status=GymStatus.SPARE.value):
        spare.delete(force_drop=True)


def _prepare(mode: str) -> AbstractContextManager[Any]:
    """Untimed set-up for one sample; returns the settings context the timed call runs in."""
    from django.test.utils import override_settings

    from apps.organizations.services import gym_pool_top_up

    if mode == "pool":
        gym_pool_top_up(target=1)
        return override_settings()
    _drain_pool()
    if mode == "migrate":
        return override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False)
    return override_settings()


def _sign_up(mode: str, label: str) -> tuple[float, str]:
    from apps.organizations.services import gym_sign_up

    context = _prepare(mode)
    with context:
        started = time.perf_counter()
        gym = gym_sign_up(
            name=f"Bench {label}",
            subdomain=label,
            owner_email=f"owner-{label}@bench-signup.test",
            owner_password=world.PASSWORD,
        )
        elapsed = time.perf_counter() - started
    return elapsed, gym.schema_name


def run(n: int) -> tuple[list[SignUpResult], dict[str, Any]]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    connection.set_schema_to_public()  # sign-up runs on the public schema, as in a request
    n = max(1, min(n, 200))
    results = {mode: SignUpResult(mode) for mode in MODES}
    schemas: dict[str, str] = {}
    stamp = int(time.time()) % 100_000
    for mode in MODES:  # warm-up, untimed
        _sign_up(mode, f"warm-{mode}-{stamp}")
    hashes = []
    for i in range(n):
        order = MODES[i % len(MODES) :] + MODES[: i % len(MODES)]
        for mode in order:
            elapsed, schema = _sign_up(mode, f"su-{mode}-{stamp}-{i:03d}")
            results[mode].seconds.append(elapsed)
            schemas[mode] = schema
        started = time.perf_counter()
        make_password(world.PASSWORD)
        hashes.append(time.perf_counter() - started)
        harness.log(
            f"sign-up {i + 1}/{n}: " + ", ".join(f"{m} {results[m].seconds[-1] * 1000:.0f} ms" for m in MODES)
        )
    counts = world.table_counts([*schemas.values(), "public"])
    for mode, schema in schemas.items():
        results[mode].tables = counts[schema]
    _drain_pool()
    extra = {
        "public_tables": counts["public"],
        "tenant_migrations": _tenant_migration_count(),
        "password_hash_p50_ms": round(harness.percentile(hashes, 50) * 1000, 1),
    }
    return [results[m] for m in MODES], extra


def _tenant_migration_count() -> int:
    """Migrations that run in every gym schema (TENANT_APPS), a proxy for migrate's cost."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    return sum(1 for app_label, _ in loader.disk_migrations if app_label in labels)
