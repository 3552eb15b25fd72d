"""Plain-JSON forms of the engine's value types, for the Django side's JSON columns.

Decimals travel as strings (``"102.5"``), enums as their stable values, schemes as a dict with
``"kind"``. Every ``*_from_dict`` validates and raises ``EngineError`` naming the bad field, so a
caller can answer bad input with a 400. ``x_from_dict(x_to_dict(v)) == v`` for every value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from apps.workouts.engine.errors import EngineError
from apps.workouts.engine.plates import Loading, PlateLoading, PlateStock, StackLoading
from apps.workouts.engine.prescription import (
    LoadBasis,
    LoadTarget,
    PrescribedSet,
    Prescription,
    RepRange,
    SetSpec,
    SetType,
)
from apps.workouts.engine.schemes import (
    DeloadPolicy,
    DoubleProgression,
    ExerciseState,
    FixedScheme,
    LinearScheme,
    RPEScheme,
    Scheme,
    Wendler531,
)
from apps.workouts.engine.units import Unit, plain

JSON = dict[str, Any]
T = TypeVar("T")


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(plain(value), "f")


def _get(data: Mapping[str, Any], name: str, convert: Callable[[Any], T], where: str) -> T:
    if name not in data:
        raise EngineError(f"{where}: missing field {name!r}")
    try:
        return convert(data[name])
    except EngineError as exc:
        raise EngineError(f"{where}.{name}: {exc}") from exc
    except (TypeError, ValueError, InvalidOperation) as exc:
        raise EngineError(f"{where}.{name}: invalid value {data[name]!r}") from exc


def _opt(data: Mapping[str, Any], name: str, convert: Callable[[Any], T], where: str, default: T) -> T:
    if data.get(name) is None:
        return default
    return _get(data, name, convert, where)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise EngineError(f"expected a decimal string, got {value!r}")
    result = Decimal(value)
    if not result.is_finite():
        raise EngineError(f"expected a finite number, got {value!r}")
    return result


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineError(f"expected an integer, got {value!r}")
    return int(value)


def _to_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise EngineError(f"expected true or false, got {value!r}")
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise EngineError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise EngineError(f"expected a list, got {type(value).__name__}")
    return list(value)


# -- loading ---------------------------------------------------------------------------------------


def loading_to_dict(loading: Loading) -> JSON:
    if isinstance(loading, PlateLoading):
        return {
            "kind": "plates",
            "unit": str(loading.unit),
            "bar": _dec(loading.bar),
            "plates": [{"size": _dec(p.size), "pairs": p.pairs} for p in loading.plates],
            "micro_plates": [{"size": _dec(p.size), "pairs": p.pairs} for p in loading.micro_plates],
        }
    return {
        "kind": "stack",
        "unit": str(loading.unit),
        "minimum": _dec(loading.minimum),
        "step": _dec(loading.step),
        "maximum": _dec(loading.maximum),
    }


def _stock(items: Any, where: str) -> tuple[PlateStock, ...]:
    out = []
    for i, item in enumerate(_list(items)):
        data = _mapping(item, f"{where}[{i}]")
        out.append(
            PlateStock(
                size=_get(data, "size", _to_decimal, f"{where}[{i}]"),
                pairs=_get(data, "pairs", _to_int, f"{where}[{i}]"),
            )
        )
    return tuple(out)


def loading_from_dict(value: Any, where: str = "loading") -> Loading:
    data = _mapping(value, where)
    kind = data.get("kind")
    unit = _get(data, "unit", Unit, where)
    try:
        if kind == "plates":
            return PlateLoading(
                unit=unit,
                bar=_get(data, "bar", _to_decimal, where),
                plates=_stock(data.get("plates", []), f"{where}.plates"),
                micro_plates=_stock(data.get("micro_plates") or [], f"{where}.micro_plates"),
            )
        if kind == "stack":
            return StackLoading(
                unit=unit,
                minimum=_get(data, "minimum", _to_decimal, where),
                step=_get(data, "step", _to_decimal, where),
                maximum=_get(data, "maximum", _to_decimal, where),
            )
    except EngineError as exc:
        if str(exc).startswith(where):
            raise
        raise EngineError(f"{where}: {exc}") from exc
    raise EngineError(f"{where}.kind: expected 'plates' or 'stack', got {kind!r}")


# -- set specs and prescriptions --------------------------------------------------------------------


def set_spec_to_dict(spec: SetSpec) -> JSON:
    return {
        "set_type": str(spec.set_type),
        "reps_low": spec.reps.low,
        "reps_high": spec.reps.high,
        "load_basis": str(spec.load.basis),
        "load_value": _dec(spec.load.value),
        "rest_seconds": spec.rest_seconds,
    }


def set_spec_from_dict(value: Any, where: str = "set") -> SetSpec:
    data = _mapping(value, where)
    try:
        return SetSpec(
            set_type=_get(data, "set_type", SetType, where),
            reps=RepRange(_get(data, "reps_low", _to_int, where), _get(data, "reps_high", _to_int, where)),
            load=LoadTarget(
                _get(data, "load_basis", LoadBasis, where), _get(data, "load_value", _to_decimal, where)
            ),
            rest_seconds=_opt(data, "rest_seconds", _to_int, where, None),
        )
    except EngineError as exc:
        if str(exc).startswith(where):
            raise
        raise EngineError(f"{where}: {exc}") from exc


def prescription_to_dict(prescription: Prescription) -> JSON:
    return {
        "unit": str(prescription.unit),
        "note": prescription.note,
        "sets": [
            {
                "set_type": str(s.set_type),
                "reps_low": s.reps.low,
                "reps_high": s.reps.high,
                "target_reps": s.target_reps,
                "load": _dec(s.load),
                "target_rpe": _dec(s.target_rpe),
                "percent": _dec(s.percent),
                "rest_seconds": s.rest_seconds,
            }
            for s in prescription.sets
        ],
    }


def prescription_from_dict(value: Any, where: str = "prescription") -> Prescription:
    data = _mapping(value, where)
    sets = []
    for i, item in enumerate(_get(data, "sets", _list, where)):
        at = f"{where}.sets[{i}]"
        s = _mapping(item, at)
        try:
            sets.append(
                PrescribedSet(
                    set_type=_get(s, "set_type", SetType, at),
                    reps=RepRange(_get(s, "reps_low", _to_int, at), _get(s, "reps_high", _to_int, at)),
                    target_reps=_get(s, "target_reps", _to_int, at),
                    load=_opt(s, "load", _to_decimal, at, None),
                    target_rpe=_opt(s, "target_rpe", _to_decimal, at, None),
                    percent=_opt(s, "percent", _to_decimal, at, None),
                    rest_seconds=_opt(s, "rest_seconds", _to_int, at, None),
                )
            )
        except EngineError as exc:
            if str(exc).startswith(at):
                raise
            raise EngineError(f"{at}: {exc}") from exc
    return Prescription(
        sets=tuple(sets), unit=_get(data, "unit", Unit, where), note=str(data.get("note") or "")
    )


# -- state ------------------------------------------------------------------------------------------


def state_to_dict(state: ExerciseState) -> JSON:
    return {
        "load": _dec(state.load),
        "target_reps": state.target_reps,
        "failures": state.failures,
        "training_max": _dec(state.training_max),
        "wave_week": state.wave_week,
        "cycle": state.cycle,
        "e1rm": _dec(state.e1rm),
    }


def state_from_dict(value: Any, where: str = "state") -> ExerciseState:
    data = _mapping(value, where)
    try:
        return ExerciseState(
            load=_opt(data, "load", _to_decimal, where, None),
            target_reps=_opt(data, "target_reps", _to_int, where, None),
            failures=_opt(data, "failures", _to_int, where, 0),
            training_max=_opt(data, "training_max", _to_decimal, where, None),
            wave_week=_opt(data, "wave_week", _to_int, where, 0),
            cycle=_opt(data, "cycle", _to_int, where, 0),
            e1rm=_opt(data, "e1rm", _to_decimal, where, None),
        )
    except EngineError as exc:
        if str(exc).startswith(where):
            raise
        raise EngineError(f"{where}: {exc}") from exc


# -- schemes ----------------------------------------------------------------------------------------

_SCHEME_FIELDS: dict[str, tuple[type[Any], dict[str, Callable[[Any], Any]]]] = {
    LinearScheme.kind: (
        LinearScheme,
        {
            "sets": _to_int,
            "reps": _to_int,
            "increment": _to_decimal,
            "failures_before_deload": _to_int,
            "deload_percent": _to_decimal,
            "rest_seconds": _to_int,
        },
    ),
    DoubleProgression.kind: (
        DoubleProgression,
        {
            "sets": _to_int,
            "rep_low": _to_int,
            "rep_high": _to_int,
            "increment": _to_decimal,
            "failures_before_deload": _to_int,
            "deload_percent": _to_decimal,
            "rest_seconds": _to_int,
        },
    ),
    Wendler531.kind: (
        Wendler531,
        {
            "tm_increment": _to_decimal,
            "tm_percent": _to_decimal,
            "deload_week": _to_bool,
            "reset_percent": _to_decimal,
            "rest_seconds": _to_int,
        },
    ),
    RPEScheme.kind: (
        RPEScheme,
        {
            "sets": _to_int,
            "reps": _to_int,
            "target_rpe": _to_decimal,
            "small_step": _to_decimal,
            "big_step": _to_decimal,
            "rest_seconds": _to_int,
        },
    ),
}

SCHEME_KINDS = (*_SCHEME_FIELDS, FixedScheme.kind)
"""Every scheme ``kind`` string, stable."""


def scheme_to_dict(scheme: Scheme) -> JSON:
    if isinstance(scheme, FixedScheme):
        return {"kind": scheme.kind, "sets": [set_spec_to_dict(s) for s in scheme.sets]}
    _, fields = _SCHEME_FIELDS[scheme.kind]
    out: JSON = {"kind": scheme.kind}
    for name in fields:
        value = getattr(scheme, name)
        out[name] = _dec(value) if isinstance(value, Decimal) else value
    return out


def scheme_from_dict(value: Any, where: str = "scheme") -> Scheme:
    """A scheme from its dict; fields left out take the scheme's defaults."""
    data = _mapping(value, where)
    kind = data.get("kind")
    if kind == FixedScheme.kind:
        specs = _get(data, "sets", _list, where)
        try:
            return FixedScheme(
                sets=tuple(set_spec_from_dict(s, f"{where}.sets[{i}]") for i, s in enumerate(specs))
            )
        except EngineError as exc:
            if str(exc).startswith(where):
                raise
            raise EngineError(f"{where}: {exc}") from exc
    if kind not in _SCHEME_FIELDS:
        raise EngineError(f"{where}.kind: expected one of {', '.join(SCHEME_KINDS)}, got {kind!r}")
    cls, fields = _SCHEME_FIELDS[kind]
    unknown = set(data) - set(fields) - {"kind"}
    if unknown:
        raise EngineError(f"{where}: unknown fields {', '.join(sorted(unknown))} for {kind}")
    kwargs = {
        name: None if name == "rest_seconds" and data[name] is None else _get(data, name, convert, where)
        for name, convert in fields.items()
        if name in data
    }
    try:
        scheme: Scheme = cls(**kwargs)
    except EngineError as exc:
        raise EngineError(f"{where}: {exc}") from exc
    return scheme


def deload_to_dict(policy: DeloadPolicy) -> JSON:
    return {
        "every_weeks": policy.every_weeks,
        "load_percent": _dec(policy.load_percent),
        "sets_percent": _dec(policy.sets_percent),
    }


def deload_from_dict(value: Any, where: str = "deload") -> DeloadPolicy:
    data = _mapping(value, where)
    try:
        return DeloadPolicy(
            every_weeks=_opt(data, "every_weeks", _to_int, where, 4),
            load_percent=_opt(data, "load_percent", _to_decimal, where, Decimal(90)),
            sets_percent=_opt(data, "sets_percent", _to_decimal, where, Decimal(50)),
        )
    except EngineError as exc:
        if str(exc).startswith(where):
            raise
        raise EngineError(f"{where}: {exc}") from exc
