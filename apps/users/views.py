"""Pages of a gym's host for the signed-in person: MFA set-up, verification, recovery codes,
re-authentication and password change (ADR 0014). Only active members of the gym reach them
(``MembershipMiddleware``); the MFA pages stay reachable before MFA is verified."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.tenancy import current_gym_id as _gym_id
from apps.users import mfa, services, session_state
from apps.users.facade import api as users_facade
from apps.users.facade.api import request_meta
from apps.users.facade.contracts import SecurityEventKind
from apps.users.models import User


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _uid(request: HttpRequest) -> UUID:
    return UUID(str(request.user.pk))


def _email(request: HttpRequest) -> str:
    return str(getattr(request.user, "email", ""))


def _recent(request: HttpRequest) -> bool:
    return users_facade.recently_authenticated(
        request, within_seconds=int(settings.REAUTH_WINDOW.total_seconds())
    )


def _keep_this_session(request: HttpRequest, *, mfa_verified: bool) -> None:
    update_session_auth_hash(request, User.objects.get(pk=_uid(request)))
    if mfa_verified:
        session_state.mark_mfa_verified(request.session)
    else:
        session_state.clear_mfa(request.session)


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "mfa/codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def mfa_overview(request: HttpRequest) -> HttpResponse:
    user_id = _uid(request)
    context = {
        "enrolled": mfa.is_enrolled(user_id=user_id),
        "required": users_facade.mfa_required(request),
        "verified": users_facade.mfa_verified(request),
        "codes_left": mfa.recovery_codes_left(user_id=user_id),
        "recent": _recent(request),
        "error": request.GET.get("error") == "reauth",
    }
    return render(request, "mfa/overview.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """GET explains; POST ``start`` shows a new secret and QR code; POST ``confirm`` checks a
    code and shows the recovery codes once. Replacing a confirmed app needs re-authentication."""
    user_id = _uid(request)
    enrolled = mfa.is_enrolled(user_id=user_id)
    if enrolled and not _recent(request):
        return render(request, "mfa/reauth.html", {"next": "/mfa/setup/", "enrolled": True})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        try:
            codes = mfa.totp_enrolment_confirm(
                user_id=user_id,
                code=request.POST.get("code", ""),
                gym_id=_gym_id(request),
                meta=request_meta(request),
            )
        except ValidationError as exc:
            pending = mfa.pending_device(user_id=user_id)
            info = mfa.provisioning(device=pending, email=_email(request)) if pending else None
            context = {"info": info, "error": " ".join(exc.messages), "next": _next(request)}
            return render(request, "mfa/setup.html", context, status=400)
        _keep_this_session(request, mfa_verified=True)
        return _codes_page(request, codes)
    if action == "start":
        device = mfa.totp_enrolment_start(user_id=user_id)
        info = mfa.provisioning(device=device, email=_email(request))
        return render(request, "mfa/setup.html", {"info": info, "next": _next(request)})
    return render(request, "mfa/setup.html", {"info": None, "enrolled": enrolled, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user_id = _uid(request)
    if not mfa.is_enrolled(user_id=user_id):
        return HttpResponseRedirect("/mfa/setup/")
    if request.method == "POST":
        method = mfa.mfa_verify(
            user_id=user_id,
            code=request.POST.get("code", ""),
            gym_id=_gym_id(request),
            meta=request_meta(request),
        )
        if method is not None:
            request.session.cycle_key()
            session_state.mark_mfa_verified(request.session)
            return HttpResponseRedirect(_next(request))
        return render(
            request, "mfa/verify.html", {"error": mfa.INVALID_CODE, "next": _next(request)}, status=400
        )
    return render(request, "mfa/verify.html", {"next": _next(request)})


@never_cache
@login_required
@require_POST
def reauth(request: HttpRequest) -> HttpResponse:
    """Password (and code, once enrolled), then back to ``next``."""
    user_id = _uid(request)
    meta = request_meta(request)
    user: Any = authenticate(request, username=_email(request), password=request.POST.get("password", ""))
    enrolled = mfa.is_enrolled(user_id=user_id)
    ok = user is not None and user.pk == user_id
    if not ok:
        services.security_event_record(
            kind=SecurityEventKind.REAUTH_FAILED,
            actor_id=user_id,
            subject_id=user_id,
            gym_id=_gym_id(request),
            meta=meta,
        )
    elif enrolled:
        code = request.POST.get("code", "")
        ok = (
            bool(code)
            and mfa.mfa_verify(user_id=user_id, code=code, gym_id=_gym_id(request), meta=meta) is not None
        )
    if not ok:
        context = {
            "next": _next(request, "/mfa/"),
            "enrolled": enrolled,
            "error": "Incorrect password or code.",
        }
        return render(request, "mfa/reauth.html", context, status=400)
    session_state.mark_reauthenticated(request.session)
    if enrolled:
        session_state.mark_mfa_verified(request.session)
    services.security_event_record(
        kind=SecurityEventKind.REAUTHENTICATED,
        actor_id=user_id,
        subject_id=user_id,
        gym_id=_gym_id(request),
        meta=meta,
    )
    return HttpResponseRedirect(_next(request, "/mfa/"))


@never_cache
@login_required
@require_POST
def mfa_disable(request: HttpRequest) -> HttpResponse:
    if not _recent(request):
        return HttpResponseRedirect("/mfa/?error=reauth")
    try:
        mfa.mfa_disable(user_id=_uid(request), gym_id=_gym_id(request), meta=request_meta(request))
    except ValidationError:
        return HttpResponseRedirect("/mfa/")
    _keep_this_session(request, mfa_verified=False)
    return HttpResponseRedirect("/mfa/")


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not _recent(request):
        return HttpResponseRedirect("/mfa/?error=reauth")
    try:
        codes = mfa.recovery_codes_renew(
            user_id=_uid(request), gym_id=_gym_id(request), meta=request_meta(request)
        )
    except ValidationError:
        return HttpResponseRedirect("/mfa/setup/")
    _keep_this_session(request, mfa_verified=True)
    return _codes_page(request, codes)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Current password, then the new one twice. Ends every other session and all tokens."""
    if request.method == "GET":
        return render(request, "account/password.html", {})
    errors: dict[str, list[str]] = {}
    current = request.POST.get("current_password", "")
    new, again = request.POST.get("new_password", ""), request.POST.get("new_password_again", "")
    user: Any = authenticate(request, username=_email(request), password=current)
    if user is None or user.pk != _uid(request):
        errors["current_password"] = ["Incorrect password."]
    elif new != again:
        errors["new_password_again"] = ["The two new passwords differ."]
    else:
        was_verified = users_facade.mfa_verified(request)
        try:
            services.user_password_change(
                user_id=_uid(request), new_password=new, gym_id=_gym_id(request), meta=request_meta(request)
            )
        except ValidationError as exc:
            errors = {k: list(v) for k, v in exc.message_dict.items()}
        else:
            _keep_this_session(request, mfa_verified=was_verified)
            return render(request, "account/password.html", {"done": True})
    return render(request, "account/password.html", {"errors": errors}, status=400)
