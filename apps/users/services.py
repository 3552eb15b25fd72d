"""Writes of the users context: accounts, API tokens, security events."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.users.facade.contracts import RequestMeta, SecurityEventKind
from apps.users.models import ApiToken, SecurityEvent, User, new_security_stamp

TOKEN_PREFIX = "gst"  # noqa: S105 - a public marker, not a secret
_LAST_USED_GRANULARITY = timedelta(minutes=1)


def security_event_record(
    *,
    kind: SecurityEventKind,
    actor_id: UUID | None = None,
    subject_id: UUID | None = None,
    gym_id: int | None = None,
    username: str = "",
    meta: RequestMeta | None = None,
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    meta = meta or RequestMeta()
    return SecurityEvent.objects.create(
        kind=kind.value,
        actor_id=actor_id,
        subject_id=subject_id,
        gym_id=gym_id,
        username=username[:254],
        ip_address=meta.ip_address,
        request_id=meta.request_id[:64],
        detail=detail or {},
    )


def user_create(*, email: str, password: str | None, full_name: str = "") -> User:
    """Create an account. The password must pass every configured validator (12+ characters,
    not common, not numeric, not like the email). Raises ``ValidationError`` keyed by field."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."})
    candidate = User(email=email, full_name=full_name.strip())
    if password is not None:
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, full_name=candidate.full_name)
    except IntegrityError as exc:  # created concurrently since the check above
        raise ValidationError({"email": "An account with this email address already exists."}) from exc


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user_id: UUID,
    gym_id: int,
    name: str,
    lifetime: timedelta | None = None,
    meta: RequestMeta | None = None,
    mfa_verified: bool = False,
) -> tuple[ApiToken, str]:
    """Create a personal API token for one gym. Returns the row and the plaintext token, which
    is never stored and cannot be shown again."""
    lifetime = lifetime or settings.API_TOKEN_DEFAULT_LIFETIME
    if lifetime <= timedelta(0) or lifetime > settings.API_TOKEN_MAX_LIFETIME:
        raise ValidationError(
            {"expires_in_days": f"Must be between 1 and {settings.API_TOKEN_MAX_LIFETIME.days}."}
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user_id=user_id,
        gym_id=gym_id,
        name=name.strip() or "API token",
        prefix=prefix,
        secret_hash=_hash_secret(secret),
        expires_at=timezone.now() + lifetime,
        mfa_verified=mfa_verified,
    )
    security_event_record(
        kind=SecurityEventKind.TOKEN_CREATED,
        actor_id=user_id,
        subject_id=user_id,
        gym_id=gym_id,
        meta=meta,
        detail={"token_id": str(token.id), "prefix": prefix, "mfa_verified": mfa_verified},
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: ApiToken, actor_id: UUID, meta: RequestMeta | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(
            kind=SecurityEventKind.TOKEN_REVOKED,
            actor_id=actor_id,
            subject_id=token.user_id,
            gym_id=token.gym_id,
            meta=meta,
            detail={"token_id": str(token.id), "prefix": token.prefix},
        )
    return token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token matching ``raw`` (``gst_<prefix>_<secret>``), or None."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    _, prefix, secret = parts
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash_secret(secret)):
        return None
    now = timezone.now()
    if not token.is_usable(now=now):
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Sessions, password, email, deactivation (SECURITY.md 17, 18, 22; ADR 0014)


@transaction.atomic
def user_sessions_end(
    *,
    user_id: UUID,
    reason: str,
    actor_id: UUID | None = None,
    gym_id: int | None = None,
    meta: RequestMeta | None = None,
) -> int:
    """End every session of the person in every gym and revoke all their API tokens, in one
    transaction. Sessions die because the security stamp is part of their auth hash; the
    caller may keep its own session alive with ``update_session_auth_hash``. Returns how many
    tokens were revoked."""
    now = timezone.now()
    User.objects.filter(pk=user_id).update(security_stamp=new_security_stamp())
    revoked = ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now)
    security_event_record(
        kind=SecurityEventKind.SESSIONS_ENDED,
        actor_id=actor_id or user_id,
        subject_id=user_id,
        gym_id=gym_id,
        meta=meta,
        detail={"reason": reason, "tokens_revoked": revoked},
    )
    return revoked


@transaction.atomic
def user_password_change(
    *, user_id: UUID, new_password: str, gym_id: int | None = None, meta: RequestMeta | None = None
) -> User:
    """Set a new password (every validator applies) and end all the person's sessions and
    tokens. The caller has already re-authenticated the person with the current password.
    Raises ``ValidationError`` keyed by ``new_password``."""
    user = User.objects.select_for_update().get(pk=user_id)
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    if user.check_password(new_password):
        raise ValidationError({"new_password": ["The new password must differ from the current one."]})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    security_event_record(
        kind=SecurityEventKind.PASSWORD_CHANGED,
        actor_id=user_id,
        subject_id=user_id,
        gym_id=gym_id,
        meta=meta,
    )
    user_sessions_end(user_id=user_id, reason="password_changed", gym_id=gym_id, meta=meta)
    user.refresh_from_db()
    return user


@transaction.atomic
def user_email_change(
    *, user_id: UUID, email: str, gym_id: int | None = None, meta: RequestMeta | None = None
) -> User:
    """Change the sign-in email (the caller checked a recent re-authentication). Raises
    ``ValidationError`` keyed by ``email`` when another account has it."""
    user = User.objects.select_for_update().get(pk=user_id)
    email = User.objects.normalize_email(email.strip()).lower()
    if email == user.email:
        return user
    if User.objects.filter(email__iexact=email).exclude(pk=user_id).exists():
        raise ValidationError({"email": ["An account with this email address already exists."]})
    user.email = email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:
        raise ValidationError({"email": ["An account with this email address already exists."]}) from exc
    security_event_record(
        kind=SecurityEventKind.EMAIL_CHANGED, actor_id=user_id, subject_id=user_id, gym_id=gym_id, meta=meta
    )
    return user


@transaction.atomic
def user_deactivate(*, user_id: UUID, actor_id: UUID | None, meta: RequestMeta | None = None) -> None:
    """Deactivate an account: it can no longer sign in, and its sessions and tokens end now."""
    User.objects.filter(pk=user_id).update(is_active=False)
    security_event_record(
        kind=SecurityEventKind.ACCOUNT_DEACTIVATED, actor_id=actor_id, subject_id=user_id, meta=meta
    )
    user_sessions_end(user_id=user_id, reason="deactivated", actor_id=actor_id, meta=meta)
