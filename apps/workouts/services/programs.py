"""Programs: validate and write the structure, copy templates for members, assign, preview.

A program is written whole (weeks -> days -> slots -> exercises -> sets) from one plain dict,
validated completely before anything is written, in one transaction: a refused write changes
nothing. A program that belongs to a member (an assigned copy, or a draft from a trainer, a
recommendation or a plugin) is also checked against that member's restrictions on every write,
so an exercise a restriction excludes never reaches them. See ADR 0010.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.organizations.facade import api as organizations
from apps.workouts import engine
from apps.workouts.facade.contracts import ProgramSource, ProgramStatus
from apps.workouts.models import (
    MAX_LOAD_KG,
    Exercise,
    PrescribedSet,
    Program,
    ProgramAssignment,
    ProgramDay,
    ProgramSlot,
    ProgramWeek,
    SlotExercise,
)
from apps.workouts.restrictions import Decision, Verdict
from apps.workouts.selectors import catalogue as catalogue_selectors
from apps.workouts.selectors import programs as selectors

MAX_WEEKS = 52
MAX_DAYS = 7
MAX_SLOTS = 20
MAX_SUPERSET = 4
MAX_SETS = 15
MAX_PREVIEW_WEEKS = 52
STAFF_ROLES = frozenset({"owner", "admin", "trainer"})
MANAGERS = frozenset({"owner", "admin"})


class ProgramDeniedError(Exception):
    """The caller may not do this to this program or member (answered 403)."""


# --- the written form ------------------------------------------------------------------------


@dataclass
class SetIn:
    set_type: str
    reps_low: int
    reps_high: int
    load_basis: str
    load_value: Decimal
    rest_seconds: int | None


@dataclass
class ExerciseIn:
    exercise: Exercise
    progression_key: str
    scheme: dict[str, Any]
    start: dict[str, Any]
    sets: list[SetIn]
    reason: str = ""
    cap_load_kg: Decimal | None = None
    cap_rpe: Decimal | None = None


@dataclass
class SlotIn:
    note: str
    exercises: list[ExerciseIn]


@dataclass
class DayIn:
    number: int
    name: str
    slots: list[SlotIn]


@dataclass
class WeekIn:
    number: int
    note: str
    days: list[DayIn]


@dataclass
class ProgramIn:
    name: str
    description: str
    unit: str
    goal: str
    deload: dict[str, Any]
    weeks: list[WeekIn]
    reasons: list[str] = field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def _text(
    data: Mapping[str, Any], key: str, path: str, errors: _Errors, *, max_length: int, required: bool = False
) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(f"{path}{key}", "Must be a string.")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(f"{path}{key}", "This field is required.")
    if len(value) > max_length:
        errors.add(f"{path}{key}", f"At most {max_length} characters.")
    return str(value[:max_length])


def _int(value: Any, path: str, errors: _Errors, *, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(path, f"{what} must be a whole number.")
        return low
    if not low <= value <= high:
        errors.add(path, f"{what} must lie between {low} and {high}, got {value}.")
    return int(value)


def _list(
    data: Mapping[str, Any], key: str, path: str, errors: _Errors, *, high: int, what: str
) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        errors.add(f"{path}{key}", f"Give at least one {what} as a list.")
        return []
    if len(value) > high:
        errors.add(f"{path}{key}", f"At most {high} {what}s.")
        return []
    return value


def _obj(
    value: Any, path: str, errors: _Errors, allowed: frozenset[str] | None = None
) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping):
        errors.add(path, "Expected an object.")
        return None
    if allowed is not None:
        prefix = f"{path}." if path != "non_field_errors" else ""
        for name in sorted(set(value) - allowed):
            errors.add(f"{prefix}{name}", "Unknown field.")
    return value


PROGRAM_FIELDS = frozenset({"name", "description", "unit", "goal", "deload", "weeks", "reasons"})
WEEK_FIELDS = frozenset({"number", "note", "days"})
DAY_FIELDS = frozenset({"number", "name", "slots"})
SLOT_FIELDS = frozenset({"note", "exercises"})


def _load_kg(value: Decimal, unit: str) -> Decimal:
    return engine.to_kg(value, engine.Unit(unit))


def _set(data: Any, path: str, errors: _Errors, unit: str) -> SetIn | None:
    obj = _obj(data, path, errors)
    if obj is None:
        return None
    unknown = set(obj) - {"set_type", "reps_low", "reps_high", "load_basis", "load_value", "rest_seconds"}
    for name in sorted(unknown):
        errors.add(f"{path}.{name}", "Unknown field.")
    raw_value = obj.get("load_value")
    try:
        value = Decimal(str(raw_value)) if not isinstance(raw_value, bool) and raw_value is not None else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        errors.add(f"{path}.load_value", "A number is required (a load, a percentage, an RPE or an RIR).")
        value = Decimal(0)
    basis = obj.get("load_basis", "absolute")
    if basis == "absolute" and value > 0 and _load_kg(value, unit) > MAX_LOAD_KG:
        errors.add(f"{path}.load_value", f"A load of {value} {unit} is more than the {MAX_LOAD_KG} kg limit.")
        return None
    try:
        spec = engine.set_spec_from_dict(
            {
                "set_type": obj.get("set_type", "working"),
                "reps_low": obj.get("reps_low"),
                "reps_high": obj.get("reps_high", obj.get("reps_low")),
                "load_basis": basis,
                "load_value": str(value),
                "rest_seconds": obj.get("rest_seconds"),
            },
            "set",
        )
    except engine.EngineError as exc:
        errors.add(path, _engine_message(exc))
        return None
    return SetIn(
        set_type=str(spec.set_type),
        reps_low=spec.reps.low,
        reps_high=spec.reps.high,
        load_basis=str(spec.load.basis),
        load_value=spec.load.value,
        rest_seconds=spec.rest_seconds,
    )


def _engine_message(exc: Exception) -> str:
    text = str(exc)
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _sets_to_scheme(sets: list[SetIn]) -> dict[str, Any]:
    return {
        "kind": "fixed",
        "sets": [
            {
                "set_type": s.set_type,
                "reps_low": s.reps_low,
                "reps_high": s.reps_high,
                "load_basis": s.load_basis,
                "load_value": format(s.load_value, "f"),
                "rest_seconds": s.rest_seconds,
            }
            for s in sets
        ],
    }


def _scheme_sets(scheme: engine.Scheme, start: engine.ExerciseState, unit: str) -> list[SetIn]:
    """A progressive scheme's first prescription as written sets (what week one shows)."""
    loading = _loading(unit)
    prescription = engine.prescribe(scheme, start, loading)
    out = []
    for s in prescription.sets:
        if s.load is not None:
            basis, value = "absolute", s.load
        elif s.target_rpe is not None:
            basis, value = "rpe", s.target_rpe
        else:
            basis, value = "rpe", Decimal(8)
        out.append(SetIn(str(s.set_type), s.reps.low, s.reps.high, basis, value, s.rest_seconds))
    return out


