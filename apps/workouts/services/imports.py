"""Import a member's training history from a Strong or Hevy CSV; export everything as CSV.

Import is all-or-nothing or good-rows-only, as the caller chooses; either way every bad row is
reported with its line number, and nothing is written when the choice is all-or-nothing and a
row is bad. Exercise names are matched to the gym's exercises (exact name, then the name without
Strong's/Hevy's equipment suffix in brackets, then that suffix as a prefix: "Bench Press
(Barbell)" -> "Barbell Bench Press"); an unknown name is a bad row.

Imported ids are derived from the member, the format and the row's content, so importing the same
file again adds nothing. Imported sessions are finished, with ``origin`` the format; their sets
get e1RMs and records (stored, so later sets are compared against history) but publish no events
and go to no live followers: they are history, not news.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.workouts import engine
from apps.workouts.facade.contracts import SessionStatus
from apps.workouts.importers import HistoryFormat, ImportedSet, RowError, parse_history
from apps.workouts.models import Exercise, ExerciseOverride, LoggedSet, PersonalRecord, WorkoutSession
from apps.workouts.services.sessions import SetInput, member_prefs, performed, personal_bests, set_e1rm_kg

_NAMESPACE = uuid.UUID("6f1c7f3e-2a64-4d0b-9a53-1b8f5e0c9d21")
_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<suffix>[^)]*)\)\s*$")


class ImportMode:
    ALL_OR_NOTHING = "all_or_nothing"
    GOOD_ROWS = "good_rows"


@dataclass(frozen=True, slots=True)
class ImportReport:
    format: str
    mode: str
    imported_sets: int
    imported_sessions: int
    errors: tuple[RowError, ...]
    skipped: tuple[RowError, ...]


def _exercise_index() -> dict[str, Exercise]:
    """The gym's usable exercises by lower-case name (renamed catalogue entries under both)."""
    index: dict[str, Exercise] = {}
    hidden = set(ExerciseOverride.objects.filter(hidden=True).values_list("exercise_id", flat=True))
    renamed = dict(ExerciseOverride.objects.exclude(name="").values_list("exercise_id", "name"))
    for exercise in Exercise.objects.only("id", "name"):
        if exercise.pk in hidden:
            continue
        index.setdefault(exercise.name.lower(), exercise)
        if exercise.pk in renamed:
            index[renamed[exercise.pk].lower()] = exercise
    return index


def _match(name: str, index: dict[str, Exercise]) -> Exercise | None:
    key = " ".join(name.lower().split())
    if key in index:
        return index[key]
    found = _SUFFIX.match(key)
    if found is None:
        return None
    base, suffix = found["name"], found["suffix"]
    for candidate in (base, f"{suffix} {base}", f"{base} - {suffix}"):
        if candidate in index:
            return index[candidate]
    # A catalogue variant: "Bench Press (Barbell)" -> "Barbell Bench Press - Medium Grip".
    variants = sorted(k for k in index if k.startswith(f"{suffix} {base} - "))
    return index[variants[0]] if variants else None


def _session_id(member_id: UUID, fmt: HistoryFormat, item: ImportedSet) -> UUID:
    return uuid.uuid5(_NAMESPACE, f"{member_id}|{fmt}|{item.started_at.isoformat()}|{item.workout_name}")


def _set_id(member_id: UUID, fmt: HistoryFormat, item: ImportedSet, position: int) -> UUID:
    return uuid.uuid5(
        _NAMESPACE,
        f"{member_id}|{fmt}|{item.started_at.isoformat()}|{item.workout_name}|{item.exercise_name}|"
        f"{item.set_index}|{position}",
    )


def history_import(
    *,
    member_id: UUID,
    text: str,
    fmt: HistoryFormat,
    mode: str,
    tz: tzinfo,
    unit: engine.Unit | None = None,
    started_by: UUID | None = None,
) -> ImportReport:
    """Parse, match and (unless refused) write. With ``mode`` all-or-nothing and any bad row,
    raises ValidationError listing every bad row (``file``: "line N: ...") and writes nothing."""
    prefs = member_prefs(member_id=member_id)
    parsed = parse_history(text, fmt=fmt, unit=unit or prefs.unit, tz=tz)
    errors = list(parsed.errors)
    index = _exercise_index()
    good: list[tuple[ImportedSet, Exercise]] = []
    for item in parsed.sets:
        exercise = _match(item.exercise_name, index)
        if exercise is None:
            errors.append(RowError(item.line, f"no exercise of this gym is called {item.exercise_name!r}"))
        else:
            good.append((item, exercise))
    errors.sort(key=lambda e: e.line)
    if not parsed.sets and not errors:
        errors.append(RowError(1, "The file holds no sets."))
    if errors and (mode == ImportMode.ALL_OR_NOTHING or not good):
        raise ValidationError({"file": [f"line {e.line}: {e.message}" for e in errors]})
    sets, sessions = _write(
        member_id=member_id, fmt=fmt, rows=good, formula=prefs.formula, started_by=started_by
    )
    return ImportReport(fmt.value, mode, sets, sessions, tuple(errors), parsed.skipped)


