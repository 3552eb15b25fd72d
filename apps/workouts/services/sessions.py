"""Training sessions: start (from a program day or ad hoc), log sets, swap an exercise, finish.

Logging a set is idempotent on the client-generated set id: the session row is locked first, so
concurrent retries of one set run one after another and every retry after the first finds the
set already there and returns it. Loads arrive and leave in kilograms here; the API converts a
member's pounds at its edge. Progression and records come from the engine; this module only
reads and writes rows around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from apps.common.events import publish
from apps.common.tenancy import current_schema
from apps.workouts import engine
from apps.workouts.facade.contracts import ExerciseSource, SessionStatus
from apps.workouts.facade.events import PersonalRecordSet, WorkoutCompleted
from apps.workouts.live.broadcast import send_after_commit
from apps.workouts.models import (
    Exercise,
    ExerciseOverride,
    GymTrainingSetup,
    LoggedSet,
    MemberTrainingProfile,
    PersonalRecord,
    ProgramAssignment,
    ProgramDay,
    ProgressionState,
    SessionExercise,
    SlotExercise,
    WorkoutSession,
)

MAX_REPS = 100
MAX_LOAD_KG = Decimal(1000)
MAX_RIR = Decimal(10)
ENGINE_MAX_RIR = Decimal(9)  # RIR 10 would be RPE 0: the engine's scale ends at RIR 9 (RPE 1)


# --- preferences and loading -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberPrefs:
    unit: engine.Unit
    formula: engine.Formula


def member_prefs(*, member_id: UUID) -> MemberPrefs:
    """The member's unit and e1RM formula (kg and Epley until they choose)."""
    row = MemberTrainingProfile.objects.filter(member_id=member_id).values("unit", "e1rm_formula").first()
    if row is None:
        return MemberPrefs(engine.Unit.KG, engine.Formula.EPLEY)
    try:
        formula = engine.Formula(row["e1rm_formula"])
    except ValueError:
        formula = engine.Formula.EPLEY
    return MemberPrefs(engine.Unit(row["unit"]), formula)


_BAR_EQUIPMENT = {"barbell", "e-z curl bar"}
_RACK_EQUIPMENT = {"dumbbell", "kettlebells"}
_STACK_EQUIPMENT = {"machine", "cable"}


def gym_setup() -> GymTrainingSetup | None:
    return GymTrainingSetup.objects.first()


def gym_unit(setup: GymTrainingSetup | None) -> engine.Unit:
    return engine.Unit(setup.unit) if setup is not None else engine.Unit.KG


def barbell_loading(setup: GymTrainingSetup | None) -> engine.PlateLoading:
    """The gym's barbell and plates (a standard set in the gym's unit when not stated)."""
    unit = gym_unit(setup)
    if setup is not None and setup.barbell_loading:
        try:
            loading = engine.loading_from_dict(setup.barbell_loading)
        except engine.EngineError:
            loading = None
        if isinstance(loading, engine.PlateLoading):
            return loading
    return engine.standard_kg_barbell() if unit is engine.Unit.KG else engine.standard_lb_barbell()


def loading_for(equipment: str, setup: GymTrainingSetup | None) -> engine.Loading:
    """How loads of an exercise with this equipment can be set in this gym."""
    unit = gym_unit(setup)
    kg = unit is engine.Unit.KG
    if equipment in _BAR_EQUIPMENT:
        return barbell_loading(setup)
    stored: dict[str, Any] = {}
    if setup is not None:
        stored = setup.dumbbell_loading if equipment in _RACK_EQUIPMENT else setup.machine_loading
    if stored:
        try:
            return engine.loading_from_dict(stored)
        except engine.EngineError:
            pass
    if equipment in _RACK_EQUIPMENT:
        return engine.StackLoading(
            unit, Decimal(2 if kg else 5), Decimal(2 if kg else 5), Decimal(60 if kg else 150)
        )
    if equipment in _STACK_EQUIPMENT:
        return engine.StackLoading(
            unit, Decimal(5 if kg else 10), Decimal(5 if kg else 10), Decimal(300 if kg else 600)
        )
    return engine.StackLoading(unit, Decimal(0), Decimal("0.5" if kg else 1), Decimal(500 if kg else 1000))


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetInput:
    """A set as the member logged it, load in kilograms."""

    reps: int
    load_kg: Decimal
    rpe: Decimal | None = None
    rir: Decimal | None = None
    note: str = ""
    set_type: engine.SetType = engine.SetType.WORKING
    performed_at: datetime | None = None