def _loading(unit: str) -> engine.Loading:
    setup = catalogue_selectors.setup()
    if setup.barbell_loading:
        try:
            loading = engine.loading_from_dict(setup.barbell_loading)
            if str(loading.unit) == unit:
                return loading
        except engine.EngineError:
            pass
    return engine.standard_lb_barbell() if unit == "lb" else engine.standard_kg_barbell()


def _exercise(
    data: Any, path: str, errors: _Errors, unit: str, exercises: Mapping[str, Exercise]
) -> ExerciseIn | None:
    obj = _obj(data, path, errors)
    if obj is None:
        return None
    unknown = set(obj) - {"exercise_id", "progression_key", "scheme", "start", "sets", "reason"}
    for name in sorted(unknown):
        errors.add(f"{path}.{name}", "Unknown field.")
    exercise = exercises.get(str(obj.get("exercise_id")))
    if exercise is None:
        errors.add(f"{path}.exercise_id", f"No exercise {obj.get('exercise_id')!r} in this gym.")
        return None
    key = _text(obj, "progression_key", f"{path}.", errors, max_length=80) or exercise.slug[:80]
    reason = _text(obj, "reason", f"{path}.", errors, max_length=300)
    start_raw = obj.get("start") or {}
    try:
        start = engine.state_from_dict(start_raw, "start")
    except engine.EngineError as exc:
        errors.add(f"{path}.start", _engine_message(exc))
        return None
    if start.load is not None and _load_kg(start.load, unit) > MAX_LOAD_KG:
        errors.add(
            f"{path}.start.load", f"A load of {start.load} {unit} is more than the {MAX_LOAD_KG} kg limit."
        )
        return None
    scheme_raw = obj.get("scheme")
    sets_raw = obj.get("sets")
    if scheme_raw is None or (isinstance(scheme_raw, Mapping) and scheme_raw.get("kind") == "fixed"):
        if scheme_raw is not None and sets_raw is None:
            sets_raw = scheme_raw.get("sets")
        if not isinstance(sets_raw, list) or not sets_raw:
            errors.add(f"{path}.sets", "Give the sets as a non-empty list (or a progression scheme).")
            return None
        if len(sets_raw) > MAX_SETS:
            errors.add(f"{path}.sets", f"At most {MAX_SETS} sets.")
            return None
        sets = [_set(s, f"{path}.sets[{i}]", errors, unit) for i, s in enumerate(sets_raw)]
        if any(s is None for s in sets):
            return None
        written = [s for s in sets if s is not None]
        scheme = _sets_to_scheme(written)
        return ExerciseIn(exercise, key, scheme, engine.state_to_dict(start), written, reason)
    try:
        parsed = engine.scheme_from_dict(scheme_raw, "scheme")
    except engine.EngineError as exc:
        errors.add(f"{path}.scheme", _engine_message(exc))
        return None
    if sets_raw:
        errors.add(
            f"{path}.sets", "Sets come from the progression scheme; leave them out or use a fixed scheme."
        )
        return None
    try:
        written = _scheme_sets(parsed, start, unit)
    except engine.EngineError as exc:
        errors.add(f"{path}.start", _engine_message(exc))
        return None
    return ExerciseIn(
        exercise, key, engine.scheme_to_dict(parsed), engine.state_to_dict(start), written, reason
    )


