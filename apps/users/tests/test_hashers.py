"""Password hashing: Argon2id first, with OWASP's parameters."""

from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from apps.users.hashers import OwaspArgon2PasswordHasher


def test_owasp_parameters_are_encoded_in_the_hash():
    hasher = OwaspArgon2PasswordHasher()
    encoded = hasher.encode("a-long-unusual-passphrase", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("a-long-unusual-passphrase", encoded)
    assert not hasher.verify("another-passphrase", encoded)


def test_production_hashers_put_argon2_first():
    import importlib

    base = importlib.import_module("config.settings.base")  # settings, not a context import
    assert base.PASSWORD_HASHERS[0] == "apps.users.hashers.OwaspArgon2PasswordHasher"


def test_hashes_made_with_djangos_default_parameters_still_verify():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    legacy = Argon2PasswordHasher().encode("old-password-123", Argon2PasswordHasher().salt())
    assert identify_hasher(legacy).algorithm == "argon2"
    assert check_password("old-password-123", legacy)
    assert not check_password("old-password-124", legacy)
    assert make_password("x" * 12).startswith("argon2$")
