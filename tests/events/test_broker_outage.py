"""An event published while the broker is down is delivered once the broker is back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.common.events import publish
from apps.common.models import OutboxEvent, ProcessedEvent
from apps.common.services import backoff_seconds, outbox_relay
from tests.events.celery_worker import CeleryWorker, wait_for
from tests.events.conftest import EventRows
from tests.events.fixtures_events import RECORD_PROBE, Probe, read_journal
from tests.events.redis_server import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_event_published_while_the_broker_is_down_is_delivered_after_it_returns(
    committed_db: EventRows,
    outbox_fenced: frozenset[uuid.UUID],
    redis_server: RedisServer,
    broker: str,
    start_worker: Callable[[], CeleryWorker],
    gym_a,
    journal: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    redis_server.stop()
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with schema_context(gym_a.schema_name), transaction.atomic():
        publish(event)
    assert "outbox relay nudge failed" in caplog.text  # logged, not raised: the commit stands
    published = OutboxEvent.objects.get(id=event.event_id)

    relay_started = timezone.now()
    assert outbox_relay() == 0

    row = OutboxEvent.objects.get(id=event.event_id)
    assert row.status == OutboxEvent.Status.PENDING
    assert row.relay_attempts == 1
    assert row.next_attempt_at > published.next_attempt_at
    assert row.next_attempt_at >= relay_started + timedelta(seconds=backoff_seconds(1))
    assert row.last_error.startswith("OperationalError")
    assert read_journal(journal) == []

    redis_server.start()  # same port, empty: nothing survived in the broker
    start_worker()
    # The row becomes due again after its backoff; the relay sends it once the broker answers.
    wait_for(lambda: outbox_relay() == 1, what="the relay to dispatch the pending row")

    row.refresh_from_db()
    assert row.status == OutboxEvent.Status.DISPATCHED
    assert row.dispatched_at is not None
    lines = wait_for(lambda: read_journal(journal) or None, what="the handler to run in the worker")
    assert [(line["event_id"], line["schema"]) for line in lines] == [
        (str(event.event_id), gym_a.schema_name)
    ]
    assert ProcessedEvent.objects.filter(event_id=event.event_id, handler=RECORD_PROBE).count() == 1
    # The rows the session left pending were locked by another relay and skipped, not touched.
    untouched = OutboxEvent.objects.filter(id__in=outbox_fenced)
    assert all(r.status == OutboxEvent.Status.PENDING and r.relay_attempts == 0 for r in untouched)