def parse(data: Any, *, default_unit: str = "kg") -> ProgramIn:
    """Validate a whole program; raises ``ValidationError`` keyed by JSON path, naming every
    problem at once."""
    errors = _Errors()
    obj = _obj(data, "non_field_errors", errors, PROGRAM_FIELDS)
    if obj is None:
        errors.raise_if_any()
    assert obj is not None
    name = _text(obj, "name", "", errors, max_length=120, required=True)
    description = _text(obj, "description", "", errors, max_length=5000)
    unit = obj.get("unit", default_unit) or default_unit
    if unit not in ("kg", "lb"):
        errors.add("unit", 'Use "kg" or "lb".')
        unit = "kg"
    goal = obj.get("goal") or ""
    if goal not in ("", "strength", "hypertrophy", "endurance", "general"):
        errors.add("goal", "Use strength, hypertrophy, endurance or general.")
        goal = ""
    deload: dict[str, Any] = {}
    if obj.get("deload"):
        try:
            deload = engine.deload_to_dict(engine.deload_from_dict(obj["deload"], "deload"))
        except engine.EngineError as exc:
            errors.add("deload", _engine_message(exc))
    weeks_raw = _list(obj, "weeks", "", errors, high=MAX_WEEKS, what="week")
    ids = {
        str(e.get("exercise_id"))
        for w in weeks_raw
        if isinstance(w, Mapping)
        for d in (w.get("days") or [])
        if isinstance(d, Mapping)
        for s in (d.get("slots") or [])
        if isinstance(s, Mapping)
        for e in (s.get("exercises") or [])
        if isinstance(e, Mapping)
    }
    exercises = selectors.exercises_by_id_strings(ids)
    weeks: list[WeekIn] = []
    seen_weeks: set[int] = set()
    keys: dict[str, tuple[UUID, dict[str, Any], dict[str, Any]]] = {}
    for wi, w in enumerate(weeks_raw):
        wp = f"weeks[{wi}]"
        wobj = _obj(w, wp, errors, WEEK_FIELDS)
        if wobj is None:
            continue
        number = _int(
            wobj.get("number", wi + 1), f"{wp}.number", errors, low=1, high=MAX_WEEKS, what="A week number"
        )
        if number in seen_weeks:
            errors.add(f"{wp}.number", f"Week {number} appears twice.")
        seen_weeks.add(number)
        days: list[DayIn] = []
        seen_days: set[int] = set()
        for di, d in enumerate(_list(wobj, "days", f"{wp}.", errors, high=MAX_DAYS, what="day")):
            dp = f"{wp}.days[{di}]"
            dobj = _obj(d, dp, errors, DAY_FIELDS)
            if dobj is None:
                continue
            dnum = _int(
                dobj.get("number", di + 1), f"{dp}.number", errors, low=1, high=MAX_DAYS, what="A day number"
            )
            if dnum in seen_days:
                errors.add(f"{dp}.number", f"Day {dnum} appears twice in week {number}.")
            seen_days.add(dnum)
            slots: list[SlotIn] = []
            for si, s in enumerate(_list(dobj, "slots", f"{dp}.", errors, high=MAX_SLOTS, what="slot")):
                sp = f"{dp}.slots[{si}]"
                sobj = _obj(s, sp, errors, SLOT_FIELDS)
                if sobj is None:
                    continue
                items = _list(sobj, "exercises", f"{sp}.", errors, high=MAX_SUPERSET, what="exercise")
                parsed = [
                    _exercise(e, f"{sp}.exercises[{ei}]", errors, unit, exercises)
                    for ei, e in enumerate(items)
                ]
                done = [p for p in parsed if p is not None]
                for ei, p in enumerate(done):
                    known = keys.get(p.progression_key)
                    if known is None:
                        keys[p.progression_key] = (p.exercise.id, p.scheme, p.start)
                    elif known[0] != p.exercise.id:
                        errors.add(
                            f"{sp}.exercises[{ei}].progression_key",
                            f"Progression key {p.progression_key!r} already names another exercise.",
                        )
                    elif (known[1], known[2]) != (p.scheme, p.start):
                        errors.add(
                            f"{sp}.exercises[{ei}].scheme",
                            f"Progression key {p.progression_key!r} has another scheme or start elsewhere; "
                            "give this one its own key.",
                        )
                if len({p.progression_key for p in done}) != len(done):
                    errors.add(f"{sp}.exercises", "A superset lists each progression key once.")
                slots.append(SlotIn(_text(sobj, "note", f"{sp}.", errors, max_length=200), done))
            days.append(DayIn(dnum, _text(dobj, "name", f"{dp}.", errors, max_length=80), slots))
        weeks.append(WeekIn(number, _text(wobj, "note", f"{wp}.", errors, max_length=200), days))
    reasons = obj.get("reasons") or []
    if not isinstance(reasons, list) or not all(isinstance(r, str) and len(r) <= 500 for r in reasons):
        errors.add("reasons", "Give reasons as a list of strings of at most 500 characters.")
        reasons = []
    errors.raise_if_any()
    return ProgramIn(name, description, unit, goal, deload, weeks, list(reasons))


