from decimal import Decimal

from apps.workouts.engine import (
    Change,
    DoubleProgression,
    ExerciseState,
    Mechanic,
    StackLoading,
    Unit,
    prescribe,
    progress,
    standard_kg_barbell,
    standard_lb_barbell,
)
from apps.workouts.tests.engine.helpers import performed

D = Decimal
KG = standard_kg_barbell()


def walk(scheme, state, loading, sessions, reps=None):
    """``sessions`` sessions, each performed as prescribed (or with ``reps[i]``).
    Returns [(load, target reps)] as prescribed for each session, and the final step."""
    seen = []
    step = None
    for i in range(sessions):
        prescription = prescribe(scheme, state, loading)
        seen.append((prescription.working_load(), prescription.sets[0].target_reps))
        step = progress(scheme, state, performed(prescription, None if reps is None else reps[i]), loading)
        state = step.state
    return seen, step


def test_full_cycles_one_rep_per_session_then_load_and_back_to_the_bottom():
    scheme = DoubleProgression(sets=3, rep_low=8, rep_high=12, increment=D("2.5"))
    seen, last = walk(scheme, ExerciseState(load=D(60)), KG, 11)
    assert seen == [
        (D(60), 8),
        (D(60), 9),
        (D(60), 10),
        (D(60), 11),
        (D(60), 12),
        (D("62.5"), 8),
        (D("62.5"), 9),
        (D("62.5"), 10),
        (D("62.5"), 11),
        (D("62.5"), 12),
        (D(65), 8),
    ]
    assert last.state == ExerciseState(load=D(65), target_reps=9)


def test_reasons_of_a_cycle():
    scheme = DoubleProgression(sets=3, rep_low=8, rep_high=12)
    state = ExerciseState(load=D(60), target_reps=11)
    step = progress(scheme, state, performed(prescribe(scheme, state, KG), [12, 11, 11]), KG)
    assert step.change == Change.HOLD
    assert (
        step.reason == "In the range (12, 11, 11 at 60 kg, range 8-12): same load, aim for 12 reps per set."
    )
    step = progress(scheme, step.state, performed(step.prescription, [12, 12, 12]), KG)
    assert step.change == Change.INCREASE
    assert step.reason == (
        "Every set reached 12 reps (12, 12, 12 at 60 kg, range 8-12): +2.5 kg to 62.5 kg, back to 8 reps."
    )
    assert step.prescription.describe() == "8 (8-12) @ 62.5 kg, 8 (8-12) @ 62.5 kg, 8 (8-12) @ 62.5 kg"


def test_the_lowest_set_sets_the_next_target():
    scheme = DoubleProgression(sets=3, rep_low=8, rep_high=12)
    state = ExerciseState(load=D(60), target_reps=10)
    step = progress(scheme, state, performed(prescribe(scheme, state, KG), [12, 10, 9]), KG)
    assert step.state.target_reps == 10
    assert step.state.load == D(60)


def test_below_the_range_three_times_deloads():
    scheme = DoubleProgression(sets=3, rep_low=8, rep_high=12)
    seen, last = walk(
        scheme,
        ExerciseState(load=D(60), target_reps=9),
        KG,
        4,
        reps=[[9, 8, 7], [8, 7, 7], [7, 7, 6], [8, 8, 8]],
    )
    assert seen == [(D(60), 9), (D(60), 8), (D(60), 8), (D("52.5"), 8)]  # 54 rounded down
    assert last.state == ExerciseState(load=D("52.5"), target_reps=9, failures=0)


def test_isolation_on_a_dumbbell_rack_adds_one_kilo():
    rack = StackLoading(unit=Unit.KG, minimum=D(2), step=D(1), maximum=D(40))
    increment = DoubleProgression.default_increment(Mechanic.ISOLATION, Unit.KG)
    assert increment == D(1)
    scheme = DoubleProgression(sets=3, rep_low=10, rep_high=15, increment=increment)
    seen, _ = walk(scheme, ExerciseState(load=D(12)), rack, 13)
    assert [load for load, _ in seen] == [D(12)] * 6 + [D(13)] * 6 + [D(14)]
    assert [reps for _, reps in seen][:7] == [10, 11, 12, 13, 14, 15, 10]


def test_isolation_increment_on_a_barbell_takes_the_smallest_plate_step():
    scheme = DoubleProgression(sets=2, rep_low=10, rep_high=12, increment=D(1))
    seen, _ = walk(scheme, ExerciseState(load=D(30)), KG, 4)
    assert seen == [(D(30), 10), (D(30), 11), (D(30), 12), (D("32.5"), 10)]


def test_compound_in_pounds():
    assert DoubleProgression.default_increment(Mechanic.COMPOUND, Unit.LB) == D(5)
    assert DoubleProgression.default_increment(Mechanic.COMPOUND, Unit.KG) == D("2.5")
    assert DoubleProgression.default_increment(Mechanic.ISOLATION, Unit.LB) == D("2.5")
    scheme = DoubleProgression(sets=3, rep_low=6, rep_high=8, increment=D(5))
    seen, _ = walk(scheme, ExerciseState(load=D(185)), standard_lb_barbell(), 7)
    assert seen == [(D(185), 6), (D(185), 7), (D(185), 8), (D(190), 6), (D(190), 7), (D(190), 8), (D(195), 6)]