def validate_set(values: SetInput) -> None:
    """Raise a ValidationError naming every out-of-range field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    if not 0 <= values.reps <= MAX_REPS:
        errors["reps"] = [f"Reps must be from 0 to {MAX_REPS}."]
    if values.load_kg < 0:
        errors["load"] = ["The load must not be negative."]
    elif values.load_kg > MAX_LOAD_KG:
        errors["load"] = ["The load must be at most 1000 kg."]
    if values.rpe is not None and not Decimal(1) <= values.rpe <= Decimal(10):
        errors["rpe"] = ["RPE must be from 1 to 10."]
    if values.rir is not None and not Decimal(0) <= values.rir <= MAX_RIR:
        errors["rir"] = ["RIR must be from 0 to 10."]
    if values.rpe is not None and values.rir is not None:
        errors["rir"] = ["Log RPE or RIR, not both."]
    if len(values.note) > 500:
        errors["note"] = ["The note must be at most 500 characters."]
    if errors:
        raise ValidationError(errors)


def effective_rir(*, rpe: Decimal | None, rir: Decimal | None) -> Decimal | None:
    """Reps in reserve for the engine: logged RIR (at most 9), or 10 - RPE."""
    if rir is not None:
        return min(rir, ENGINE_MAX_RIR)
    if rpe is not None:
        return engine.rpe_to_rir(rpe)
    return None


def performed(row: LoggedSet) -> engine.PerformedSet:
    """A logged set as the engine's PerformedSet, in kilograms."""
    try:
        kind = engine.SetType(row.set_type)
    except ValueError:
        kind = engine.SetType.WORKING
    return engine.PerformedSet(
        reps=row.reps, load=row.load_kg, rir=effective_rir(rpe=row.rpe, rir=row.rir), set_type=kind
    )


def set_e1rm_kg(values: SetInput, formula: engine.Formula) -> Decimal | None:
    rir = effective_rir(rpe=values.rpe, rir=values.rir)
    if values.set_type is engine.SetType.WARM_UP or values.reps < 1 or values.load_kg <= 0:
        return None
    if not engine.is_estimable(values.reps, rir):
        return None
    return engine.e1rm(values.load_kg, values.reps, formula, rir=rir)


# --- exercises --------------------------------------------------------------------------------


def usable_exercise(exercise_id: UUID | str) -> Exercise:
    """An exercise of this gym that members may use (not hidden): 400 otherwise (one query)."""
    hidden = ExerciseOverride.objects.filter(exercise_id=OuterRef("pk"), hidden=True)
    exercise = Exercise.objects.filter(pk=exercise_id).annotate(is_hidden=Exists(hidden)).first()
    if exercise is None:
        raise ValidationError({"exercise": ["Unknown exercise."]})
    if exercise.source == ExerciseSource.CATALOGUE.value and exercise.is_hidden:
        raise ValidationError({"exercise": ["This exercise is hidden in this gym."]})
    return exercise


# --- start ------------------------------------------------------------------------------------


def _state_for(
    slot: SlotExercise, scheme: engine.Scheme, saved: ProgressionState | None
) -> engine.ExerciseState:
    if saved is not None and saved.state and saved.scheme.get("kind") == scheme.kind:
        try:
            return engine.state_from_dict(saved.state)
        except engine.EngineError:
            pass
    if slot.start:
        try:
            return engine.state_from_dict(slot.start)
        except engine.EngineError:
            pass
    return engine.ExerciseState()


def _prescription_for(
    slot: SlotExercise,
    saved: ProgressionState | None,
    setup: GymTrainingSetup | None,
    deload: engine.DeloadPolicy | None,
) -> dict[str, Any]:
    try:
        scheme = engine.scheme_from_dict(slot.scheme)
    except engine.EngineError:
        return {}
    loading = loading_for(slot.exercise.equipment, setup)
    prescription = engine.prescribe(scheme, _state_for(slot, scheme, saved), loading, deload=deload)
    return engine.prescription_to_dict(prescription)


def _deload_for(day: ProgramDay) -> engine.DeloadPolicy | None:
    policy = day.week.program.deload
    if not policy:
        return None
    try:
        parsed = engine.deload_from_dict(policy)
    except engine.EngineError:
        return None
    return parsed if parsed.is_deload_week(day.week.number) else None


