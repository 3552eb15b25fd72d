"""The edge's middleware. Their order in settings.MIDDLEWARE is documented in
docs/architecture/request-flow.md."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf

from apps.common.context import gym_var, request_id_var
from apps.common.tenancy import tenant_connection
from apps.edge.errors import not_found_response
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymRoute, GymStatus

access_log = logging.getLogger("gymstack.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Next = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give each request an id (the client's ``X-Request-ID`` if well-formed), echo it back,
    and write one structured access-log line per request."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        gym_token = gym_var.set("-")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # Paths may carry ids; query strings may carry anything: log the path only.
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
            gym_var.reset(gym_token)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Swagger UI and Redoc bootstrap with inline scripts and run workers from blobs.
        docs = request.path.startswith(("/api/docs/", "/api/redoc/"))
        policy = settings.CONTENT_SECURITY_POLICY_API_DOCS if docs else settings.CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class GymRoutingMiddleware:
    """Resolve the gym from the Host header (cached) and point the connection at its schema.

    Replaces django-tenants' TenantMainMiddleware, which queries the database on every request.
    Unknown hosts, spare and template schemas get a 404 (JSON under /api/, HTML elsewhere).
    """

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = tenant_connection()
        connection.set_schema_to_public()
        if request.path == "/healthz":
            # Liveness must not depend on Redis or the database: no route lookup.
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            return self.get_response(request)
        route = self.resolve(request.get_host().split(":")[0].lower())
        if route is None or route.status not in (GymStatus.ACTIVE, GymStatus.PLATFORM):
            return not_found_response(request)
        request.tenant = route  # type: ignore[attr-defined]
        connection.set_tenant(route)
        if route.is_public:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
        else:
            gym_var.set(route.schema_name)
        return self.get_response(request)

    def resolve(self, host: str) -> GymRoute | None:
        return organizations.route_for_host(host=host)


_OPEN_PREFIXES = ("/login/", "/static/", "/healthz", "/readyz", "/api/", "/favicon.ico")


class MembershipMiddleware:
    """On a gym's host, a signed-in person who is not an active member of that gym gets 404
    for everything, exactly as for a page that does not exist. Anonymous visitors of pages are
    sent to the gym's sign-in page; the API answers them itself (401)."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = getattr(request, "tenant", None)
        if route is None or route.is_public:
            return self.get_response(request)
        user = request.user
        request.membership = None  # type: ignore[attr-defined]
        if user.is_authenticated:
            membership = organizations.active_membership(gym_id=route.id, user_id=user.pk)
            if membership is None:
                return not_found_response(request)
            request.membership = membership  # type: ignore[attr-defined]
        elif not request.path.startswith(_OPEN_PREFIXES):
            return redirect_to_login(request.path)
        return self.get_response(request)
