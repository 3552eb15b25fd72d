"""AES-256-GCM with a versioned key ring: round trips, fail-closed decryption, key ring parsing."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings

from apps.common import crypto

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()


@override_settings(ENCRYPTION_KEYS=f"v2:{K2},v1:{K1}", ENCRYPTION_CURRENT_KEY="")
def test_encrypts_under_the_first_key_by_default_and_round_trips():
    token = crypto.encrypt(b"asthma", aad=b"row-1")
    assert token.startswith(b"v2:")
    assert b"asthma" not in token
    assert len(token) == len(b"v2:") + 12 + len(b"asthma") + 16
    assert crypto.decrypt(token, aad=b"row-1") == b"asthma"


def test_nonces_differ_so_equal_plaintexts_give_different_tokens():
    assert crypto.encrypt(b"same", aad=b"a") != crypto.encrypt(b"same", aad=b"a")


@override_settings(ENCRYPTION_KEYS=f"v1:{K1},v2:{K2}", ENCRYPTION_CURRENT_KEY="v2")
def test_current_key_encrypts_and_every_key_decrypts():
    old = crypto.encrypt(b"x", aad=b"")
    assert old.startswith(b"v2:")
    with override_settings(ENCRYPTION_CURRENT_KEY="v1"):
        older = crypto.encrypt(b"y", aad=b"")
    assert older.startswith(b"v1:")
    assert crypto.decrypt(old, aad=b"") == b"x"
    assert crypto.decrypt(older, aad=b"") == b"y"


def test_empty_plaintext_round_trips():
    assert crypto.decrypt(crypto.encrypt(b"", aad=b"z"), aad=b"z") == b""


def test_wrong_associated_data_fails_closed():
    token = crypto.encrypt(b"secret", aad=b"row-1")
    with pytest.raises(crypto.DecryptionError, match="does not authenticate under key 'test1'"):
        crypto.decrypt(token, aad=b"row-2")


def test_tampered_token_fails_closed():
    token = bytearray(crypto.encrypt(b"secret", aad=b"a"))
    token[-1] ^= 1
    with pytest.raises(crypto.DecryptionError, match="does not authenticate"):
        crypto.decrypt(bytes(token), aad=b"a")


def test_truncated_and_malformed_tokens_fail_closed():
    token = crypto.encrypt(b"secret", aad=b"a")
    with pytest.raises(crypto.DecryptionError, match="truncated"):
        crypto.decrypt(token[:20], aad=b"a")
    with pytest.raises(crypto.DecryptionError, match="malformed"):
        crypto.decrypt(b"no separator here", aad=b"a")
    with pytest.raises(crypto.DecryptionError, match="malformed"):
        crypto.decrypt_text("test1:***not base64***", aad=b"a")


def test_unknown_key_version_fails_closed():
    token = crypto.encrypt(b"secret", aad=b"a")
    with (
        override_settings(ENCRYPTION_KEYS=f"v9:{K1}", ENCRYPTION_CURRENT_KEY=""),
        pytest.raises(crypto.DecryptionError, match="Unknown encryption key version 'test1'"),
    ):
        crypto.decrypt(token, aad=b"a")


def test_wrong_key_under_the_same_version_fails_closed():
    token = crypto.encrypt(b"secret", aad=b"a")
    with (
        override_settings(ENCRYPTION_KEYS=f"test1:{K1}", ENCRYPTION_CURRENT_KEY=""),
        pytest.raises(crypto.DecryptionError, match="wrong key, tampered data"),
    ):
        crypto.decrypt(token, aad=b"a")


def test_missing_keys_fail_closed_with_a_clear_error():
    with override_settings(ENCRYPTION_KEYS="", ENCRYPTION_CURRENT_KEY=""):
        with pytest.raises(crypto.KeyRingError, match="No encryption keys: set GYM_ENCRYPTION_KEYS"):
            crypto.encrypt(b"x", aad=b"")
        with pytest.raises(crypto.KeyRingError, match="No encryption keys"):
            crypto.decrypt(b"test1:" + b"0" * 40, aad=b"")


@pytest.mark.parametrize(
    ("spec", "current", "message"),
    [
        ("v1", "", "must look like"),
        ("bad id!:" + K1, "", "must look like"),
        (f"v1:{K1},v1:{K2}", "", "names key 'v1' twice"),
        ("v1:%%%", "", "'v1' is not valid base64"),
        ("v1:" + base64.b64encode(b"short").decode(), "", "must be 32 bytes, not 5"),
        (f"v1:{K1}", "v3", "GYM_ENCRYPTION_CURRENT_KEY 'v3' is not in"),
    ],
)
def test_malformed_key_rings_are_refused_without_echoing_keys(spec, current, message):
    with pytest.raises(crypto.KeyRingError, match=message) as info:
        crypto.parse_key_ring(spec, current)
    assert K1 not in str(info.value)
    assert K2 not in str(info.value)


def test_key_ring_is_not_derived_from_secret_key():
    from django.conf import settings

    ring = crypto.key_ring()
    assert ring.current == "test1"
    assert settings.SECRET_KEY.encode() not in ring.keys["test1"]
    assert ring.keys["test1"] == b"gymstack-test-only-key-1-xxxxxxx"


def test_production_settings_refuse_to_start_without_keys(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("GYM_ENCRYPTION_KEYS", raising=False)
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="GYM_ENCRYPTION_KEYS"):
        importlib.import_module("config.settings.production")
    monkeypatch.setenv("GYM_ENCRYPTION_KEYS", "v1:short")
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(crypto.KeyRingError, match=r"'v1' is not valid base64"):
        importlib.import_module("config.settings.production")
    monkeypatch.setenv("GYM_ENCRYPTION_KEYS", f"v1:{K1}")
    sys.modules.pop("config.settings.production", None)
    production = importlib.import_module("config.settings.production")
    assert production.ENCRYPTION_KEYS.split(":") == ["v1", K1]
    sys.modules.pop("config.settings.production", None)
