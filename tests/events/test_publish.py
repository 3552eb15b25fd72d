"""publish(): the outbox row is written in the caller's transaction, stamped with its schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from apps.common.events import IntegrationEvent, UnknownEventError, event_to_payload, publish
from apps.common.models import OutboxEvent
from config.celery import app as celery_app
from tests.events.celery_worker import producer_broker
from tests.events.conftest import EventRows
from tests.events.fixtures_events import Probe
from tests.events.redis_server import HangUpServer, RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _queued_tasks(redis_server: RedisServer) -> list[tuple[str, str]]:
    """(task name, schema header) of every message waiting in the broker's default queue."""
    messages = redis_server.client(1).lrange("celery", 0, -1)
    return [
        (m["headers"]["task"], m["headers"]["_schema_name"]) for m in (json.loads(raw) for raw in messages)
    ]


def test_publish_outside_a_transaction_raises_and_writes_nothing(
    committed_db: EventRows, broker: str, journal: Path
) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        publish(event)

    assert not OutboxEvent.objects.filter(id=event.event_id).exists()


def test_publish_in_a_gym_writes_the_row_with_its_schema_and_nudges_the_relay(
    committed_db: EventRows, broker: str, redis_server: RedisServer, gym_a, journal: Path
) -> None:
    redis_server.client(1).delete("celery")
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with schema_context(gym_a.schema_name), transaction.atomic():
        publish(event)
        assert _queued_tasks(redis_server) == []  # nothing leaves before commit

    row = OutboxEvent.objects.get(id=event.event_id)
    assert row.schema_name == gym_a.schema_name
    assert row.event_type == "tests.Probe"
    assert row.payload == event_to_payload(event)
    assert row.status == OutboxEvent.Status.PENDING
    assert row.occurred_at == event.occurred_at
    assert _queued_tasks(redis_server) == [("common.relay_outbox", gym_a.schema_name)]


@pytest.fixture
def broker_hanging_up(broker: str) -> Iterator[HangUpServer]:
    server = HangUpServer()
    try:
        with producer_broker(celery_app, server.url(1)):
            yield server
    finally:
        server.close()


def test_a_failing_nudge_tries_the_broker_once_and_keeps_the_event(
    committed_db: EventRows, broker_hanging_up: HangUpServer, gym_a, journal: Path
) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with schema_context(gym_a.schema_name), transaction.atomic():
        publish(event)

    # One attempt, not kombu's reconnect loop that stalls the committing request for seconds.
    assert broker_hanging_up.connections() == 1
    assert OutboxEvent.objects.get(id=event.event_id).status == OutboxEvent.Status.PENDING


def test_publish_in_public_stamps_public(committed_db: EventRows, broker: str, journal: Path) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with schema_context("public"), transaction.atomic():
        publish(event)

    assert OutboxEvent.objects.get(id=event.event_id).schema_name == "public"


def test_a_rolled_back_change_leaves_no_event(
    committed_db: EventRows, broker: str, redis_server: RedisServer, gym_a, journal: Path
) -> None:
    redis_server.client(1).delete("celery")
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    def change_that_fails() -> None:
        with schema_context(gym_a.schema_name), transaction.atomic():
            publish(event)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        change_that_fails()

    assert not OutboxEvent.objects.filter(id=event.event_id).exists()
    assert _queued_tasks(redis_server) == []


def test_publish_refuses_an_unregistered_event(committed_db: EventRows, broker: str) -> None:
    @dataclass(frozen=True, kw_only=True)
    class Unregistered(IntegrationEvent):
        pass

    event = Unregistered()
    committed_db.track(event.event_id)
    with pytest.raises(UnknownEventError), transaction.atomic():
        publish(event)
    assert not OutboxEvent.objects.filter(id=event.event_id).exists()
