"""Per-gym CORS: a browser origin may call a gym's API only if that gym allows it.

django-cors-headers asks ``check_request_enabled`` receivers whether to add CORS headers; the
answer comes from the gym's ``cors_allowed_origins`` (owners and admins edit it through
``PATCH /api/v1/gym/``), already on the cached route, so this costs no query.
"""

from __future__ import annotations

from typing import Any

from corsheaders.signals import check_request_enabled
from django.http import HttpRequest


def origin_allowed_for_gym(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    route = getattr(request, "tenant", None)
    origin = request.headers.get("Origin", "")
    if route is None or route.is_public or not origin or not request.path.startswith("/api/"):
        return False
    return origin.rstrip("/") in route.cors_allowed_origins


def connect() -> None:
    check_request_enabled.connect(origin_allowed_for_gym, dispatch_uid="edge.cors.per_gym")
