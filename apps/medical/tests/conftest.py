"""Fixtures of the medical tests: a connection set to a gym, a frozen medical clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from apps.common.tenancy import tenant_connection


@pytest.fixture
def in_gym(db: Any) -> Callable[[Any], AbstractContextManager[Any]]:
    """``with in_gym(gym_a): ...`` runs with the connection set to that gym (tenant and schema)."""

    @contextmanager
    def enter(gym: Any) -> Iterator[None]:
        connection = tenant_connection()
        previous = connection.tenant
        connection.set_tenant(GymTenant(id=gym.id, schema_name=gym.schema_name))
        try:
            yield
        finally:
            connection.set_tenant(previous)

    return enter


@dataclass(frozen=True)
class GymTenant:
    """What the connection needs of a gym: its id and schema (the tests hold no Gym rows)."""

    id: int
    schema_name: str


class FrozenClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], FrozenClock]:
    """``frozen(at)`` freezes the medical clock at ``at``; set ``.at`` to move it."""

    def freeze(at: datetime) -> FrozenClock:
        clock = FrozenClock(at)
        monkeypatch.setattr("apps.medical.clock.now", clock)
        return clock

    return freeze
