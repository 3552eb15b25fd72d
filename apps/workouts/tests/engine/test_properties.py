"""Properties of the progression engine over random gyms, schemes and sessions (kg and lb)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.workouts.engine import (
    Change,
    DeloadPolicy,
    DoubleProgression,
    ExerciseState,
    LinearScheme,
    Outcome,
    PerformedSet,
    RPEScheme,
    Wendler531,
    deload_exercise,
    prescribe,
    progress,
)
from apps.workouts.tests.engine.strategies import loadings

D = Decimal

increments = st.sampled_from([D(0), D(1), D("2.5"), D(5), D(10)])
loads_ = st.decimals(min_value=D(0), max_value=D(400), places=2)

schemes = st.one_of(
    st.builds(
        LinearScheme,
        sets=st.integers(1, 5),
        reps=st.integers(1, 10),
        increment=increments,
        failures_before_deload=st.integers(1, 4),
        deload_percent=st.sampled_from([D(80), D(85), D(90), D(100)]),
    ),
    st.builds(
        DoubleProgression,
        sets=st.integers(1, 4),
        rep_low=st.integers(3, 8),
        rep_high=st.integers(8, 15),
        increment=increments,
        failures_before_deload=st.integers(1, 3),
    ),
    st.builds(Wendler531, tm_increment=increments, deload_week=st.booleans()),
    st.builds(RPEScheme, sets=st.integers(1, 4), reps=st.integers(1, 8), small_step=st.just(D("2.5"))),
)

states = st.builds(
    ExerciseState,
    load=st.none() | loads_,
    training_max=loads_,
    e1rm=st.none() | loads_.filter(lambda v: v > 0),
)

# per session: a reps offset per set and an RPE per set
sessions = st.lists(
    st.tuples(st.integers(-4, 3), st.sampled_from([D(x) / 2 for x in range(10, 21)])), min_size=1, max_size=14
)


def _outcome(prescription, loading, offset, rpe):
    sets = []
    for prescribed in prescription.sets:
        load = prescribed.load if prescribed.load is not None else loading.min_load
        reps = max(0, prescribed.target_reps + offset)
        sets.append(PerformedSet(reps=reps, load=load, rir=D(10) - rpe, set_type=prescribed.set_type))
    return Outcome(sets=tuple(sets))


def _assert_loadable(prescription, loading):
    for prescribed in prescription.sets:
        if prescribed.load is not None:
            assert loading.is_loadable(prescribed.load), prescribed.load
            assert prescribed.load >= loading.min_load


@settings(max_examples=120, deadline=None)
@given(schemes, states, loadings, sessions)
def test_every_prescribed_load_is_loadable_and_never_below_the_bar(scheme, state, loading, plan):
    prescription = prescribe(scheme, state, loading)
    _assert_loadable(prescription, loading)
    for offset, rpe in plan:
        step = progress(scheme, state, _outcome(prescription, loading, offset, rpe), loading)
        _assert_loadable(step.prescription, loading)
        assert step.prescription == prescribe(scheme, step.state, loading)
        if step.state.load is not None and not isinstance(scheme, Wendler531):
            assert loading.is_loadable(step.state.load)
        assert step.reason
        state, prescription = step.state, step.prescription


@settings(max_examples=120, deadline=None)
@given(schemes, states, loadings, sessions)
def test_deloads_never_raise_the_load(scheme, state, loading, plan):
    policy = DeloadPolicy(every_weeks=4)
    prescription = prescribe(scheme, state, loading)
    for offset, rpe in plan:
        # a planned deload: set by set no heavier than the normal prescription
        planned = prescribe(scheme, state, loading, deload=policy)
        for light, normal in zip(planned.sets, prescription.sets, strict=False):
            if light.load is not None and normal.load is not None:
                assert light.load <= normal.load
        # a deload of this exercise now
        deloaded = deload_exercise(scheme, state, loading)
        if isinstance(scheme, Wendler531):
            assert deloaded.state.training_max is not None
            assert deloaded.state.training_max <= (state.training_max or deloaded.state.training_max)
            for light, normal in zip(deloaded.prescription.sets, prescription.sets, strict=True):
                assert light.load is not None
                assert normal.load is not None
                assert light.load <= normal.load
        else:
            before, after = prescription.working_load(), deloaded.prescription.working_load()
            assert (before is None) == (after is None)
            if before is not None and after is not None:
                assert after <= before
        # a deload triggered by failures
        step = progress(scheme, state, _outcome(prescription, loading, offset, rpe), loading)
        if step.change == Change.DELOAD:
            if isinstance(scheme, Wendler531):
                assert step.state.training_max is not None
                assert state.training_max is not None
                assert step.state.training_max <= state.training_max
            else:
                before, after = prescription.working_load(), step.prescription.working_load()
                assert before is not None
                assert after is not None
                assert after <= before
        state, prescription = step.state, step.prescription
