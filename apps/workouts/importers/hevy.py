"""Hevy's CSV export.

Comma-separated, every cell quoted: ``title,start_time,end_time,description,exercise_title,
superset_id,exercise_notes,set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe``;
accounts set to pounds export ``weight_lbs`` and ``distance_miles`` instead. Times are
``26 Jul 2025, 07:06`` (ISO 8601 accepted too). ``set_index`` counts from 0; ``set_type`` is
``normal``, ``warmup``, ``dropset`` or ``failure``. Rows without reps (cardio, timed holds) are
skipped.
"""

from __future__ import annotations

from datetime import tzinfo

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

REQUIRED = ("title", "start_time", "exercise_title", "set_index", "set_type", "reps")
TIME_FORMATS = (
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)
_SET_TYPES = {
    "normal": SetType.WORKING,
    "failure": SetType.WORKING,
    "warmup": SetType.WARM_UP,
    "dropset": SetType.DROP,
}


def parse(text: str, *, tz: tzinfo) -> ParsedHistory:
    def row_set(row: Row, line: int, header: tuple[str, ...]) -> ImportedSet:
        if "weight_kg" in header:
            column, unit = "weight_kg", Unit.KG
        elif "weight_lbs" in header:
            column, unit = "weight_lbs", Unit.LB
        else:
            raise RowProblemError("the header has neither weight_kg nor weight_lbs")
        exercise = cell(row, "exercise_title")
        if not exercise:
            raise RowProblemError("exercise_title is empty")
        started = parse_time(cell(row, "start_time"), "start_time", TIME_FORMATS, tz)
        ended_text = cell(row, "end_time")
        ended = parse_time(ended_text, "end_time", TIME_FORMATS, tz) if ended_text else None
        if ended is not None and ended < started:
            raise RowProblemError("end_time is before start_time")
        kind = cell(row, "set_type").lower()
        if kind not in _SET_TYPES:
            raise RowProblemError(f"set_type must be normal, warmup, dropset or failure, got {kind!r}")
        reps_text = cell(row, "reps")
        if reps_text == "":
            raise SkipRow("not a strength set (no reps)")
        return ImportedSet(
            line=line,
            started_at=started,
            ended_at=ended,
            workout_name=cell(row, "title")[:120] or "Workout",
            workout_note=cell(row, "description")[:2000],
            exercise_name=exercise[:200],
            set_index=parse_int(cell(row, "set_index"), "set_index", low=0, high=1000),
            set_type=_SET_TYPES[kind],
            load_kg=parse_load(cell(row, column), column, unit),
            reps=parse_int(reps_text, "reps", low=0, high=MAX_REPS),
            rpe=parse_rpe(cell(row, "rpe"), "rpe"),
            note=cell(row, "exercise_notes")[:500],
        )

    return read_rows(text, fmt=HistoryFormat.HEVY, required=REQUIRED, parse_row=row_set)
