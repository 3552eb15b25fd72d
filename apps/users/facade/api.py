"""The users context's facade: the only module other contexts import from users."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from apps.users import selectors, services
from apps.users.facade.contracts import RequestMeta, SecurityEventKind, TokenPrincipal, UserInfo
from apps.users.models import User


def _info(user: User) -> UserInfo:
    return UserInfo(id=user.id, email=user.email, full_name=user.full_name, is_active=user.is_active)


def user_by_email(*, email: str) -> UserInfo | None:
    """The person with this email (case-insensitive), or None."""
    user = selectors.user_by_email(email=email)
    return _info(user) if user else None


def user_ensure(*, email: str, full_name: str = "", password: str | None = None) -> UserInfo:
    """The account for ``email``, created (with ``password``, or unusable) if absent.

    Raises ``django.core.exceptions.ValidationError`` keyed by field for a bad password.
    """
    user = selectors.user_by_email(email=email)
    if user is None:
        user = services.user_create(email=email, password=password, full_name=full_name)
    return _info(user)


def user_check_password(*, user_id: UUID, password: str) -> bool:
    """Whether ``password`` is this person's password. No side effects beyond hash upgrades."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return bool(user and user.check_password(password))


def authenticate_token(*, raw: str) -> tuple[AbstractBaseUser, TokenPrincipal] | None:
    """The account and principal of a usable (unrevoked, unexpired, active-owner) API token,
    else None. The account is Django's auth user, the object that becomes ``request.user``
    (loaded with the token in one query); callers must not read more than auth needs from it."""
    token = services.token_authenticate(raw=raw)
    if token is None:
        return None
    principal = TokenPrincipal(
        token_id=token.id, user_id=token.user_id, gym_id=token.gym_id, expires_at=token.expires_at
    )
    return token.user, principal


def security_event_record(
    *,
    kind: SecurityEventKind,
    actor_id: UUID | None = None,
    subject_id: UUID | None = None,
    gym_id: int | None = None,
    username: str = "",
    meta: RequestMeta | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append a security event (SECURITY.md 9). Never pass health data or secrets in detail."""
    services.security_event_record(
        kind=kind,
        actor_id=actor_id,
        subject_id=subject_id,
        gym_id=gym_id,
        username=username,
        meta=meta,
        detail=detail,
    )


def request_meta(request: HttpRequest) -> RequestMeta:
    """Where a request came from, for security events. Behind a proxy, have it set
    REMOTE_ADDR (e.g. ``uvicorn --proxy-headers --forwarded-allow-ips``)."""
    return RequestMeta(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        request_id=getattr(request, "request_id", ""),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
