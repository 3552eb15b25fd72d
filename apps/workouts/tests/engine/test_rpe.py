from decimal import Decimal

import pytest

from apps.workouts.engine import (
    Change,
    EngineError,
    ExerciseState,
    FixedScheme,
    LoadTarget,
    Outcome,
    PerformedSet,
    RepRange,
    RPEScheme,
    SetSpec,
    SetType,
    Unit,
    autoregulate,
    prescribe,
    progress,
    standard_kg_barbell,
    standard_lb_barbell,
)
from apps.workouts.tests.engine.helpers import loads

D = Decimal
KG = standard_kg_barbell()
LB = standard_lb_barbell()


@pytest.mark.parametrize(
    ("rpe", "kg", "lb", "change"),
    [
        ("4", "105", "235", Change.INCREASE),
        ("5", "105", "235", Change.INCREASE),
        ("6", "105", "235", Change.INCREASE),
        ("6.5", "102.5", "230", Change.INCREASE),  # half RPEs round towards the target
        ("7", "102.5", "230", Change.INCREASE),
        ("7.5", "100", "225", Change.HOLD),
        ("8", "100", "225", Change.HOLD),
        ("8.5", "100", "225", Change.HOLD),
        ("9", "97.5", "220", Change.DECREASE),
        ("9.5", "97.5", "220", Change.DECREASE),
        ("10", "95", "215", Change.DECREASE),
    ],
)
def test_the_rpe_table_in_kg_and_lb(rpe, kg, lb, change):
    in_kg = autoregulate(RPEScheme(), D(100), D(rpe), KG)
    assert (in_kg.load, in_kg.change) == (D(kg), change)
    in_lb = autoregulate(RPEScheme.for_unit(Unit.LB), D(225), D(rpe), LB)
    assert (in_lb.load, in_lb.change) == (D(lb), change)


def test_reasons_set_to_set():
    scheme = RPEScheme()
    load = D(100)
    reasons = []
    for rpe in ("6", "7", "8", "9.5", "10"):
        adjustment = autoregulate(scheme, load, D(rpe), KG)
        reasons.append(adjustment.reason)
        load = adjustment.load
    assert reasons == [
        "RPE 6 at 100 kg (target 8): easier than the target, +5 kg.",
        "RPE 7 at 105 kg (target 8): easier than the target, +2.5 kg.",
        "RPE 8 at 107.5 kg (target 8): on target, hold.",
        "RPE 9.5 at 107.5 kg (target 8): harder than the target, -2.5 kg.",
        "RPE 10 at 105 kg (target 8): harder than the target, -5 kg.",
    ]
    assert load == D(100)


def test_never_below_the_empty_bar():
    adjustment = autoregulate(RPEScheme(), D("22.5"), D(10), KG)
    assert adjustment.load == D(20)
    adjustment = autoregulate(RPEScheme(), D(20), D(10), KG)
    assert (adjustment.load, adjustment.change) == (D(20), Change.HOLD)
    assert adjustment.reason == (
        "RPE 10 at 20 kg (target 8): harder than the target, "
        "but it is the lightest load (the empty bar): hold."
    )


def test_other_targets_shift_the_table():
    scheme = RPEScheme(target_rpe=D(7))
    assert autoregulate(scheme, D(100), D(8), KG).load == D("97.5")
    assert autoregulate(scheme, D(100), D(5), KG).load == D(105)


def test_next_session_starts_where_the_last_set_points():
    scheme = RPEScheme(sets=3, reps=5)
    state = ExerciseState(load=D(100))
    prescription = prescribe(scheme, state, KG)
    assert prescription.describe() == "5 @ 100 kg @ RPE 8, 5 @ 100 kg @ RPE 8, 5 @ 100 kg @ RPE 8"
    outcome = Outcome(
        sets=(
            PerformedSet.with_rpe(reps=5, load=D(100), rpe=D(7)),
            PerformedSet.with_rpe(reps=5, load=D("102.5"), rpe=D(8)),
            PerformedSet.with_rpe(reps=5, load=D("102.5"), rpe=D(7)),
        )
    )
    step = progress(scheme, state, outcome, KG)
    # e1RM: the best rated set, 102.5 x 5 at RIR 3 = 8 reps to failure
    assert step.state == ExerciseState(load=D(105), e1rm=D("129.83"))
    assert step.reason == (
        "Last set RPE 7 at 102.5 kg (target 8): easier than the target, +2.5 kg. "
        "Next session starts at 105 kg."
    )
    unrated = Outcome(sets=(PerformedSet(reps=5, load=D(100)),))
    assert progress(scheme, state, unrated, KG).reason == "No RPE logged: the starting load stays."


def test_first_load_from_the_e1rm_and_the_rpe_chart():
    # 5 reps at RPE 8 = 7 reps to failure = 83% of 120 = 99.6 -> 100
    assert loads(prescribe(RPEScheme(sets=2, reps=5), ExerciseState(e1rm=D(120)), KG)) == [D(100), D(100)]
    assert loads(prescribe(RPEScheme(sets=1), ExerciseState(), KG)) == [None]


def test_bad_rpe_is_refused():
    with pytest.raises(EngineError, match="RPE must be between 1 and 10, got 11"):
        autoregulate(RPEScheme(), D(100), D(11), KG)
    with pytest.raises(EngineError, match="the target RPE must be between 1 and 10, got 0"):
        RPEScheme(target_rpe=D(0))


def test_written_rpe_sets_take_their_load_from_the_e1rm_when_it_can_be_estimated():
    scheme = FixedScheme(
        sets=(
            SetSpec(SetType.WORKING, RepRange.exactly(5), LoadTarget.rpe(D(8))),
            SetSpec(SetType.BACK_OFF, RepRange.exactly(8), LoadTarget.rir(D(3))),
            SetSpec(SetType.WORKING, RepRange.exactly(40), LoadTarget.rpe(D(8))),
        )
    )
    prescription = prescribe(scheme, ExerciseState(e1rm=D(150)), KG)
    # 7 reps to failure: 83% of 150 = 124.5; 11: 73% = 109.5; 42 reps to failure: beyond any table
    assert [(s.load, s.target_rpe) for s in prescription.sets] == [
        (D("125"), D(8)),
        (D("110"), D(7)),
        (None, D(8)),
    ]
