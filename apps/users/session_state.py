"""What a session knows about how its person authenticated (ADR 0014).

Kept in the gym's session row (``request.session``), as Unix times:

- ``AUTH_AT``: when the person signed in (the absolute lifetime counts from here);
- ``LAST_SEEN``: their last request, to the minute (the idle timeout counts from here);
- ``MFA_AT``: when they last proved a second factor in this session;
- ``REAUTH_AT``: when they last re-entered their password (and code) for a sensitive action.

Signing in clears the MFA and re-authentication marks, so they never outlive a sign-in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

AUTH_AT = "users.auth_at"
LAST_SEEN = "users.last_seen"
MFA_AT = "users.mfa_at"
REAUTH_AT = "users.reauth_at"
# LAST_SEEN is written at most this often, so a busy session is not saved on every request. The
# idle timeout can therefore strike up to this much early, never late.
LAST_SEEN_GRANULARITY = 60


def now() -> float:
    return timezone.now().timestamp()


def signed_in(session: Any) -> None:
    """A fresh sign-in: start the clocks, forget any earlier MFA or re-authentication."""
    moment = now()
    session[AUTH_AT] = moment
    session[LAST_SEEN] = moment
    session.pop(MFA_AT, None)
    session.pop(REAUTH_AT, None)


def mark_mfa_verified(session: Any) -> None:
    session[MFA_AT] = now()


def clear_mfa(session: Any) -> None:
    session.pop(MFA_AT, None)


def mark_reauthenticated(session: Any) -> None:
    session[REAUTH_AT] = now()


def mfa_verified(session: Any) -> bool:
    return session.get(MFA_AT) is not None


def reauthenticated_within(session: Any, seconds: float) -> bool:
    at = session.get(REAUTH_AT)
    return at is not None and 0 <= now() - float(at) <= seconds


def expiry_reason(session: Any) -> str | None:
    """Why a health-data session must end now (``"idle"`` or ``"absolute"``), or None. Also
    records the request as activity when it does not."""
    moment = now()
    auth_at = float(session.setdefault(AUTH_AT, moment))
    last_seen = float(session.setdefault(LAST_SEEN, moment))
    if moment - auth_at > settings.HEALTH_SESSION_MAX_AGE.total_seconds():
        return "absolute"
    if moment - last_seen > settings.HEALTH_SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle"
    if moment - last_seen >= LAST_SEEN_GRANULARITY:
        session[LAST_SEEN] = moment
    return None
