"""Preview: what each future week of a program prescribes once progression applies.

A program is weeks -> days -> slots (several plans in a slot = a superset). Each slot names
progression *plans* by key: a plan is one exercise's scheme, starting state and loading set-up
(one exercise may have several plans, e.g. a heavy and a light day). Sessions are walked in
order; each plan's prescription is assumed met unless ``outcomes`` says otherwise, and every
entry carries why it differs from the plan's previous session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from apps.workouts.engine.errors import EngineError
from apps.workouts.engine.formulas import Formula, rpe_to_rir
from apps.workouts.engine.plates import Loading
from apps.workouts.engine.prescription import Outcome, PerformedSet, Prescription
from apps.workouts.engine.schemes import (
    Change,
    DeloadPolicy,
    ExerciseState,
    Scheme,
    Wendler531,
    prescribe,
    progress,
)
from apps.workouts.engine.units import format_load

SessionKey = tuple[int, int, str]
"""(week, day, plan key), week and day 1-based: one plan's session in the preview."""


@dataclass(frozen=True, slots=True)
class ExercisePlan:
    """One progression track: ``key`` (unique in the program), the exercise it trains, its
    scheme, starting state and the loading set-up its loads are rounded to."""

    key: str
    exercise: str
    scheme: Scheme
    start: ExerciseState
    loading: Loading
    formula: Formula = Formula.EPLEY


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """Plans done together: one plan, or several as a superset."""

    plans: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.plans:
            raise EngineError("a slot needs at least one exercise")
        if len(set(self.plans)) != len(self.plans):
            raise EngineError("a superset lists each exercise once")


