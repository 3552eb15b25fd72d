"""What other contexts may know about people and their credentials. No Django imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class SecurityEventKind(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    LOGGED_OUT = "logged_out"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    ROLE_CHANGED = "role_changed"
    MEMBERSHIP_ADDED = "membership_added"
    MEMBERSHIP_REMOVED = "membership_removed"
    PASSWORD_CHANGED = "password_changed"
    GYM_CREATED = "gym_created"
    COACH_ASSIGNED = "coach_assigned"
    COACH_UNASSIGNED = "coach_unassigned"
    HIPAA_MODE_CHANGED = "hipaa_mode_changed"
    # MFA, sessions and re-authentication (ADR 0014)
    MFA_ENROLLED = "mfa_enrolled"
    MFA_DISABLED = "mfa_disabled"
    MFA_VERIFIED = "mfa_verified"
    MFA_FAILED = "mfa_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
    REAUTHENTICATED = "reauthenticated"
    REAUTH_FAILED = "reauth_failed"
    SESSIONS_ENDED = "sessions_ended"
    SESSION_EXPIRED = "session_expired"
    EMAIL_CHANGED = "email_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: UUID
    email: str
    full_name: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class TokenPrincipal:
    """An authenticated API token: who, and the one gym it is valid for."""

    token_id: UUID
    user_id: UUID
    gym_id: int
    expires_at: datetime
    # Created from a session that had verified MFA (ADR 0014).
    mfa_verified: bool = False


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a security-relevant action came from."""

    ip_address: str | None = None
    request_id: str = ""
    user_agent: str = ""
