"""The progression engine: pure Python, no Django, no I/O, deterministic, ``Decimal`` loads.

Public API (everything below is re-exported here; import from ``apps.workouts.engine``):

Units (``units``)
    ``Unit`` (``"kg"``/``"lb"``), ``to_kg(value, unit)`` (canonical storage, 0.001 kg),
    ``from_kg(kg, unit)`` (0.001 kg / 0.01 lb), ``convert``, ``format_load``, ``plain``.
    Engine loads are in the unit of the gym's loading set-up (``Loading.unit``).

Formulas (``formulas``)
    ``Formula`` (stable strings: epley, brzycki, lander, lombardi, mayhew, oconner, wathan),
    ``e1rm(load, reps, formula, *, rir=None, places=2)``, ``reps_to_failure``, ``rpe_to_rir``,
    ``rir_to_rpe``, ``percent_1rm_for_reps`` / ``percent_1rm_for(reps, rir)`` (the %1RM table),
    ``relative_intensity(load, e1rm)``, ``is_estimable``, ``PERCENT_1RM_BY_REPS``.

Plates (``plates``)
    ``PlateLoading(unit, bar, plates=(PlateStock(size, pairs), ...), micro_plates=())`` and
    ``StackLoading(unit, minimum, step, maximum)`` (machines, dumbbells); ``Loading`` is either.
    ``loading.round(target, Rounding.NEAREST|DOWN|UP)`` always returns a loadable total, never
    below the bar; ``loading.is_loadable(total)``; ``PlateLoading.breakdown(total)`` ->
    ``PlateBreakdown`` (plates per side, heaviest first; ``describe()``).
    ``standard_kg_barbell()``, ``standard_lb_barbell()``.

Prescriptions (``prescription``)
    ``SetType`` (warm_up, working, amrap, drop, back_off), ``LoadBasis`` (absolute, percent_1rm,
    percent_tm, rpe, rir), ``RepRange``, ``LoadTarget``, ``SetSpec`` (a set as a program writes
    it), ``PrescribedSet`` / ``Prescription`` (what to do next, loads resolved and rounded),
    ``PerformedSet`` / ``Outcome`` (what was done).

Schemes (``schemes``)
    ``LinearScheme``, ``DoubleProgression``, ``Wendler531``, ``RPEScheme``, ``FixedScheme``
    (``Scheme`` is their union; each has a stable ``kind``), ``ExerciseState``, ``DeloadPolicy``.
    ``prescribe(scheme, state, loading, *, deload=None) -> Prescription``;
    ``progress(scheme, state, outcome, loading, *, deload=None, formula=EPLEY) -> Progression``
    (new ``state``, next ``prescription``, ``change: Change``, ``reason: str``);
    ``autoregulate(rpe_scheme, load, rpe, loading) -> SetAdjustment`` (set to set);
    ``deload_exercise(...)`` / ``deload_one(states, key, ...)`` (one exercise, the rest untouched);
    ``training_max_from_1rm``, ``increase``, ``decrease``.

Errors: every invalid input raises ``EngineError`` (a ``ValueError``) with a precise message.
"""

from apps.workouts.engine.errors import EngineError
from apps.workouts.engine.formulas import (
    E1RM_MAX_REPS_TO_FAILURE,
    PERCENT_1RM_BY_REPS,
    Formula,
    e1rm,
    is_estimable,
    percent_1rm_for,
    percent_1rm_for_reps,
    relative_intensity,
    reps_to_failure,
    rir_to_rpe,
    rpe_to_rir,
)
from apps.workouts.engine.plates import (
    Loading,
    PlateBreakdown,
    PlateCount,
    PlateLoading,
    PlateStock,
    Rounding,
    StackLoading,
    standard_kg_barbell,
    standard_lb_barbell,
)
from apps.workouts.engine.prescription import (
    COUNTED_SET_TYPES,
    PROGRESSION_SET_TYPES,
    LoadBasis,
    LoadTarget,
    Outcome,
    PerformedSet,
    PrescribedSet,
    Prescription,
    RepRange,
    SetSpec,
    SetType,
)
from apps.workouts.engine.schemes import (
    WENDLER_WAVES,
    Change,
    DeloadPolicy,
    DoubleProgression,
    ExerciseState,
    FixedScheme,
    LinearScheme,
    Mechanic,
    Progression,
    RPEScheme,
    Scheme,
    SetAdjustment,
    Wendler531,
    autoregulate,
    decrease,
    deload_exercise,
    deload_one,
    increase,
    prescribe,
    progress,
    training_max_from_1rm,
)
from apps.workouts.engine.units import KG_PER_LB, Unit, convert, format_load, from_kg, plain, to_kg

__all__ = [
    "COUNTED_SET_TYPES",
    "E1RM_MAX_REPS_TO_FAILURE",
    "KG_PER_LB",
    "PERCENT_1RM_BY_REPS",
    "PROGRESSION_SET_TYPES",
    "WENDLER_WAVES",
    "Change",
    "DeloadPolicy",
    "DoubleProgression",
    "EngineError",
    "ExerciseState",
    "FixedScheme",
    "Formula",
    "LinearScheme",
    "LoadBasis",
    "LoadTarget",
    "Loading",
    "Mechanic",
    "Outcome",
    "PerformedSet",
    "PlateBreakdown",
    "PlateCount",
    "PlateLoading",
    "PlateStock",
    "PrescribedSet",
    "Prescription",
    "Progression",
    "RPEScheme",
    "RepRange",
    "Rounding",
    "Scheme",
    "SetAdjustment",
    "SetSpec",
    "SetType",
    "StackLoading",
    "Unit",
    "Wendler531",
    "autoregulate",
    "convert",
    "decrease",
    "deload_exercise",
    "deload_one",
    "e1rm",
    "format_load",
    "from_kg",
    "increase",
    "is_estimable",
    "percent_1rm_for",
    "percent_1rm_for_reps",
    "plain",
    "prescribe",
    "progress",
    "relative_intensity",
    "reps_to_failure",
    "rir_to_rpe",
    "rpe_to_rir",
    "standard_kg_barbell",
    "standard_lb_barbell",
    "to_kg",
    "training_max_from_1rm",
]