@dataclass(frozen=True, slots=True)
class DaySpec:
    slots: tuple[SlotSpec, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class WeekSpec:
    days: tuple[DaySpec, ...]


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    """The program to preview. ``deload``: planned deload weeks (5/3/1 plans keep their own)."""

    weeks: tuple[WeekSpec, ...]
    plans: tuple[ExercisePlan, ...]
    deload: DeloadPolicy | None = None

    def __post_init__(self) -> None:
        keys = [plan.key for plan in self.plans]
        if len(set(keys)) != len(keys):
            raise EngineError("each plan key may appear once in a program")
        known = set(keys)
        for w, week in enumerate(self.weeks, start=1):
            for d, day in enumerate(week.days, start=1):
                for slot in day.slots:
                    for key in slot.plans:
                        if key not in known:
                            raise EngineError(f"week {w}, day {d} names an unknown exercise plan {key!r}")

    def plan(self, key: str) -> ExercisePlan:
        for plan in self.plans:
            if plan.key == key:
                return plan
        raise EngineError(f"unknown exercise plan {key!r}")


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """One plan in one session: what it prescribes, the kind of change and why."""

    week: int
    day: int
    slot: int
    key: str
    exercise: str
    superset: bool
    prescription: Prescription
    change: Change
    reason: str


@dataclass(frozen=True, slots=True)
class PreviewDay:
    week: int
    day: int
    name: str
    items: tuple[PreviewItem, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    days: tuple[PreviewDay, ...]
    final_states: tuple[tuple[str, ExerciseState], ...]

    def week(self, week: int) -> tuple[PreviewDay, ...]:
        return tuple(day for day in self.days if day.week == week)

    def track(self, key: str) -> tuple[PreviewItem, ...]:
        """Every session of one plan, in order."""
        return tuple(item for day in self.days for item in day.items if item.key == key)

    def final_state(self, key: str) -> ExerciseState:
        for found, state in self.final_states:
            if found == key:
                return state
        raise EngineError(f"unknown exercise plan {key!r}")


def met_outcome(prescription: Prescription) -> Outcome | None:
    """The outcome of doing exactly what ``prescription`` says: every set at its load for its
    target reps ("+" sets: the minimum), at the target RPE where one is set. ``None`` when a set
    has no load yet (chosen by feel in the session): such a session cannot be projected."""
    sets: list[PerformedSet] = []
    for prescribed in prescription.sets:
        if prescribed.load is None:
            return None
        rir = None if prescribed.target_rpe is None else rpe_to_rir(prescribed.target_rpe)
        sets.append(
            PerformedSet(
                reps=prescribed.target_reps, load=prescribed.load, rir=rir, set_type=prescribed.set_type
            )
        )
    return Outcome(sets=tuple(sets))


def _start_reason(plan: ExercisePlan, prescription: Prescription) -> str:
    state, unit = plan.start, plan.loading.unit
    if isinstance(plan.scheme, Wendler531) and state.training_max is not None:
        return f"Start: training max {format_load(state.training_max, unit)}."
    load = prescription.working_load()
    if load is None:
        return "Start: load chosen by feel in the session (no starting load or e1RM yet)."
    return f"Start: {format_load(load, unit)}."


def preview(
    program: ProgramSpec,
    *,
    outcomes: Mapping[SessionKey, Outcome] | None = None,
    states: Mapping[str, ExerciseState] | None = None,
) -> Preview:
    """Walk every session of ``program`` in order and return what each prescribes.

    ``outcomes``: what was (or is supposed to be) done in given sessions; every other session is
    assumed met exactly (``met_outcome``). ``states``: starting states overriding the plans'
    (e.g. a member's current progress). A plan appearing twice on one day progresses twice.
    """
    outcomes = outcomes or {}
    plans = {plan.key: plan for plan in program.plans}
    current: dict[str, ExerciseState] = {key: plan.start for key, plan in plans.items()}
    if states:
        unknown = set(states) - set(plans)
        if unknown:
            raise EngineError(f"states name unknown exercise plans: {', '.join(sorted(unknown))}")
        current.update(states)
    pending: dict[str, tuple[Change, str]] = {}
    upcoming: dict[str, Prescription] = {}
    days: list[PreviewDay] = []
    for w, week in enumerate(program.weeks, start=1):
        deload_week = program.deload is not None and program.deload.is_deload_week(w)
        for d, day in enumerate(week.days, start=1):
            items: list[PreviewItem] = []
            for s, slot in enumerate(day.slots, start=1):
                for key in slot.plans:
                    plan = plans[key]
                    state = current[key]
                    deload = (
                        program.deload if deload_week and not isinstance(plan.scheme, Wendler531) else None
                    )
                    ready = upcoming.pop(key, None)
                    if deload is None and ready is not None:
                        prescription = ready  # what the last progress step prescribed for this state
                    else:
                        prescription = prescribe(plan.scheme, state, plan.loading, deload=deload)
                    if deload is not None:
                        change, reason = Change.DELOAD, f"Week {w}: {prescription.note}."
                    elif key in pending:
                        change, reason = pending[key]
                    else:
                        change, reason = Change.START, _start_reason(plan, prescription)
                    items.append(
                        PreviewItem(
                            week=w,
                            day=d,
                            slot=s,
                            key=key,
                            exercise=plan.exercise,
                            superset=len(slot.plans) > 1,
                            prescription=prescription,
                            change=change,
                            reason=reason,
                        )
                    )
                    outcome = outcomes.get((w, d, key))
                    if outcome is None:
                        outcome = met_outcome(prescription)
                    if outcome is None:
                        pending[key] = (
                            Change.HOLD,
                            "The previous session's load was chosen by feel: the preview cannot project it.",
                        )
                        continue
                    step = progress(
                        plan.scheme, state, outcome, plan.loading, deload=deload, formula=plan.formula
                    )
                    current[key] = step.state
                    pending[key] = (step.change, step.reason)
                    upcoming[key] = step.prescription
            days.append(PreviewDay(week=w, day=d, name=day.name, items=tuple(items)))
    return Preview(days=tuple(days), final_states=tuple(current.items()))
