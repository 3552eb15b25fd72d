"""Every registered event survives the wire: event -> payload -> JSON -> payload -> event."""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.utils.module_loading import autodiscover_modules

from apps.common.events import IntegrationEvent, event_from_payload, event_to_payload, event_types
from tests.events import fixtures_events

E = TypeVar("E", bound=IntegrationEvent)

autodiscover_modules("facade.events")  # every context's published events, handled or not


def sample(tp: Any, seed: int) -> Any:
    """A value of type ``tp`` that differs from the field's default; fails on unknown types so
    a new field type cannot slip past this test."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        assert len(members) == 1, f"unions other than X | None are not wire types: {tp}"
        return sample(members[0], seed)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(sample(args[0], seed + i) for i in range(3))
        return tuple(sample(arg, seed + i) for i, arg in enumerate(args))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = list(tp)
        return members[seed % len(members)]
    if tp is bool:
        return seed % 2 == 0
    if tp is int:
        return 1000 + seed
    if tp is float:
        return seed + 0.25
    if tp is str:
        return f"text-{seed}-ünïcode"
    if tp is Decimal:
        return Decimal(f"{seed}.50")
    if tp is uuid.UUID:
        return uuid.uuid4()
    if tp is datetime:
        return datetime(2031, 2, 3, 4, 5, 6, 789012, tzinfo=timezone(timedelta(hours=seed % 12)))
    if tp is date:
        return date(2031, 2, 1 + seed % 28)
    raise AssertionError(f"no sample for {tp!r}: add it here and to events' serialisation")


def build(cls: type[E]) -> E:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: sample(hints[f.name], i) for i, f in enumerate(dataclasses.fields(cls))})


def assert_same(restored: Any, original: Any, path: str) -> None:
    """Equal and of the same type all the way down (``Role.OWNER == "owner"`` is not enough)."""
    assert type(restored) is type(original), f"{path}: {type(restored)} is not {type(original)}"
    assert restored == original, path
    if isinstance(original, tuple):
        for i, (r, o) in enumerate(zip(restored, original, strict=True)):
            assert_same(r, o, f"{path}[{i}]")
    if isinstance(original, datetime):
        assert restored.utcoffset() == original.utcoffset(), path


def test_the_registry_holds_the_events_this_test_must_cover() -> None:
    registered = event_types()
    assert registered["tests.EveryFieldType"] is fixtures_events.EveryFieldType
    assert {"organizations.GymCreated", "organizations.MemberJoined"} <= set(registered)


@pytest.mark.parametrize("event_type", sorted(event_types()))
def test_every_event_round_trips_through_json(event_type: str) -> None:
    cls = event_types()[event_type]
    event = build(cls)

    wire = json.dumps(event_to_payload(event))
    restored = event_from_payload(event_type, json.loads(wire))

    assert restored == event
    for f in dataclasses.fields(cls):
        assert_same(getattr(restored, f.name), getattr(event, f.name), f"{event_type}.{f.name}")


def test_optional_fields_round_trip_as_none() -> None:
    event = dataclasses.replace(build(fixtures_events.EveryFieldType), maybe_ref=None, maybe_level=None)
    wire = json.loads(json.dumps(event_to_payload(event)))
    assert event_from_payload("tests.EveryFieldType", wire) == event


def test_naive_and_utc_datetimes_keep_their_offset() -> None:
    for at in (datetime(2031, 1, 1, 12), datetime(2031, 1, 1, 12, tzinfo=UTC)):
        event = dataclasses.replace(build(fixtures_events.EveryFieldType), at=at)
        restored = event_from_payload("tests.EveryFieldType", json.loads(json.dumps(event_to_payload(event))))
        assert isinstance(restored, fixtures_events.EveryFieldType)
        assert_same(restored.at, at, "at")
