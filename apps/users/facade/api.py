"""The users context's facade: the only module other contexts import from users."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from apps.common.health import role_requires_mfa
from apps.users import mfa, selectors, services, session_state
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
        token_id=token.id,
        user_id=token.user_id,
        gym_id=token.gym_id,
        expires_at=token.expires_at,
        mfa_verified=token.mfa_verified,
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


# --- MFA, sessions and re-authentication (ADR 0014). ``request`` is a Django ``HttpRequest``
# or a DRF ``Request`` (which passes attribute reads through to it).


def mfa_required(request: Any) -> bool:
    """Whether the caller must have verified MFA to use this gym's host: their role in the gym
    being served requires it (``apps.common.health.role_requires_mfa``, stricter in HIPAA
    mode). False on the public host and for callers who are not active members."""
    route = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    if route is None or route.is_public or membership is None:
        return False
    return role_requires_mfa(str(membership.role), hipaa_mode=bool(getattr(route, "hipaa_mode", False)))


def mfa_verified(request: Any) -> bool:
    """Whether the caller proved a second factor: in this session (sessions), or in the
    session the API token was made from (tokens). Says nothing about whether it is required."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, TokenPrincipal):
        return auth.mfa_verified
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    return bool(user is not None and user.is_authenticated and session is not None) and (
        session_state.mfa_verified(session)
    )


def recently_authenticated(request: Any, *, within_seconds: int = 300) -> bool:
    """Whether the caller re-entered their password (and MFA code, when enrolled) in this
    session within ``within_seconds`` (``POST /api/v1/auth/reauth/``). Always False for API
    tokens: sensitive actions (export, email or MFA change) need a person at a session."""
    if isinstance(getattr(request, "auth", None), TokenPrincipal):
        return False
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return False
    return session_state.reauthenticated_within(session, within_seconds)


def mfa_verify_code(*, user_id: UUID, code: str) -> bool:
    """Check a fresh second factor for ``user_id`` (e.g. break-glass): a current TOTP code, once
    per time step, or an unused recovery code (spent by this call). False when the person has
    no confirmed authenticator. Records a security event either way."""
    return mfa.mfa_verify(user_id=user_id, code=code) is not None


def mfa_enrolled(*, user_id: UUID) -> bool:
    """Whether the person has a confirmed authenticator."""
    return mfa.is_enrolled(user_id=user_id)


def session_expiry_reason(request: HttpRequest) -> str | None:
    """For a signed-in session whose role gets the health-data session rules: ``"idle"`` after
    ``HEALTH_SESSION_IDLE_TIMEOUT`` without a request, ``"absolute"`` after
    ``HEALTH_SESSION_MAX_AGE`` since sign-in, else None (and the request counts as activity)."""
    return session_state.expiry_reason(request.session)


def sessions_end_all(
    *, user_id: UUID, reason: str, gym_id: int | None = None, meta: RequestMeta | None = None
) -> int:
    """End the person's sessions in every gym and revoke all their API tokens. Returns how
    many tokens were revoked."""
    return services.user_sessions_end(user_id=user_id, reason=reason, gym_id=gym_id, meta=meta)


def user_deactivate(*, user_id: UUID, actor_id: UUID | None, meta: RequestMeta | None = None) -> None:
    """Deactivate an account; its sessions in every gym and its tokens end at once."""
    services.user_deactivate(user_id=user_id, actor_id=actor_id, meta=meta)
