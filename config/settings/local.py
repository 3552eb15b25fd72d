"""Development settings: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
# Field encryption: a fixed development key unless the environment brings its own.
ENCRYPTION_KEYS = env.str("GYM_ENCRYPTION_KEYS", default="dev1:Z3ltc3RhY2stZGV2LW9ubHkta2V5LTEteHh4eHh4eHg=")


# --- Plugin platform: the development publisher key signs the first-party sample (never trusted
# in production; its private half is plugins/_dev/gymstack-dev.key).
PLUGINS_TRUSTED_KEYS = {"gymstack-dev": "zusgrrREFbN92np7CZcTFnYD6ur+mvHTDkpnD2emIVc="}
