from decimal import Decimal

import pytest

from apps.workouts.engine import (
    Change,
    DaySpec,
    DeloadPolicy,
    DoubleProgression,
    EngineError,
    ExercisePlan,
    ExerciseState,
    FixedScheme,
    LinearScheme,
    LoadTarget,
    Outcome,
    PerformedSet,
    ProgramSpec,
    RepRange,
    RPEScheme,
    SetSpec,
    SetType,
    SlotSpec,
    WeekSpec,
    Wendler531,
    preview,
    standard_kg_barbell,
)

D = Decimal
KG = standard_kg_barbell()


def twelve_weeks() -> ProgramSpec:
    plans = (
        ExercisePlan("squat", "barbell-squat", LinearScheme(sets=3, reps=5), ExerciseState(load=D(60)), KG),
        ExercisePlan("bench", "bench-press", DoubleProgression(), ExerciseState(load=D(40)), KG),
        ExercisePlan(
            "row",
            "barbell-row",
            FixedScheme(
                sets=tuple(
                    SetSpec(
                        SetType.WORKING, RepRange.exactly(10), LoadTarget.absolute(D(50)), rest_seconds=90
                    )
                    for _ in range(3)
                )
            ),
            ExerciseState(),
            KG,
        ),
        ExercisePlan(
            "deadlift", "deadlift", Wendler531(tm_increment=D(5)), ExerciseState(training_max=D(140)), KG
        ),
    )
    day1 = DaySpec(name="A", slots=(SlotSpec(("squat",)), SlotSpec(("bench", "row"))))
    day2 = DaySpec(name="B", slots=(SlotSpec(("deadlift",)), SlotSpec(("squat",))))
    return ProgramSpec(weeks=(WeekSpec((day1, day2)),) * 12, plans=plans, deload=DeloadPolicy(every_weeks=4))


def _working(items):
    return [
        (item.week, item.day, item.prescription.working_load(), len(item.prescription.sets)) for item in items
    ]


def test_twelve_weeks_with_progression_and_planned_deloads():
    result = preview(twelve_weeks())
    assert len(result.days) == 24
    assert _working(result.track("squat")) == [
        (1, 1, D(60), 3), (1, 2, D("62.5"), 3),
        (2, 1, D(65), 3), (2, 2, D("67.5"), 3),
        (3, 1, D(70), 3), (3, 2, D("72.5"), 3),
        (4, 1, D("67.5"), 2), (4, 2, D("67.5"), 2),  # 90% of 75, two of three sets
        (5, 1, D(75), 3), (5, 2, D("77.5"), 3),
        (6, 1, D(80), 3), (6, 2, D("82.5"), 3),
        (7, 1, D(85), 3), (7, 2, D("87.5"), 3),
        (8, 1, D(80), 2), (8, 2, D(80), 2),  # 90% of 90 = 81, rounded down
        (9, 1, D(90), 3), (9, 2, D("92.5"), 3),
        (10, 1, D(95), 3), (10, 2, D("97.5"), 3),
        (11, 1, D(100), 3), (11, 2, D("102.5"), 3),
        (12, 1, D("92.5"), 2), (12, 2, D("92.5"), 2),  # 90% of 105 = 94.5
    ]  # fmt: skip
    assert result.final_state("squat") == ExerciseState(load=D(105))

    bench = result.track("bench")
    assert [(i.week, i.prescription.working_load(), i.prescription.sets[0].target_reps) for i in bench] == [
        (1, D(40), 8), (2, D(40), 9), (3, D(40), 10), (4, D(35), 11),
        (5, D(40), 11), (6, D(40), 12), (7, D("42.5"), 8), (8, D("37.5"), 9),
        (9, D("42.5"), 9), (10, D("42.5"), 10), (11, D("42.5"), 11), (12, D("37.5"), 12),
    ]  # fmt: skip
    assert result.final_state("bench") == ExerciseState(load=D("42.5"), target_reps=12)

    assert [(i.prescription.working_load(), len(i.prescription.sets)) for i in result.track("row")] == [
        (D(45), 2) if week % 4 == 0 else (D(50), 3) for week in range(1, 13)
    ]
    assert all(i.superset for i in (*bench, *result.track("row")))
    assert not any(i.superset for i in result.track("squat"))

    deadlift = result.track("deadlift")
    assert [[s.load for s in i.prescription.sets] for i in deadlift] == [
        [D(90), D(105), D(120)],
        [D("97.5"), D("112.5"), D(125)],
        [D(105), D(120), D("132.5")],
        [D(55), D(70), D(85)],
        [D(95), D("107.5"), D("122.5")],
        [D("102.5"), D(115), D(130)],
        [D("107.5"), D("122.5"), D("137.5")],
        [D("57.5"), D("72.5"), D("87.5")],
        [D("97.5"), D("112.5"), D("127.5")],
        [D(105), D(120), D(135)],
        [D("112.5"), D("127.5"), D("142.5")],
        [D(60), D(75), D(90)],
    ]
    assert result.final_state("deadlift") == ExerciseState(training_max=D(155), cycle=3, e1rm=D("142.50"))


