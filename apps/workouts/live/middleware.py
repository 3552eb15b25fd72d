"""WebSocket authentication as the HTTP edge does it: the gym from the Host header (the cached
routing facade), the session from that gym's schema, an active membership of that gym, and MFA
verified in that session when the member's role requires it (ADR 0014).

Anything else is refused before the consumer runs (the handshake is closed, HTTP 403). All
database work of one handshake happens in one synchronous call, so the connection's schema
cannot be switched by another handshake in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest
from django.http.cookie import parse_cookie

from apps.common.tenancy import tenant_connection
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymRoute, GymStatus
from apps.users.facade import api as users

Scope = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Viewer:
    user_id: UUID
    role: str


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def resolve_gym(host: str) -> GymRoute | None:
    route = organizations.route_for_host(host=host.split(":")[0].lower())
    if route is None or route.status is not GymStatus.ACTIVE:
        return None
    return route


def viewer_for_session(route: GymRoute, session_key: str) -> Viewer | None:
    """The signed-in person of ``session_key`` in this gym's schema, if an active member whose
    session passes what the HTTP edge asks of it: MFA verified when their role requires it, and
    not past the short-session limits of those roles."""
    if not session_key:
        return None
    connection = tenant_connection()
    connection.set_tenant(route)
    try:
        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        user = get_user(request)
        if not user.is_authenticated:
            return None
        user_id = UUID(str(user.pk))
        membership = organizations.active_membership(gym_id=route.id, user_id=user_id)
        if membership is None:
            return None
        request.user = user
        request.tenant = route  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if users.mfa_required(request) and (
            not users.mfa_verified(request) or users.session_expiry_reason(request) is not None
        ):
            return None
    finally:
        connection.set_schema_to_public()
    return Viewer(user_id=user_id, role=str(membership.role))


def _authenticate(host: str, session_key: str) -> tuple[GymRoute, Viewer] | None:
    route = resolve_gym(host)
    if route is None:
        return None
    viewer = viewer_for_session(route, session_key)
    return None if viewer is None else (route, viewer)


class GymSessionMiddleware:
    """ASGI middleware for WebSocket scopes: adds ``gym`` (GymRoute) and ``viewer`` (Viewer)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        cookies = parse_cookie(_header(scope, b"cookie"))
        found = await database_sync_to_async(_authenticate)(
            _header(scope, b"host"), cookies.get(settings.SESSION_COOKIE_NAME, "")
        )
        if found is None:
            return await WebsocketDenier.as_asgi()(scope, receive, send)
        route, viewer = found
        return await self.inner({**scope, "gym": route, "viewer": viewer}, receive, send)
