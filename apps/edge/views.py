"""Web shell pages served by the edge: landing, sign-in, dashboard, health probes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.organizations.facade import api as organizations
from apps.organizations.facade.contracts import GymRoute, MembershipInfo, MembershipStatus, Role


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
    """The public host's home page."""
    return render(request, "public/landing.html", {"platform_domain": settings.PLATFORM_DOMAIN})


SIGN_IN_ERROR = "Incorrect email or password."


class GymAuthenticationForm(AuthenticationForm):
    """Sign-in on a gym's host: only active members of that gym get in. Everyone else (unknown
    email, wrong password, inactive account, a member of another gym) is told the same thing."""

    error_messages = {"invalid_login": SIGN_IN_ERROR, "inactive": SIGN_IN_ERROR}

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


# Which part of the dashboard each role gets; owners and admins both run the gym.
_SECTIONS = {
    Role.OWNER: "manage",
    Role.ADMIN: "manage",
    Role.TRAINER: "coach",
    Role.CLINICIAN: "screen",
    Role.MEMBER: "train",
}


@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in member's home in this gym; what it shows depends on their role. Owners and
    admins also get the gym's roster (people, roles, status)."""
    route: GymRoute | None = getattr(request, "tenant", None)
    membership: MembershipInfo | None = getattr(request, "membership", None)
    if route is None or route.is_public or membership is None:
        # MembershipMiddleware lets only active members of this gym get here.
        raise Http404
    other_gyms = [
        {
            "name": m.gym_name,
            "role": m.role,
            "url": organizations.gym_url(request=request, subdomain=m.gym_subdomain),
        }
        for m in organizations.memberships_of_user(user_id=membership.user_id)
        if m.is_active and m.gym_id != membership.gym_id and m.gym_subdomain
    ]
    context: dict[str, Any] = {
        "role": membership.role,
        "section": _SECTIONS[membership.role],
        "other_gyms": other_gyms,
    }
    if membership.role is Role.TRAINER:
        coached = set(organizations.clients_of(gym_id=route.id, trainer_id=membership.user_id))
        context["clients"] = [
            m for m in organizations.members_of_gym(gym_id=route.id) if m.user_id in coached
        ]
    if membership.role.manages_gym:
        members = organizations.members_of_gym(gym_id=route.id)
        counts = Counter(m.role for m in members if m.status is MembershipStatus.ACTIVE)
        context["members"] = members
        context["role_counts"] = [(role, counts[role]) for role in Role]
        context["active_count"] = sum(counts.values())
    return render(request, "dashboard/index.html", context)
