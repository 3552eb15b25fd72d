"""Rate limits per gym and per user, set by the gym's plan and counted in Redis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework import throttling
from rest_framework.request import Request


class _PlanRateThrottle(throttling.SimpleRateThrottle):
    scope_kind = ""
    cache = caches["platform"]

    def __init__(self) -> None:  # rate is resolved per request from the gym's plan
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        route = getattr(request._request, "tenant", None)
        if route is None or route.is_public:
            self.rate = settings.API_ANON_RATE
        else:
            per_minute = settings.API_RATE_LIMITS[route.plan.value][self.scope_kind]
            self.rate = f"{per_minute}/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class GymRateThrottle(_PlanRateThrottle):
    """All requests to one gym's API, whoever makes them."""

    scope_kind = "gym"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        route = getattr(request._request, "tenant", None)
        if route is None or route.is_public:
            return f"throttle:anon:{self.get_ident(request)}"
        return f"throttle:gym:{route.id}"


class UserRateThrottle(_PlanRateThrottle):
    """One person (or anonymous IP) on one gym."""

    scope_kind = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        route = getattr(request._request, "tenant", None)
        gym = "public" if route is None or route.is_public else route.id
        who = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return f"throttle:user:{gym}:{who}"
