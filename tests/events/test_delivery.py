"""Deliveries through a real worker: once per event id, retried with backoff, dead-lettered,
replayed, and always inside the gym's schema."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from apps.common.events import IntegrationEvent, event_to_payload, publish
from apps.common.models import DeadLetter, OutboxEvent, ProcessedEvent
from apps.common.services import DELIVER_TASK, backoff_seconds, dead_letter_replay, outbox_relay
from config.celery import app as celery_app
from tests.events.celery_worker import CeleryWorker, task_outcome, wait_for
from tests.events.conftest import EventRows
from tests.events.fixtures_events import (
    FAIL_WHILE_BROKEN,
    RECORD_PROBE,
    Flaky,
    Probe,
    broken_switch,
    read_journal,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def worker(start_worker: Callable[[], CeleryWorker]) -> CeleryWorker:
    return start_worker()


def _envelope(event: IntegrationEvent, *, schema_name: str) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "schema_name": schema_name,
        "payload": event_to_payload(event),
        "request_id": "",
    }


def _send(envelope: dict[str, Any], handler: str, *, header_schema: str | None = None) -> str:
    """Queue one delivery the way the relay does (the schema header comes from the connection),
    keeping its result so the test can read the outcome."""
    task_id = str(uuid.uuid4())
    with schema_context(header_schema or envelope["schema_name"]):
        celery_app.send_task(DELIVER_TASK, args=[envelope, handler], task_id=task_id, ignore_result=False)
    return task_id


def test_a_duplicated_delivery_runs_the_handler_once(
    committed_db: EventRows, worker: CeleryWorker, result_url: str, gym_a, journal: Path
) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)
    envelope = _envelope(event, schema_name=gym_a.schema_name)

    first = _send(envelope, RECORD_PROBE)
    second = _send(envelope, RECORD_PROBE)

    assert task_outcome(result_url, first) == ("SUCCESS", "done")
    assert task_outcome(result_url, second) == ("SUCCESS", "duplicate")
    assert [line["event_id"] for line in read_journal(journal)] == [str(event.event_id)]
    assert ProcessedEvent.objects.filter(event_id=event.event_id).count() == 1


def test_a_failing_handler_is_retried_with_backoff_then_dead_lettered_and_replayable(
    committed_db: EventRows, worker: CeleryWorker, result_url: str, gym_a, journal: Path
) -> None:
    max_attempts = settings.EVENTS_MAX_ATTEMPTS
    event = Flaky(journal=str(journal))
    committed_db.track(event.event_id)
    broken_switch(journal).touch()

    task_id = _send(_envelope(event, schema_name=gym_a.schema_name), FAIL_WHILE_BROKEN)

    assert task_outcome(result_url, task_id) == ("SUCCESS", "dead")
    attempts = read_journal(journal)
    assert [a["retries"] for a in attempts] == list(range(max_attempts))
    assert [a["ok"] for a in attempts] == [False] * max_attempts
    assert {a["schema"] for a in attempts} == {gym_a.schema_name}  # retries keep the gym
    # Each retry was scheduled (ETA) at least backoff_seconds(n) after attempt n failed.
    assert attempts[0]["eta"] is None
    for n, (failed, retry) in enumerate(itertools.pairwise(attempts), start=1):
        assert retry["eta"] is not None, f"retry {n} was not delayed"
        assert datetime.fromisoformat(retry["eta"]).timestamp() - failed["at"] >= backoff_seconds(n)
    letter = DeadLetter.objects.get(event_id=event.event_id)
    assert (letter.handler, letter.event_type, letter.schema_name, letter.attempts) == (
        FAIL_WHILE_BROKEN,
        "tests.Flaky",
        gym_a.schema_name,
        max_attempts,
    )
    assert letter.error == "RuntimeError: the handler is broken"
    assert letter.replayed_at is None
    assert not ProcessedEvent.objects.filter(event_id=event.event_id).exists()

    broken_switch(journal).unlink()  # the fix
    with schema_context(gym_a.schema_name):  # the admin may act from anywhere
        dead_letter_replay(dead_letter_id=letter.pk)

    wait_for(
        lambda: ProcessedEvent.objects.filter(event_id=event.event_id, handler=FAIL_WHILE_BROKEN).exists(),
        what="the replayed delivery to succeed",
    )
    replayed = read_journal(journal)[max_attempts:]
    assert [(a["ok"], a["retries"], a["schema"]) for a in replayed] == [(True, 0, gym_a.schema_name)]
    letter.refresh_from_db()
    assert letter.replayed_at is not None
    with pytest.raises(ValueError, match="already replayed"):
        dead_letter_replay(dead_letter_id=letter.pk)
    assert DeadLetter.objects.filter(event_id=event.event_id).count() == 1


def test_a_published_gym_event_is_handled_inside_that_gyms_schema(
    committed_db: EventRows,
    outbox_fenced: frozenset[uuid.UUID],
    worker: CeleryWorker,
    gym_a,
    journal: Path,
) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    with schema_context(gym_a.schema_name), transaction.atomic():
        publish(event)
    # The after-commit nudge may already have the worker relaying; a second relay skips the row.
    outbox_relay()

    lines = wait_for(lambda: read_journal(journal) or None, what="the handler to run in the worker")
    assert [(line["event_id"], line["schema"]) for line in lines] == [
        (str(event.event_id), gym_a.schema_name)
    ]
    assert lines[0]["pid"] == worker.pid
    row = OutboxEvent.objects.get(id=event.event_id)
    assert (row.status, row.schema_name) == (OutboxEvent.Status.DISPATCHED, gym_a.schema_name)


def test_a_delivery_arriving_in_the_wrong_schema_is_refused_parked_and_replayable(
    committed_db: EventRows, worker: CeleryWorker, result_url: str, gym_a, gym_b, journal: Path
) -> None:
    event = Probe(journal=str(journal))
    committed_db.track(event.event_id)

    task_id = _send(
        _envelope(event, schema_name=gym_a.schema_name), RECORD_PROBE, header_schema=gym_b.schema_name
    )

    state, error = task_outcome(result_url, task_id)
    assert (state, error["exc_type"]) == ("FAILURE", "WrongSchemaError")
    assert read_journal(journal) == []
    letter = DeadLetter.objects.get(event_id=event.event_id, handler=RECORD_PROBE)
    assert letter.error.startswith("refused:")

    dead_letter_replay(dead_letter_id=letter.pk)

    lines = wait_for(lambda: read_journal(journal) or None, what="the replayed delivery to run")
    assert [(line["event_id"], line["schema"]) for line in lines] == [
        (str(event.event_id), gym_a.schema_name)
    ]