# --- restrictions ---------------------------------------------------------------------------------


def restriction_check(
    *, program: ProgramIn, gym_id: int, member_id: UUID, redacted: bool = False
) -> dict[UUID, Decision]:
    """Refuse (``ValidationError``) a program for ``member_id`` holding an exercise their
    restrictions exclude, naming each with its reasons and proposed substitutes; returns the
    decisions, so caps can be carried onto the member's copy. With ``redacted`` (an owner or
    admin writing), the message says only that the exercise is not offered: the reasons are
    health data (ADR 0012)."""
    offering = catalogue_selectors.offering(gym_id=gym_id, member_id=member_id)
    if not offering.constraints.may_start_training:
        raise ValidationError(
            {"member_id": ["Training is paused for this member until their screening allows it."]}
        )
    errors = _Errors()
    decisions: dict[UUID, Decision] = {}
    for wi, w in enumerate(program.weeks):
        for di, d in enumerate(w.days):
            for si, s in enumerate(d.slots):
                for ei, e in enumerate(s.exercises):
                    decision = offering.decide(e.exercise)
                    decisions[e.exercise.id] = decision
                    if decision.offered:
                        continue
                    subs = offering.substitutes_for(e.exercise)
                    proposal = (
                        " Substitutes: "
                        + "; ".join(f"{x.candidate.name} ({x.candidate.id})" for x in subs)
                        + "."
                        if subs
                        else " No substitute available."
                    )
                    errors.add(
                        f"weeks[{wi}].days[{di}].slots[{si}].exercises[{ei}].exercise_id",
                        f"{e.exercise.name}: "
                        + ("Not offered to this member." if redacted else " ".join(decision.reasons))
                        + proposal,
                    )
    errors.raise_if_any()
    return decisions


