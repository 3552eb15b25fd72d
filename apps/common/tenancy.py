"""Typed access to django-tenants' connection state (the library ships no type hints)."""

from __future__ import annotations

from typing import Any

from django.db import connection


def tenant_connection() -> Any:
    """The default connection, a django-tenants wrapper with schema methods."""
    return connection


def current_schema() -> str:
    """The schema the connection points at: a gym's, or ``public``."""
    return str(tenant_connection().schema_name)


def current_gym_id(request: Any) -> int:
    """The id of the gym a request is served for (set by the edge's routing middleware).
    Accepts a Django ``HttpRequest`` or a DRF ``Request`` (which wraps one)."""
    django_request = getattr(request, "_request", request)
    return int(django_request.tenant.id)
