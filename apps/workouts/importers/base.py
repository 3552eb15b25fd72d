"""Shared types and the row loop of the history parsers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from apps.workouts.engine import SetType, Unit, to_kg

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REPS = 100
MAX_LOAD_KG = Decimal(1000)


class HistoryFormat(StrEnum):
    STRONG = "strong"
    HEVY = "hevy"


@dataclass(frozen=True, slots=True)
class ImportedSet:
    """One set read from a file: load in kilograms (0.001), times aware."""

    line: int
    started_at: datetime
    ended_at: datetime | None
    workout_name: str
    workout_note: str
    exercise_name: str
    set_index: int
    set_type: SetType
    load_kg: Decimal
    reps: int
    rpe: Decimal | None
    note: str

    @property
    def workout_key(self) -> tuple[datetime, str]:
        return (self.started_at, self.workout_name)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedHistory:
    format: HistoryFormat
    sets: tuple[ImportedSet, ...]
    errors: tuple[RowError, ...]
    skipped: tuple[RowError, ...]  # rows that are not strength sets (cardio, rest timers)


class RowProblemError(ValueError):
    """A row cannot be read; the message names the column and the value."""


class UnreadableCsvError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class SkipRow(Exception):  # noqa: N818 - a control-flow signal, not an error
    """A well-formed row that is not a strength set."""


Row = dict[str, str]
RowParser = Callable[[Row, int], ImportedSet]


def cell(row: Row, column: str) -> str:
    return (row.get(column) or "").strip()


def parse_int(value: str, column: str, *, low: int, high: int) -> int:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowProblemError(f"{column} must be a whole number, got {value!r}") from None
    if number != number.to_integral_value():
        raise RowProblemError(f"{column} must be a whole number, got {value!r}")
    if not low <= number <= high:
        raise RowProblemError(f"{column} must be from {low} to {high}, got {value}")
    return int(number)


def parse_decimal(value: str, column: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
    except InvalidOperation:
        raise RowProblemError(f"{column} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise RowProblemError(f"{column} must be a number, got {value!r}")
    return number


def parse_load(value: str, column: str, unit: Unit) -> Decimal:
    """A load in ``unit`` as kilograms; empty means body weight only (0)."""
    if value == "":
        return Decimal("0.000")
    number = parse_decimal(value, column)
    if number < 0:
        raise RowProblemError(f"{column} must not be negative, got {value}")
    kg = to_kg(number, unit)
    if kg > MAX_LOAD_KG:
        raise RowProblemError(f"{column} must be at most 1000 kg, got {value} {unit}")
    return kg


def parse_rpe(value: str, column: str) -> Decimal | None:
    if value == "":
        return None
    number = parse_decimal(value, column)
    if not Decimal(1) <= number <= Decimal(10):
        raise RowProblemError(f"{column} must be from 1 to 10, got {value}")
    return number


def parse_time(value: str, column: str, formats: tuple[str, ...], tz: tzinfo) -> datetime:
    text = " ".join(value.replace("\u202f", " ").split())
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware just below
        except ValueError:
            continue
        return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
    raise RowProblemError(f"{column} is not a date and time this format uses: {value!r}")


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = f"the file is not valid CSV from here on ({exc})"
            raise UnreadableCsvError(reader.line_num, message) from None
        yield previous + 1, cells
        previous = reader.line_num


def read_rows(
    text: str,
    *,
    fmt: HistoryFormat,
    required: tuple[str, ...],
    parse_row: Callable[[Row, int, tuple[str, ...]], ImportedSet],
) -> ParsedHistory:
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    sets: list[ImportedSet] = []
    errors: list[RowError] = []
    skipped: list[RowError] = []
    try:
        records = _records(text, delimiter)
        header_item = next(records, None)
        if header_item is None:
            return ParsedHistory(fmt, (), (RowError(1, "The file is empty."),), ())
        header = tuple(h.strip() for h in header_item[1])
        missing = [c for c in required if c not in header]
        if missing:
            message = f"The header lacks the {fmt.value.title()} column(s) {', '.join(missing)}."
            return ParsedHistory(fmt, (), (RowError(1, message),), ())
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                errors.append(RowError(line, f"expected {len(header)} cells, found {len(cells)}"))
                continue
            row = dict(zip(header, cells, strict=True))
            try:
                sets.append(parse_row(row, line, header))
            except SkipRow as skip:
                skipped.append(RowError(line, str(skip)))
            except RowProblemError as exc:
                errors.append(RowError(line, str(exc)))
    except UnreadableCsvError as exc:  # nothing after it can be trusted
        errors.append(RowError(exc.line, str(exc)))
    return ParsedHistory(fmt, tuple(sets), tuple(errors), tuple(skipped))


def parse_history(text: str, *, fmt: HistoryFormat, unit: Unit = Unit.KG, tz: tzinfo) -> ParsedHistory:
    """Every set of a Strong or Hevy export, and every row that could not be read.

    ``unit`` is the unit of the Weight column when the file does not say (Strong's current
    export writes loads in the app's unit without naming it); ``tz`` the zone of the file's
    local times."""
    from apps.workouts.importers import hevy, strong

    if fmt is HistoryFormat.STRONG:
        return strong.parse(text, unit=unit, tz=tz)
    return hevy.parse(text, tz=tz)