# --- writes ---------------------------------------------------------------------------------------


def _write_children(program: Program, data: ProgramIn, decisions: Mapping[UUID, Decision]) -> None:
    for w in data.weeks:
        week = ProgramWeek.objects.create(program=program, number=w.number, note=w.note)
        for d in w.days:
            day = ProgramDay.objects.create(week=week, number=d.number, name=d.name)
            for order, s in enumerate(d.slots, start=1):
                slot = ProgramSlot.objects.create(day=day, order=order, note=s.note)
                for eorder, e in enumerate(s.exercises, start=1):
                    decision = decisions.get(e.exercise.id)
                    capped = decision is not None and decision.verdict is Verdict.CAP
                    item = SlotExercise.objects.create(
                        slot=slot,
                        order=eorder,
                        exercise=e.exercise,
                        progression_key=e.progression_key,
                        scheme=e.scheme,
                        start=e.start,
                        reason=e.reason,
                        cap_load_kg=decision.cap_load_kg if capped and decision else e.cap_load_kg,
                        cap_rpe=decision.cap_rpe if capped and decision else e.cap_rpe,
                    )
                    PrescribedSet.objects.bulk_create(
                        PrescribedSet(
                            slot_exercise=item,
                            order=i,
                            set_type=x.set_type,
                            reps_low=x.reps_low,
                            reps_high=x.reps_high,
                            load_basis=x.load_basis,
                            load_value=x.load_value,
                            rest_seconds=x.rest_seconds,
                        )
                        for i, x in enumerate(e.sets, start=1)
                    )


def can_manage_member(*, gym_id: int, role: str | None, actor_id: UUID, member_id: UUID) -> bool:
    """Owners and admins for anyone in the gym; a trainer only for the members they coach."""
    if role in MANAGERS:
        return True
    return role == "trainer" and organizations.is_coach_of(
        gym_id=gym_id, trainer_id=actor_id, client_id=member_id
    )


def _redacted(*, actor_role: str | None, actor_id: UUID, member_id: UUID) -> bool:
    """Owners and admins write a member's programs without reading their restrictions."""
    return actor_role in MANAGERS and actor_id != member_id


def _require_member(gym_id: int, member_id: UUID) -> None:
    membership = organizations.active_membership(gym_id=gym_id, user_id=member_id)
    if membership is None:
        raise ValidationError({"member_id": ["No active member with this id in this gym."]})


def program_create(
    *,
    gym_id: int,
    data: Any,
    actor_id: UUID,
    actor_role: str | None,
    member_id: UUID | None = None,
    is_template: bool = False,
    status: str = ProgramStatus.READY.value,
    source: str = ProgramSource.MANUAL.value,
) -> Program:
    """Write a new program: a gym template (owners, admins and trainers) or a program for a
    member (their managers or coach), checked against the member's restrictions."""
    if actor_role not in STAFF_ROLES:
        raise ProgramDeniedError("Only trainers, admins and owners write programs.")
    if is_template and member_id is not None:
        raise ValidationError({"member_id": ["A template belongs to the gym, not to a member."]})
    parsed = parse(data, default_unit=catalogue_selectors.setup().unit)
    decisions: Mapping[UUID, Decision] = {}
    if member_id is not None:
        _require_member(gym_id, member_id)
        if not can_manage_member(gym_id=gym_id, role=actor_role, actor_id=actor_id, member_id=member_id):
            raise ProgramDeniedError("A trainer writes programs only for the members they coach.")
        decisions = restriction_check(
            program=parsed,
            gym_id=gym_id,
            member_id=member_id,
            redacted=_redacted(actor_role=actor_role, actor_id=actor_id, member_id=member_id),
        )
    with transaction.atomic():
        program = Program.objects.create(
            name=parsed.name,
            description=parsed.description,
            unit=parsed.unit,
            goal=parsed.goal,
            deload=parsed.deload,
            reasons=parsed.reasons,
            is_template=is_template,
            member_id=member_id,
            status=status,
            source=source,
            created_by=actor_id,
        )
        _write_children(program, parsed, decisions)
    return program


