"""Progression schemes: what each exercise prescribes next, and why.

``prescribe(scheme, state, loading)`` gives the next session's sets; ``progress(scheme, state,
outcome, loading)`` judges a finished session and returns the new state, the next prescription,
the kind of change and a reason a member and a coach can read. Every load is rounded to the
gym's ``loading`` and never falls below its lightest load (the empty bar).
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import ClassVar

from apps.workouts.engine.errors import EngineError, check_number
from apps.workouts.engine.formulas import Formula, e1rm, is_estimable, percent_1rm_for
from apps.workouts.engine.plates import Loading, Rounding
from apps.workouts.engine.prescription import (
    LoadBasis,
    Outcome,
    PerformedSet,
    PrescribedSet,
    Prescription,
    RepRange,
    SetSpec,
    SetType,
)
from apps.workouts.engine.units import Unit, format_load, plain

HUNDRED = Decimal(100)


class Change(StrEnum):
    """The kind of change a progression step made (stable strings)."""

    START = "start"
    INCREASE = "increase"
    HOLD = "hold"
    DECREASE = "decrease"
    DELOAD = "deload"
    NEXT_WEEK = "next_week"
    NEW_CYCLE = "new_cycle"
    NOT_TRAINED = "not_trained"


class Mechanic(StrEnum):
    COMPOUND = "compound"
    ISOLATION = "isolation"


@dataclass(frozen=True, slots=True)
class ExerciseState:
    """Where one exercise's progression stands. Loads are in the loading set-up's unit.

    ``load``: working load (linear, double progression, RPE); ``target_reps``: reps per set to
    aim for (double progression); ``failures``: consecutive failed sessions (for 5/3/1: missed
    "+" sets this cycle); ``training_max``, ``wave_week`` (0-based) and ``cycle`` (0-based): 5/3/1;
    ``e1rm``: the 1RM that %1RM and RPE/RIR sets are worked out from: a tested max to start with,
    then the best estimate of each session's AMRAP sets and sets with RIR logged (the latest
    session wins, so a bad day lowers it: autoregulation by design).
    """

    load: Decimal | None = None
    target_reps: int | None = None
    failures: int = 0
    training_max: Decimal | None = None
    wave_week: int = 0
    cycle: int = 0
    e1rm: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("load", "training_max", "e1rm"):
            value = getattr(self, name)
            if value is not None:
                check_number(value, name)
            if value is not None and value < 0:
                raise EngineError(f"{name} must not be negative, got {value}")
        if self.failures < 0 or self.wave_week < 0 or self.cycle < 0:
            raise EngineError("failures, wave_week and cycle must not be negative")


@dataclass(frozen=True, slots=True)
class LinearScheme:
    """``sets`` x ``reps`` at one load; all reps done -> + ``increment``; otherwise a failure;
    after ``failures_before_deload`` consecutive failures -> ``deload_percent`` of the load."""

    kind: ClassVar[str] = "linear"
    sets: int = 3
    reps: int = 5
    increment: Decimal = Decimal("2.5")
    failures_before_deload: int = 3
    deload_percent: Decimal = Decimal(90)
    rest_seconds: int | None = 180

    def __post_init__(self) -> None:
        _check_common(self.sets, self.increment, self.failures_before_deload, self.deload_percent)
        RepRange.exactly(self.reps)


@dataclass(frozen=True, slots=True)
class DoubleProgression:
    """``sets`` x ``rep_low``-``rep_high`` at one load; one more rep per set each session; once every
    set reaches ``rep_high`` -> + ``increment`` and back to ``rep_low``. Falling below ``rep_low``
    counts a failure; ``failures_before_deload`` in a row -> ``deload_percent`` of the load."""

    kind: ClassVar[str] = "double_progression"
    sets: int = 3
    rep_low: int = 8
    rep_high: int = 12
    increment: Decimal = Decimal("2.5")
    failures_before_deload: int = 3
    deload_percent: Decimal = Decimal(90)
    rest_seconds: int | None = 120

    def __post_init__(self) -> None:
        _check_common(self.sets, self.increment, self.failures_before_deload, self.deload_percent)
        RepRange(self.rep_low, self.rep_high)

    @staticmethod
    def default_increment(mechanic: Mechanic, unit: Unit) -> Decimal:
        """+2.5 kg (5 lb) for compound lifts, +1 kg (2.5 lb) for isolation (the plates round it)."""
        if Mechanic(mechanic) is Mechanic.COMPOUND:
            return Decimal("2.5") if unit is Unit.KG else Decimal(5)
        return Decimal(1) if unit is Unit.KG else Decimal("2.5")


WENDLER_WAVES: tuple[tuple[tuple[Decimal, int, bool], ...], ...] = (
    ((Decimal(65), 5, False), (Decimal(75), 5, False), (Decimal(85), 5, True)),
    ((Decimal(70), 3, False), (Decimal(80), 3, False), (Decimal(90), 3, True)),
    ((Decimal(75), 5, False), (Decimal(85), 3, False), (Decimal(95), 1, True)),
    ((Decimal(40), 5, False), (Decimal(50), 5, False), (Decimal(60), 5, False)),
)
"""5/3/1 weeks: (% of training max, reps, AMRAP) per set; the fourth week is the deload."""


@dataclass(frozen=True, slots=True)
class Wendler531:
    """5/3/1 percentage waves on a training max (TM = ``tm_percent`` of 1RM). Each session of the
    lift moves one week through the wave; after the last week the TM grows by ``tm_increment``,
    unless a "+" set fell short of its minimum in the cycle: then the TM drops to
    ``reset_percent`` of itself. "+" sets feed the e1RM."""

    kind: ClassVar[str] = "wendler_531"
    tm_increment: Decimal = Decimal("2.5")
    tm_percent: Decimal = Decimal(90)
    deload_week: bool = True
    reset_percent: Decimal = Decimal(90)
    rest_seconds: int | None = 180

    def __post_init__(self) -> None:
        for name in ("tm_increment", "tm_percent", "reset_percent"):
            check_number(getattr(self, name), name)
        if self.tm_increment < 0:
            raise EngineError(f"the training max increment must not be negative, got {self.tm_increment}")
        if not 0 < self.tm_percent <= 100 or not 0 < self.reset_percent <= 100:
            raise EngineError("tm_percent and reset_percent must lie in (0, 100]")

    @property
    def weeks(self) -> int:
        return 4 if self.deload_week else 3

    @staticmethod
    def default_increment(*, lower_body: bool, unit: Unit) -> Decimal:
        """+5 lb upper / +10 lb lower body; in kg +2.5 / +5."""
        if unit is Unit.LB:
            return Decimal(10) if lower_body else Decimal(5)
        return Decimal(5) if lower_body else Decimal("2.5")


@dataclass(frozen=True, slots=True)
class RPEScheme:
    """``sets`` x ``reps`` autoregulated set to set towards ``target_rpe``: RPE two or more below
    the target -> + ``big_step``, one below -> + ``small_step``, on target -> hold, one above ->
    - ``small_step``, two or more above -> - ``big_step``. Half RPEs round towards the target.
    The next session starts where the last set's RPE points."""

    kind: ClassVar[str] = "rpe"
    sets: int = 3
    reps: int = 5
    target_rpe: Decimal = Decimal(8)
    small_step: Decimal = Decimal("2.5")
    big_step: Decimal = Decimal(5)
    rest_seconds: int | None = 180

    def __post_init__(self) -> None:
        for name in ("target_rpe", "small_step", "big_step"):
            check_number(getattr(self, name), name)
        if self.sets < 1:
            raise EngineError(f"sets must be at least 1, got {self.sets}")
        RepRange.exactly(self.reps)
        if not 1 <= self.target_rpe <= 10:
            raise EngineError(f"the target RPE must be between 1 and 10, got {self.target_rpe}")
        if self.small_step < 0 or self.big_step < self.small_step:
            raise EngineError("steps must satisfy 0 <= small_step <= big_step")

    @classmethod
    def for_unit(cls, unit: Unit, **kwargs: object) -> RPEScheme:
        """The PMC11057620 table: 2.5/5 kg, or 5/10 lb."""
        steps = {"small_step": Decimal(5), "big_step": Decimal(10)} if unit is Unit.LB else {}
        return cls(**{**steps, **kwargs})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FixedScheme:
    """The program's sets as written, without progression ("+" sets and RIR still feed the e1RM)."""

    kind: ClassVar[str] = "fixed"
    sets: tuple[SetSpec, ...]

    def __post_init__(self) -> None:
        if not self.sets:
            raise EngineError("a fixed scheme needs at least one set")


