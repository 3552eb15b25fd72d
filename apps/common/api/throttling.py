"""Rate limits per gym and per user, set by the gym's plan and counted in Redis.

Fixed one-minute windows: one round trip per request and key (``SET NX EX`` that creates the
window's counter and an atomic ``INCR``, pipelined), so concurrent requests never undercount
and the cost does not grow with the limit (DRF's ``SimpleRateThrottle`` rewrites a list of
every request's timestamp). A client may burst up to twice its limit across a window boundary;
that is the price of O(1) counting.
"""

from __future__ import annotations

import abc
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.request import Request

from apps.common.cache import incr_window

logger = logging.getLogger(__name__)
WINDOW_SECONDS = 60


def now() -> float:
    """The clock the throttles read (tests pin it)."""
    return time.time()


def _route(request: Request) -> Any:
    return getattr(request._request, "tenant", None)


class _PlanRateThrottle(throttling.BaseThrottle, abc.ABC):
    scope_kind = ""

    def __init__(self) -> None:
        self._wait: float | None = None

    def limit(self, request: Request) -> int:
        route = _route(request)
        if route is None or route.is_public:
            return int(settings.API_ANON_RATE_PER_MINUTE)
        return int(settings.API_RATE_LIMITS[route.plan.value][self.scope_kind])

    @abc.abstractmethod
    def key(self, request: Request) -> str:
        """The counter this request counts against (without the window)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        moment = now()
        window = int(moment // WINDOW_SECONDS) * WINDOW_SECONDS
        key = f"{self.key(request)}:{window}"
        cache: Any = caches["platform"]
        try:
            count = incr_window(cache, key, timeout=WINDOW_SECONDS + 5)
        except RedisError:
            # Fail open: an unreachable Redis must not take the API down with it.
            logger.warning("throttle counters unreachable; request allowed uncounted")
            return True
        if count <= self.limit(request):
            return True
        self._wait = window + WINDOW_SECONDS - moment
        return False

    def wait(self) -> float | None:
        return self._wait


class GymRateThrottle(_PlanRateThrottle):
    """All requests to one gym's API, whoever makes them (anonymous callers: per IP)."""

    scope_kind = "gym"

    def key(self, request: Request) -> str:
        route = _route(request)
        if route is None or route.is_public:
            return f"throttle:anon:{self.get_ident(request)}"
        return f"throttle:gym:{route.id}"


class UserRateThrottle(_PlanRateThrottle):
    """One person (or anonymous IP) on one gym."""

    scope_kind = "user"

    def key(self, request: Request) -> str:
        route = _route(request)
        gym = "public" if route is None or route.is_public else route.id
        user = request.user
        who = user.pk if user and user.is_authenticated else self.get_ident(request)
        return f"throttle:user:{gym}:{who}"
