from decimal import Decimal

import pytest

from apps.workouts.engine import (
    Change,
    DeloadPolicy,
    DoubleProgression,
    EngineError,
    ExerciseState,
    FixedScheme,
    LinearScheme,
    LoadTarget,
    RepRange,
    RPEScheme,
    SetSpec,
    SetType,
    Wendler531,
    deload_exercise,
    deload_one,
    prescribe,
    progress,
    standard_kg_barbell,
)
from apps.workouts.tests.engine.helpers import loads, performed

D = Decimal
KG = standard_kg_barbell()
EVERY_4TH = DeloadPolicy(every_weeks=4, load_percent=D(90), sets_percent=D(50))


def test_planned_deload_weeks():
    assert [w for w in range(1, 13) if EVERY_4TH.is_deload_week(w)] == [4, 8, 12]
    assert [w for w in range(1, 13) if DeloadPolicy(every_weeks=5).is_deload_week(w)] == [5, 10]
    with pytest.raises(EngineError, match="a planned deload needs every_weeks >= 2, got 1"):
        DeloadPolicy(every_weeks=1)


def test_a_planned_deload_lightens_and_shortens_and_the_progression_pauses():
    scheme = LinearScheme(sets=3, reps=5)
    state = ExerciseState(load=D(100), failures=1)
    prescription = prescribe(scheme, state, KG, deload=EVERY_4TH)
    assert loads(prescription) == [D(90), D(90)]  # 3 x 50% = 1.5 sets, half up: 2
    assert prescription.note == "planned deload (every 4 weeks): 90% load, 50% of the sets"
    step = progress(scheme, state, performed(prescription), KG, deload=EVERY_4TH)
    assert step.state == state
    assert step.change == Change.HOLD
    assert step.reason == "Planned deload week done: the progression resumes where it paused."
    assert loads(step.prescription) == [D(100), D(100), D(100)]


def test_a_planned_deload_of_written_sets_keeps_warm_ups_and_drops_the_amrap():
    scheme = FixedScheme(
        sets=(
            SetSpec(SetType.WARM_UP, RepRange.exactly(5), LoadTarget.absolute(D(40))),
            SetSpec(SetType.WORKING, RepRange.exactly(5), LoadTarget.absolute(D(80))),
            SetSpec(SetType.WORKING, RepRange.exactly(5), LoadTarget.absolute(D(80))),
            SetSpec(SetType.AMRAP, RepRange(5, 100), LoadTarget.absolute(D(80))),
        )
    )
    prescription = prescribe(scheme, ExerciseState(), KG, deload=EVERY_4TH)
    assert [(s.set_type, s.load) for s in prescription.sets] == [
        (SetType.WARM_UP, D(35)),  # 36 rounded down
        (SetType.WORKING, D(70)),  # 72 rounded down
        (SetType.WORKING, D(70)),
    ]


def test_5_3_1_keeps_its_own_deload_week():
    scheme = Wendler531()
    state = ExerciseState(training_max=D(100))
    assert prescribe(scheme, state, KG, deload=EVERY_4TH) == prescribe(scheme, state, KG)


@pytest.mark.parametrize(
    ("scheme", "state", "expected_state", "reason"),
    [
        (
            LinearScheme(),
            ExerciseState(load=D(100), failures=2),
            ExerciseState(load=D(90)),
            "Deload (deload requested for this exercise): 100 kg -> 90 kg (90%).",
        ),
        (
            DoubleProgression(),
            ExerciseState(load=D("62.5"), target_reps=11),
            ExerciseState(load=D("55"), target_reps=11),  # 56.25 rounded down
            "Deload (deload requested for this exercise): 62.5 kg -> 55 kg (90%).",
        ),
        (
            RPEScheme(),
            ExerciseState(e1rm=D(120)),
            ExerciseState(load=D(90), e1rm=D(120)),  # start 100 (83% of 120), 90% of it
            "Deload (deload requested for this exercise): 100 kg -> 90 kg (90%).",
        ),
        (
            Wendler531(),
            ExerciseState(training_max=D(135), wave_week=2, cycle=1, failures=1),
            ExerciseState(training_max=D("121.50"), wave_week=2, cycle=1),
            "Deload (deload requested for this exercise): training max 135 kg -> 121.5 kg (90%).",
        ),
    ],
)
def test_deload_one_exercise(scheme, state, expected_state, reason):
    step = deload_exercise(scheme, state, KG)
    assert step.state == expected_state
    assert step.change == Change.DELOAD
    assert step.reason == reason


def test_deloading_one_exercise_leaves_the_others_as_they_were():
    states = {
        "squat": ExerciseState(load=D(140), failures=2),
        "bench": ExerciseState(load=D(100), target_reps=10),
        "deadlift": ExerciseState(training_max=D(180), wave_week=2, cycle=3),
    }
    new_states, step = deload_one(
        states, "bench", DoubleProgression(), KG, percent=D(80), why="sore shoulder"
    )
    assert new_states["bench"] == ExerciseState(load=D(80), target_reps=10)
    assert new_states["squat"] is states["squat"]
    assert new_states["deadlift"] is states["deadlift"]
    assert states["bench"] == ExerciseState(load=D(100), target_reps=10)  # the input is not changed
    assert step.reason == "Deload (sore shoulder): 100 kg -> 80 kg (80%)."
    with pytest.raises(EngineError, match="no progression state for 'row'"):
        deload_one(states, "row", LinearScheme(), KG)


def test_a_fixed_scheme_cannot_be_deloaded_on_its_own():
    scheme = FixedScheme(sets=(SetSpec(SetType.WORKING, RepRange.exactly(5), LoadTarget.absolute(D(80))),))
    with pytest.raises(EngineError, match="a fixed scheme has no load of its own to deload"):
        deload_exercise(scheme, ExerciseState(), KG)


def test_an_rpe_exercise_without_a_load_has_nothing_to_deload():
    step = deload_exercise(RPEScheme(), ExerciseState(), KG)
    assert step.state == ExerciseState()
    assert step.change == Change.HOLD
    assert step.reason == "No load known yet (chosen by feel): nothing to deload."
