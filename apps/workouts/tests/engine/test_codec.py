from decimal import Decimal

import pytest
from hypothesis import given, settings

from apps.workouts.engine import (
    SCHEME_KINDS,
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
    StackLoading,
    Unit,
    Wendler531,
    deload_from_dict,
    deload_to_dict,
    loading_from_dict,
    loading_to_dict,
    prescribe,
    prescription_from_dict,
    prescription_to_dict,
    scheme_from_dict,
    scheme_to_dict,
    standard_kg_barbell,
    state_from_dict,
    state_to_dict,
)
from apps.workouts.tests.engine.strategies import loadings

D = Decimal
FIXED = FixedScheme(
    sets=(
        SetSpec(SetType.WARM_UP, RepRange.exactly(5), LoadTarget.percent_1rm(D(50))),
        SetSpec(SetType.WORKING, RepRange(6, 8), LoadTarget.rpe(D("8.5")), rest_seconds=150),
        SetSpec(SetType.AMRAP, RepRange(5, 100), LoadTarget.percent_tm(D(85))),
        SetSpec(SetType.BACK_OFF, RepRange.exactly(8), LoadTarget.rir(D(2))),
        SetSpec(SetType.DROP, RepRange(10, 12), LoadTarget.absolute(D("42.5"))),
    )
)


def test_scheme_dicts_are_plain_json_with_a_stable_kind():
    assert SCHEME_KINDS == ("linear", "double_progression", "wendler_531", "rpe", "fixed")
    assert scheme_to_dict(LinearScheme()) == {
        "kind": "linear",
        "sets": 3,
        "reps": 5,
        "increment": "2.5",
        "failures_before_deload": 3,
        "deload_percent": "90",
        "rest_seconds": 180,
    }
    assert scheme_to_dict(FIXED)["sets"][1] == {
        "set_type": "working",
        "reps_low": 6,
        "reps_high": 8,
        "load_basis": "rpe",
        "load_value": "8.5",
        "rest_seconds": 150,
    }


@pytest.mark.parametrize(
    "scheme",
    [
        LinearScheme(increment=D(5), rest_seconds=None),
        DoubleProgression(sets=4, rep_low=10, rep_high=15, increment=D(1)),
        Wendler531(tm_increment=D(10), deload_week=False),
        RPEScheme.for_unit(Unit.LB, sets=5, target_rpe=D("7.5")),
        FIXED,
    ],
)
def test_schemes_round_trip(scheme):
    assert scheme_from_dict(scheme_to_dict(scheme)) == scheme


def test_missing_fields_take_the_defaults():
    assert scheme_from_dict({"kind": "double_progression", "increment": "1"}) == DoubleProgression(
        increment=D(1)
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "stronglifts"},
            "scheme.kind: expected one of linear, double_progression, wendler_531, rpe, fixed, "
            "got 'stronglifts'",
        ),
        ([], "scheme: expected an object, got list"),
        ({"kind": "linear", "reps": "five"}, "scheme.reps: expected an integer, got 'five'"),
        ({"kind": "linear", "increment": "abc"}, "scheme.increment: invalid value 'abc'"),
        ({"kind": "linear", "increment": 2.5}, "scheme.increment: expected a decimal string, got 2.5"),
        ({"kind": "linear", "increment": "NaN"}, "scheme.increment: expected a finite number, got 'NaN'"),
        ({"kind": "linear", "increment": "-1"}, "scheme: the increment must not be negative, got -1"),
        ({"kind": "linear", "sets": True}, "scheme.sets: expected an integer, got True"),
        ({"kind": "linear", "colour": "red"}, "scheme: unknown fields colour for linear"),
        (
            {"kind": "double_progression", "rep_low": 12, "rep_high": 8},
            "scheme: a rep range needs 1 <= low <= high <= 100, got 12-8",
        ),
        (
            {"kind": "wendler_531", "deload_week": "yes"},
            "scheme.deload_week: expected true or false, got 'yes'",
        ),
        ({"kind": "fixed", "sets": []}, "scheme: a fixed scheme needs at least one set"),
        (
            {
                "kind": "fixed",
                "sets": [
                    {
                        "set_type": "working",
                        "reps_low": 5,
                        "reps_high": 5,
                        "load_basis": "rpe",
                        "load_value": "11",
                    }
                ],
            },
            "scheme.sets[0]: RPE must be between 1 and 10, got 11",
        ),
        (
            {
                "kind": "fixed",
                "sets": [
                    {
                        "set_type": "cooldown",
                        "reps_low": 5,
                        "reps_high": 5,
                        "load_basis": "rpe",
                        "load_value": "8",
                    }
                ],
            },
            "scheme.sets[0].set_type: invalid value 'cooldown'",
        ),
        ({"kind": "fixed", "sets": [{"set_type": "working"}]}, "scheme.sets[0]: missing field 'reps_low'"),
    ],
)
def test_bad_scheme_dicts_name_the_field(data, message):
    with pytest.raises(EngineError) as caught:
        scheme_from_dict(data)
    assert str(caught.value) == message


