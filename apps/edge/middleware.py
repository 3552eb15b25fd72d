"""The edge's middleware. Their order in settings.MIDDLEWARE is documented in
docs/architecture/request-flow.md."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import set_urlconf

from apps.common.context import gym_var, request_id_var
from apps.common.crypto import EncryptionError
from apps.common.tenancy import tenant_connection
from apps.edge.errors import error_body, error_response, not_found_response, wants_json
from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymRoute, GymStatus
from apps.users.facade import api as users
from apps.users.facade.contracts import SecurityEventKind

access_log = logging.getLogger("gymstack.access")
security_log = logging.getLogger("gymstack.security")
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


def _session_user(request: HttpRequest) -> bool:
    """A signed-in person (by session) who is an active member of the gym being served."""
    route = getattr(request, "tenant", None)
    return (
        route is not None
        and not route.is_public
        and getattr(request, "membership", None) is not None
        and request.user.is_authenticated
    )


class SessionPolicyMiddleware:
    """Short sessions for roles that must use MFA (SECURITY.md 17): signed out after
    ``HEALTH_SESSION_IDLE_TIMEOUT`` without a request and ``HEALTH_SESSION_MAX_AGE`` after
    signing in. Only this session ends (the person's others and their tokens are untouched);
    pages go to the sign-in page, the API answers 401 ``session_expired``."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _session_user(request) or not users.mfa_required(request):
            return self.get_response(request)
        reason = users.session_expiry_reason(request)
        if reason is None:
            return self.get_response(request)
        user_id = request.user.pk
        request.session.flush()
        request.user = AnonymousUser()
        request.membership = None  # type: ignore[attr-defined]
        users.security_event_record(
            kind=SecurityEventKind.SESSION_EXPIRED,
            actor_id=user_id,
            subject_id=user_id,
            gym_id=request.tenant.id,  # type: ignore[attr-defined]
            meta=users.request_meta(request),
            detail={"reason": reason},
        )
        if wants_json(request):
            message = (
                "Your session has ended after inactivity." if reason == "idle" else "Your session has ended."
            )
            return JsonResponse(
                error_body(401, message + " Sign in again.", code="session_expired"), status=401
            )
        return redirect_to_login(request.get_full_path())


MFA_REQUIRED_MESSAGE = (
    "Your role in this gym requires multi-factor authentication: verify a code at "
    "POST /api/v1/auth/mfa/verify/ (set one up first at POST /api/v1/me/mfa/totp/)."
)

# Reachable before MFA is verified: signing in and out, setting up and verifying MFA, reading
# the caller's own account, the API description and the probes.
_MFA_OPEN_PREFIXES = (
    "/login/",
    "/logout/",
    "/mfa/",
    "/static/",
    "/healthz",
    "/readyz",
    "/favicon.ico",
    "/api/v1/auth/session/",
    "/api/v1/auth/mfa/verify/",
    "/api/v1/me/mfa/",
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
)
_MFA_OPEN_PATHS = frozenset({"/api/v1/me/"})


class MfaMiddleware:
    """MFA for roles that can read health data (SECURITY.md 19), on pages and the API alike.

    A signed-in member whose role in this gym requires MFA (``users.facade.api.mfa_required``)
    and whose session has not verified it is refused everything but ``_MFA_OPEN_PREFIXES``:
    pages redirect to ``/mfa/verify/`` (or ``/mfa/setup/`` before enrolment), the API answers
    403 ``mfa_required``. API tokens are checked by ``ApiTokenAuthentication``.
    """

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not _session_user(request)
            or request.path.startswith(_MFA_OPEN_PREFIXES)
            or (request.path in _MFA_OPEN_PATHS and request.method in ("GET", "HEAD"))
            or not users.mfa_required(request)
            or users.mfa_verified(request)
        ):
            return self.get_response(request)
        enrolled = users.mfa_enrolled(user_id=UUID(str(request.user.pk)))
        if request.path.startswith("/api/"):
            body = error_body(403, MFA_REQUIRED_MESSAGE, code="mfa_required", mfa_enrolled=enrolled)
            return JsonResponse(body, status=403)
        target = "/mfa/verify/" if enrolled else "/mfa/setup/"
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class DecryptionFailureMiddleware:
    """Fail closed outside DRF too (DRF's handler already answers its views): a page whose data
    cannot be decrypted (missing or wrong key, tampered or copied value; ADR 0013) gets a 503
    that shows nothing of the record, instead of a 500. Logged without the value."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, EncryptionError):
            return None
        security_log.error("decryption failed: %s", exception)
        return error_response(request, 503)