@transaction.atomic
def session_start(
    *,
    member_id: UUID,
    started_by: UUID,
    program_day_id: int | None = None,
    name: str = "",
    started_at: datetime | None = None,
) -> WorkoutSession:
    """A new session for ``member_id``: ad hoc, or from a day of the member's active program with
    each exercise's prescription resolved by the engine (progression state, gym plates)."""
    if program_day_id is None:
        return WorkoutSession.objects.create(
            member_id=member_id,
            name=name[:120] or "Workout",
            started_at=started_at or timezone.now(),
            started_by=started_by,
        )
    day = ProgramDay.objects.select_related("week__program").filter(pk=program_day_id).first()
    assignment = (
        None
        if day is None
        else ProgramAssignment.objects.filter(
            member_id=member_id, active=True, program_id=day.week.program_id
        ).first()
    )
    if day is None or assignment is None:
        raise ValidationError({"program_day": ["This day is not in the member's active program."]})
    session = WorkoutSession.objects.create(
        member_id=member_id,
        assignment=assignment,
        program_day=day,
        name=(name or day.name or f"{day.week.program.name}: week {day.week.number}, day {day.number}")[:120],
        started_at=started_at or timezone.now(),
        started_by=started_by,
    )
    slots = list(
        SlotExercise.objects.filter(slot__day=day)
        .select_related("exercise", "slot")
        .order_by("slot__order", "order")
    )
    saved = {
        s.exercise_id: s
        for s in ProgressionState.objects.filter(
            member_id=member_id, exercise_id__in=[x.exercise_id for x in slots]
        )
    }
    setup = gym_setup()
    deload = _deload_for(day)
    SessionExercise.objects.bulk_create(
        [
            SessionExercise(
                session=session,
                order=index,
                exercise_id=slot.exercise_id,
                slot_exercise=slot,
                prescription=_prescription_for(slot, saved.get(slot.exercise_id), setup, deload),
            )
            for index, slot in enumerate(slots, start=1)
        ]
    )
    return session


# --- log a set --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Logged:
    logged_set: LoggedSet
    created: bool
    records: tuple[PersonalRecord, ...] = ()
    adjustment: engine.SetAdjustment | None = None
    unit: engine.Unit = engine.Unit.KG  # of ``adjustment``


def _locked_session(session_id: UUID) -> WorkoutSession:
    session = WorkoutSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise ValidationError({"session": ["Unknown session."]})
    return session


def _session_exercise(
    session: WorkoutSession, exercise: Exercise, session_exercise_id: int | None
) -> SessionExercise:
    if session_exercise_id is not None:
        found = SessionExercise.objects.filter(pk=session_exercise_id, session=session).first()
        if found is None:
            raise ValidationError({"session_exercise": ["Not an exercise of this session."]})
        if found.exercise_id != exercise.pk:
            raise ValidationError({"exercise": ["Not the exercise of this slot of the session."]})
        return found
    found = SessionExercise.objects.filter(session=session, exercise=exercise).order_by("order").first()
    if found is not None:
        return found
    last = SessionExercise.objects.filter(session=session).aggregate(last=Max("order"))["last"] or 0
    return SessionExercise.objects.create(session=session, order=last + 1, exercise=exercise)


def _prescribed(entry: SessionExercise, index: int) -> tuple[int | None, Decimal | None]:
    """The prescribed reps and load (kg) of the ``index``-th set (0-based) of a session exercise."""
    if not entry.prescription:
        return None, None
    try:
        prescription = engine.prescription_from_dict(entry.prescription)
    except engine.EngineError:
        return None, None
    if index >= len(prescription.sets):
        return None, None
    target = prescription.sets[index]
    load = None if target.load is None else engine.to_kg(target.load, prescription.unit)
    return target.target_reps, load


def personal_bests(*, member_id: UUID, exercise_id: UUID) -> engine.PersonalBests:
    """The member's bests on an exercise, from their records (one query), in kilograms."""
    rows = (
        PersonalRecord.objects.filter(member_id=member_id, exercise_id=exercise_id)
        .values("kind", "reps")
        .annotate(best=Max("value"))
    )
    e1rm: Decimal | None = None
    volume: Decimal | None = None
    rep_maxes: dict[int, Decimal] = {}
    for row in rows:
        if row["kind"] == engine.RecordKind.E1RM.value:
            e1rm = row["best"]
        elif row["kind"] == engine.RecordKind.VOLUME.value:
            volume = row["best"]
        elif row["reps"] is not None:
            rep_maxes[row["reps"]] = row["best"]
    return engine.PersonalBests(e1rm=e1rm, rep_maxes=rep_maxes, best_set_volume=volume)