Scheme = LinearScheme | DoubleProgression | Wendler531 | RPEScheme | FixedScheme


@dataclass(frozen=True, slots=True)
class DeloadPolicy:
    """Planned deloads: every ``every_weeks``-th week (1-based) loads drop to ``load_percent`` and
    sets to ``sets_percent`` (at least one); the progression pauses for that week. 5/3/1 keeps its
    own deload week and ignores this policy."""

    every_weeks: int = 4
    load_percent: Decimal = Decimal(90)
    sets_percent: Decimal = Decimal(50)

    def __post_init__(self) -> None:
        check_number(self.load_percent, "load_percent")
        check_number(self.sets_percent, "sets_percent")
        if self.every_weeks < 2:
            raise EngineError(f"a planned deload needs every_weeks >= 2, got {self.every_weeks}")
        if not 0 < self.load_percent <= 100 or not 0 < self.sets_percent <= 100:
            raise EngineError("load_percent and sets_percent must lie in (0, 100]")

    def is_deload_week(self, week: int) -> bool:
        """Whether 1-based ``week`` is a deload week."""
        return week >= 1 and week % self.every_weeks == 0


@dataclass(frozen=True, slots=True)
class Progression:
    """One step: the new state, what it prescribes next, the kind of change and why."""

    state: ExerciseState
    prescription: Prescription
    change: Change
    reason: str