def _require_can_edit(program: Program, *, gym_id: int, actor_id: UUID, actor_role: str | None) -> None:
    if actor_role not in STAFF_ROLES:
        raise ProgramDeniedError("Only trainers, admins and owners change programs.")
    if program.member_id is not None and not can_manage_member(
        gym_id=gym_id, role=actor_role, actor_id=actor_id, member_id=program.member_id
    ):
        raise ProgramDeniedError("A trainer changes programs only of the members they coach.")


def program_replace(
    *, gym_id: int, program: Program, data: Any, actor_id: UUID, actor_role: str | None
) -> Program:
    """Replace a program's whole content (name, description, unit, goal, deload, weeks)."""
    _require_can_edit(program, gym_id=gym_id, actor_id=actor_id, actor_role=actor_role)
    parsed = parse(data, default_unit=program.unit)
    decisions: Mapping[UUID, Decision] = {}
    if program.member_id is not None:
        decisions = restriction_check(
            program=parsed,
            gym_id=gym_id,
            member_id=program.member_id,
            redacted=_redacted(actor_role=actor_role, actor_id=actor_id, member_id=program.member_id),
        )
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        locked.weeks.all().delete()
        locked.name, locked.description, locked.unit = parsed.name, parsed.description, parsed.unit
        locked.goal, locked.deload = parsed.goal, parsed.deload
        if parsed.reasons:
            locked.reasons = parsed.reasons
        locked.save()
        _write_children(locked, parsed, decisions)
    return locked


def program_update(
    *,
    gym_id: int,
    program: Program,
    actor_id: UUID,
    actor_role: str | None,
    name: str | None = None,
    description: str | None = None,
    status: str | None = None,
) -> Program:
    _require_can_edit(program, gym_id=gym_id, actor_id=actor_id, actor_role=actor_role)
    if name is not None:
        program.name = name
    if description is not None:
        program.description = description
    if status is not None:
        program.status = status
    program.save(update_fields=["name", "description", "status", "updated_at"])
    return program


def program_delete(*, gym_id: int, program: Program, actor_id: UUID, actor_role: str | None) -> None:
    _require_can_edit(program, gym_id=gym_id, actor_id=actor_id, actor_role=actor_role)
    if program.assignments.filter(active=True).exists():
        raise ValidationError({"non_field_errors": ["The program is assigned; end the assignment first."]})
    program.delete()


def program_as_data(program: Program) -> dict[str, Any]:
    """A program in the written form ``parse`` accepts (for copies and the builder)."""
    full = selectors.program_full(program_id=program.pk)
    return {
        "name": full.name,
        "description": full.description,
        "unit": full.unit,
        "goal": full.goal,
        "deload": full.deload or None,
        "reasons": list(full.reasons),
        "weeks": [
            {
                "number": w.number,
                "note": w.note,
                "days": [
                    {
                        "number": d.number,
                        "name": d.name,
                        "slots": [
                            {
                                "note": s.note,
                                "exercises": [
                                    {
                                        "exercise_id": str(e.exercise_id),
                                        "progression_key": e.progression_key,
                                        "scheme": e.scheme,
                                        "start": e.start,
                                        "reason": e.reason,
                                    }
                                    for e in s.exercises.all()
                                ],
                            }
                            for s in d.slots.all()
                        ],
                    }
                    for d in w.days.all()
                ],
            }
            for w in full.weeks.all()
        ],
    }


