"""Strong's CSV export.

Two layouts exist. The older one is semicolon-separated and names the unit of each row:
``Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;
Seconds;Notes;Workout Notes;Workout Duration``. The current one is comma-separated, has a
``Duration`` column and no unit (loads are in the unit the app was set to):
``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
Workout Notes,RPE``. Dates are ``2024-08-05 18:02:11`` (seconds and time optional, 12-hour
clocks accepted). ``Set Order`` is a number, or ``W``/``D``/``F`` (warm-up, drop, failure) with an
optional number; "Rest Timer" rows and rows without reps (cardio) are skipped.
"""

from __future__ import annotations

from datetime import tzinfo
from decimal import Decimal

from apps.workouts.engine import SetType, Unit
from apps.workouts.importers.base import (
    MAX_REPS,
    HistoryFormat,
    ImportedSet,
    ParsedHistory,
    Row,
    RowProblemError,
    SkipRow,
    cell,
    parse_int,
    parse_load,
    parse_rpe,
    parse_time,
    read_rows,
)

REQUIRED = ("Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Reps")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d",
)
_SET_LETTERS = {"W": SetType.WARM_UP, "D": SetType.DROP, "F": SetType.WORKING}
_UNITS = {"kg": Unit.KG, "kgs": Unit.KG, "lb": Unit.LB, "lbs": Unit.LB}


def _set_order(value: str) -> tuple[int, SetType]:
    if value.lower().startswith("rest"):
        raise SkipRow("a rest timer, not a set")
    letter = value[:1].upper()
    if letter in _SET_LETTERS:
        digits = value[1:].strip()
        index = parse_int(digits, "Set Order", low=0, high=1000) if digits else 0
        return index, _SET_LETTERS[letter]
    return parse_int(value, "Set Order", low=0, high=1000), SetType.WORKING


def parse(text: str, *, unit: Unit, tz: tzinfo) -> ParsedHistory:
    def row_set(row: Row, line: int, header: tuple[str, ...]) -> ImportedSet:
        exercise = cell(row, "Exercise Name")
        if not exercise:
            raise RowProblemError("Exercise Name is empty")
        started = parse_time(cell(row, "Date"), "Date", DATE_FORMATS, tz)
        index, set_type = _set_order(cell(row, "Set Order"))
        reps_text = cell(row, "Reps")
        if reps_text in ("", "0") and (cell(row, "Distance") or cell(row, "Seconds") not in ("", "0")):
            raise SkipRow("not a strength set (distance or time only)")
        if reps_text == "":
            raise RowProblemError("Reps is empty")
        reps = parse_int(reps_text, "Reps", low=0, high=MAX_REPS)
        row_unit = unit
        if "Weight Unit" in header and cell(row, "Weight Unit"):
            named = _UNITS.get(cell(row, "Weight Unit").lower())
            if named is None:
                raise RowProblemError(f"Weight Unit must be kg or lbs, got {cell(row, 'Weight Unit')!r}")
            row_unit = named
        load_kg = parse_load(cell(row, "Weight"), "Weight", row_unit)
        rpe = parse_rpe(cell(row, "RPE"), "RPE") if "RPE" in header else None
        return ImportedSet(
            line=line,
            started_at=started,
            ended_at=None,
            workout_name=cell(row, "Workout Name")[:120] or "Workout",
            workout_note=cell(row, "Workout Notes")[:2000],
            exercise_name=exercise[:200],
            set_index=index,
            set_type=set_type,
            load_kg=load_kg,
            reps=reps,
            rpe=rpe if rpe is None else Decimal(rpe),
            note=cell(row, "Notes")[:500],
        )

    return read_rows(text, fmt=HistoryFormat.STRONG, required=REQUIRED, parse_row=row_set)
