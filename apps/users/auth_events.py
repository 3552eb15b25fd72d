"""Security events for every credential entry point (gym sign-in pages, the API session
endpoint, the staff admin): Django's auth signals fire for all of them, so this is the one
place that records sign-in success, failure and sign-out (SECURITY.md 9).

Signing in also starts the session's clocks (idle and absolute limits, ADR 0014); signing out
anywhere ends the person's sessions in every gym and revokes their API tokens (SECURITY.md 18).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.http import HttpRequest

from apps.users import session_state
from apps.users.facade.api import request_meta
from apps.users.facade.contracts import RequestMeta, SecurityEventKind
from apps.users.services import security_event_record, user_sessions_end


def _gym_id(request: HttpRequest | None) -> int | None:
    route = getattr(request, "tenant", None)
    return None if route is None or route.is_public else int(route.id)


def _meta(request: HttpRequest | None) -> RequestMeta | None:
    return request_meta(request) if request is not None else None


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session_state.signed_in(session)
    security_event_record(
        kind=SecurityEventKind.LOGIN_SUCCEEDED,
        actor_id=user.pk,
        subject_id=user.pk,
        gym_id=_gym_id(request),
        username=user.email,
        meta=_meta(request),
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Credentials arrive with the password already masked by Django; only the username is kept.
    security_event_record(
        kind=SecurityEventKind.LOGIN_FAILED,
        gym_id=_gym_id(request),
        username=str(credentials.get("username", "")),
        meta=_meta(request),
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    security_event_record(
        kind=SecurityEventKind.LOGGED_OUT,
        actor_id=user.pk,
        subject_id=user.pk,
        gym_id=_gym_id(request),
        meta=_meta(request),
    )
    user_sessions_end(user_id=user.pk, reason="logout", gym_id=_gym_id(request), meta=_meta(request))


def connect() -> None:
    signals.user_logged_in.connect(on_logged_in, dispatch_uid="users.security.logged_in")
    signals.user_login_failed.connect(on_login_failed, dispatch_uid="users.security.login_failed")
    signals.user_logged_out.connect(on_logged_out, dispatch_uid="users.security.logged_out")
