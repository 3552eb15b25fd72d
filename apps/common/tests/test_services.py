"""event_deliver and friends, in process: the claim, the retry signal, dead letters, the schema."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from apps.common.events import IntegrationEvent, event_to_payload
from apps.common.models import DeadLetter, ProcessedEvent
from apps.common.services import (
    DeliveryOutcome,
    RetryLater,
    WrongSchemaError,
    backoff_seconds,
    event_deliver,
)
from tests.events.fixtures_events import (
    FAIL_WHILE_BROKEN,
    RECORD_PROBE,
    Flaky,
    Probe,
    broken_switch,
    read_journal,
)

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def log_scope() -> Iterator[None]:
    yield


def envelope(event: IntegrationEvent, *, schema_name: str) -> dict[str, Any]:
    return {
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "schema_name": schema_name,
        "payload": event_to_payload(event),
        "request_id": "req-1",
    }


def test_a_delivery_runs_its_handler_once_in_the_gyms_schema(gym_a, tmp_path: Path) -> None:
    event = Probe(journal=str(tmp_path / "journal"))
    env = envelope(event, schema_name=gym_a.schema_name)

    with schema_context(gym_a.schema_name):
        first = event_deliver(envelope=env, handler=RECORD_PROBE, attempt=1)
        second = event_deliver(envelope=env, handler=RECORD_PROBE, attempt=1)

    assert (first, second) == (DeliveryOutcome.DONE, DeliveryOutcome.DUPLICATE)
    assert [(line["event_id"], line["schema"]) for line in read_journal(event.journal)] == [
        (str(event.event_id), gym_a.schema_name)
    ]
    assert list(ProcessedEvent.objects.filter(event_id=event.event_id).values_list("handler", flat=True)) == [
        RECORD_PROBE
    ]


def test_a_delivery_for_another_schema_is_refused_and_parked(gym_a, gym_b, tmp_path: Path) -> None:
    event = Probe(journal=str(tmp_path / "journal"))
    env = envelope(event, schema_name=gym_a.schema_name)

    with schema_context(gym_b.schema_name), pytest.raises(WrongSchemaError):
        event_deliver(envelope=env, handler=RECORD_PROBE, attempt=1)

    assert read_journal(event.journal) == []
    assert not ProcessedEvent.objects.filter(event_id=event.event_id).exists()
    letter = DeadLetter.objects.get(event_id=event.event_id)
    assert (letter.schema_name, letter.handler, letter.error) == (
        gym_a.schema_name,
        RECORD_PROBE,
        f"refused: delivery for schema {gym_a.schema_name!r} ran in {gym_b.schema_name!r}",
    )


def test_a_failed_attempt_leaves_no_claim_and_asks_for_a_retry_with_backoff(gym_a, tmp_path: Path) -> None:
    event = Flaky(journal=str(tmp_path / "journal"))
    broken_switch(event.journal).touch()
    env = envelope(event, schema_name=gym_a.schema_name)

    # The retry signal crosses generator-based context managers (tracing, log scopes) intact.
    with pytest.raises(RetryLater) as first, log_scope(), schema_context(gym_a.schema_name):
        event_deliver(envelope=env, handler=FAIL_WHILE_BROKEN, attempt=1)
    with schema_context(gym_a.schema_name), pytest.raises(RetryLater) as second:
        event_deliver(envelope=env, handler=FAIL_WHILE_BROKEN, attempt=2)

    assert (first.value.countdown, second.value.countdown) == (backoff_seconds(1), backoff_seconds(2))
    assert first.value.error == "RuntimeError: the handler is broken"
    assert not ProcessedEvent.objects.filter(event_id=event.event_id).exists()
    assert not DeadLetter.objects.filter(event_id=event.event_id).exists()

    broken_switch(event.journal).unlink()
    with schema_context(gym_a.schema_name):
        assert event_deliver(envelope=env, handler=FAIL_WHILE_BROKEN, attempt=3) == DeliveryOutcome.DONE
    assert [line["ok"] for line in read_journal(event.journal)] == [False, False, True]


def test_the_last_failed_attempt_dead_letters(gym_a, tmp_path: Path, settings: Any) -> None:
    event = Flaky(journal=str(tmp_path / "journal"))
    broken_switch(event.journal).touch()

    with schema_context(gym_a.schema_name):
        outcome = event_deliver(
            envelope=envelope(event, schema_name=gym_a.schema_name),
            handler=FAIL_WHILE_BROKEN,
            attempt=settings.EVENTS_MAX_ATTEMPTS,
        )

    assert outcome == DeliveryOutcome.DEAD
    letter = DeadLetter.objects.get(event_id=event.event_id)
    assert (letter.handler, letter.schema_name, letter.attempts, letter.error) == (
        FAIL_WHILE_BROKEN,
        gym_a.schema_name,
        settings.EVENTS_MAX_ATTEMPTS,
        "RuntimeError: the handler is broken",
    )
    assert letter.payload == event_to_payload(event)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"handler": "nowhere.handler"}, "undeliverable: No handler 'nowhere.handler'"),
        ({"event_type": "tests.Gone"}, "undeliverable: Unknown event type 'tests.Gone'"),
        ({"payload": {"journal": "x", "surprise": 1}}, "undeliverable: tests.Probe: unknown fields"),
    ],
)
def test_an_undeliverable_envelope_is_dead_lettered_at_once(
    change: dict[str, Any], error: str, tmp_path: Path
) -> None:
    event = Probe(journal=str(tmp_path / "journal"))
    env = {**envelope(event, schema_name="public"), **change}
    handler = change.get("handler", RECORD_PROBE)

    assert event_deliver(envelope=env, handler=handler, attempt=1) == DeliveryOutcome.DEAD

    letter = DeadLetter.objects.get(event_id=event.event_id)
    assert letter.error.startswith(error)
    assert letter.attempts == 1
    assert read_journal(event.journal) == []


def test_backoff_doubles_and_is_capped(settings: Any) -> None:
    settings.EVENTS_RETRY_BASE_SECONDS = 2.0
    settings.EVENTS_RETRY_MAX_SECONDS = 10.0
    assert [backoff_seconds(n) for n in range(1, 6)] == [2.0, 4.0, 8.0, 10.0, 10.0]
