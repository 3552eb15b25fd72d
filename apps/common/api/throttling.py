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


def _signed_in(request: Request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated)


class _PlanRateThrottle(throttling.BaseThrottle, abc.ABC):
    def __init__(self) -> None:
        self._wait: float | None = None

    @abc.abstractmethod
    def key(self, request: Request) -> str | None:
        """The counter this request counts against (without the window); None: not counted."""

    @abc.abstractmethod
    def limit(self, request: Request) -> int:
        """Requests a minute allowed on that counter."""

    def allow_request(self, request: Request, view: Any) -> bool:
        counter = self.key(request)
        if counter is None:
            return True
        moment = now()
        window = int(moment // WINDOW_SECONDS) * WINDOW_SECONDS
        cache: Any = caches["platform"]
        try:
            count = incr_window(cache, f"{counter}:{window}", timeout=WINDOW_SECONDS + 5)
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
    """Signed-in requests to one gym's API, by the gym's plan. Anonymous callers (sign-in,
    sign-up, the schema) count per IP against the anonymous rate instead, so they can never
    spend a gym's budget and lock its members out."""

    def key(self, request: Request) -> str:
        route = _route(request)
        if not _signed_in(request):
            place = "public" if route is None or route.is_public else route.id
            return f"throttle:anon:{place}:{self.get_ident(request)}"
        return f"throttle:gym:{route.id}"

    def limit(self, request: Request) -> int:
        if not _signed_in(request):
            return int(settings.API_ANON_RATE_PER_MINUTE)
        return int(settings.API_RATE_LIMITS[_route(request).plan.value]["gym"])


class UserRateThrottle(_PlanRateThrottle):
    """One signed-in person on one gym, by the gym's plan."""

    def key(self, request: Request) -> str | None:
        route = _route(request)
        if not _signed_in(request) or route is None or route.is_public:
            return None
        return f"throttle:user:{route.id}:{request.user.pk}"

    def limit(self, request: Request) -> int:
        return int(settings.API_RATE_LIMITS[_route(request).plan.value]["user"])
