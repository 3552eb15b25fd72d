"""Units of load: kilograms and pounds, with explicit rounding on every conversion.

Loads are stored canonically in kilograms with three decimals (``KG_QUANTUM``); a load entered in
pounds with at most two decimals survives the round trip ``from_kg(to_kg(x, LB), LB) == x``
(the kilogram rounding error is at most 0.0005 kg = 0.0011 lb, below half a hundredth of a pound).
A ``quantum`` is a power of ten (``Decimal.quantize`` semantics); rounding to plates is
``plates.Loading.round``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from apps.workouts.engine.errors import EngineError


class Unit(StrEnum):
    """A unit of load. The values are stable strings (stored by the Django side)."""

    KG = "kg"
    LB = "lb"


KG_PER_LB = Decimal("0.45359237")  # exact, by definition of the international pound
KG_QUANTUM = Decimal("0.001")
LB_QUANTUM = Decimal("0.01")


def _quantum_for(unit: Unit) -> Decimal:
    return KG_QUANTUM if unit is Unit.KG else LB_QUANTUM


def to_kg(
    value: Decimal, unit: Unit, *, quantum: Decimal = KG_QUANTUM, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """``value`` in ``unit`` as kilograms, rounded to ``quantum`` (canonical storage: 0.001 kg)."""
    if not isinstance(value, Decimal):
        raise EngineError(f"load must be a Decimal, got {type(value).__name__}")
    kg = value if unit is Unit.KG else value * KG_PER_LB
    return kg.quantize(quantum, rounding=rounding)


def from_kg(
    kg: Decimal, unit: Unit, *, quantum: Decimal | None = None, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Kilograms as ``unit``, rounded to ``quantum`` (default 0.001 kg or 0.01 lb)."""
    if not isinstance(kg, Decimal):
        raise EngineError(f"load must be a Decimal, got {type(kg).__name__}")
    value = kg if unit is Unit.KG else kg / KG_PER_LB
    return value.quantize(quantum if quantum is not None else _quantum_for(unit), rounding=rounding)


def convert(
    value: Decimal,
    from_unit: Unit,
    to_unit: Unit,
    *,
    quantum: Decimal | None = None,
    rounding: str = ROUND_HALF_EVEN,
) -> Decimal:
    """``value`` from one unit to another, rounded to ``quantum`` (default: the target's)."""
    if from_unit is to_unit:
        return value.quantize(quantum if quantum is not None else _quantum_for(to_unit), rounding=rounding)
    kg = value if from_unit is Unit.KG else value * KG_PER_LB
    return from_kg(kg, to_unit, quantum=quantum, rounding=rounding)


def plain(value: Decimal) -> Decimal:
    """``value`` without needless trailing zeros and never in exponent form (``20.000`` -> ``20``)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def format_load(value: Decimal, unit: Unit) -> str:
    """E.g. ``"102.5 kg"``: the form reasons and labels use."""
    return f"{plain(value)} {unit}"
