"""Fixtures of the users tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone


class Clock:
    """Django's clock (``timezone.now``), stopped; ``advance`` moves it on."""

    def __init__(self) -> None:
        self.now: datetime = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    stopped = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: stopped.now):
        yield stopped
