"""MFA: TOTP authenticators and recovery codes, per account (SECURITY.md 19; ADR 0014).

One confirmed TOTP device per person at most, in ``public`` like the account, so it serves
every gym they belong to. Recovery codes are django-otp static tokens holding a hash of the
code (never the code): each works once. Every change is a security event and ends the person's
other sessions and their API tokens (``user_sessions_end``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode
from uuid import UUID

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from apps.users.facade.contracts import RequestMeta, SecurityEventKind
from apps.users.models import TotpDevice
from apps.users.services import security_event_record, user_sessions_end

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_GROUPS = 3
RECOVERY_GROUP_LENGTH = 4
INVALID_CODE = "The code is not valid. Enter the current code from your authenticator app or a recovery code."
RECOVERY_DEVICE_NAME = "recovery codes"


@dataclass(frozen=True)
class Provisioning:
    """What an authenticator app needs: the secret (base32) as text, URL and QR code."""

    secret: str
    otpauth_url: str
    qr_svg: str


def _normalise_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _recovery_hash(user_id: UUID, code: str) -> str:
    digest = hashlib.sha256(f"{user_id}:{_normalise_recovery(code)}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:16]


def _new_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def confirmed_device(*, user_id: UUID) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user_id, confirmed=True).first()


def pending_device(*, user_id: UUID) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user_id, confirmed=False).first()


def is_enrolled(*, user_id: UUID) -> bool:
    return TotpDevice.objects.filter(user_id=user_id, confirmed=True).exists()


def recovery_codes_left(*, user_id: UUID) -> int:
    return StaticToken.objects.filter(device__user_id=user_id, device__name=RECOVERY_DEVICE_NAME).count()


def provisioning(*, device: TotpDevice, email: str) -> Provisioning:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    issuer = str(settings.MFA_ISSUER).replace(":", "")
    label = quote(f"{issuer}:{email}")
    params = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30})
    url = f"otpauth://totp/{label}?{params}"
    svg = segno.make(url, error="m").svg_inline(scale=4, title="Scan with your authenticator app")
    return Provisioning(secret=secret, otpauth_url=url, qr_svg=svg)


@transaction.atomic
def totp_enrolment_start(*, user_id: UUID) -> TotpDevice:
    """A new unconfirmed authenticator, replacing any earlier unconfirmed one. A confirmed
    device stays in force until the new one is confirmed."""
    TotpDevice.objects.filter(user_id=user_id, confirmed=False).delete()
    return TotpDevice.objects.create(user_id=user_id, name="authenticator", confirmed=False)


def _issue_recovery_codes(user_id: UUID) -> list[str]:
    StaticDevice.objects.filter(user_id=user_id).delete()
    device = StaticDevice.objects.create(user_id=user_id, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=_recovery_hash(user_id, c)) for c in codes]
    )
    return codes


def _spend_recovery_code(user_id: UUID, code: str) -> bool:
    recovery = (
        StaticDevice.objects.select_for_update().filter(user_id=user_id, name=RECOVERY_DEVICE_NAME).first()
    )
    if recovery is None or not recovery.verify_is_allowed()[0]:
        return False
    spent, _ = StaticToken.objects.filter(device=recovery, token=_recovery_hash(user_id, code)).delete()
    if spent:
        recovery.throttle_reset(commit=False)
        recovery.set_last_used_timestamp(commit=False)
        recovery.save()
        return True
    recovery.throttle_increment(commit=True)
    return False


def totp_enrolment_confirm(
    *, user_id: UUID, code: str, gym_id: int | None = None, meta: RequestMeta | None = None
) -> list[str]:
    """Confirm the pending authenticator with a current code. It replaces any earlier one,
    fresh recovery codes are issued (returned once, only their hashes are kept), and the
    person's other sessions and tokens end. Raises ``ValidationError`` keyed by ``code``."""
    pending = TotpDevice.objects.filter(user_id=user_id, confirmed=False).first()
    if pending is None:
        raise ValidationError(
            {"code": ["Start enrolment first: no authenticator is waiting to be confirmed."]}
        )
    # Verified outside the transaction below, so a failed attempt's throttle count is kept.
    if not pending.verify_token(code):
        security_event_record(
            kind=SecurityEventKind.MFA_FAILED,
            actor_id=user_id,
            subject_id=user_id,
            gym_id=gym_id,
            meta=meta,
            detail={"during": "enrolment"},
        )
        raise ValidationError({"code": ["The code is not valid. Enter the current code from your app."]})
    with transaction.atomic():
        replaced = TotpDevice.objects.filter(user_id=user_id).exclude(pk=pending.pk).delete()[0] > 0
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        codes = _issue_recovery_codes(user_id)
        security_event_record(
            kind=SecurityEventKind.MFA_ENROLLED,
            actor_id=user_id,
            subject_id=user_id,
            gym_id=gym_id,
            meta=meta,
            detail={"device_id": str(pending.pk), "replaced": replaced},
        )
        user_sessions_end(user_id=user_id, reason="mfa_changed", gym_id=gym_id, meta=meta)
    return codes


