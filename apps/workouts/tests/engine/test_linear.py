from decimal import Decimal

from apps.workouts.engine import (
    Change,
    ExerciseState,
    LinearScheme,
    Outcome,
    PerformedSet,
    SetType,
    prescribe,
    progress,
    standard_kg_barbell,
    standard_lb_barbell,
    warm_ups,
)
from apps.workouts.tests.engine.helpers import loads, performed

D = Decimal
KG = standard_kg_barbell()


def run(scheme, state, loading, sessions):
    """Each session: reps per set. Returns (working load, change, reason) after each."""
    out = []
    for reps in sessions:
        step = progress(scheme, state, performed(prescribe(scheme, state, loading), reps), loading)
        out.append((step.prescription.working_load(), step.change, step.reason))
        state = step.state
    return out, state


def test_success_adds_the_increment_and_three_failures_in_a_row_deload_to_90_percent():
    scheme = LinearScheme(sets=3, reps=5, increment=D("2.5"))
    steps, state = run(
        scheme,
        ExerciseState(load=D(100)),
        KG,
        [[5, 5, 5], [5, 4, 3], [5, 5, 4], [4, 4, 4], [5, 5, 5]],
    )
    assert steps == [
        (D("102.5"), Change.INCREASE, "All reps done (5, 5, 5 of 3x5 at 100 kg): +2.5 kg to 102.5 kg."),
        (
            D("102.5"),
            Change.HOLD,
            "Missed reps (5, 4, 3 of 3x5 at 102.5 kg): failure 1 of 3, same load next time.",
        ),
        (
            D("102.5"),
            Change.HOLD,
            "Missed reps (5, 5, 4 of 3x5 at 102.5 kg): failure 2 of 3, same load next time.",
        ),
        (
            D(90),  # 90% of 102.5 = 92.25, rounded down to the plates
            Change.DELOAD,
            "Failure 3 of 3 in a row (4, 4, 4 of 3x5 at 102.5 kg): deload to 90% = 90 kg, "
            "failure count reset.",
        ),
        (D("92.5"), Change.INCREASE, "All reps done (5, 5, 5 of 3x5 at 90 kg): +2.5 kg to 92.5 kg."),
    ]
    assert state == ExerciseState(load=D("92.5"), failures=0)


def test_a_success_resets_the_failure_count():
    scheme = LinearScheme(sets=3, reps=5, increment=D(5))
    steps, state = run(
        scheme,
        ExerciseState(load=D(60)),
        KG,
        [[5, 5, 4], [5, 5, 4], [5, 5, 5], [3, 3, 3], [3, 3, 3], [3, 3, 3]],
    )
    assert [(load, change) for load, change, _ in steps] == [
        (D(60), Change.HOLD),
        (D(60), Change.HOLD),
        (D(65), Change.INCREASE),
        (D(65), Change.HOLD),
        (D(65), Change.HOLD),
        (D("57.5"), Change.DELOAD),  # 58.5 rounded down
    ]
    assert state.failures == 0


def test_fewer_sets_than_prescribed_or_a_lighter_load_is_a_failure():
    scheme = LinearScheme(sets=3, reps=5)
    state = ExerciseState(load=D(80))
    two_sets = Outcome(sets=(PerformedSet(reps=5, load=D(80)), PerformedSet(reps=5, load=D(80))))
    assert progress(scheme, state, two_sets, KG).state.failures == 1
    lighter = Outcome(sets=tuple(PerformedSet(reps=5, load=D(75)) for _ in range(3)))
    assert progress(scheme, state, lighter, KG).state.failures == 1


def test_warm_ups_are_not_judged_and_an_empty_session_changes_nothing():
    scheme = LinearScheme(sets=1, reps=5)
    state = ExerciseState(load=D(80), failures=2)
    warm_up_only = Outcome(sets=(PerformedSet(reps=5, load=D(40), set_type=SetType.WARM_UP),))
    step = progress(scheme, state, warm_up_only, KG)
    assert step.state == state
    assert step.change == Change.NOT_TRAINED
    assert step.reason == "Not trained this session: the prescription stays."
    with_warm_up = Outcome(
        sets=(PerformedSet(reps=5, load=D(40), set_type=SetType.WARM_UP), PerformedSet(reps=5, load=D(80)))
    )
    assert progress(scheme, state, with_warm_up, KG).state == ExerciseState(load=D("82.5"))


def test_deload_never_goes_below_the_empty_bar():
    scheme = LinearScheme(sets=1, reps=5, failures_before_deload=1)
    state = ExerciseState(load=D(20))
    step = progress(scheme, state, performed(prescribe(scheme, state, KG), [3]), KG)
    assert step.state.load == D(20)
    assert step.reason == (
        "Failure 1 of 1 in a row (3 of 1x5 at 20 kg): deload to 90% = 20 kg "
        "(never below the lightest load), failure count reset."
    )


def test_pounds_progress_on_pound_plates():
    lb = standard_lb_barbell()
    scheme = LinearScheme(sets=3, reps=5, increment=D(5))
    steps, _ = run(
        scheme, ExerciseState(load=D(135)), lb, [[5, 5, 5], [5, 5, 5], [1, 1, 1]] + [[1, 1, 1]] * 2
    )
    assert [load for load, _, _ in steps] == [D(140), D(145), D(145), D(145), D(130)]  # 130.5 down to 130
    assert steps[0][2] == "All reps done (5, 5, 5 of 3x5 at 135 lb): +5 lb to 140 lb."


def test_an_increment_the_plates_cannot_make_takes_the_smallest_step_up():
    scheme = LinearScheme(sets=1, reps=5, increment=D(1))
    state = ExerciseState(load=D(60))
    step = progress(scheme, state, performed(prescribe(scheme, state, KG)), KG)
    assert loads(step.prescription) == [D("62.5")]
    assert step.reason == "All reps done (5 of 1x5 at 60 kg): +2.5 kg to 62.5 kg."


def test_no_starting_load_starts_at_the_empty_bar():
    prescription = prescribe(LinearScheme(), ExerciseState(), KG)
    assert loads(prescription) == [D(20), D(20), D(20)]
    assert prescription.describe() == "5 @ 20 kg, 5 @ 20 kg, 5 @ 20 kg"


def test_warm_up_ramp_to_the_working_load():
    ramp = warm_ups(D(100), KG)
    assert [(s.set_type, s.load, s.target_reps) for s in ramp] == [
        (SetType.WARM_UP, D(20), 8),
        (SetType.WARM_UP, D(40), 5),
        (SetType.WARM_UP, D(60), 3),
        (SetType.WARM_UP, D(80), 2),
    ]
    # light working loads: no repeated or too heavy warm-up
    assert [s.load for s in warm_ups(D(30), KG)] == [D(20), D("22.5")]  # 12 and 18 round to the bar
    assert warm_ups(D(20), KG) == ()
    assert [s.load for s in warm_ups(D(225), standard_lb_barbell())] == [D(45), D(90), D(135), D(180)]


def test_no_increment_holds_with_its_reason():
    scheme = LinearScheme(sets=1, reps=5, increment=D(0))
    state = ExerciseState(load=D(60))
    step = progress(scheme, state, performed(prescribe(scheme, state, KG)), KG)
    assert (step.state.load, step.change) == (D(60), Change.HOLD)
    assert step.reason == (
        "All reps done (5 of 1x5 at 60 kg), but no increment is set or no heavier load is loadable: hold."
    )
