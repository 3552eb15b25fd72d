"""Template context: the gym being served (name, branding) and the visitor's membership."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def gym(request: HttpRequest) -> dict[str, Any]:
    route = getattr(request, "tenant", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "gym": None if route is None or route.is_public else route,
        "membership": getattr(request, "membership", None),
    }
