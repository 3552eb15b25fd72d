"""Settings for the benchmark servers: the development settings plus bench-only URLs.

Variants are picked by environment variables, so one run can start several servers side by
side and compare them:

* ``BENCH_ROUTING``: ``cached`` (default, the real GymRoutingMiddleware: route from Redis)
  or ``uncached`` (a subclass querying the database on every request; bench/middleware.py).
* ``BENCH_REDIS``: ``shared`` (default, as configured: apps.common.cache.SharedClientRedisCache,
  one client per process) or ``context`` (Django's RedisCache: under ASGI one client, and one
  new Redis connection, per request).
* ``BENCH_MIDDLEWARE``: ``full`` (default, settings.MIDDLEWARE) or ``minimal`` (no middleware
  at all: the floor of Django itself).
* ``BENCH_DB``: how requests get their PostgreSQL connection.
  ``pool`` (default, as configured): psycopg's pool (``OPTIONS["pool"]``), bounded per process.
  ``close``: no pool, ``CONN_MAX_AGE = 0``, one connection per request, closed at its end.
  ``persistent``: no pool, ``CONN_MAX_AGE = 60``. Django's ASGI handler runs each
  request's synchronous code in a thread of its own and connections are per thread, so every
  request opens a new connection that is not closed when the request ends; they pile up until
  PostgreSQL refuses clients ("too many clients already"). `run_all.py` never
  starts this variant, so a shared PostgreSQL server is not exhausted.
* ``BENCH_SEARCH_PATH``: ``every`` (default, as configured: django-tenants sends
  ``SET search_path`` before every query) or ``once`` (``TENANT_LIMIT_SET_CALLS = True``: once
  per connection and tenant switch).
* ``BENCH_THROTTLE``: ``on`` (default, the real throttle classes, limits raised so that no
  request is refused) or ``off`` (no throttle classes).
"""

import os

from config.settings.local import *  # noqa: F403
from config.settings.local import CACHES, DATABASES, MIDDLEWARE, REST_FRAMEWORK

ROOT_URLCONF = "bench.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "bench.urls_public"

_ROUTING_MIDDLEWARE = {
    "cached": "apps.edge.middleware.GymRoutingMiddleware",
    "uncached": "bench.middleware.UncachedGymRoutingMiddleware",
}
_ROUTING = os.environ.get("BENCH_ROUTING", "cached")
if _ROUTING not in _ROUTING_MIDDLEWARE:
    raise ValueError(f"BENCH_ROUTING must be one of {sorted(_ROUTING_MIDDLEWARE)}, not {_ROUTING!r}")
MIDDLEWARE = [
    _ROUTING_MIDDLEWARE[_ROUTING] if name == "apps.edge.middleware.GymRoutingMiddleware" else name
    for name in MIDDLEWARE
]
if os.environ.get("BENCH_MIDDLEWARE", "full") == "minimal":
    MIDDLEWARE = []

_REDIS = os.environ.get("BENCH_REDIS", "shared")
if _REDIS == "context":
    CACHES = {
        alias: {**conf, "BACKEND": "django.core.cache.backends.redis.RedisCache"}
        for alias, conf in CACHES.items()
    }
elif _REDIS != "shared":
    raise ValueError(f"BENCH_REDIS must be context or shared, not {_REDIS!r}")

_DB_MODE = os.environ.get("BENCH_DB", "pool")
_NO_POOL = {k: v for k, v in DATABASES["default"]["OPTIONS"].items() if k != "pool"}
if _DB_MODE == "close":
    DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": 0, "OPTIONS": _NO_POOL}}
elif _DB_MODE == "persistent":
    DATABASES = {"default": {**DATABASES["default"], "CONN_MAX_AGE": 60, "OPTIONS": _NO_POOL}}
elif _DB_MODE != "pool":
    raise ValueError(f"BENCH_DB must be close, pool or persistent, not {_DB_MODE!r}")

_SEARCH_PATH = os.environ.get("BENCH_SEARCH_PATH", "every")
if _SEARCH_PATH not in ("every", "once"):
    raise ValueError(f"BENCH_SEARCH_PATH must be every or once, not {_SEARCH_PATH!r}")
TENANT_LIMIT_SET_CALLS = _SEARCH_PATH == "once"

# Far above any load this machine can make, so no request is refused (a 429 is cheaper than a
# 200 and would flatter the numbers). The throttles' bookkeeping stays in the measured path.
_UNLIMITED = 10**9
API_RATE_LIMITS = {plan: {"gym": _UNLIMITED, "user": _UNLIMITED} for plan in ("free", "pro", "enterprise")}
if os.environ.get("BENCH_THROTTLE", "on") == "off":
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
