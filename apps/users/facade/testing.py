"""Test helpers other contexts may use: MFA enrolment, valid codes, MFA-verified sessions.

For tests only; never imported by application code.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from apps.users import mfa, session_state
from apps.users.models import TotpDevice


def totp_enrol(*, user_id: UUID) -> list[str]:
    """Give the person a confirmed authenticator (as the enrolment flow would, without its
    security events or session effects). Returns fresh recovery codes."""
    TotpDevice.objects.filter(user_id=user_id).delete()
    TotpDevice.objects.create(user_id=user_id, name="authenticator", confirmed=True)
    return mfa._issue_recovery_codes(user_id)


def totp_code(*, user_id: UUID, steps_ahead: int = 0, pending: bool = False) -> str:
    """A code the person's authenticator shows now (or ``steps_ahead`` 30-second steps later;
    one step ahead is still accepted). A code is accepted once, so a test verifying twice
    uses ``steps_ahead=1`` the second time. ``pending`` reads the unconfirmed device."""
    device = TotpDevice.objects.get(user_id=user_id, confirmed=not pending)
    totp = device.totp()
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def mark_session_mfa_verified(session: Any) -> None:
    """Mark a session (``client.session``, saved by the caller) as MFA-verified."""
    session_state.mark_mfa_verified(session)
