"""Training metrics of one member, computed by the engine from their logged sets.

``progress(...)`` reads a fixed number of rows sets (four queries, whatever the history holds)
and returns plain JSON-ready data for the API and the progress page: the e1RM trend of each
exercise trained in the window, weekly volume load, this week's hard sets per muscle against
the volume landmarks, adherence to the program and the latest records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone

from apps.workouts import engine
from apps.workouts.models import LoggedSet, PersonalRecord, SessionExercise
from apps.workouts.services.sessions import member_prefs, performed

MAX_WEEKS = 52
MAX_TREND_EXERCISES = 12


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime
    weeks: int


def window(*, weeks: int, now: datetime | None = None) -> Window:
    """The last ``weeks`` ISO weeks, this one included (Monday 00:00 UTC onward)."""
    now = now or timezone.now()
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(start=monday - timedelta(weeks=weeks - 1), end=now, weeks=weeks)


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _n(value: Decimal, unit: engine.Unit) -> float:
    return float(engine.from_kg(value, unit).quantize(Decimal("0.1")))


def progress(
    *, member_id: UUID, weeks: int = 8, exercise_id: UUID | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Everything the progress page charts, in the member's unit."""
    prefs = member_prefs(member_id=member_id)
    unit, formula = prefs.unit, prefs.formula
    span = window(weeks=max(1, min(weeks, MAX_WEEKS)), now=now)
    rows = list(
        LoggedSet.objects.filter(
            member_id=member_id, performed_at__gte=span.start, performed_at__lte=span.end
        )
        .select_related("exercise")
        .order_by("performed_at", "order")
    )
    # e1RM trend per exercise (the most trained first).
    by_exercise: dict[UUID, list[LoggedSet]] = defaultdict(list)
    for row in rows:
        by_exercise[row.exercise_id].append(row)
    ranked = sorted(by_exercise.values(), key=lambda items: (-len(items), items[0].exercise.name))
    if exercise_id is not None:
        ranked = [items for items in ranked if items[0].exercise_id == exercise_id]
    trends = []
    for items in ranked[:MAX_TREND_EXERCISES]:
        points = engine.e1rm_trend(((r.performed_at.date(), performed(r)) for r in items), formula=formula)
        if points:
            trends.append(
                {
                    "exercise_id": str(items[0].exercise_id),
                    "exercise_name": items[0].exercise.name,
                    "points": [{"x": p.day.isoformat(), "y": _n(p.e1rm, unit)} for p in points],
                }
            )
    # Weekly volume load (warm-ups excluded), every week of the window present.
    per_week: dict[str, list[engine.PerformedSet]] = {
        _week_label((span.start + timedelta(weeks=i)).date()): [] for i in range(span.weeks)
    }
    for row in rows:
        per_week.setdefault(_week_label(row.performed_at.date()), []).append(performed(row))
    volume = [
        {"label": label, "value": _n(engine.volume_load(sets), unit)} for label, sets in per_week.items()
    ]
    # Hard sets per primary muscle, this week, against the landmarks.
    this_week = window(weeks=1, now=span.end).start
    counts = engine.hard_sets_per_muscle(
        engine.MuscleSet(done=performed(r), primary_muscles=tuple(r.exercise.primary_muscles))
        for r in rows
        if r.performed_at >= this_week
    )
    hard = [
        {
            "label": v.muscle,
            "value": v.hard_sets,
            "zone": v.zone.value,
            "low": v.landmarks.mev,
            "high": v.landmarks.mrv,
            "reason": v.reason,
        }
        for v in engine.classify_volume(counts)
    ]
    return {
        "member_id": str(member_id),
        "unit": unit.value,
        "formula": formula.value,
        "weeks": span.weeks,
        "since": span.start.isoformat(),
        "e1rm_trend": trends,
        "weekly_volume": {"unit": unit.value, "bars": volume},
        "hard_sets": {"week": _week_label(this_week.date()), "bars": hard},
        "adherence": _adherence(member_id=member_id, since=span.start, rows=rows),
        "records": _records(member_id=member_id, unit=unit),
    }


def _adherence(*, member_id: UUID, since: datetime, rows: list[LoggedSet]) -> dict[str, Any]:
    """Planned (the prescriptions of program sessions started in the window) against done."""
    entries = SessionExercise.objects.filter(
        session__member_id=member_id, session__started_at__gte=since, session__program_day__isnull=False
    ).exclude(prescription={})
    done: dict[int, list[engine.PerformedSet]] = defaultdict(list)
    for row in rows:
        if row.session_exercise_id is not None:
            done[row.session_exercise_id].append(performed(row))
    pairs = []
    sessions: set[UUID] = set()
    for entry in entries:
        try:
            prescription = engine.prescription_from_dict(entry.prescription)
        except engine.EngineError:
            continue
        sets = done.get(entry.pk)
        # Prescriptions are in the gym's loading unit; performed sets here are kg.
        in_unit = (
            None
            if not sets
            else engine.Outcome(
                sets=tuple(
                    engine.PerformedSet(
                        reps=s.reps,
                        load=engine.from_kg(s.load, prescription.unit),
                        rir=s.rir,
                        set_type=s.set_type,
                    )
                    for s in sets
                )
            )
        )
        pairs.append((prescription, in_unit))
        sessions.add(entry.session_id)
    total = engine.adherence(pairs)
    return {
        "program_sessions": len(sessions),
        "planned_sets": total.planned_sets,
        "done_sets": total.done_sets,
        "sets_as_prescribed": total.sets_as_prescribed,
        "sets_percent": None if total.sets_percent is None else float(total.sets_percent),
        "as_prescribed_percent": None
        if total.as_prescribed_percent is None
        else float(total.as_prescribed_percent),
    }


def _records(*, member_id: UUID, unit: engine.Unit, limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        PersonalRecord.objects.filter(member_id=member_id)
        .select_related("exercise")
        .order_by("-achieved_at")[:limit]
    )
    return [
        {
            "exercise_name": r.exercise.name,
            "kind": r.kind,
            "reps": r.reps,
            "value": _n(r.value, unit)
            if r.kind != "volume"
            else float(engine.from_kg(r.value, unit).quantize(Decimal(1))),
            "achieved_at": r.achieved_at.isoformat(),
        }
        for r in rows
    ]
