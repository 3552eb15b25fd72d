"""Estimated one-repetition maximum (e1RM), RPE/RIR, %1RM by reps and relative intensity.

All arithmetic is ``Decimal`` in a private context (28 significant digits), so results are the
same on every machine. The formulas are reliable for 2..10 reps to failure; one rep to failure
gives the load itself. With reps in reserve (RIR) logged, reps to failure = reps + RIR, and
RPE = 10 - RIR.
"""

from __future__ import annotations

import decimal
import functools
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from apps.workouts.engine.errors import EngineError, check_number


class Formula(StrEnum):
    """An e1RM formula. The values are stable strings (stored by the Django side)."""

    EPLEY = "epley"
    BRZYCKI = "brzycki"
    LANDER = "lander"
    LOMBARDI = "lombardi"
    MAYHEW = "mayhew"
    OCONNER = "oconner"
    WATHAN = "wathan"


E1RM_MAX_REPS_TO_FAILURE = 36
"""Brzycki's denominator (37 - r) reaches zero at 37; beyond 36 reps no formula is estimated."""

PERCENT_1RM_BY_REPS: dict[int, Decimal] = {
    1: Decimal(100),
    2: Decimal(95),
    3: Decimal(93),
    4: Decimal(90),
    5: Decimal(87),
    6: Decimal(85),
    7: Decimal(83),
    8: Decimal(80),
    9: Decimal(77),
    10: Decimal(75),
    11: Decimal(73),
    12: Decimal(70),
}
"""Typical %1RM for a set taken to failure at this many reps (TRAINING.md)."""

_ONE = Decimal(1)
_TEN = Decimal(10)
_HUNDRED = Decimal(100)


def _context() -> decimal.Context:
    return decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


def reps_to_failure(reps: int, rir: Decimal | None = None) -> Decimal:
    """Reps the set could have reached: ``reps + rir`` (``reps`` when RIR is unknown)."""
    if reps < 1:
        raise EngineError(f"reps must be at least 1, got {reps}")
    if rir is None:
        return Decimal(reps)
    if rir < 0 or rir > _TEN:
        raise EngineError(f"RIR must be between 0 and 10, got {rir}")
    return Decimal(reps) + rir


def rpe_to_rir(rpe: Decimal) -> Decimal:
    """RIR for an RPE: ``10 - RPE``. RPE must lie in 1..10."""
    if rpe < 1 or rpe > _TEN:
        raise EngineError(f"RPE must be between 1 and 10, got {rpe}")
    return _TEN - rpe


def rir_to_rpe(rir: Decimal) -> Decimal:
    """RPE for an RIR: ``10 - RIR``. RIR must lie in 0..9."""
    if rir < 0 or rir > 9:
        raise EngineError(f"RIR must be between 0 and 9, got {rir}")
    return _TEN - rir


@functools.lru_cache(maxsize=512)
def _tenth_power(r: Decimal) -> Decimal:
    """``r ** 0.1``, correctly rounded to 28 digits; cached (reps to failure take few values)."""
    with decimal.localcontext(_context()):
        return r ** Decimal("0.10")


@functools.lru_cache(maxsize=1024)
def _exp(x: Decimal) -> Decimal:
    with decimal.localcontext(_context()):
        return x.exp()


def _raw_e1rm(load: Decimal, r: Decimal, formula: Formula) -> Decimal:
    if r == _ONE:
        return load
    if formula is Formula.EPLEY:
        return load * (_ONE + r / 30)
    if formula is Formula.BRZYCKI:
        return load * 36 / (37 - r)
    if formula is Formula.LANDER:
        return _HUNDRED * load / (Decimal("101.3") - Decimal("2.67123") * r)
    if formula is Formula.LOMBARDI:
        return load * _tenth_power(r)
    if formula is Formula.MAYHEW:
        return _HUNDRED * load / (Decimal("52.2") + Decimal("41.9") * _exp(Decimal("-0.055") * r))
    if formula is Formula.OCONNER:
        return load * (_ONE + Decimal("0.025") * r)
    if formula is Formula.WATHAN:
        return _HUNDRED * load / (Decimal("48.8") + Decimal("53.8") * _exp(Decimal("-0.075") * r))
    raise EngineError(f"unknown formula {formula!r}")


def e1rm(
    load: Decimal,
    reps: int,
    formula: Formula = Formula.EPLEY,
    *,
    rir: Decimal | None = None,
    places: int = 2,
) -> Decimal:
    """Estimated 1RM of ``reps`` at ``load`` (any unit; the result is in the same unit).

    With ``rir`` the estimate uses reps to failure = reps + RIR. Rounded half up to ``places``
    decimals. Raises ``EngineError`` for a negative load, reps below 1 or reps to failure above
    ``E1RM_MAX_REPS_TO_FAILURE``.
    """
    check_number(load, "load")
    if rir is not None:
        check_number(rir, "RIR")
    if load < 0:
        raise EngineError(f"load must not be negative, got {load}")
    formula = Formula(formula)
    with decimal.localcontext(_context()):
        r = reps_to_failure(reps, rir)
        if r > E1RM_MAX_REPS_TO_FAILURE:
            raise EngineError(
                f"an e1RM needs at most {E1RM_MAX_REPS_TO_FAILURE} reps to failure, got {r.normalize()}"
            )
        value = _raw_e1rm(load, r, formula)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def is_estimable(reps: int, rir: Decimal | None = None) -> bool:
    """Whether ``e1rm`` accepts this many reps (and RIR)."""
    try:
        r = reps_to_failure(reps, rir)
    except EngineError:
        return False
    return r <= E1RM_MAX_REPS_TO_FAILURE


def percent_1rm_for_reps(reps: int) -> Decimal:
    """Typical %1RM (0..100) for a set to failure of ``reps`` (1..12, the TRAINING.md table).

    Beyond 12 reps the table has no entry; the inverse of Epley, ``100 / (1 + r/30)``, continues
    it (rounded to one decimal) up to ``E1RM_MAX_REPS_TO_FAILURE``.
    """
    if reps < 1:
        raise EngineError(f"reps must be at least 1, got {reps}")
    if reps in PERCENT_1RM_BY_REPS:
        return PERCENT_1RM_BY_REPS[reps]
    if reps > E1RM_MAX_REPS_TO_FAILURE:
        raise EngineError(f"%1RM is known for at most {E1RM_MAX_REPS_TO_FAILURE} reps, got {reps}")
    with decimal.localcontext(_context()):
        return (_HUNDRED / (_ONE + Decimal(reps) / 30)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_1rm_for(reps: int, rir: Decimal = Decimal(0)) -> Decimal:
    """Typical %1RM for ``reps`` with ``rir`` in reserve (reps to failure rounded half up)."""
    r = reps_to_failure(reps, rir).to_integral_value(rounding=ROUND_HALF_UP)
    return percent_1rm_for_reps(int(r))


def relative_intensity(load: Decimal, e1rm_value: Decimal, *, places: int = 1) -> Decimal:
    """Load as a percentage of the e1RM (``100 * load / e1RM``), rounded half up to ``places``."""
    if e1rm_value <= 0:
        raise EngineError(f"e1RM must be positive, got {e1rm_value}")
    if load < 0:
        raise EngineError(f"load must not be negative, got {load}")
    with decimal.localcontext(_context()):
        return (_HUNDRED * load / e1rm_value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