@transaction.atomic
def _write(
    *,
    member_id: UUID,
    fmt: HistoryFormat,
    rows: list[tuple[ImportedSet, Exercise]],
    formula: engine.Formula,
    started_by: UUID | None,
) -> tuple[int, int]:
    rows = sorted(rows, key=lambda r: (r[0].started_at, r[0].line))
    session_rows: dict[UUID, WorkoutSession] = {}
    for item, _ in rows:
        sid = _session_id(member_id, fmt, item)
        if sid not in session_rows:
            session_rows[sid] = WorkoutSession(
                id=sid,
                member_id=member_id,
                name=item.workout_name,
                status=SessionStatus.FINISHED.value,
                started_at=item.started_at,
                finished_at=item.ended_at or item.started_at,
                note=item.workout_note,
                origin=fmt.value,
                started_by=started_by,
            )
    existing_sessions = set(WorkoutSession.objects.filter(pk__in=session_rows).values_list("pk", flat=True))
    WorkoutSession.objects.bulk_create([s for k, s in session_rows.items() if k not in existing_sessions])
    new_sets: list[LoggedSet] = []
    order: dict[UUID, int] = {}
    for position, (item, exercise) in enumerate(rows):
        sid = _session_id(member_id, fmt, item)
        order[sid] = order.get(sid, 0) + 1
        values = SetInput(
            reps=item.reps, load_kg=item.load_kg, rpe=item.rpe, set_type=item.set_type, note=item.note
        )
        new_sets.append(
            LoggedSet(
                id=_set_id(member_id, fmt, item, position),
                session_id=sid,
                exercise=exercise,
                member_id=member_id,
                order=order[sid],
                set_type=item.set_type.value,
                reps=item.reps,
                load_kg=item.load_kg,
                rpe=item.rpe,
                note=item.note,
                e1rm_kg=set_e1rm_kg(values, formula),
                performed_at=item.started_at,
            )
        )
    known = set(LoggedSet.objects.filter(pk__in=[s.pk for s in new_sets]).values_list("pk", flat=True))
    fresh = [s for s in new_sets if s.pk not in known]
    LoggedSet.objects.bulk_create(fresh)
    _records(member_id=member_id, sets=fresh, formula=formula)
    return len(fresh), len(session_rows) - len(existing_sessions)


def _records(*, member_id: UUID, sets: list[LoggedSet], formula: engine.Formula) -> None:
    bests: dict[UUID, engine.PersonalBests] = {}
    records: list[PersonalRecord] = []
    for row in sets:
        current = bests.get(row.exercise_id) or personal_bests(
            member_id=member_id, exercise_id=row.exercise_id
        )
        found, bests[row.exercise_id] = engine.detect_records(current, performed(row), formula=formula)
        records += [
            PersonalRecord(
                member_id=member_id,
                exercise_id=row.exercise_id,
                kind=r.kind.value,
                reps=r.reps,
                value=r.value.quantize(Decimal("0.001")),
                previous=r.previous,
                logged_set=row,
                achieved_at=row.performed_at,
            )
            for r in found
        ]
    PersonalRecord.objects.bulk_create(records)


EXPORT_COLUMNS = (
    "session_id",
    "session_name",
    "session_origin",
    "started_at",
    "finished_at",
    "set_id",
    "set_order",
    "exercise",
    "set_type",
    "reps",
    "load",
    "unit",
    "load_kg",
    "rpe",
    "rir",
    "e1rm_kg",
    "note",
    "performed_at",
)


def _text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def history_export_rows(*, member_id: UUID) -> Iterator[str]:
    """Every logged set of the member as CSV lines (header first), oldest first, in the member's
    unit and in kg; streamed from the database in chunks."""
    unit = member_prefs(member_id=member_id).unit
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    rows = (
        LoggedSet.objects.filter(member_id=member_id)
        .select_related("session", "exercise")
        .order_by("session__started_at", "session_id", "order")
    )
    for row in rows.iterator(chunk_size=500):
        session = row.session
        writer.writerow(
            (
                session.pk,
                _text(session.name),
                session.origin,
                session.started_at.isoformat(),
                session.finished_at.isoformat() if session.finished_at else "",
                row.pk,
                row.order,
                _text(row.exercise.name),
                row.set_type,
                row.reps,
                engine.plain(engine.from_kg(row.load_kg, unit)),
                unit.value,
                engine.plain(row.load_kg),
                "" if row.rpe is None else engine.plain(row.rpe),
                "" if row.rir is None else engine.plain(row.rir),
                "" if row.e1rm_kg is None else engine.plain(row.e1rm_kg),
                _text(row.note),
                row.performed_at.isoformat(),
            )
        )
        yield flush()
