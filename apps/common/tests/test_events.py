"""Serialisation edge cases of the event wire format (the full round trip is in tests/events)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from apps.common.events import UnknownEventError, event_from_payload, event_to_payload
from tests.events.fixtures_events import Colour, EveryFieldType, Level, Probe


def every_field_type() -> EveryFieldType:
    return EveryFieldType(
        count=3,
        name="n",
        flag=True,
        ratio=0.5,
        amount=Decimal("9.90"),
        day=date(2030, 1, 2),
        at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        ref=uuid.uuid4(),
        colour=Colour.BLUE,
        level=Level.HIGH,
        maybe_ref=None,
        refs=(uuid.uuid4(), uuid.uuid4()),
        pair=(uuid.uuid4(), Decimal("1.5")),
        colours=(Colour.RED, Colour.BLUE),
    )


def test_the_payload_is_plain_json() -> None:
    event = every_field_type()
    payload = event_to_payload(event)
    assert json.loads(json.dumps(payload)) == payload
    assert payload["pair"] == [str(event.pair[0]), "1.5"]
    assert (payload["colour"], payload["level"], payload["maybe_ref"]) == ("blue", 2, None)


def test_a_fixed_length_tuple_keeps_each_items_type() -> None:
    event = every_field_type()
    restored = event_from_payload("tests.EveryFieldType", json.loads(json.dumps(event_to_payload(event))))
    assert isinstance(restored, EveryFieldType)
    assert restored.pair == event.pair
    assert (type(restored.pair[0]), type(restored.pair[1])) == (uuid.UUID, Decimal)


def test_a_fixed_length_tuple_of_the_wrong_length_is_refused() -> None:
    payload = event_to_payload(every_field_type())
    with pytest.raises(ValueError, match="expected 2 items"):
        event_from_payload("tests.EveryFieldType", {**payload, "pair": payload["pair"][:1]})


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventError):
        event_from_payload("tests.NoSuchEvent", {})


def test_unknown_and_missing_fields_are_refused() -> None:
    payload = event_to_payload(Probe(journal="x"))
    with pytest.raises(ValueError, match="unknown fields"):
        event_from_payload("tests.Probe", {**payload, "extra": 1})
    with pytest.raises(ValueError, match="journal"):
        event_from_payload("tests.Probe", {k: v for k, v in payload.items() if k != "journal"})


def test_omitted_defaults_are_filled_in() -> None:
    event = every_field_type()
    payload = {k: v for k, v in event_to_payload(event).items() if k != "maybe_level"}
    restored = event_from_payload("tests.EveryFieldType", payload)
    assert restored == dataclasses.replace(event, maybe_level=None)