def _record(
    row: LoggedSet, exercise: Exercise, formula: engine.Formula, *, gym_id: int
) -> tuple[PersonalRecord, ...]:
    bests = personal_bests(member_id=row.member_id, exercise_id=exercise.pk)
    found, _ = engine.detect_records(bests, performed(row), formula=formula)
    saved = PersonalRecord.objects.bulk_create(
        [
            PersonalRecord(
                member_id=row.member_id,
                exercise=exercise,
                kind=record.kind.value,
                reps=record.reps,
                value=record.value.quantize(Decimal("0.001")),
                previous=record.previous,
                logged_set=row,
                achieved_at=row.performed_at,
            )
            for record in found
        ]
    )
    for record in saved:
        publish(
            PersonalRecordSet(
                gym_id=gym_id,
                record_id=record.pk,
                member_id=row.member_id,
                exercise_id=exercise.pk,
                exercise_name=exercise.name,
                kind=record.kind,
                value=record.value,
                previous=record.previous,
                reps=record.reps,
                session_id=row.session_id,
            )
        )
    return tuple(saved)


def _autoregulation(
    entry: SessionExercise, row: LoggedSet
) -> tuple[engine.SetAdjustment | None, engine.Unit]:
    """Set to set: for an RPE-scheme exercise, the next set's load after this one's RPE."""
    slot = entry.slot_exercise
    rpe = (
        row.rpe
        if row.rpe is not None
        else (None if row.rir is None else engine.rir_to_rpe(min(row.rir, ENGINE_MAX_RIR)))
    )
    if slot is None or rpe is None or slot.scheme.get("kind") != engine.RPEScheme.kind:
        return None, engine.Unit.KG
    try:
        scheme = engine.scheme_from_dict(slot.scheme)
    except engine.EngineError:
        return None, engine.Unit.KG
    assert isinstance(scheme, engine.RPEScheme)
    loading = loading_for(entry.exercise.equipment, gym_setup())
    load = engine.from_kg(row.load_kg, loading.unit)
    return engine.autoregulate(scheme, load, rpe, loading), loading.unit


def set_payload(row: LoggedSet, *, exercise_name: str, unit: engine.Unit) -> dict[str, Any]:
    """A logged set as JSON for pages and live followers (load in ``unit`` and in kg)."""
    return {
        "id": str(row.pk),
        "session_id": str(row.session_id),
        "exercise_id": str(row.exercise_id),
        "exercise_name": exercise_name,
        "order": row.order,
        "set_type": row.set_type,
        "reps": row.reps,
        "load": str(engine.plain(engine.from_kg(row.load_kg, unit))),
        "load_kg": str(engine.plain(row.load_kg)),
        "unit": unit.value,
        "rpe": None if row.rpe is None else str(engine.plain(row.rpe)),
        "rir": None if row.rir is None else str(engine.plain(row.rir)),
        "note": row.note,
        "e1rm_kg": None if row.e1rm_kg is None else str(engine.plain(row.e1rm_kg)),
        "prescribed_reps": row.prescribed_reps,
        "prescribed_load_kg": None
        if row.prescribed_load_kg is None
        else str(engine.plain(row.prescribed_load_kg)),
        "performed_at": row.performed_at.isoformat(),
    }


