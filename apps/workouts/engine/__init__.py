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
    ``training_max_from_1rm``, ``increase``, ``decrease``; ``warm_ups(working_load, loading)``
    (a warm-up ramp for the "today's workout" page).

Preview (``preview``)
    ``ExercisePlan(key, exercise, scheme, start, loading, formula)``, ``SlotSpec(plans)`` (several
    = superset), ``DaySpec``, ``WeekSpec``, ``ProgramSpec(weeks, plans, deload=None)``;
    ``preview(program, *, outcomes=None, states=None) -> Preview`` (days -> ``PreviewItem`` with
    prescription, change and reason; ``week(n)``, ``track(key)``, ``final_state(key)``);
    ``met_outcome(prescription)``.

Metrics (``metrics``)
    ``volume_load``, ``is_hard_set``, ``MuscleSet``, ``hard_sets_per_muscle``,
    ``VolumeLandmarks`` / ``VolumeZone`` / ``classify_volume`` (MV, MEV, MAV, MRV),
    ``Adherence`` / ``session_adherence`` / ``adherence``, ``PersonalBests`` / ``detect_records``
    -> ``PersonalRecord`` (``RecordKind``: e1rm, rep_max, volume), ``e1rm_trend`` -> ``TrendPoint``,
    ``weekly_metrics`` -> ``WeekMetrics`` (volume load and hard sets per muscle, Monday weeks).

JSON (``codec``)
    ``scheme_to_dict`` / ``scheme_from_dict``, ``state_*``, ``loading_*``, ``set_spec_*``,
    ``prescription_*``, ``deload_*``: plain JSON (decimals as strings); ``*_from_dict`` raises
    ``EngineError`` naming the bad field. ``SCHEME_KINDS``.

Errors: every invalid input raises ``EngineError`` (a ``ValueError``) with a precise message:
negative or non-finite numbers, magnitudes above ``MAX_MAGNITUDE``, reps above ``MAX_REPS``,
RPE outside 1..10, RIR outside 0..9, impossible rep ranges or plate set-ups.

How a caller uses it
    Keep one ``ExerciseState`` per progression track (member x program exercise) as
    ``state_to_dict`` JSON, the scheme as ``scheme_to_dict`` and the gym's set-up as
    ``loading_to_dict``. Engine loads are in the set-up's unit; store logged loads canonically with
    ``to_kg`` and show them with ``from_kg`` in the member's unit. Today's page: ``prescribe`` +
    ``warm_ups`` + ``PlateLoading.breakdown`` for each set. After a session: ``progress`` per
    exercise (save ``state``, show ``reason``). Per logged set: ``e1rm`` with the member's
    formula and ``detect_records`` against the stored bests. A 5/3/1 track moves one week through
    its wave per session of that track (the usual once-a-week lift); planned deload weeks
    (``DeloadPolicy``) are passed to ``prescribe``/``progress`` by the caller, as ``preview`` does.
"""

from apps.workouts.engine.codec import (
    SCHEME_KINDS,
    deload_from_dict,
    deload_to_dict,
    loading_from_dict,
    loading_to_dict,
    prescription_from_dict,
    prescription_to_dict,
    scheme_from_dict,
    scheme_to_dict,
    set_spec_from_dict,
    set_spec_to_dict,
    state_from_dict,
    state_to_dict,
)
from apps.workouts.engine.errors import MAX_MAGNITUDE, EngineError
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
from apps.workouts.engine.metrics import (
    HARD_SET_MAX_RIR,
    Adherence,
    MuscleSet,
    MuscleVolume,
    PersonalBests,
    PersonalRecord,
    RecordKind,
    TrendPoint,
    VolumeLandmarks,
    VolumeZone,
    WeekMetrics,
    adherence,
    classify_volume,
    detect_records,
    e1rm_trend,
    hard_sets_per_muscle,
    is_hard_set,
    session_adherence,
    volume_load,
    week_start,
    weekly_metrics,
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
    MAX_REPS,
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
from apps.workouts.engine.preview import (
    DaySpec,
    ExercisePlan,
    Preview,
    PreviewDay,
    PreviewItem,
    ProgramSpec,
    SessionKey,
    SlotSpec,
    WeekSpec,
    met_outcome,
    preview,
)
from apps.workouts.engine.schemes import (
    DEFAULT_WARM_UP,
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
    warm_ups,
)
from apps.workouts.engine.units import KG_PER_LB, Unit, convert, format_load, from_kg, plain, to_kg

__all__ = [
    "COUNTED_SET_TYPES",
    "DEFAULT_WARM_UP",
    "E1RM_MAX_REPS_TO_FAILURE",
    "HARD_SET_MAX_RIR",
    "KG_PER_LB",
    "MAX_MAGNITUDE",
    "MAX_REPS",
    "PERCENT_1RM_BY_REPS",
    "PROGRESSION_SET_TYPES",
    "SCHEME_KINDS",
    "WENDLER_WAVES",
    "Adherence",
    "Change",
    "DaySpec",
    "DeloadPolicy",
    "DoubleProgression",
    "EngineError",
    "ExercisePlan",
    "ExerciseState",
    "FixedScheme",
    "Formula",
    "LinearScheme",
    "LoadBasis",
    "LoadTarget",
    "Loading",
    "Mechanic",
    "MuscleSet",
    "MuscleVolume",
    "Outcome",
    "PerformedSet",
    "PersonalBests",
    "PersonalRecord",
    "PlateBreakdown",
    "PlateCount",
    "PlateLoading",
    "PlateStock",
    "PrescribedSet",
    "Prescription",
    "Preview",
    "PreviewDay",
    "PreviewItem",
    "ProgramSpec",
    "Progression",
    "RPEScheme",
    "RecordKind",
    "RepRange",
    "Rounding",
    "Scheme",
    "SessionKey",
    "SetAdjustment",
    "SetSpec",
    "SetType",
    "SlotSpec",
    "StackLoading",
    "TrendPoint",
    "Unit",
    "VolumeLandmarks",
    "VolumeZone",
    "WeekMetrics",
    "WeekSpec",
    "Wendler531",
    "adherence",
    "autoregulate",
    "classify_volume",
    "convert",
    "decrease",
    "deload_exercise",
    "deload_from_dict",
    "deload_one",
    "deload_to_dict",
    "detect_records",
    "e1rm",
    "e1rm_trend",
    "format_load",
    "from_kg",
    "hard_sets_per_muscle",
    "increase",
    "is_estimable",
    "is_hard_set",
    "loading_from_dict",
    "loading_to_dict",
    "met_outcome",
    "percent_1rm_for",
    "percent_1rm_for_reps",
    "plain",
    "prescribe",
    "prescription_from_dict",
    "prescription_to_dict",
    "preview",
    "progress",
    "relative_intensity",
    "reps_to_failure",
    "rir_to_rpe",
    "rpe_to_rir",
    "scheme_from_dict",
    "scheme_to_dict",
    "session_adherence",
    "set_spec_from_dict",
    "set_spec_to_dict",
    "standard_kg_barbell",
    "standard_lb_barbell",
    "state_from_dict",
    "state_to_dict",
    "to_kg",
    "training_max_from_1rm",
    "volume_load",
    "warm_ups",
    "week_start",
    "weekly_metrics",
]
