"""Training metrics, pure: volume load, hard sets per muscle against landmarks, adherence,
personal records and e1RM trend points. Inputs are engine value types; nothing is read or saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from apps.workouts.engine.errors import EngineError
from apps.workouts.engine.formulas import Formula, e1rm, is_estimable
from apps.workouts.engine.prescription import (
    COUNTED_SET_TYPES,
    PROGRESSION_SET_TYPES,
    Outcome,
    PerformedSet,
    Prescription,
    SetType,
)

HARD_SET_MAX_RIR = Decimal(4)


def volume_load(sets: Iterable[PerformedSet], *, include_warm_ups: bool = False) -> Decimal:
    """Sum of reps x load over the sets (warm-ups left out unless ``include_warm_ups``)."""
    total = Decimal(0)
    for done in sets:
        if include_warm_ups or done.set_type in COUNTED_SET_TYPES:
            total += done.reps * done.load
    return total


def is_hard_set(done: PerformedSet, *, max_rir: Decimal = HARD_SET_MAX_RIR) -> bool:
    """A set within 0..``max_rir`` reps in reserve; with RIR unknown, a working or AMRAP set.
    Warm-ups and sets of zero reps never count."""
    if done.set_type is SetType.WARM_UP or done.reps < 1:
        return False
    if done.rir is not None:
        return done.rir <= max_rir
    return done.set_type in PROGRESSION_SET_TYPES


@dataclass(frozen=True, slots=True)
class MuscleSet:
    """A performed set with the primary muscles (prime movers) of its exercise."""

    done: PerformedSet
    primary_muscles: tuple[str, ...]


def hard_sets_per_muscle(sets: Iterable[MuscleSet], *, max_rir: Decimal = HARD_SET_MAX_RIR) -> dict[str, int]:
    """Hard sets per primary muscle (one week's sets in, counts out; muscles in first-seen order)."""
    counts: dict[str, int] = {}
    for item in sets:
        if not is_hard_set(item.done, max_rir=max_rir):
            continue
        for muscle in dict.fromkeys(item.primary_muscles):
            counts[muscle] = counts.get(muscle, 0) + 1
    return counts


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week: the key weekly metrics group by."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class WeekMetrics:
    """One week (from Monday ``week``): volume load and hard sets per primary muscle."""

    week: datetime.date
    volume_load: Decimal
    hard_sets: Mapping[str, int]


def weekly_metrics(
    sets: Iterable[tuple[datetime.date, MuscleSet]], *, max_rir: Decimal = HARD_SET_MAX_RIR
) -> tuple[WeekMetrics, ...]:
    """Volume load and hard sets per muscle for each week that has sets, by week."""
    by_week: dict[datetime.date, list[MuscleSet]] = {}
    for day, item in sets:
        by_week.setdefault(week_start(day), []).append(item)
    return tuple(
        WeekMetrics(
            week=week,
            volume_load=volume_load(item.done for item in by_week[week]),
            hard_sets=hard_sets_per_muscle(by_week[week], max_rir=max_rir),
        )
        for week in sorted(by_week)
    )


class VolumeZone(StrEnum):
    """Where a muscle's weekly hard sets sit against its landmarks (stable strings)."""

    BELOW_MV = "below_mv"
    MAINTENANCE = "maintenance"
    PRODUCTIVE = "productive"
    HIGH = "high"
    ABOVE_MRV = "above_mrv"


@dataclass(frozen=True, slots=True)
class VolumeLandmarks:
    """Weekly hard-set landmarks: maintenance volume (MV), minimum effective (MEV), top of the
    adaptive range (MAV) and maximum recoverable (MRV). Coaching heuristics, not measurements;
    defaults MV 6, MEV 8, MAV 16, MRV 20."""

    mv: int = 6
    mev: int = 8
    mav: int = 16
    mrv: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.mv <= self.mev <= self.mav <= self.mrv:
            raise EngineError(
                f"landmarks need 0 <= MV <= MEV <= MAV <= MRV, got {self.mv}/{self.mev}/{self.mav}/{self.mrv}"
            )

    def classify(self, hard_sets: int) -> VolumeZone:
        if hard_sets < self.mv:
            return VolumeZone.BELOW_MV
        if hard_sets < self.mev:
            return VolumeZone.MAINTENANCE
        if hard_sets <= self.mav:
            return VolumeZone.PRODUCTIVE
        if hard_sets <= self.mrv:
            return VolumeZone.HIGH
        return VolumeZone.ABOVE_MRV


@dataclass(frozen=True, slots=True)
class MuscleVolume:
    muscle: str
    hard_sets: int
    zone: VolumeZone
    landmarks: VolumeLandmarks
    reason: str


_ZONE_TEXT = {
    VolumeZone.BELOW_MV: "below maintenance volume (MV {mv}): strength and size may regress",
    VolumeZone.MAINTENANCE: "maintenance (MV {mv} to below MEV {mev})",
    VolumeZone.PRODUCTIVE: "productive (MEV {mev} to MAV {mav})",
    VolumeZone.HIGH: "high (above MAV {mav}, up to MRV {mrv}): watch recovery",
    VolumeZone.ABOVE_MRV: "above MRV {mrv}: a deload is due",
}


def classify_volume(
    counts: Mapping[str, int],
    *,
    landmarks: VolumeLandmarks | None = None,
    per_muscle: Mapping[str, VolumeLandmarks] | None = None,
    muscles: Iterable[str] = (),
) -> tuple[MuscleVolume, ...]:
    """Each muscle's weekly hard sets with its zone and a reason. ``per_muscle`` overrides the
    default ``landmarks`` for named muscles; ``muscles`` adds muscles trained zero times."""
    default = landmarks or VolumeLandmarks()
    per_muscle = per_muscle or {}
    names = list(dict.fromkeys([*counts, *muscles]))
    out: list[MuscleVolume] = []
    for muscle in names:
        marks = per_muscle.get(muscle, default)
        sets = counts.get(muscle, 0)
        zone = marks.classify(sets)
        text = _ZONE_TEXT[zone].format(mv=marks.mv, mev=marks.mev, mav=marks.mav, mrv=marks.mrv)
        out.append(
            MuscleVolume(
                muscle=muscle,
                hard_sets=sets,
                zone=zone,
                landmarks=marks,
                reason=f"{muscle}: {sets} hard sets this week, {text}.",
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Adherence:
    """Planned against done. ``sets_as_prescribed``: done sets that met their target reps at
    (at least) the prescribed load."""

    planned_sessions: int = 0
    done_sessions: int = 0
    planned_sets: int = 0
    done_sets: int = 0
    sets_as_prescribed: int = 0

    def __add__(self, other: Adherence) -> Adherence:
        return Adherence(
            planned_sessions=self.planned_sessions + other.planned_sessions,
            done_sessions=self.done_sessions + other.done_sessions,
            planned_sets=self.planned_sets + other.planned_sets,
            done_sets=self.done_sets + other.done_sets,
            sets_as_prescribed=self.sets_as_prescribed + other.sets_as_prescribed,
        )

    @property
    def sets_percent(self) -> Decimal | None:
        """Done sets as a percentage of planned sets (capped at 100), to 0.1; None if none planned."""
        return _percent(min(self.done_sets, self.planned_sets), self.planned_sets)

    @property
    def as_prescribed_percent(self) -> Decimal | None:
        return _percent(self.sets_as_prescribed, self.planned_sets)

    @property
    def sessions_percent(self) -> Decimal | None:
        return _percent(self.done_sessions, self.planned_sessions)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def session_adherence(prescription: Prescription, outcome: Outcome | None) -> Adherence:
    """One exercise in one session: prescribed (non-warm-up) sets against the done ones, matched
    in order. ``outcome`` None: the session was skipped."""
    planned = [s for s in prescription.sets if s.set_type is not SetType.WARM_UP]
    done = [] if outcome is None else [s for s in outcome.sets if s.set_type is not SetType.WARM_UP]
    as_prescribed = 0
    for target, actual in zip(planned, done, strict=False):
        load_ok = target.load is None or actual.load >= target.load
        if actual.reps >= target.target_reps and load_ok:
            as_prescribed += 1
    return Adherence(
        planned_sessions=1,
        done_sessions=1 if done else 0,
        planned_sets=len(planned),
        done_sets=len(done),
        sets_as_prescribed=as_prescribed,
    )


def adherence(pairs: Iterable[tuple[Prescription, Outcome | None]]) -> Adherence:
    """The sum of ``session_adherence`` over (prescription, outcome) pairs."""
    total = Adherence()
    for prescription, outcome in pairs:
        total = total + session_adherence(prescription, outcome)
    return total


class RecordKind(StrEnum):
    E1RM = "e1rm"
    REP_MAX = "rep_max"
    VOLUME = "volume"


@dataclass(frozen=True, slots=True)
class PersonalRecord:
    """A new best: ``value`` beats ``previous`` (``None``: the first of its kind). For rep maxes
    ``reps`` is the rep count and ``value`` the load."""

    kind: RecordKind
    value: Decimal
    previous: Decimal | None
    reps: int | None = None

    def describe(self, unit: str) -> str:
        was = "first recorded" if self.previous is None else f"was {self.previous.normalize():f} {unit}"
        if self.kind is RecordKind.REP_MAX:
            return f"{self.reps}-rep max {self.value.normalize():f} {unit} ({was})"
        if self.kind is RecordKind.E1RM:
            return f"e1RM {self.value.normalize():f} {unit} ({was})"
        return f"best set volume {self.value.normalize():f} {unit} ({was})"


@dataclass(frozen=True, slots=True)
class PersonalBests:
    """An exercise's bests so far: e1RM, heaviest load per exact rep count, best set volume."""

    e1rm: Decimal | None = None
    rep_maxes: Mapping[int, Decimal] = field(default_factory=dict)
    best_set_volume: Decimal | None = None


def detect_records(
    bests: PersonalBests, done: PerformedSet, *, formula: Formula = Formula.EPLEY
) -> tuple[tuple[PersonalRecord, ...], PersonalBests]:
    """The records a new set beats, and the bests updated with it. Warm-ups and sets of zero
    reps or zero load set no record; the e1RM counts reps + RIR when RIR is logged and is skipped
    beyond the formulas' range. A record must beat the previous best strictly."""
    if done.set_type is SetType.WARM_UP or done.reps < 1 or done.load <= 0:
        return (), bests
    records: list[PersonalRecord] = []
    new_e1rm = bests.e1rm
    if is_estimable(done.reps, done.rir):
        value = e1rm(done.load, done.reps, formula, rir=done.rir)
        if bests.e1rm is None or value > bests.e1rm:
            records.append(PersonalRecord(RecordKind.E1RM, value, bests.e1rm))
            new_e1rm = value
    rep_maxes = dict(bests.rep_maxes)
    previous = rep_maxes.get(done.reps)
    if previous is None or done.load > previous:
        records.append(PersonalRecord(RecordKind.REP_MAX, done.load, previous, reps=done.reps))
        rep_maxes[done.reps] = done.load
    volume = done.reps * done.load
    new_volume = bests.best_set_volume
    if bests.best_set_volume is None or volume > bests.best_set_volume:
        records.append(PersonalRecord(RecordKind.VOLUME, volume, bests.best_set_volume))
        new_volume = volume
    return tuple(records), PersonalBests(e1rm=new_e1rm, rep_maxes=rep_maxes, best_set_volume=new_volume)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The best e1RM of a day, with the set it came from."""

    day: datetime.date
    e1rm: Decimal
    load: Decimal
    reps: int


def e1rm_trend(
    sets: Iterable[tuple[datetime.date, PerformedSet]], *, formula: Formula = Formula.EPLEY
) -> tuple[TrendPoint, ...]:
    """One point per day: the best e1RM of that day's estimable non-warm-up sets, by date."""
    best: dict[datetime.date, TrendPoint] = {}
    for day, done in sets:
        if done.set_type is SetType.WARM_UP or done.reps < 1 or done.load <= 0:
            continue
        if not is_estimable(done.reps, done.rir):
            continue
        value = e1rm(done.load, done.reps, formula, rir=done.rir)
        point = best.get(day)
        if point is None or value > point.e1rm:
            best[day] = TrendPoint(day=day, e1rm=value, load=done.load, reps=done.reps)
    return tuple(best[day] for day in sorted(best))