def session_log_set(
    *,
    gym_id: int,
    session_id: UUID,
    set_id: UUID,
    exercise_id: UUID,
    values: SetInput,
    session_exercise_id: int | None = None,
    broadcast: bool = True,
    prefs: MemberPrefs | None = None,
) -> Logged:
    """Log one set in an in-progress session, idempotently on ``set_id``.

    A retry (same id, same session) returns the set logged the first time, even after the session
    was finished, and writes nothing. Otherwise: the session must be in progress; the exercise a
    usable one of this gym; the values in range. The set records what was prescribed for it, its
    e1RM by the member's formula (reps + RIR when known) and any personal records it sets (each
    published as ``PersonalRecordSet``); followers get it live after commit."""
    with transaction.atomic():
        session = _locked_session(session_id)
        existing = LoggedSet.objects.filter(pk=set_id).first()
        if existing is not None:
            if existing.session_id != session.pk:
                raise ValidationError({"id": ["This id belongs to a set of another session."]})
            return Logged(existing, created=False)
        if session.status != SessionStatus.IN_PROGRESS.value:
            raise ValidationError({"session": ["This session is finished: no more sets can be logged."]})
        validate_set(values)
        exercise = usable_exercise(exercise_id)
        entry = _session_exercise(session, exercise, session_exercise_id)
        prefs = prefs or member_prefs(member_id=session.member_id)
        counts = LoggedSet.objects.filter(session=session).aggregate(
            total=Count("pk"), here=Count("pk", filter=Q(session_exercise=entry))
        )
        prescribed_reps, prescribed_load = _prescribed(entry, counts["here"])
        try:
            # The lock above is on this session only: the same id posted to another session at
            # the same time is not seen by the lookup, and its insert makes this one fail.
            with transaction.atomic():
                row = LoggedSet.objects.create(
                    id=set_id,
                    session=session,
                    session_exercise=entry,
                    exercise=exercise,
                    member_id=session.member_id,
                    order=counts["total"] + 1,
                    set_type=values.set_type.value,
                    reps=values.reps,
                    load_kg=values.load_kg,
                    rpe=values.rpe,
                    rir=values.rir,
                    note=values.note,
                    prescribed_reps=prescribed_reps,
                    prescribed_load_kg=prescribed_load,
                    e1rm_kg=set_e1rm_kg(values, prefs.formula),
                    performed_at=values.performed_at or timezone.now(),
                )
        except IntegrityError:
            existing = LoggedSet.objects.filter(pk=set_id).first()
            if existing is None:
                raise
            if existing.session_id != session.pk:
                raise ValidationError({"id": ["This id belongs to a set of another session."]}) from None
            return Logged(existing, created=False)
        records = _record(row, exercise, prefs.formula, gym_id=gym_id)
        adjustment, adjustment_unit = _autoregulation(entry, row)
        if broadcast:
            payload = {
                "type": "set_logged",
                "set": set_payload(row, exercise_name=exercise.name, unit=prefs.unit),
                "records": [record_payload(r, exercise.name) for r in records],
            }
            send_after_commit(schema_name=current_schema(), member_id=session.member_id, payload=payload)
        return Logged(row, created=True, records=records, adjustment=adjustment, unit=adjustment_unit)


def record_payload(record: PersonalRecord, exercise_name: str) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "kind": record.kind,
        "reps": record.reps,
        "value_kg": str(engine.plain(record.value)),
        "previous_kg": None if record.previous is None else str(engine.plain(record.previous)),
        "exercise_id": str(record.exercise_id),
        "exercise_name": exercise_name,
    }


# --- swap -------------------------------------------------------------------------------------


@transaction.atomic
def session_swap_exercise(
    *,
    session_id: UUID,
    session_exercise_id: int,
    exercise_id: UUID,
    allowed: Iterable[UUID],
    reason: str = "",
) -> SessionExercise:
    """Put ``exercise_id`` in place of a session exercise. ``allowed``: the substitutes the
    caller offered (core's suggestions for this member); anything else is refused. Sets already
    logged keep the exercise they were done with; the prescription carries over."""
    session = _locked_session(session_id)
    if session.status != SessionStatus.IN_PROGRESS.value:
        raise ValidationError({"session": ["This session is finished: nothing can be swapped."]})
    entry = (
        SessionExercise.objects.select_related("exercise")
        .filter(pk=session_exercise_id, session=session)
        .first()
    )
    if entry is None:
        raise ValidationError({"session_exercise": ["Not an exercise of this session."]})
    exercise = usable_exercise(exercise_id)
    if exercise.pk == entry.exercise_id:
        raise ValidationError({"exercise": ["That is the exercise already in this slot."]})
    if exercise.pk not in set(allowed):
        raise ValidationError({"exercise": [f"Not a suggested substitute for {entry.exercise.name}."]})
    entry.swapped_from_id = entry.swapped_from_id or entry.exercise_id
    entry.exercise = exercise
    entry.swap_reason = (reason or f"Swapped for {exercise.name}.")[:300]
    entry.save(update_fields=["exercise", "swapped_from", "swap_reason"])
    send_after_commit(
        schema_name=current_schema(),
        member_id=session.member_id,
        payload={
            "type": "exercise_swapped",
            "session_id": str(session.pk),
            "session_exercise_id": entry.pk,
            "exercise_id": str(exercise.pk),
            "exercise_name": exercise.name,
            "reason": entry.swap_reason,
        },
    )
    return entry


