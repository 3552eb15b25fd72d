"""Test helpers: point the connection at a gym the way a request to its host does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apps.common.tenancy import tenant_connection
from apps.organizations.facade import api as organizations


@contextmanager
def in_gym(gym: Any) -> Iterator[None]:
    """Run with the connection on ``gym``'s schema and its route (with the gym's id) as tenant."""
    route = organizations.route_for_host_uncached(host=gym.host)
    assert route is not None
    connection = tenant_connection()
    connection.set_tenant(route)
    try:
        yield
    finally:
        connection.set_schema_to_public()