def mfa_verify(
    *, user_id: UUID, code: str, gym_id: int | None = None, meta: RequestMeta | None = None
) -> str | None:
    """Check a second factor: a TOTP code (once per time step) or an unused recovery code
    (then spent). Returns ``"totp"`` or ``"recovery_code"``, or None when it fails or the
    person has no confirmed authenticator. Both outcomes are security events."""
    method: str | None = None
    with transaction.atomic():
        # Locked, so one code cannot be accepted twice by concurrent requests.
        device = TotpDevice.objects.select_for_update().filter(user_id=user_id, confirmed=True).first()
        code = code.strip()
        if device is not None and code.isdigit():
            method = "totp" if device.verify_token(code) else None
        elif device is not None and code:
            method = "recovery_code" if _spend_recovery_code(user_id, code) else None
    if method is None:
        security_event_record(
            kind=SecurityEventKind.MFA_FAILED, actor_id=user_id, subject_id=user_id, gym_id=gym_id, meta=meta
        )
        return None
    kind = (
        SecurityEventKind.RECOVERY_CODE_USED if method == "recovery_code" else SecurityEventKind.MFA_VERIFIED
    )
    detail = {"codes_left": recovery_codes_left(user_id=user_id)} if method == "recovery_code" else {}
    security_event_record(
        kind=kind, actor_id=user_id, subject_id=user_id, gym_id=gym_id, meta=meta, detail=detail
    )
    return method


@transaction.atomic
def recovery_codes_renew(
    *, user_id: UUID, gym_id: int | None = None, meta: RequestMeta | None = None
) -> list[str]:
    """New recovery codes replacing every old one (the caller checked a re-authentication).
    Raises ``ValidationError`` when the person has no authenticator."""
    if not is_enrolled(user_id=user_id):
        raise ValidationError({"non_field_errors": ["Set up an authenticator app first."]})
    codes = _issue_recovery_codes(user_id)
    security_event_record(
        kind=SecurityEventKind.RECOVERY_CODES_RENEWED,
        actor_id=user_id,
        subject_id=user_id,
        gym_id=gym_id,
        meta=meta,
    )
    user_sessions_end(user_id=user_id, reason="mfa_changed", gym_id=gym_id, meta=meta)
    return codes


@transaction.atomic
def mfa_disable(*, user_id: UUID, gym_id: int | None = None, meta: RequestMeta | None = None) -> None:
    """Remove the authenticator and recovery codes (the caller checked a re-authentication).
    Roles that require MFA are refused everywhere until a new one is set up."""
    if not TotpDevice.objects.filter(user_id=user_id).exists():
        raise ValidationError({"non_field_errors": ["MFA is not set up."]})
    TotpDevice.objects.filter(user_id=user_id).delete()
    StaticDevice.objects.filter(user_id=user_id).delete()
    security_event_record(
        kind=SecurityEventKind.MFA_DISABLED, actor_id=user_id, subject_id=user_id, gym_id=gym_id, meta=meta
    )
    user_sessions_end(user_id=user_id, reason="mfa_changed", gym_id=gym_id, meta=meta)
