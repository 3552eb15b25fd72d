"""Test settings: `make test`."""

import os
import uuid

from .base import *  # noqa: F403
from .base import CACHES, INSTALLED_APPS, PASSWORD_HASHERS, TENANT_APPS

SECRET_KEY = "test-only-key-not-secret"
DEBUG = False
# Argon2 stays first, with cheap parameters so hashing does not dominate the suite.
PASSWORD_HASHERS = ["apps.users.hashers.FastArgon2PasswordHasher", *PASSWORD_HASHERS]
GYM_SPARE_POOL_SIZE = 1
# Parallel and repeated runs share the machine's Redis: give each run its own key space.
_run = os.environ.get("TEST_RUN_ID") or uuid.uuid4().hex[:8]
for _alias in CACHES.values():
    _alias["KEY_PREFIX"] = f"test-{_run}-{_alias['KEY_PREFIX']}"
# Tests that need a real broker start their own Redis (tests/conftest.py); the rest run eagerly.
CELERY_TASK_ALWAYS_EAGER = False
# After-commit relay nudges go nowhere unless a test brings its own broker (tests/events).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://"
EVENTS_RETRY_BASE_SECONDS = 0.05
EVENTS_MAX_ATTEMPTS = 3
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttling is exercised by its own tests with small limits; everywhere else it stays out of the way.
API_RATE_LIMITS = {plan: {"gym": 1_000_000, "user": 1_000_000} for plan in ("free", "pro", "enterprise")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Field encryption: fixed, public test-only keys (apps.common.crypto).
ENCRYPTION_KEYS = "test1:Z3ltc3RhY2stdGVzdC1vbmx5LWtleS0xLXh4eHh4eHg="
ENCRYPTION_CURRENT_KEY = "test1"
# A tenant app with a real table of encrypted fields, for apps/common/tests only.
TENANT_APPS = [*TENANT_APPS, "apps.common.tests.crypto_app"]
INSTALLED_APPS = [*INSTALLED_APPS, "apps.common.tests.crypto_app"]


# --- Plugin platform: the development publisher key signs the first-party sample (never trusted
# in production; its private half is plugins/_dev/gymstack-dev.key).
PLUGINS_TRUSTED_KEYS = {"gymstack-dev": "zusgrrREFbN92np7CZcTFnYD6ur+mvHTDkpnD2emIVc="}
