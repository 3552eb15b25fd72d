"""Test-only integration events and their handlers.

Imported by the test process and by the worker (``celery worker --include
tests.events.fixtures_events``), so both register the same event types and the same handler
names (``module.qualname``). Handlers leave their effects in a JSON-lines journal file named in
the event, which the test process can read while the handler runs in the worker.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

from celery import current_task

from apps.common.events import IntegrationEvent, handler_name, integration_event, subscribe
from apps.common.tenancy import current_schema


@integration_event("tests.Probe")
@dataclass(frozen=True, kw_only=True)
class Probe(IntegrationEvent):
    """Every run of its handler appends one line to ``journal``."""

    journal: str


@integration_event("tests.Flaky")
@dataclass(frozen=True, kw_only=True)
class Flaky(IntegrationEvent):
    """Its handler logs every attempt to ``journal`` and fails while ``<journal>.broken`` exists."""

    journal: str


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Level(IntEnum):
    LOW = 1
    HIGH = 2


@integration_event("tests.EveryFieldType")
@dataclass(frozen=True, kw_only=True)
class EveryFieldType(IntegrationEvent):
    """Not delivered anywhere: covers every field type events may use, for the round-trip test."""

    count: int
    name: str
    flag: bool
    ratio: float
    amount: Decimal
    day: date
    at: datetime
    ref: UUID
    colour: Colour
    level: Level
    maybe_ref: UUID | None
    maybe_level: Level | None = None
    refs: tuple[UUID, ...]
    pair: tuple[UUID, Decimal]
    colours: tuple[Colour, ...]


def broken_switch(journal: str | Path) -> Path:
    return Path(f"{journal}.broken")


def read_journal(journal: str | Path) -> list[dict[str, Any]]:
    path = Path(journal)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def _append(journal: str, record: dict[str, Any]) -> None:
    with Path(journal).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def _attempt(event: IntegrationEvent) -> dict[str, Any]:
    request = current_task.request if current_task else None
    return {
        "event_id": str(event.event_id),
        "schema": current_schema(),
        "pid": os.getpid(),
        "retries": request.retries if request else None,
        "eta": request.eta if request else None,
        "at": time.time(),
    }


@subscribe(Probe)
def record_probe(event: Probe) -> None:
    _append(event.journal, _attempt(event))


@subscribe(Flaky)
def fail_while_broken(event: Flaky) -> None:
    broken = broken_switch(event.journal).exists()
    _append(event.journal, {**_attempt(event), "ok": not broken})
    if broken:
        raise RuntimeError("the handler is broken")


RECORD_PROBE = handler_name(record_probe)
FAIL_WHILE_BROKEN = handler_name(fail_while_broken)
