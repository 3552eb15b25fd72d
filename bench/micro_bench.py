"""In-process costs of single edge steps, timed one call after another (no concurrency).

They split the per-request differences that the HTTP benchmarks show into their parts:

* routing a host: the Redis-cached route through one client per process (as configured) and
  through a new Django ``RedisCache`` client (what every ASGI request paid before, because
  ``caches[...]`` is context-local and each request is a new context); the uncached database
  lookup over a pooled connection; and opening a new PostgreSQL connection (what each request
  paid before the pool);
* the API throttles' Redis bookkeeping for one request;
* one members-list request through Django's test client (no server, no threads), with
  django-tenants sending ``SET search_path`` before every query and once per connection.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils.module_loading import import_string

from bench import harness


@dataclass
class MicroResult:
    name: str
    calls: int
    p50_us: float
    p99_us: float
    mean_us: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "calls": self.calls,
            "p50_us": round(self.p50_us, 1),
            "p99_us": round(self.p99_us, 1),
            "mean_us": round(self.mean_us, 1),
        }


def _time(name: str, func: Callable[[], object], calls: int, warmup: int = 20) -> MicroResult:
    calls = max(1, min(calls, 100_000))
    for _ in range(min(warmup, calls)):
        func()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    stats = harness.percentiles(samples)
    return MicroResult(name, calls, stats["p50"] * 1e6, stats["p99"] * 1e6, stats["mean"] * 1e6)


def routing(host: str, calls: int) -> list[MicroResult]:
    import psycopg
    from django.conf import settings
    from django.core.cache.backends.redis import RedisCache
    from django.db import connection

    from apps.common.db import database_url
    from apps.organizations.facade import api as organizations
    from apps.organizations.routing import _key

    assert organizations.route_for_host(host=host) is not None  # cached now
    platform = settings.CACHES["platform"]

    def cached_shared_client() -> object:
        return organizations.route_for_host(host=host)

    def cached_new_client() -> object:
        # What every ASGI request paid with Django's RedisCache: a new client and connection.
        cache = RedisCache(platform["LOCATION"], {"KEY_PREFIX": platform["KEY_PREFIX"]})
        return cache.get(_key(host))

    def uncached_pooled_connection() -> object:
        return organizations.route_for_host_uncached(host=host)

    def new_postgres_connection() -> object:
        # What every request paid without the pool (CONN_MAX_AGE = 0, or leaked under ASGI).
        with psycopg.connect(database_url()) as conn:
            return conn.execute("SELECT 1").fetchone()

    results = [
        _time("route from Redis, one client per process (as configured)", cached_shared_client, calls),
        _time("route from Redis, a new RedisCache client per call (before)", cached_new_client, calls),
        _time("route from the database, pooled connection", uncached_pooled_connection, calls),
        _time("open a new PostgreSQL connection and run SELECT 1 (before)", new_postgres_connection, calls),
    ]
    connection.close()
    return results


def throttles(host: str, calls: int) -> list[MicroResult]:
    """Both API throttles' ``allow_request`` for one request (client already connected)."""
    from django.conf import settings

    from apps.organizations.facade import api as organizations

    route = organizations.route_for_host(host=host)
    assert route is not None
    request = SimpleNamespace(
        _request=SimpleNamespace(tenant=route),
        user=SimpleNamespace(pk=uuid.uuid4(), is_authenticated=True),
        META={"REMOTE_ADDR": "127.0.0.1"},
    )
    classes = [import_string(path) for path in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES", [])]

    def one_request() -> object:
        allowed = all(cls().allow_request(request, None) for cls in classes)
        assert allowed
        return allowed

    names = " + ".join(cls.__name__ for cls in classes) or "none configured"
    return [_time(f"API throttles ({names}), one request", one_request, calls)]


def api_requests(host: str, token: str, calls: int) -> list[MicroResult]:
    """The members list through Django's test client (the full middleware, no server), with
    ``SET search_path`` before every query (as configured) and once per connection."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="application/json")
    results = []
    for once in (False, True):
        with override_settings(TENANT_LIMIT_SET_CALLS=once):
            client.get("/api/v1/members/")  # the token's last-use stamp, if due, is written here
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/api/v1/members/").status_code == 200
            sql = [q["sql"] for q in captured.captured_queries]
            sets = sum(1 for q in sql if q.startswith("SET search_path"))
            name = (
                f"API request via test client, search_path {'once' if once else 'every query'}: "
                f"{len(sql)} statements ({sets} SET search_path)"
            )
            results.append(_time(name, lambda: client.get("/api/v1/members/"), calls))
    connection.close()
    connection.set_schema_to_public()  # the requests left the connection on the gym's schema
    return results