# --- finish -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressionChange:
    exercise_id: UUID
    exercise_name: str
    change: str
    reason: str


@dataclass(frozen=True, slots=True)
class Finished:
    session: WorkoutSession
    sets: int
    volume_kg: Decimal
    changes: tuple[ProgressionChange, ...] = field(default_factory=tuple)


def _progress_exercise(
    entry: SessionExercise,
    rows: list[LoggedSet],
    saved: ProgressionState | None,
    setup: GymTrainingSetup | None,
    formula: engine.Formula,
    member_id: UUID,
) -> ProgressionChange | None:
    slot = entry.slot_exercise
    if slot is None:
        return None
    try:
        scheme = engine.scheme_from_dict(slot.scheme)
    except engine.EngineError:
        return None
    loading = loading_for(slot.exercise.equipment, setup)
    state = _state_for(slot, scheme, saved)
    outcome = engine.Outcome(
        sets=tuple(
            engine.PerformedSet(
                reps=p.reps, load=engine.from_kg(p.load, loading.unit), rir=p.rir, set_type=p.set_type
            )
            for p in (performed(r) for r in rows)
        )
    )
    day = entry.session.program_day
    deload = _deload_for(day) if day is not None else None
    step = engine.progress(scheme, state, outcome, loading, deload=deload, formula=formula)
    ProgressionState.objects.update_or_create(
        member_id=member_id,
        exercise_id=slot.exercise_id,
        defaults={
            "scheme": engine.scheme_to_dict(scheme),
            "state": engine.state_to_dict(step.state),
            "last_change": step.change.value,
            "last_reason": step.reason[:300],
        },
    )
    return ProgressionChange(slot.exercise_id, slot.exercise.name, step.change.value, step.reason)


@transaction.atomic
def session_finish(*, gym_id: int, session_id: UUID, finished_at: datetime | None = None) -> Finished:
    """Finish an in-progress session: each program exercise's progression state moves on through
    the engine (by what was done for the exercise the program prescribed; a swapped-in exercise
    does not progress the one it replaced), ``WorkoutCompleted`` is published, followers are told."""
    session = _locked_session(session_id)
    if session.status != SessionStatus.IN_PROGRESS.value:
        raise ValidationError({"session": ["This session is already finished."]})
    session.status = SessionStatus.FINISHED.value
    session.finished_at = max(finished_at or timezone.now(), session.started_at)
    session.save(update_fields=["status", "finished_at"])
    rows = list(LoggedSet.objects.filter(session=session).order_by("order"))
    volume = engine.volume_load(performed(r) for r in rows)
    entries = list(
        SessionExercise.objects.filter(session=session)
        .select_related("slot_exercise__exercise", "session__program_day__week__program")
        .order_by("order")
    )
    program_exercises = [e.slot_exercise.exercise_id for e in entries if e.slot_exercise is not None]
    saved = {
        s.exercise_id: s
        for s in ProgressionState.objects.select_for_update().filter(
            member_id=session.member_id, exercise_id__in=program_exercises
        )
    }
    prefs = member_prefs(member_id=session.member_id)
    setup = gym_setup()
    changes: list[ProgressionChange] = []
    for entry in entries:
        if entry.slot_exercise is None or entry.exercise_id != entry.slot_exercise.exercise_id:
            continue
        mine = [r for r in rows if r.session_exercise_id == entry.pk]
        change = _progress_exercise(
            entry, mine, saved.get(entry.slot_exercise.exercise_id), setup, prefs.formula, session.member_id
        )
        if change is not None:
            changes.append(change)
    publish(
        WorkoutCompleted(
            gym_id=gym_id,
            session_id=session.pk,
            member_id=session.member_id,
            started_at=session.started_at,
            finished_at=session.finished_at,
            sets=len(rows),
            volume_kg=volume,
            program_id=session.assignment.program_id
            if session.assignment_id and session.assignment
            else None,
        )
    )
    send_after_commit(
        schema_name=current_schema(),
        member_id=session.member_id,
        payload={
            "type": "session_finished",
            "session_id": str(session.pk),
            "sets": len(rows),
            "volume_kg": str(engine.plain(volume)),
            "changes": [
                {"exercise_name": c.exercise_name, "change": c.change, "reason": c.reason} for c in changes
            ],
        },
    )
    return Finished(session=session, sets=len(rows), volume_kg=volume, changes=tuple(changes))
