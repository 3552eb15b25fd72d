"""Integration events: typed, JSON-serialisable, published through a transactional outbox.

Publishing writes an ``OutboxEvent`` row in the caller's transaction, so the event exists if and
only if the change it announces was committed. A relay (``common.relay_outbox``) hands pending
rows to Celery; each subscriber gets its own delivery task, runs at most once per event id, is
retried with exponential backoff and is parked in ``DeadLetter`` when every attempt failed.
See docs/architecture/event-flow.md.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django.db import connection, transaction
from django.utils import timezone

from apps.common.context import request_id_var
from apps.common.tenancy import current_schema

logger = logging.getLogger(__name__)

E = TypeVar("E", bound="IntegrationEvent")
Handler = Callable[[Any], None]


@dataclass(frozen=True, kw_only=True)
class IntegrationEvent:
    """Base class of every integration event. Subclasses are frozen dataclasses of JSON-able
    fields (str, int, bool, float, Decimal, UUID, date, datetime, enums, tuples of those)."""

    event_type: ClassVar[str] = ""
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=timezone.now)


_event_types: dict[str, type[IntegrationEvent]] = {}
_subscribers: dict[str, dict[str, Handler]] = {}


class UnknownEventError(LookupError):
    pass


def integration_event(name: str) -> Callable[[type[E]], type[E]]:
    """Register an event class under a stable wire name (``"organizations.GymCreated"``)."""

    def register(cls: type[E]) -> type[E]:
        if name in _event_types and _event_types[name] is not cls:
            raise ValueError(f"Event type {name!r} is registered twice.")
        cls.event_type = name
        _event_types[name] = cls
        return cls

    return register


def event_types() -> dict[str, type[IntegrationEvent]]:
    return dict(_event_types)


def subscribe(event_class: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Subscribe a handler to an event. Handlers must be idempotent-safe to retry: the bus runs
    each (event id, handler) to completion at most once, inside one database transaction."""

    def register(func: Callable[[E], None]) -> Callable[[E], None]:
        name = handler_name(func)
        _subscribers.setdefault(event_class.event_type, {})[name] = func
        return func

    return register


def handler_name(func: Handler) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def subscribers_for(event_type: str) -> dict[str, Handler]:
    return dict(_subscribers.get(event_type, {}))


def handler_by_name(event_type: str, name: str) -> Handler:
    try:
        return _subscribers[event_type][name]
    except KeyError as exc:
        raise UnknownEventError(f"No handler {name!r} for {event_type!r}.") from exc


# --- serialisation -----------------------------------------------------------------------


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in list(value)]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


def _from_json(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_json(members[0], value) if len(members) == 1 else value
    if origin is tuple or tp is tuple:
        args = typing.get_args(tp)
        if not args:
            return tuple(value)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_json(args[0], v) for v in value)
        if len(args) != len(value):
            raise ValueError(f"expected {len(args)} items for {tp}, got {len(value)}")
        return tuple(_from_json(inner, v) for inner, v in zip(args, value, strict=True))
    if origin is dict or tp is Any:
        return value
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return tp(value)
        if tp is uuid.UUID:
            return uuid.UUID(value)
        if tp is Decimal:
            return Decimal(value)
        if tp is datetime:
            return datetime.fromisoformat(value)
        if tp is date:
            return date.fromisoformat(value)
    return value


def event_to_payload(event: IntegrationEvent) -> dict[str, Any]:
    return {f.name: _to_json(getattr(event, f.name)) for f in dataclasses.fields(event)}


def event_from_payload(event_type: str, payload: dict[str, Any]) -> IntegrationEvent:
    """Rebuild an event from its wire form; raises ``UnknownEventError`` or ``ValueError``."""
    try:
        cls = _event_types[event_type]
    except KeyError as exc:
        raise UnknownEventError(f"Unknown event type {event_type!r}.") from exc
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(payload) - names
    if unknown:
        raise ValueError(f"{event_type}: unknown fields {sorted(unknown)}")
    kwargs = {name: _from_json(hints[name], value) for name, value in payload.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{event_type}: {exc}") from exc


# --- publishing --------------------------------------------------------------------------


def publish(event: IntegrationEvent) -> None:
    """Write ``event`` to the outbox in the current transaction, stamped with the gym's schema.

    Must be called inside ``transaction.atomic()``: the event is committed with the change it
    announces or not at all. After commit the relay is nudged; if that fails (broker down) the
    periodic relay delivers it later.
    """
    from apps.common.models import OutboxEvent

    if not event.event_type or _event_types.get(event.event_type) is not type(event):
        raise UnknownEventError(f"{type(event).__name__} is not a registered integration event.")
    if not connection.in_atomic_block:
        raise RuntimeError("publish() must be called inside transaction.atomic().")
    OutboxEvent.objects.create(
        id=event.event_id,
        event_type=event.event_type,
        payload=event_to_payload(event),
        schema_name=current_schema(),
        request_id=request_id_var.get(),
        occurred_at=event.occurred_at,
    )
    transaction.on_commit(nudge_relay)


def nudge_relay() -> None:
    """Ask a worker to relay the outbox now. Best effort: the beat schedule is the safety net."""
    from celery import current_app

    try:
        # One connection attempt. ``retry=False`` is slower, not faster: kombu then reconnects
        # until ``broker_connection_timeout``, stalling every committing request for seconds
        # while the broker is down.
        current_app.send_task(
            "common.relay_outbox", retry=True, retry_policy={"max_retries": 0}, ignore_result=True
        )
    except Exception:  # broker unreachable: the periodic relay picks the row up later
        logger.warning("outbox relay nudge failed; the periodic relay will deliver the event")