@dataclass(frozen=True, slots=True)
class SetAdjustment:
    """The load for the next set within a session, with why."""

    load: Decimal
    change: Change
    reason: str


def _check_common(sets: int, increment: Decimal, failures: int, deload_percent: Decimal) -> None:
    check_number(increment, "the increment")
    check_number(deload_percent, "deload_percent")
    if sets < 1:
        raise EngineError(f"sets must be at least 1, got {sets}")
    if increment < 0:
        raise EngineError(f"the increment must not be negative, got {increment}")
    if failures < 1:
        raise EngineError(f"failures_before_deload must be at least 1, got {failures}")
    if not 0 < deload_percent <= 100:
        raise EngineError(f"deload_percent must lie in (0, 100], got {deload_percent}")


def _ctx() -> decimal.Context:
    return decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


def _pct(value: Decimal, percent: Decimal) -> Decimal:
    with decimal.localcontext(_ctx()):
        return value * percent / HUNDRED


def increase(loading: Loading, load: Decimal, increment: Decimal) -> Decimal:
    """``load + increment`` rounded to the loading; if rounding would swallow a positive increment,
    the next loadable step up (unless ``load`` is already the heaviest loadable)."""
    current = loading.round(load)
    new = loading.round(load + increment)
    if increment > 0 and new <= current:
        new = loading.round(current + increment, Rounding.UP)
        if new <= current:
            new = min(loading.round(current, Rounding.UP), loading.max_load)
    return max(new, current)


def decrease(loading: Loading, load: Decimal, percent: Decimal) -> Decimal:
    """``percent`` of ``load`` rounded down to the loading; never above the current rounded load,
    never below the lightest load."""
    current = loading.round(load)
    new = loading.round(_pct(load, percent), Rounding.DOWN)
    return min(new, current)


def _step_down(loading: Loading, load: Decimal, step: Decimal) -> Decimal:
    current = loading.round(load)
    new = loading.round(load - step)
    if step > 0 and new >= current:
        new = loading.round(current - step, Rounding.DOWN)
    return min(new, current)


def _floor_note(loading: Loading, load: Decimal) -> str:
    return " (never below the lightest load)" if load == loading.min_load else ""