def program_assign(
    *,
    gym_id: int,
    program: Program,
    member_id: UUID,
    actor_id: UUID,
    actor_role: str | None,
    starts_on: date | None = None,
    note: str = "",
) -> ProgramAssignment:
    """Give ``program`` to ``member_id``: a template is copied for them (a member's own draft is
    assigned as it is), restrictions checked (excluded exercises refuse the assignment with
    substitutes named; capped ones carry the cap), and any earlier active assignment ended."""
    if actor_role not in STAFF_ROLES:
        raise ProgramDeniedError("Only trainers, admins and owners assign programs.")
    _require_member(gym_id, member_id)
    if not can_manage_member(gym_id=gym_id, role=actor_role, actor_id=actor_id, member_id=member_id):
        raise ProgramDeniedError("A trainer assigns programs only to the members they coach.")
    if program.member_id is not None and program.member_id != member_id:
        raise ValidationError(
            {"member_id": ["This program belongs to another member; assign a template instead."]}
        )
    if program.status == ProgramStatus.ARCHIVED.value:
        raise ValidationError({"non_field_errors": ["An archived program cannot be assigned."]})
    data = program_as_data(program)
    parsed = parse(data, default_unit=program.unit)
    decisions = restriction_check(
        program=parsed,
        gym_id=gym_id,
        member_id=member_id,
        redacted=_redacted(actor_role=actor_role, actor_id=actor_id, member_id=member_id),
    )
    with transaction.atomic():
        if program.member_id is None:
            target = Program.objects.create(
                name=parsed.name,
                description=parsed.description,
                unit=parsed.unit,
                goal=parsed.goal,
                deload=parsed.deload,
                reasons=parsed.reasons,
                member_id=member_id,
                template=program,
                source=program.source,
                status=ProgramStatus.READY.value,
                created_by=actor_id,
            )
        else:
            target = Program.objects.select_for_update().get(pk=program.pk)
            target.weeks.all().delete()
            target.status = ProgramStatus.READY.value
            target.save(update_fields=["status", "updated_at"])
        _write_children(target, parsed, decisions)
        ProgramAssignment.objects.filter(member_id=member_id, active=True).update(
            active=False, ended_at=timezone.now()
        )
        return ProgramAssignment.objects.create(
            program=target,
            member_id=member_id,
            assigned_by=actor_id,
            starts_on=starts_on or timezone.localdate(),
            note=note[:300],
        )


def assignment_end(
    *, gym_id: int, assignment: ProgramAssignment, actor_id: UUID, actor_role: str | None
) -> ProgramAssignment:
    if actor_role not in STAFF_ROLES or not can_manage_member(
        gym_id=gym_id, role=actor_role, actor_id=actor_id, member_id=assignment.member_id
    ):
        raise ProgramDeniedError("Only the member's coach, an admin or an owner ends an assignment.")
    if assignment.active:
        assignment.active = False
        assignment.ended_at = timezone.now()
        assignment.save(update_fields=["active", "ended_at"])
    return assignment


# --- preview ----------------------------------------------------------------------------------


def program_spec(program: Program) -> engine.ProgramSpec:
    """The engine's view of a program (loaded with ``selectors.program_full``)."""
    loading = _loading(program.unit)
    plans: dict[str, engine.ExercisePlan] = {}
    weeks = []
    for w in program.weeks.all():
        days = []
        for d in w.days.all():
            slots = []
            for s in d.slots.all():
                keys = []
                for e in s.exercises.all():
                    if e.progression_key not in plans:
                        plans[e.progression_key] = engine.ExercisePlan(
                            key=e.progression_key,
                            exercise=getattr(e.exercise, "display_name", e.exercise.name),
                            scheme=engine.scheme_from_dict(e.scheme),
                            start=engine.state_from_dict(e.start or {}),
                            loading=loading,
                        )
                    keys.append(e.progression_key)
                if keys:
                    slots.append(engine.SlotSpec(tuple(keys)))
            days.append(engine.DaySpec(tuple(slots), d.name))
        weeks.append(engine.WeekSpec(tuple(days)))
    deload = engine.deload_from_dict(program.deload) if program.deload else None
    return engine.ProgramSpec(weeks=tuple(weeks), plans=tuple(plans.values()), deload=deload)


def program_preview(*, program: Program, weeks: int | None = None) -> engine.Preview:
    """What each week prescribes once progression applies, every session assumed met; the
    program's weeks repeat until ``weeks`` (default: the program's own length)."""
    spec = program_spec(program)
    if not spec.weeks:
        raise ValidationError({"non_field_errors": ["The program has no weeks to preview."]})
    total = weeks or len(spec.weeks)
    if not 1 <= total <= MAX_PREVIEW_WEEKS:
        raise ValidationError({"weeks": [f"Preview between 1 and {MAX_PREVIEW_WEEKS} weeks."]})
    repeated = tuple(spec.weeks[i % len(spec.weeks)] for i in range(total))
    return engine.preview(engine.ProgramSpec(weeks=repeated, plans=spec.plans, deload=spec.deload))
