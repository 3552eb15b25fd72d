"""Password hashers."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

    Django's defaults (100 MiB, 2 passes, 8 lanes) cost about 370 ms a hash on a 2-core
    machine, which makes every sign-in and sign-up slow and lets a handful of concurrent
    sign-in attempts exhaust the CPU; these cost about 50 ms with the strength OWASP's Password
    Storage Cheat Sheet asks for. Hashes made with other parameters still verify and are
    re-hashed on the next successful sign-in (``must_update``).
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with test-suite parameters. Never used outside config/settings/test.py."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
