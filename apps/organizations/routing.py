"""Host -> gym resolution, cached in Redis so a request costs no database query.

Every write that changes what a host resolves to (domain added, changed or removed; gym
profile, plan or status changed) calls ``forget_hosts``/``forget_gym`` after commit, so the change
takes effect on the next request in every process. Unknown hosts are cached briefly too, and
forgotten when a domain is added.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpRequest
from redis.exceptions import RedisError

from apps.organizations.facade.contracts import GymRoute, GymStatus, Plan
from apps.organizations.models import Domain, Gym

logger = logging.getLogger(__name__)

_MISSING = "missing"
_NEGATIVE_TTL = 60


def _cache() -> BaseCache:
    return caches["platform"]


def _key(host: str) -> str:
    return f"route:v2:{host.lower()}"  # v2: GymRoute gained hipaa_mode


def route_from_gym(gym: Gym, host: str = "") -> GymRoute:
    return GymRoute(
        id=gym.pk,
        schema_name=gym.schema_name,
        name=gym.name,
        subdomain=gym.subdomain or "",
        plan=Plan(gym.plan),
        brand_colour=gym.brand_colour,
        status=GymStatus(gym.status),
        cors_allowed_origins=tuple(gym.cors_allowed_origins or ()),
        domain_url=host,
        hipaa_mode=gym.hipaa_mode,
    )


def route_lookup_uncached(host: str) -> GymRoute | None:
    domain = Domain.objects.select_related("tenant").filter(domain=host.lower()).first()
    if domain is None:
        return None
    return route_from_gym(domain.tenant, host)


def route_for_host(host: str) -> GymRoute | None:
    """The route of ``host`` from Redis, else from the database (and then cached). With Redis
    unreachable every request falls back to the database: slower, never down."""
    cache = _cache()
    key = _key(host)
    try:
        cached = cache.get(key)
    except RedisError:
        logger.warning("route cache unreachable; routing from the database")
        return route_lookup_uncached(host)
    if isinstance(cached, GymRoute):
        return cached
    if cached == _MISSING:
        return None
    route = route_lookup_uncached(host)
    with contextlib.suppress(RedisError):
        if route is None:
            cache.set(key, _MISSING, _NEGATIVE_TTL)
        else:
            cache.set(key, route, settings.GYM_ROUTE_CACHE_SECONDS)
    return route


def drop_cached(hosts: list[str]) -> None:
    """Remove cached routes of these hosts now (no after-commit repeat)."""
    _cache().delete_many([_key(h) for h in hosts])


def forget_hosts(hosts: Iterable[str]) -> None:
    """Drop cached routes now and again after commit (no stale value can be re-cached from a
    read that ran between the two)."""
    items = [h.lower() for h in hosts]
    drop_cached(items)
    transaction.on_commit(lambda: drop_cached(items))


def forget_gym(gym_id: int) -> None:
    forget_hosts(Domain.objects.filter(tenant_id=gym_id).values_list("domain", flat=True))


def gym_url(request: HttpRequest, subdomain: str, path: str = "/") -> str:
    """The absolute URL of ``path`` on a gym's host, with the scheme and port of ``request``."""
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    return f"{request.scheme}://{subdomain}.{settings.PLATFORM_DOMAIN}{suffix}{path}"