def test_every_change_carries_its_reason():
    result = preview(twelve_weeks())
    squat = result.track("squat")
    assert [(i.change, i.reason) for i in squat[:2]] == [
        (Change.START, "Start: 60 kg."),
        (Change.INCREASE, "All reps done (5, 5, 5 of 3x5 at 60 kg): +2.5 kg to 62.5 kg."),
    ]
    assert (squat[6].change, squat[6].reason) == (
        Change.DELOAD,
        "Week 4: planned deload (every 4 weeks): 90% load, 50% of the sets.",
    )
    assert (squat[8].change, squat[8].reason) == (
        Change.HOLD,
        "Planned deload week done: the progression resumes where it paused.",
    )
    deadlift = result.track("deadlift")
    assert deadlift[0].reason == "Start: training max 140 kg."
    assert deadlift[1].reason == (
        'Week 1 of cycle 1 done ("+" set 5 reps at 120 kg, e1RM 140 kg): week 2, 70/80/90% x 3,3,3+.'
    )
    assert (deadlift[4].change, deadlift[4].reason) == (
        Change.NEW_CYCLE,
        "Cycle 1 done: training max 140 kg -> 145 kg (+5 kg), week 1 of cycle 2.",
    )
    week_one = result.week(1)
    assert [(d.name, [i.key for i in d.items]) for d in week_one] == [
        ("A", ["squat", "bench", "row"]),
        ("B", ["deadlift", "squat"]),
    ]


def test_given_outcomes_replace_the_assumption_that_all_is_met():
    missed = Outcome(sets=tuple(PerformedSet(reps=3, load=D(65)) for _ in range(3)))
    result = preview(twelve_weeks(), outcomes={(2, 1, "squat"): missed, (2, 2, "squat"): missed})
    assert _working(result.track("squat"))[:6] == [
        (1, 1, D(60), 3),
        (1, 2, D("62.5"), 3),
        (2, 1, D(65), 3),
        (2, 2, D(65), 3),  # failure 1
        (3, 1, D(65), 3),  # failure 2 (the outcome was at 65 kg)
        (3, 2, D("67.5"), 3),
    ]
    assert result.track("squat")[3].reason == (
        "Missed reps (3, 3, 3 of 3x5 at 65 kg): failure 1 of 3, same load next time."
    )


def test_current_states_override_the_plans_start():
    result = preview(twelve_weeks(), states={"squat": ExerciseState(load=D(100), failures=1)})
    assert result.track("squat")[0].prescription.working_load() == D(100)
    with pytest.raises(EngineError, match="states name unknown exercise plans: lunge"):
        preview(twelve_weeks(), states={"lunge": ExerciseState()})


def test_a_session_chosen_by_feel_is_not_projected():
    plan = ExercisePlan("press", "press", RPEScheme(sets=1), ExerciseState(), KG)
    program = ProgramSpec(weeks=(WeekSpec((DaySpec((SlotSpec(("press",)),)),)),) * 2, plans=(plan,))
    items = preview(program).track("press")
    assert [i.prescription.working_load() for i in items] == [None, None]
    assert items[0].reason == "Start: load chosen by feel in the session (no starting load or e1RM yet)."
    assert items[1].reason == "The previous session's load was chosen by feel: the preview cannot project it."


def test_bad_programs_are_refused():
    plan = ExercisePlan("squat", "squat", LinearScheme(), ExerciseState(), KG)
    with pytest.raises(EngineError, match="week 1, day 1 names an unknown exercise plan 'bench'"):
        ProgramSpec(weeks=(WeekSpec((DaySpec((SlotSpec(("bench",)),)),)),), plans=(plan,))
    with pytest.raises(EngineError, match="each plan key may appear once in a program"):
        ProgramSpec(weeks=(), plans=(plan, plan))
    with pytest.raises(EngineError, match="a superset lists each exercise once"):
        SlotSpec(("squat", "squat"))
    with pytest.raises(EngineError, match="a slot needs at least one exercise"):
        SlotSpec(())