def training_max_from_1rm(one_rm: Decimal, *, percent: Decimal = Decimal(90)) -> Decimal:
    """A 5/3/1 training max: ``percent`` of the 1RM, to 0.01."""
    return _pct(one_rm, percent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _best_e1rm(outcome: Outcome, formula: Formula) -> Decimal | None:
    """The best e1RM of the session's sets taken to failure (AMRAP) or with RIR logged."""
    best: Decimal | None = None
    for done in outcome.sets:
        if done.reps < 1 or done.load <= 0:
            continue
        if done.set_type is not SetType.AMRAP and done.rir is None:
            continue
        if not is_estimable(done.reps, done.rir):
            continue
        value = e1rm(done.load, done.reps, formula, rir=done.rir)
        best = value if best is None or value > best else best
    return best


def _with_e1rm(state: ExerciseState, outcome: Outcome, formula: Formula) -> ExerciseState:
    best = _best_e1rm(outcome, formula)
    return state if best is None else replace(state, e1rm=best)


def _reps_list(sets: tuple[PerformedSet, ...]) -> str:
    return ", ".join(str(s.reps) for s in sets)


# -- prescribing ------------------------------------------------------------------------------------


def _start_load(state: ExerciseState, loading: Loading) -> Decimal:
    return loading.round(state.load) if state.load is not None else loading.min_load


def _deload_sets(sets: int, deload: DeloadPolicy) -> int:
    with decimal.localcontext(_ctx()):
        return max(1, int((Decimal(sets) * deload.sets_percent / HUNDRED).to_integral_value(ROUND_HALF_UP)))


def _deload_load(loading: Loading, load: Decimal, deload: DeloadPolicy) -> Decimal:
    return decrease(loading, load, deload.load_percent)


def _uniform(
    *,
    sets: int,
    reps: RepRange,
    target: int,
    load: Decimal | None,
    rest: int | None,
    target_rpe: Decimal | None = None,
) -> tuple[PrescribedSet, ...]:
    return tuple(
        PrescribedSet(
            set_type=SetType.WORKING,
            reps=reps,
            target_reps=target,
            load=load,
            target_rpe=target_rpe,
            rest_seconds=rest,
        )
        for _ in range(sets)
    )


def _resolve(spec: SetSpec, state: ExerciseState, loading: Loading) -> PrescribedSet:
    basis, value = spec.load.basis, spec.load.value
    load: Decimal | None
    percent: Decimal | None = None
    target_rpe: Decimal | None = None
    if basis is LoadBasis.ABSOLUTE:
        load = loading.round(value)
    elif basis is LoadBasis.PERCENT_1RM:
        if state.e1rm is None:
            raise EngineError("a %1RM set needs a known 1RM (state.e1rm)")
        load, percent = loading.round(_pct(state.e1rm, value)), value
    elif basis is LoadBasis.PERCENT_TM:
        if state.training_max is None:
            raise EngineError("a %TM set needs a training max (state.training_max)")
        load, percent = loading.round(_pct(state.training_max, value)), value
    else:
        rir = value if basis is LoadBasis.RIR else Decimal(10) - value
        target_rpe = Decimal(10) - rir
        load = None
        if state.e1rm is not None and is_estimable(spec.reps.low, rir):
            load = loading.round(_pct(state.e1rm, percent_1rm_for(spec.reps.low, rir)))
    return PrescribedSet(
        set_type=spec.set_type,
        reps=spec.reps,
        target_reps=spec.reps.low,
        load=load,
        target_rpe=target_rpe,
        percent=percent,
        rest_seconds=spec.rest_seconds,
    )


def _training_max(scheme: Wendler531, state: ExerciseState) -> Decimal:
    if state.training_max is not None:
        return state.training_max
    if state.e1rm is not None:
        return training_max_from_1rm(state.e1rm, percent=scheme.tm_percent)
    raise EngineError("5/3/1 needs a training max (or an e1RM to take 90% of)")


def _wendler_sets(scheme: Wendler531, state: ExerciseState, loading: Loading) -> tuple[PrescribedSet, ...]:
    tm = _training_max(scheme, state)
    wave = WENDLER_WAVES[state.wave_week % scheme.weeks]
    return tuple(
        PrescribedSet(
            set_type=SetType.AMRAP if amrap else SetType.WORKING,
            reps=RepRange(reps, 100) if amrap else RepRange.exactly(reps),
            target_reps=reps,
            load=loading.round(_pct(tm, percent)),
            percent=percent,
            rest_seconds=scheme.rest_seconds,
        )
        for percent, reps, amrap in wave
    )


def _rpe_start(scheme: RPEScheme, state: ExerciseState, loading: Loading) -> Decimal | None:
    if state.load is not None:
        return loading.round(state.load)
    if state.e1rm is not None:
        rir = Decimal(10) - scheme.target_rpe
        return loading.round(_pct(state.e1rm, percent_1rm_for(scheme.reps, rir)))
    return None


def prescribe(
    scheme: Scheme,
    state: ExerciseState,
    loading: Loading,
    *,
    deload: DeloadPolicy | None = None,
) -> Prescription:
    """The next session's sets for ``state``; with ``deload`` the planned-deload version of them."""
    unit = loading.unit
    note = ""
    if isinstance(scheme, Wendler531):
        week = state.wave_week % scheme.weeks
        note = f"5/3/1 cycle {state.cycle + 1}, week {week + 1}" + (" (deload)" if week == 3 else "")
        return Prescription(sets=_wendler_sets(scheme, state, loading), unit=unit, note=note)
    if isinstance(scheme, FixedScheme):
        sets = tuple(_resolve(spec, state, loading) for spec in scheme.sets)
        if deload is not None:
            sets = _deload_fixed(sets, loading, deload)
            note = _deload_note(deload)
        return Prescription(sets=sets, unit=unit, note=note)
    if isinstance(scheme, LinearScheme):
        count, reps, target, rpe = scheme.sets, RepRange.exactly(scheme.reps), scheme.reps, None
        load: Decimal | None = _start_load(state, loading)
    elif isinstance(scheme, DoubleProgression):
        count, reps, rpe = scheme.sets, RepRange(scheme.rep_low, scheme.rep_high), None
        target = min(max(state.target_reps or scheme.rep_low, scheme.rep_low), scheme.rep_high)
        load = _start_load(state, loading)
    else:
        count, reps, target, rpe = scheme.sets, RepRange.exactly(scheme.reps), scheme.reps, scheme.target_rpe
        load = _rpe_start(scheme, state, loading)
    if deload is not None:
        count = _deload_sets(count, deload)
        load = None if load is None else _deload_load(loading, load, deload)
        note = _deload_note(deload)
    sets = _uniform(sets=count, reps=reps, target=target, load=load, rest=scheme.rest_seconds, target_rpe=rpe)
    return Prescription(sets=sets, unit=unit, note=note)


def _deload_note(deload: DeloadPolicy) -> str:
    return (
        f"planned deload (every {deload.every_weeks} weeks): {plain(deload.load_percent)}% load, "
        f"{plain(deload.sets_percent)}% of the sets"
    )


def _deload_fixed(
    sets: tuple[PrescribedSet, ...], loading: Loading, deload: DeloadPolicy
) -> tuple[PrescribedSet, ...]:
    counted = [s for s in sets if s.set_type is not SetType.WARM_UP]
    keep = _deload_sets(len(counted), deload) if counted else 0
    out: list[PrescribedSet] = []
    for s in sets:
        if s.set_type is not SetType.WARM_UP:
            if keep == 0:
                continue
            keep -= 1
        load = None if s.load is None else _deload_load(loading, s.load, deload)
        set_type = SetType.WORKING if s.set_type is SetType.AMRAP else s.set_type
        out.append(replace(s, load=load, set_type=set_type))
    return tuple(out)


DEFAULT_WARM_UP: tuple[tuple[Decimal, int], ...] = (
    (Decimal(40), 5),
    (Decimal(60), 3),
    (Decimal(80), 2),
)
"""Warm-up ramp: (% of the working load, reps), after a set with the empty bar."""


def warm_ups(
    working_load: Decimal,
    loading: Loading,
    *,
    steps: tuple[tuple[Decimal, int], ...] = DEFAULT_WARM_UP,
    bar_reps: int = 8,
    rest_seconds: int | None = 60,
) -> tuple[PrescribedSet, ...]:
    """Warm-up sets up to ``working_load``: the empty bar (or lightest load) for ``bar_reps``,
    then each step's percentage rounded down to the loading. Loads repeat no earlier set and stay
    below the working load; none when the working load is the lightest load itself."""
    top = loading.round(working_load)
    out: list[PrescribedSet] = []
    previous: Decimal | None = None
    candidates = [(loading.min_load, bar_reps)] + [
        (loading.round(_pct(top, percent), Rounding.DOWN), reps) for percent, reps in steps
    ]
    for load, reps in candidates:
        if load >= top or (previous is not None and load <= previous):
            continue
        out.append(
            PrescribedSet(
                set_type=SetType.WARM_UP,
                reps=RepRange.exactly(reps),
                target_reps=reps,
                load=load,
                rest_seconds=rest_seconds,
            )
        )
        previous = load
    return tuple(out)


# -- progressing ------------------------------------------------------------------------------------


def progress(
    scheme: Scheme,
    state: ExerciseState,
    outcome: Outcome,
    loading: Loading,
    *,
    deload: DeloadPolicy | None = None,
    formula: Formula = Formula.EPLEY,
) -> Progression:
    """Judge one finished session of this exercise and return what comes next, with the reason.

    ``deload``: the session was a planned deload (the progression pauses; only the e1RM updates).
    ``formula``: how "+" sets and sets with RIR update ``state.e1rm``. An outcome without working
    or AMRAP sets means the exercise was not trained: the state stays.
    """
    unit = loading.unit
    judged = outcome.judged()
    if not judged:
        return Progression(
            state=state,
            prescription=prescribe(scheme, state, loading),
            change=Change.NOT_TRAINED,
            reason="Not trained this session: the prescription stays.",
        )
    updated = _with_e1rm(state, outcome, formula)
    if deload is not None and not isinstance(scheme, Wendler531):
        return Progression(
            state=updated,
            prescription=prescribe(scheme, updated, loading),
            change=Change.HOLD,
            reason="Planned deload week done: the progression resumes where it paused.",
        )
    if isinstance(scheme, LinearScheme):
        new_state, change, reason = _progress_linear(scheme, updated, judged, loading)
    elif isinstance(scheme, DoubleProgression):
        new_state, change, reason = _progress_double(scheme, updated, judged, loading)
    elif isinstance(scheme, Wendler531):
        new_state, change, reason = _progress_wendler(scheme, updated, outcome, loading)
    elif isinstance(scheme, RPEScheme):
        new_state, change, reason = _progress_rpe(scheme, updated, judged, loading)
    else:
        new_state, change = updated, Change.HOLD
        reason = "The program's sets stay as written (no progression scheme)."
        if updated.e1rm is not None and updated.e1rm != state.e1rm:
            reason += f" e1RM now {format_load(updated.e1rm, unit)}."
    return Progression(
        state=new_state, prescription=prescribe(scheme, new_state, loading), change=change, reason=reason
    )


def _progress_linear(
    scheme: LinearScheme, state: ExerciseState, judged: tuple[PerformedSet, ...], loading: Loading
) -> tuple[ExerciseState, Change, str]:
    unit = loading.unit
    load = _start_load(state, loading)
    done = f"{_reps_list(judged)} of {scheme.sets}x{scheme.reps} at {format_load(load, unit)}"
    met = len(judged) >= scheme.sets and all(s.reps >= scheme.reps and s.load >= load for s in judged)
    if met:
        new = increase(loading, load, scheme.increment)
        reason = f"All reps done ({done}): +{format_load(new - load, unit)} to {format_load(new, unit)}."
        if new == load:
            reason = f"All reps done ({done}), but no increment is set or no heavier load is loadable: hold."
        return replace(state, load=new, failures=0), Change.INCREASE if new > load else Change.HOLD, reason
    failures = state.failures + 1
    if failures >= scheme.failures_before_deload:
        new = decrease(loading, load, scheme.deload_percent)
        reason = (
            f"Failure {failures} of {scheme.failures_before_deload} in a row ({done}): deload to "
            f"{plain(scheme.deload_percent)}% = {format_load(new, unit)}{_floor_note(loading, new)}, "
            "failure count reset."
        )
        return replace(state, load=new, failures=0), Change.DELOAD, reason
    reason = (
        f"Missed reps ({done}): failure {failures} of {scheme.failures_before_deload}, same load next time."
    )
    return replace(state, load=load, failures=failures), Change.HOLD, reason


def _progress_double(
    scheme: DoubleProgression, state: ExerciseState, judged: tuple[PerformedSet, ...], loading: Loading
) -> tuple[ExerciseState, Change, str]:
    unit = loading.unit
    load = _start_load(state, loading)
    at_load = [s for s in judged if s.load >= load]
    done = f"{_reps_list(judged)} at {format_load(load, unit)}, range {scheme.rep_low}-{scheme.rep_high}"
    if len(at_load) >= scheme.sets and all(s.reps >= scheme.rep_high for s in at_load[: scheme.sets]):
        new = increase(loading, load, scheme.increment)
        if new == load:
            reason = (
                f"Every set reached {scheme.rep_high} ({done}), but no increment is set or no heavier load "
                "is loadable: hold."
            )
            return replace(state, load=load, target_reps=scheme.rep_high, failures=0), Change.HOLD, reason
        reason = (
            f"Every set reached {scheme.rep_high} reps ({done}): +{format_load(new - load, unit)} to "
            f"{format_load(new, unit)}, back to {scheme.rep_low} reps."
        )
        return replace(state, load=new, target_reps=scheme.rep_low, failures=0), Change.INCREASE, reason
    counted = at_load[: scheme.sets]
    lowest = min((s.reps for s in counted), default=0)
    if len(counted) < scheme.sets or lowest < scheme.rep_low:
        failures = state.failures + 1
        if failures >= scheme.failures_before_deload:
            new = decrease(loading, load, scheme.deload_percent)
            reason = (
                f"Below {scheme.rep_low} reps {failures} sessions in a row ({done}): deload to "
                f"{plain(scheme.deload_percent)}% = {format_load(new, unit)}{_floor_note(loading, new)}, "
                f"back to {scheme.rep_low} reps."
            )
            return (
                replace(state, load=new, target_reps=scheme.rep_low, failures=0),
                Change.DELOAD,
                reason,
            )
        reason = (
            f"Below the range ({done}): failure {failures} of {scheme.failures_before_deload}, "
            f"same load, aim for {scheme.rep_low} reps."
        )
        return replace(state, load=load, target_reps=scheme.rep_low, failures=failures), Change.HOLD, reason
    target = min(lowest + 1, scheme.rep_high)
    reason = f"In the range ({done}): same load, aim for {target} reps per set."
    return replace(state, load=load, target_reps=target, failures=0), Change.HOLD, reason


def _progress_wendler(
    scheme: Wendler531, state: ExerciseState, outcome: Outcome, loading: Loading
) -> tuple[ExerciseState, Change, str]:
    unit = loading.unit
    tm = _training_max(scheme, state)
    week = state.wave_week % scheme.weeks
    wave = WENDLER_WAVES[week]
    plus = [s for s in outcome.sets if s.set_type is SetType.AMRAP]
    failures = state.failures
    notes: list[str] = []
    if any(amrap for _, _, amrap in wave):
        minimum = next(reps for _, reps, amrap in wave if amrap)
        if plus:
            best = max(plus, key=lambda s: s.reps)
            notes.append(f'"+" set {best.reps} reps at {format_load(best.load, unit)}')
            if best.reps < minimum:
                failures += 1
                notes.append(f"short of the minimum {minimum}")
        if state.e1rm is not None and plus:
            notes.append(f"e1RM {format_load(state.e1rm, unit)}")
    done = f" ({', '.join(notes)})" if notes else ""
    if week + 1 < scheme.weeks:
        nxt = WENDLER_WAVES[week + 1]
        pattern = "/".join(str(plain(p)) for p, _, _ in nxt)
        reps = ",".join(f"{r}{'+' if a else ''}" for _, r, a in nxt)
        reason = (
            f"Week {week + 1} of cycle {state.cycle + 1} done{done}: week {week + 2}, {pattern}% x {reps}."
        )
        new_state = replace(state, training_max=tm, wave_week=week + 1, failures=failures)
        return new_state, Change.NEXT_WEEK, reason
    if failures:
        new_tm = _pct(tm, scheme.reset_percent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        reason = (
            f'Cycle {state.cycle + 1} done{done}; a "+" set fell short of its minimum this cycle: '
            f"training max {format_load(tm, unit)} -> {format_load(new_tm, unit)} "
            f"({plain(scheme.reset_percent)}%), week 1 of cycle {state.cycle + 2}."
        )
        new_state = replace(state, training_max=new_tm, wave_week=0, cycle=state.cycle + 1, failures=0)
        return new_state, Change.DELOAD, reason
    new_tm = tm + scheme.tm_increment
    reason = (
        f"Cycle {state.cycle + 1} done{done}: training max {format_load(tm, unit)} -> "
        f"{format_load(new_tm, unit)} (+{format_load(scheme.tm_increment, unit)}), week 1 of cycle "
        f"{state.cycle + 2}."
    )
    new_state = replace(state, training_max=new_tm, wave_week=0, cycle=state.cycle + 1, failures=0)
    return new_state, Change.NEW_CYCLE, reason


def autoregulate(scheme: RPEScheme, load: Decimal, rpe: Decimal, loading: Loading) -> SetAdjustment:
    """The next set's load after a set at ``load`` rated ``rpe`` (the PMC11057620 table)."""
    if not 1 <= rpe <= 10:
        raise EngineError(f"RPE must be between 1 and 10, got {rpe}")
    unit = loading.unit
    current = loading.round(load)
    diff = scheme.target_rpe - rpe  # positive: easier than the target
    steps = int(diff.to_integral_value(rounding=decimal.ROUND_DOWN))  # half RPEs round towards the target
    rated = f"RPE {plain(rpe)} at {format_load(current, unit)} (target {plain(scheme.target_rpe)})"
    if steps == 0:
        return SetAdjustment(load=current, change=Change.HOLD, reason=f"{rated}: on target, hold.")
    step = scheme.small_step if abs(steps) == 1 else scheme.big_step
    if steps > 0:
        new = increase(loading, current, step)
        if new == current:
            reason = f"{rated}: easier than the target, but it is the heaviest loadable: hold."
            return SetAdjustment(load=new, change=Change.HOLD, reason=reason)
        reason = f"{rated}: easier than the target, +{format_load(new - current, unit)}."
        return SetAdjustment(load=new, change=Change.INCREASE, reason=reason)
    new = _step_down(loading, current, step)
    if new == current:
        reason = f"{rated}: harder than the target, but it is the lightest load (the empty bar): hold."
        return SetAdjustment(load=new, change=Change.HOLD, reason=reason)
    reason = f"{rated}: harder than the target, -{format_load(current - new, unit)}."
    return SetAdjustment(load=new, change=Change.DECREASE, reason=reason)


def _progress_rpe(
    scheme: RPEScheme, state: ExerciseState, judged: tuple[PerformedSet, ...], loading: Loading
) -> tuple[ExerciseState, Change, str]:
    rated = [s for s in judged if s.rir is not None]
    if not rated:
        load = _rpe_start(scheme, state, loading)
        return replace(state, load=load), Change.HOLD, "No RPE logged: the starting load stays."
    last = rated[-1]
    assert last.rpe is not None
    adjustment = autoregulate(scheme, last.load, last.rpe, loading)
    reason = (
        f"Last set {adjustment.reason} Next session starts at {format_load(adjustment.load, loading.unit)}."
    )
    return replace(state, load=adjustment.load), adjustment.change, reason


# -- deloads ----------------------------------------------------------------------------------------


def deload_exercise(
    scheme: Scheme,
    state: ExerciseState,
    loading: Loading,
    *,
    percent: Decimal = Decimal(90),
    why: str = "deload requested for this exercise",
) -> Progression:
    """Deload one exercise now: its working load (or 5/3/1 training max) drops to ``percent``,
    rounded down; its failure count resets; nothing else changes. An RPE exercise without a
    load or e1RM yet has nothing to deload (``Change.HOLD``)."""
    if not 0 < percent <= 100:
        raise EngineError(f"a deload percentage must lie in (0, 100], got {percent}")
    unit = loading.unit
    if isinstance(scheme, Wendler531):
        tm = _training_max(scheme, state)
        new_tm = _pct(tm, percent).quantize(Decimal("0.01"), rounding=decimal.ROUND_DOWN)
        new_state = replace(state, training_max=new_tm, failures=0)
        reason = (
            f"Deload ({why}): training max {format_load(tm, unit)} -> {format_load(new_tm, unit)} "
            f"({plain(percent)}%)."
        )
    elif isinstance(scheme, FixedScheme):
        raise EngineError("a fixed scheme has no load of its own to deload; edit the program's sets")
    else:
        base = (
            _rpe_start(scheme, state, loading)
            if isinstance(scheme, RPEScheme)
            else _start_load(state, loading)
        )
        if base is None:
            return Progression(
                state=state,
                prescription=prescribe(scheme, state, loading),
                change=Change.HOLD,
                reason="No load known yet (chosen by feel): nothing to deload.",
            )
        new = decrease(loading, base, percent)
        new_state = replace(state, load=new, failures=0)
        reason = f"Deload ({why}): {format_load(base, unit)} -> {format_load(new, unit)} ({plain(percent)}%)."
    return Progression(
        state=new_state,
        prescription=prescribe(scheme, new_state, loading),
        change=Change.DELOAD,
        reason=reason,
    )


def deload_one(
    states: Mapping[str, ExerciseState],
    key: str,
    scheme: Scheme,
    loading: Loading,
    *,
    percent: Decimal = Decimal(90),
    why: str = "deload requested for this exercise",
) -> tuple[dict[str, ExerciseState], Progression]:
    """Deload the exercise ``key`` in a program's states; every other state is returned as is."""
    if key not in states:
        raise EngineError(f"no progression state for {key!r}")
    step = deload_exercise(scheme, states[key], loading, percent=percent, why=why)
    new_states = dict(states)
    new_states[key] = step.state
    return new_states, step
