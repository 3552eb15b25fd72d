"""Global identities (public schema): one account per person, whatever gyms they belong to."""

from __future__ import annotations

import secrets
import time
import uuid
from binascii import unhexlify
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from apps.common.fields import EncryptedTextField
from apps.users.facade.contracts import SecurityEventKind


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Roles are not here: they belong to memberships, one per gym."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform staff: may use the admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's auth hash: rotating it ends the person's sessions in every gym at
    # once (logout, password or MFA change, deactivation; ADR 0014).
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "apps.users.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.security_stamp}", secret=secret, algorithm="sha256"
        ).hexdigest()


class ApiToken(models.Model):
    """A personal API token, usable on exactly one gym. Only a hash of the secret is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # The gym is downstream of users, so it is referenced by id, not by foreign key.
    gym_id = models.BigIntegerField(db_index=True)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Made from a session that had verified MFA; tokens of MFA-required roles need it.
    mfa_verified = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["user", "gym_id"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, *, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class SecurityEvent(models.Model):
    """Append-only record of security-relevant actions (SECURITY.md 9)."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(
        max_length=32, choices=[(k.value, k.name.title()) for k in SecurityEventKind], db_index=True
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, help_text="Who did it, when known.")
    subject_id = models.UUIDField(null=True, blank=True, help_text="Whom it concerns.")
    username = models.CharField(max_length=254, blank=True, help_text="As typed, on failures.")
    gym_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


def new_totp_key() -> str:
    return str(random_hex(20))


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator (RFC 6238, 30 s, 6 digits, one step of tolerance) for one account.

    django-otp's own ``otp_totp.TOTPDevice`` keeps the shared secret in plain hex; this device
    reuses django-otp's ``Device`` base, throttling and TOTP arithmetic but keeps the secret
    encrypted at rest (``EncryptedTextField``, bound to this row; ADR 0014).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = EncryptedTextField(default=new_totp_key, help_text="Hex-encoded secret, encrypted at rest.")
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1, help_text="Time step of the last accepted code.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Device.Meta):
        verbose_name = "TOTP device"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token: Any) -> bool:
        """Accept a code once (a replayed code is refused), throttled after failures."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(str(token).strip())
        except ValueError:
            code = -1
        totp = self.totp()
        verified = code >= 0 and bool(totp.verify(code, self.tolerance, self.last_t + 1))
        if verified:
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return 1
