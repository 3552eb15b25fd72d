from decimal import Decimal

import pytest

from apps.workouts.engine import (
    Change,
    EngineError,
    ExerciseState,
    SetType,
    Unit,
    Wendler531,
    prescribe,
    progress,
    standard_kg_barbell,
    standard_lb_barbell,
    training_max_from_1rm,
)
from apps.workouts.tests.engine.helpers import loads, performed

D = Decimal
KG = standard_kg_barbell()
LB = standard_lb_barbell()


def cycles(scheme, state, loading, weeks, amrap_reps=None):
    """Do ``weeks`` sessions as prescribed ("+" sets: the minimum, or ``amrap_reps[i]``)."""
    seen = []
    steps = []
    for week in range(weeks):
        prescription = prescribe(scheme, state, loading)
        seen.append(loads(prescription))
        reps = [s.target_reps for s in prescription.sets]
        if amrap_reps is not None and prescription.sets[-1].set_type is SetType.AMRAP:
            reps[-1] = amrap_reps[week]
        step = progress(scheme, state, performed(prescription, reps), loading)
        steps.append(step)
        state = step.state
    return seen, steps


def test_two_full_cycles_in_kg_lower_body():
    scheme = Wendler531(tm_increment=Wendler531.default_increment(lower_body=True, unit=Unit.KG))
    assert scheme.tm_increment == D(5)
    seen, steps = cycles(scheme, ExerciseState(training_max=D(100)), KG, 9)
    assert seen == [
        [D(65), D(75), D(85)],
        [D(70), D(80), D(90)],
        [D(75), D(85), D(95)],
        [D(40), D(50), D(60)],
        # TM 105: 68.25 -> 67.5, 78.75 -> 77.5 (a tie goes down), 89.25 -> 90
        [D("67.5"), D("77.5"), D(90)],
        [D("72.5"), D(85), D(95)],
        [D("77.5"), D(90), D(100)],
        [D("42.5"), D("52.5"), D("62.5")],
        # TM 110
        [D("72.5"), D("82.5"), D("92.5")],
    ]
    assert [s.change for s in steps[:4]] == [Change.NEXT_WEEK] * 3 + [Change.NEW_CYCLE]
    assert steps[3].reason == "Cycle 1 done: training max 100 kg -> 105 kg (+5 kg), week 1 of cycle 2."
    assert steps[7].state.training_max == D(110)
    # e1RM: the latest "+" set, 92.5 x 5
    assert steps[8].state == ExerciseState(training_max=D(110), wave_week=1, cycle=2, e1rm=D("107.92"))


def test_full_cycle_in_pounds_upper_body():
    scheme = Wendler531(tm_increment=Wendler531.default_increment(lower_body=False, unit=Unit.LB))
    assert scheme.tm_increment == D(5)
    assert Wendler531.default_increment(lower_body=True, unit=Unit.LB) == D(10)
    seen, steps = cycles(scheme, ExerciseState(training_max=D(200)), LB, 8)
    assert seen == [
        [D(130), D(150), D(170)],
        [D(140), D(160), D(180)],
        [D(150), D(170), D(190)],
        [D(80), D(100), D(120)],
        [D(135), D(155), D(175)],
        [D(145), D(165), D(185)],
        [D(155), D(175), D(195)],
        [D(80), D(100), D(125)],
    ]
    assert steps[-1].state.training_max == D(210)


def test_plus_sets_are_amrap_and_feed_the_e1rm():
    scheme = Wendler531(tm_increment=D("2.5"))
    state = ExerciseState(training_max=D(100))
    prescription = prescribe(scheme, state, KG)
    assert [s.set_type for s in prescription.sets] == [SetType.WORKING, SetType.WORKING, SetType.AMRAP]
    assert prescription.describe() == "5 @ 65 kg, 5 @ 75 kg, 5+ @ 85 kg"
    assert prescription.note == "5/3/1 cycle 1, week 1"
    assert [s.percent for s in prescription.sets] == [D(65), D(75), D(85)]
    step = progress(scheme, state, performed(prescription, [5, 5, 8]), KG)
    assert step.state.e1rm == D("107.67")  # Epley: 85 x (1 + 8/30)
    assert step.reason == (
        'Week 1 of cycle 1 done ("+" set 8 reps at 85 kg, e1RM 107.67 kg): week 2, 70/80/90% x 3,3,3+.'
    )
    assert prescribe(scheme, ExerciseState(training_max=D(100), wave_week=3), KG).note == (
        "5/3/1 cycle 1, week 4 (deload)"
    )


def test_a_short_plus_set_resets_the_training_max_at_the_end_of_the_cycle():
    scheme = Wendler531(tm_increment=D(5))
    _, steps = cycles(scheme, ExerciseState(training_max=D(100)), KG, 4, amrap_reps=[6, 2, 1, None])
    assert steps[1].state.failures == 1
    assert steps[3].change == Change.DELOAD
    assert steps[3].state == ExerciseState(
        training_max=D(90),
        wave_week=0,
        cycle=1,
        failures=0,
        e1rm=D("95.00"),  # the latest "+" set: 95 x 1
    )
    assert steps[3].reason == (
        'Cycle 1 done; a "+" set fell short of its minimum this cycle: training max 100 kg -> 90 kg (90%), '
        "week 1 of cycle 2."
    )


def test_without_the_deload_week_the_cycle_is_three_weeks():
    scheme = Wendler531(tm_increment=D(5), deload_week=False)
    seen, steps = cycles(scheme, ExerciseState(training_max=D(100)), KG, 4)
    assert seen[3] == [D("67.5"), D("77.5"), D(90)]
    assert steps[2].change == Change.NEW_CYCLE


def test_training_max_from_a_tested_or_estimated_max():
    assert training_max_from_1rm(D("142.5")) == D("128.25")
    state = ExerciseState(e1rm=D(150))
    assert loads(prescribe(Wendler531(), state, KG)) == [D("87.5"), D(100), D(115)]  # TM 135
    with pytest.raises(EngineError, match=r"5/3/1 needs a training max \(or an e1RM to take 90% of\)"):
        prescribe(Wendler531(), ExerciseState(), KG)
