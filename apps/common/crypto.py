"""Application-level encryption: AES-256-GCM under a versioned key ring (SECURITY.md 23, 24).

Keys come from the environment, never from ``SECRET_KEY``::

    GYM_ENCRYPTION_KEYS="v2:<base64 of 32 bytes>,v1:<base64 of 32 bytes>"
    GYM_ENCRYPTION_CURRENT_KEY="v2"          # optional: the first key of the list otherwise

New values are encrypted under the current key; every key of the ring decrypts, so values
written under an old key stay readable until ``manage.py rotate_encryption_keys`` rewrites them.

A token is ``<key id> ":" <12-byte nonce> <ciphertext and 16-byte tag>``. Associated data is
authenticated but not stored: the caller passes the same bytes to ``decrypt``, so a token moved
to another context (another row, field or gym) fails to decrypt. Decryption fails closed: any
problem raises ``DecryptionError`` and nothing else is ever returned.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_SEPARATOR = b":"


class EncryptionError(Exception):
    """Base class of every encryption failure."""


class KeyRingError(EncryptionError, ImproperlyConfigured):
    """The key ring is missing or malformed."""


class DecryptionError(EncryptionError):
    """A value could not be decrypted: unknown key version, wrong key, tampered data or
    different associated data. The message never contains the value or a key."""


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The keys by id, and the id that encrypts new values."""

    keys: dict[str, bytes]
    current: str

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise DecryptionError(f"Unknown encryption key version {key_id!r}.") from None


def parse_key_ring(spec: str, current: str = "") -> KeyRing:
    """Parse ``"v2:<b64>,v1:<b64>"``. Raises ``KeyRingError`` naming what is wrong (never a key)."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise KeyRingError(
                "GYM_ENCRYPTION_KEYS must look like 'v2:<base64 key>,v1:<base64 key>'; key ids are "
                "1-16 letters, digits, '-' or '_'."
            )
        if key_id in keys:
            raise KeyRingError(f"GYM_ENCRYPTION_KEYS names key {key_id!r} twice.")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyRingError(f"Encryption key {key_id!r} is not valid base64.") from None
        if len(raw) != KEY_BYTES:
            raise KeyRingError(f"Encryption key {key_id!r} must be {KEY_BYTES} bytes, not {len(raw)}.")
        keys[key_id] = raw
        order.append(key_id)
    if not keys:
        raise KeyRingError(
            "No encryption keys: set GYM_ENCRYPTION_KEYS ('v1:<base64 of 32 random bytes>'). "
            "Generate one with: python -c "
            '"import base64,os; print(base64.b64encode(os.urandom(32)).decode())"'
        )
    current = current.strip() or order[0]
    if current not in keys:
        raise KeyRingError(f"GYM_ENCRYPTION_CURRENT_KEY {current!r} is not in GYM_ENCRYPTION_KEYS.")
    return KeyRing(keys=keys, current=current)


@lru_cache(maxsize=4)
def _ring_for(spec: str, current: str) -> KeyRing:
    return parse_key_ring(spec, current)


def key_ring() -> KeyRing:
    """The configured key ring (``settings.ENCRYPTION_KEYS`` / ``ENCRYPTION_CURRENT_KEY``)."""
    spec = getattr(settings, "ENCRYPTION_KEYS", "")
    return _ring_for(spec, getattr(settings, "ENCRYPTION_CURRENT_KEY", ""))


def current_key_id() -> str:
    return key_ring().current


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


def _seal(plaintext: bytes, aad: bytes) -> tuple[str, bytes]:
    """(current key id, nonce + ciphertext and tag)."""
    ring = key_ring()
    nonce = os.urandom(NONCE_BYTES)
    return ring.current, nonce + _cipher(ring.keys[ring.current]).encrypt(nonce, plaintext, aad)


def _open(key_id: str, body: bytes, aad: bytes) -> bytes:
    if len(body) < NONCE_BYTES + 16:
        raise DecryptionError("The encrypted value is truncated.")
    cipher = _cipher(key_ring().key(key_id))
    try:
        return cipher.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError(
            f"The encrypted value does not authenticate under key {key_id!r}: wrong key, tampered "
            "data, or a value copied from another record."
        ) from None


def encrypt(plaintext: bytes, *, aad: bytes) -> bytes:
    """Encrypt under the current key. Returns ``key id + ":" + nonce + ciphertext``."""
    key_id, body = _seal(plaintext, aad)
    return key_id.encode("ascii") + _SEPARATOR + body


def key_id_of(token: bytes) -> str:
    """The key id a token was encrypted under. Raises ``DecryptionError`` for a malformed token."""
    key_id, sep, _ = token.partition(_SEPARATOR)
    try:
        decoded = key_id.decode("ascii")
    except UnicodeDecodeError:
        decoded = ""
    if not sep or not _KEY_ID.match(decoded):
        raise DecryptionError("The encrypted value is malformed (no key version).")
    return decoded


def decrypt(token: bytes, *, aad: bytes) -> bytes:
    """Decrypt a token from ``encrypt`` with the same associated data.

    Raises ``DecryptionError`` for an unknown key version, a wrong key, a tampered or truncated
    token, or different associated data. Never returns anything but the plaintext.
    """
    key_id = key_id_of(token)
    return _open(key_id, token[len(key_id) + 1 :], aad)


# --- Text form, for database columns: "<key id>:<base64 of nonce + ciphertext>"


def encrypt_text(plaintext: bytes, *, aad: bytes) -> str:
    key_id, body = _seal(plaintext, aad)
    return f"{key_id}:{base64.b64encode(body).decode('ascii')}"


def _split_text(text: str) -> tuple[str, bytes]:
    key_id, sep, encoded = text.partition(":")
    if not sep or not _KEY_ID.match(key_id):
        raise DecryptionError("The encrypted value is malformed (no key version).")
    try:
        return key_id, base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("The encrypted value is malformed (bad encoding).") from None


def token_from_text(text: str) -> bytes:
    key_id, body = _split_text(text)
    return key_id.encode("ascii") + _SEPARATOR + body


def decrypt_text(text: str, *, aad: bytes) -> bytes:
    return _open(*_split_text(text), aad)


def text_key_id(text: str) -> str:
    """The key id of a stored text value, without decrypting it."""
    key_id, sep, _ = text.partition(":")
    if not sep or not _KEY_ID.match(key_id):
        raise DecryptionError("The encrypted value is malformed (no key version).")
    return key_id


def generate_key() -> str:
    """A new random key, base64-encoded for ``GYM_ENCRYPTION_KEYS``."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")
