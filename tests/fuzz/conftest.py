"""Fixtures shared by the fuzz tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def _pytest9_node_id_shim(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32.5's ``from_fixture`` reads and rewrites ``item._nodeid``, which pytest 9.2
    no longer has (the id lives behind the read-only ``nodeid``): give it a plain attribute."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid  # type: ignore[attr-defined]


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Django closes a connection whose autocommit is off at the start and end of each request,
    which would end the test's transaction; its own test client unhooks the same two handlers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