def test_states_round_trip_and_validate():
    state = ExerciseState(
        load=D("102.5"),
        target_reps=9,
        failures=2,
        training_max=D("121.50"),
        wave_week=3,
        cycle=4,
        e1rm=D("130.17"),
    )
    assert state_to_dict(state) == {
        "load": "102.5",
        "target_reps": 9,
        "failures": 2,
        "training_max": "121.5",
        "wave_week": 3,
        "cycle": 4,
        "e1rm": "130.17",
    }
    assert state_from_dict(state_to_dict(state)) == state
    assert state_from_dict({}) == ExerciseState()
    with pytest.raises(EngineError, match=r"^state: load must not be negative, got -5$"):
        state_from_dict({"load": "-5"})


@settings(max_examples=40, deadline=None)
@given(loadings)
def test_loadings_round_trip(loading):
    assert loading_from_dict(loading_to_dict(loading)) == loading


def test_loading_errors():
    with pytest.raises(EngineError, match=r"^loading.kind: expected 'plates' or 'stack', got 'rack'$"):
        loading_from_dict({"kind": "rack", "unit": "kg"})
    with pytest.raises(EngineError, match=r"^loading.unit: invalid value 'stone'$"):
        loading_from_dict({"kind": "plates", "unit": "stone", "bar": "20"})
    with pytest.raises(EngineError, match=r"^loading.plates\[1\].pairs: expected an integer, got '2'$"):
        loading_from_dict(
            {
                "kind": "plates",
                "unit": "kg",
                "bar": "20",
                "plates": [{"size": "20", "pairs": 2}, {"size": "10", "pairs": "2"}],
            }
        )
    with pytest.raises(EngineError, match=r"^loading: the step must be positive, got 0$"):
        loading_from_dict({"kind": "stack", "unit": "lb", "minimum": "10", "step": "0", "maximum": "100"})
    assert loading_from_dict(
        {"kind": "stack", "unit": "lb", "minimum": "10", "step": "5", "maximum": "100"}
    ) == (StackLoading(unit=Unit.LB, minimum=D(10), step=D(5), maximum=D(100)))


def test_prescriptions_and_deload_policies_round_trip():
    prescription = prescribe(Wendler531(), ExerciseState(training_max=D(100)), standard_kg_barbell())
    data = prescription_to_dict(prescription)
    assert data["sets"][2] == {
        "set_type": "amrap",
        "reps_low": 5,
        "reps_high": 100,
        "target_reps": 5,
        "load": "85",
        "target_rpe": None,
        "percent": "85",
        "rest_seconds": 180,
    }
    assert prescription_from_dict(data) == prescription
    policy = DeloadPolicy(every_weeks=5, load_percent=D(85))
    assert deload_from_dict(deload_to_dict(policy)) == policy
    with pytest.raises(EngineError, match=r"^deload: a planned deload needs every_weeks >= 2, got 0$"):
        deload_from_dict({"every_weeks": 0})
