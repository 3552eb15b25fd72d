"""Production settings: everything secure by default; `manage.py check --deploy` is clean."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Field encryption: refuse to start without a valid key ring (ADR 0013).
ENCRYPTION_KEYS = env.str("GYM_ENCRYPTION_KEYS")
ENCRYPTION_CURRENT_KEY = env.str("GYM_ENCRYPTION_CURRENT_KEY", default="")


def _check_key_ring() -> None:
    from apps.common.crypto import parse_key_ring

    parse_key_ring(ENCRYPTION_KEYS, ENCRYPTION_CURRENT_KEY)


_check_key_ring()
