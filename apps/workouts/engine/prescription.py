"""Value types of a prescription and of what was performed.

The Django side maps its columns and JSON to these; every enum value is a stable string.
Loads are ``Decimal`` in the unit of the gym's loading set-up (``Loading.unit``); convert with
``units.to_kg`` for canonical storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from apps.workouts.engine.errors import EngineError, check_number
from apps.workouts.engine.formulas import rir_to_rpe, rpe_to_rir
from apps.workouts.engine.units import Unit, format_load

MAX_REPS = 100


class SetType(StrEnum):
    WARM_UP = "warm_up"
    WORKING = "working"
    AMRAP = "amrap"
    DROP = "drop"
    BACK_OFF = "back_off"


COUNTED_SET_TYPES = frozenset({SetType.WORKING, SetType.AMRAP, SetType.BACK_OFF, SetType.DROP})
"""Set types that count as training volume (warm-ups do not)."""

PROGRESSION_SET_TYPES = frozenset({SetType.WORKING, SetType.AMRAP})
"""Set types a progression scheme judges success or failure by."""


class LoadBasis(StrEnum):
    ABSOLUTE = "absolute"
    PERCENT_1RM = "percent_1rm"
    PERCENT_TM = "percent_tm"
    RPE = "rpe"
    RIR = "rir"


@dataclass(frozen=True, slots=True)
class RepRange:
    """Reps from ``low`` to ``high`` inclusive (``low == high`` for a fixed count)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        if not 1 <= self.low <= self.high <= MAX_REPS:
            raise EngineError(f"a rep range needs 1 <= low <= high <= {MAX_REPS}, got {self.low}-{self.high}")

    @classmethod
    def exactly(cls, reps: int) -> RepRange:
        return cls(reps, reps)

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True, slots=True)
class LoadTarget:
    """How a program states a load: absolute, % of 1RM, % of training max, target RPE or RIR."""

    basis: LoadBasis
    value: Decimal

    def __post_init__(self) -> None:
        check_number(self.value, "a load target")
        basis, value = LoadBasis(self.basis), self.value
        if basis is LoadBasis.ABSOLUTE and value < 0:
            raise EngineError(f"an absolute load must not be negative, got {value}")
        if basis in (LoadBasis.PERCENT_1RM, LoadBasis.PERCENT_TM) and not 0 < value <= 150:
            raise EngineError(f"a percentage load must lie in (0, 150], got {value}")
        if basis is LoadBasis.RPE and not 1 <= value <= 10:
            raise EngineError(f"RPE must be between 1 and 10, got {value}")
        if basis is LoadBasis.RIR and not 0 <= value <= 9:
            raise EngineError(f"RIR must be between 0 and 9, got {value}")

    @classmethod
    def absolute(cls, load: Decimal) -> LoadTarget:
        return cls(LoadBasis.ABSOLUTE, load)

    @classmethod
    def percent_1rm(cls, percent: Decimal) -> LoadTarget:
        return cls(LoadBasis.PERCENT_1RM, percent)

    @classmethod
    def percent_tm(cls, percent: Decimal) -> LoadTarget:
        return cls(LoadBasis.PERCENT_TM, percent)

    @classmethod
    def rpe(cls, rpe: Decimal) -> LoadTarget:
        return cls(LoadBasis.RPE, rpe)

    @classmethod
    def rir(cls, rir: Decimal) -> LoadTarget:
        return cls(LoadBasis.RIR, rir)


@dataclass(frozen=True, slots=True)
class SetSpec:
    """One set as a program writes it."""

    set_type: SetType
    reps: RepRange
    load: LoadTarget
    rest_seconds: int | None = None

    def __post_init__(self) -> None:
        if self.rest_seconds is not None and not 0 <= self.rest_seconds <= 3600:
            raise EngineError(f"rest must lie in 0..3600 seconds, got {self.rest_seconds}")


@dataclass(frozen=True, slots=True)
class PrescribedSet:
    """One set to do next time: a loadable ``load`` (or ``None`` when it is chosen by feel and no
    e1RM is known yet), the reps to aim for (``target_reps``; for AMRAP the minimum), and for
    autoregulated sets the target RPE."""

    set_type: SetType
    reps: RepRange
    target_reps: int
    load: Decimal | None
    target_rpe: Decimal | None = None
    percent: Decimal | None = None
    rest_seconds: int | None = None

    def label(self, unit: Unit) -> str:
        """E.g. ``"5+ @ 85 kg"``, ``"9 (8-12) @ 60 kg"``, ``"5 @ RPE 8"``."""
        if self.set_type is SetType.AMRAP:
            reps = f"{self.target_reps}+"
        elif self.reps.low == self.reps.high:
            reps = str(self.target_reps)
        else:
            reps = f"{self.target_reps} ({self.reps})"
        parts = [reps]
        if self.load is not None:
            parts.append(f"@ {format_load(self.load, unit)}")
        if self.target_rpe is not None:
            parts.append(f"@ RPE {self.target_rpe.normalize()}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Prescription:
    """What one exercise prescribes for its next session, in ``unit``."""

    sets: tuple[PrescribedSet, ...]
    unit: Unit
    note: str = ""

    def working_load(self) -> Decimal | None:
        """The heaviest load of the working and AMRAP sets (``None`` when none is set)."""
        loads = [s.load for s in self.sets if s.set_type in PROGRESSION_SET_TYPES and s.load is not None]
        return max(loads) if loads else None

    def describe(self) -> str:
        return ", ".join(s.label(self.unit) for s in self.sets)


@dataclass(frozen=True, slots=True)
class PerformedSet:
    """One logged set: reps at load, with RIR when the member logged RIR or RPE."""

    reps: int
    load: Decimal
    rir: Decimal | None = None
    set_type: SetType = SetType.WORKING

    def __post_init__(self) -> None:
        if not 0 <= self.reps <= MAX_REPS:
            raise EngineError(f"reps must lie in 0..{MAX_REPS}, got {self.reps}")
        check_number(self.load, "a load")
        if self.rir is not None:
            check_number(self.rir, "RIR")
        if self.load < 0:
            raise EngineError(f"a load must not be negative, got {self.load}")
        if self.rir is not None and not 0 <= self.rir <= 9:
            raise EngineError(f"RIR must be between 0 and 9, got {self.rir}")

    @property
    def rpe(self) -> Decimal | None:
        return None if self.rir is None else rir_to_rpe(self.rir)

    @classmethod
    def with_rpe(
        cls, *, reps: int, load: Decimal, rpe: Decimal, set_type: SetType = SetType.WORKING
    ) -> PerformedSet:
        return cls(reps=reps, load=load, rir=rpe_to_rir(rpe), set_type=set_type)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What was done for one exercise in one session, in order."""

    sets: tuple[PerformedSet, ...]

    def judged(self) -> tuple[PerformedSet, ...]:
        """The working and AMRAP sets, which a scheme judges."""
        return tuple(s for s in self.sets if s.set_type in PROGRESSION_SET_TYPES)
