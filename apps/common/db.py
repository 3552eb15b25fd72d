"""Database connection helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import connections


def database_url(alias: str = "default") -> str:
    """A libpq URL of the database behind a Django connection alias, for child processes that
    must use the same database (under pytest-django: the ``test_`` one). Django-only options
    such as ``pool`` are left out."""
    settings_dict: dict[str, Any] = connections[alias].settings_dict
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        **{k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k != "pool"},
    }
    return "postgresql:///?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})
