"""Helpers for tests that need committed rows and real threads: WebSocket handshakes (their
database work runs on another connection) and concurrent set logging."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client
from django_tenants.utils import schema_context

from conftest import GymFixture, login

T = TypeVar("T")


def in_own_connection(django_db_blocker: Any, func: Callable[[], T]) -> T:
    """Run ``func`` in a thread, on its own autocommit connection: its writes are committed at
    once, outside the test's rolled-back transaction."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with django_db_blocker.unblock():
                result["value"] = func()
        except BaseException as exc:  # re-raised in the test's thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the thread did not finish"
    if "error" in result:
        raise result["error"]
    return result["value"]  # type: ignore[no-any-return]


def run_async(django_db_blocker: Any, scenario: Callable[[], Any]) -> Any:
    """Run an async scenario in its own thread and connection (committed reads)."""
    return in_own_connection(django_db_blocker, lambda: async_to_sync(scenario)())


class Sessions:
    """Committed sign-ins on gym hosts; the session rows are deleted afterwards."""

    def __init__(self, django_db_blocker: Any) -> None:
        self.blocker = django_db_blocker
        self.made: list[tuple[str, str]] = []

    def cookie(self, gym: GymFixture, who: str, *, mfa: bool = True) -> str:
        email = gym.people[who].email if who in gym.people else who

        def sign_in() -> str:
            client = login(Client(HTTP_HOST=gym.host), gym, email, mfa=mfa)
            return str(client.cookies[settings.SESSION_COOKIE_NAME].value)

        key = in_own_connection(self.blocker, sign_in)
        self.made.append((gym.schema_name, key))
        return key

    def delete_all(self) -> None:
        def delete() -> None:
            for schema, key in self.made:
                with schema_context(schema):
                    Session.objects.filter(session_key=key).delete()

        in_own_connection(self.blocker, delete)


@pytest.fixture
def committed_sessions(django_db_blocker: Any) -> Iterator[Sessions]:
    sessions = Sessions(django_db_blocker)
    yield sessions
    sessions.delete_all()


@pytest.fixture
def own_channel_layer(settings: Any) -> None:
    """The real Redis channel layer, under a key prefix of this test alone (parallel runs share
    the Redis server)."""
    layers = dict(settings.CHANNEL_LAYERS)
    default = dict(layers["default"])
    default["CONFIG"] = {**default["CONFIG"], "prefix": f"test-live-{uuid.uuid4().hex[:10]}"}
    settings.CHANNEL_LAYERS = {**layers, "default": default}
