"""Small helpers for engine tests: performing a prescription."""

from decimal import Decimal

from apps.workouts.engine import Outcome, PerformedSet, Prescription


def performed(
    prescription: Prescription, reps: list[int] | None = None, rpe: list[str] | None = None
) -> Outcome:
    """Do ``prescription`` at its loads: ``reps`` per set (default: the target reps), with RPE."""
    sets = []
    for i, prescribed in enumerate(prescription.sets):
        assert prescribed.load is not None
        done_reps = prescribed.target_reps if reps is None else reps[i]
        rir = None if rpe is None else Decimal(10) - Decimal(rpe[i])
        sets.append(PerformedSet(reps=done_reps, load=prescribed.load, rir=rir, set_type=prescribed.set_type))
    return Outcome(sets=tuple(sets))


def loads(prescription: Prescription) -> list[Decimal | None]:
    return [s.load for s in prescription.sets]
