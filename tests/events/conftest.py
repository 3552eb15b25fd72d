"""Fixtures for the event-bus flows: a private Redis, a real Celery worker and committed rows.

The worker reads the test database from another process, so these tests must commit. They carry
``django_db`` (which makes pytest-django create the test database, and wraps the test in a
transaction that is rolled back), and ``committed_db`` gives them a second connection to that
database in autocommit. ``transaction=True`` is not used: it flushes every table afterwards,
deleting the session's gyms. The tests delete exactly the rows they made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django_tenants.utils import schema_context

from apps.common.db import database_url
from apps.common.models import DeadLetter, OutboxEvent, ProcessedEvent
from config.celery import app as celery_app
from tests.events import fixtures_events  # noqa: F401 - registers the test-only events
from tests.events.celery_worker import CeleryWorker, producer_broker
from tests.events.redis_server import RedisServer


class EventRows:
    """The event ids a test created; their outbox, processed and dead-letter rows go at teardown."""

    def __init__(self) -> None:
        self.event_ids: set[uuid.UUID] = set()

    def track(self, event_id: uuid.UUID) -> uuid.UUID:
        self.event_ids.add(event_id)
        return event_id

    def delete(self) -> None:
        ids = list(self.event_ids)
        with schema_context("public"):
            OutboxEvent.objects.filter(id__in=ids).delete()
            ProcessedEvent.objects.filter(event_id__in=ids).delete()
            DeadLetter.objects.filter(event_id__in=ids).delete()


@pytest.fixture
def committed_db() -> Iterator[EventRows]:
    """Swap the test's rolled-back connection for a fresh autocommit one until teardown."""
    rolled_back = connections[DEFAULT_DB_ALIAS]
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    assert own.settings_dict["NAME"] == rolled_back.settings_dict["NAME"]
    connections[DEFAULT_DB_ALIAS] = own
    rows = EventRows()
    try:
        assert own.get_autocommit()
        assert not own.in_atomic_block
        yield rows
    finally:
        try:
            own.set_schema_to_public()  # type: ignore[attr-defined]
            rows.delete()
        finally:
            own.close()
            connections[DEFAULT_DB_ALIAS] = rolled_back


@pytest.fixture
def outbox_fenced(committed_db: EventRows) -> Iterator[frozenset[uuid.UUID]]:
    """Lock every outbox row already pending (the session's gyms published some), as a
    concurrent relay would, so relays during the test see only the test's own rows."""
    with psycopg.connect(database_url()) as other, other.transaction():
        locked = other.execute(
            "SELECT id FROM public.common_outboxevent WHERE status = 'pending' FOR UPDATE"
        ).fetchall()
        yield frozenset(row[0] for row in locked)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(workdir=tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def broker(redis_server: RedisServer) -> Iterator[str]:
    """This process sends tasks to the module's own Redis (database 1), never the shared one."""
    url = redis_server.url(1)
    with producer_broker(celery_app, url):
        yield url


@pytest.fixture(scope="module")
def result_url(redis_server: RedisServer) -> str:
    return redis_server.url(2)


@pytest.fixture(scope="module")
def start_worker(
    django_db_setup: Any, broker: str, result_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], CeleryWorker]]:
    """``start_worker()`` starts a real worker on the module's broker; all stop at module end."""
    workers: list[CeleryWorker] = []
    logs = tmp_path_factory.mktemp("worker")

    def start() -> CeleryWorker:
        worker = CeleryWorker(
            broker_url=broker, result_url=result_url, log_path=logs / f"worker-{len(workers)}.log"
        )
        workers.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "journal.jsonl"
