"""Web shell pages served by the edge: landing, sign-in, dashboard, health probes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.organizations.facade import api as organizations


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Checks nothing else, so a slow dependency never gets a
    healthy process killed."""
    return JsonResponse({"status": "ok"})


def _check(name: str, probe: Any) -> tuple[str, dict[str, str]]:
    try:
        probe()
        return name, {"status": "ok"}
    except Exception as exc:  # report, never raise: this endpoint must answer
        return name, {"status": "error", "error": type(exc).__name__}


def _postgres() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    caches["platform"].get("readyz")


def _broker() -> None:
    from celery import current_app

    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: PostgreSQL, Redis and the Celery broker all answer."""
    checks = dict(_check(n, p) for n, p in (("postgres", _postgres), ("redis", _redis), ("broker", _broker)))
    ok = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "public/landing.html", {"platform_domain": settings.PLATFORM_DOMAIN})


class GymAuthenticationForm(AuthenticationForm):
    """Sign-in on a gym's host: only active members of that gym get in. Everyone else is told
    the same thing as for a wrong password."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        route = getattr(self.request, "tenant", None)
        if route is None or route.is_public:
            return
        if organizations.active_membership(gym_id=route.id, user_id=user.pk) is None:
            raise self.get_invalid_login_error()


class GymLoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    authentication_form = GymAuthenticationForm
    redirect_authenticated_user = True


class GymLogoutView(auth_views.LogoutView):
    pass


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in member's home in this gym; what it shows depends on their role."""
    membership = getattr(request, "membership", None)
    role = membership.role.value if membership else "member"
    others = [
        m
        for m in organizations.memberships_of_user(user_id=UUID(str(request.user.pk)))
        if m.is_active and membership is not None and m.gym_id != membership.gym_id
    ]
    return render(
        request,
        "dashboard/index.html",
        {"role": role, "other_memberships": others, "platform_domain": settings.PLATFORM_DOMAIN},
    )
