"""The one exception type of the progression engine."""

from __future__ import annotations

from decimal import Decimal


class EngineError(ValueError):
    """Input the engine cannot work with; the message names the value and the rule it breaks.

    A subclass of ``ValueError`` so callers that already map ``ValueError`` to a 400 keep working.
    """


MAX_MAGNITUDE = Decimal(100_000)
"""No load, plate, increment or training max the engine accepts exceeds this (in any unit)."""


def check_number(value: Decimal, what: str) -> None:
    """Refuse a non-``Decimal``, NaN, infinity or absurd magnitude, naming ``what``."""
    if not isinstance(value, Decimal):
        raise EngineError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise EngineError(f"{what} must be a finite number, got {value}")
    if abs(value) > MAX_MAGNITUDE:
        raise EngineError(f"{what} must not exceed {MAX_MAGNITUDE} in size, got {value}")
