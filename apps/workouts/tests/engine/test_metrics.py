import datetime
from decimal import Decimal

import pytest

from apps.workouts.engine import (
    Adherence,
    EngineError,
    MuscleSet,
    Outcome,
    PerformedSet,
    PersonalBests,
    PersonalRecord,
    PrescribedSet,
    Prescription,
    RecordKind,
    RepRange,
    SetType,
    TrendPoint,
    Unit,
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

D = Decimal


def done(reps, load, rir=None, set_type=SetType.WORKING):
    return PerformedSet(reps=reps, load=D(load), rir=None if rir is None else D(rir), set_type=set_type)


def test_volume_load_leaves_warm_ups_out():
    sets = [
        done(5, 40, set_type=SetType.WARM_UP),
        done(5, 100),
        done(5, 100),
        done(8, "82.5", set_type=SetType.BACK_OFF),
    ]
    assert volume_load(sets) == D(1660)
    assert volume_load(sets, include_warm_ups=True) == D(1860)
    assert volume_load([]) == D(0)


def test_hard_sets_within_four_rir_or_working_sets_when_rir_is_unknown():
    assert is_hard_set(done(5, 100, rir=4)) is True
    assert is_hard_set(done(5, 100, rir=5)) is False
    assert is_hard_set(done(5, 100)) is True
    assert is_hard_set(done(8, 80, set_type=SetType.BACK_OFF)) is False
    assert is_hard_set(done(8, 80, rir=2, set_type=SetType.BACK_OFF)) is True
    assert is_hard_set(done(5, 40, rir=0, set_type=SetType.WARM_UP)) is False
    assert is_hard_set(done(0, 100, rir=0)) is False


def test_hard_sets_per_prime_mover():
    sets = [
        MuscleSet(done(5, 100, rir=2), ("quadriceps", "glutes")),
        MuscleSet(done(5, 100, rir=1), ("quadriceps", "glutes")),
        MuscleSet(done(5, 100, rir=6), ("quadriceps", "glutes")),
        MuscleSet(done(10, 50), ("lats",)),
        MuscleSet(done(10, 20, set_type=SetType.WARM_UP), ("lats",)),
        MuscleSet(done(10, 50, rir=3), ("lats", "lats")),
    ]
    assert hard_sets_per_muscle(sets) == {"quadriceps": 2, "glutes": 2, "lats": 2}


def test_landmark_zones():
    marks = VolumeLandmarks()
    assert [marks.classify(n) for n in (0, 5, 6, 7, 8, 16, 17, 20, 21)] == [
        VolumeZone.BELOW_MV,
        VolumeZone.BELOW_MV,
        VolumeZone.MAINTENANCE,
        VolumeZone.MAINTENANCE,
        VolumeZone.PRODUCTIVE,
        VolumeZone.PRODUCTIVE,
        VolumeZone.HIGH,
        VolumeZone.HIGH,
        VolumeZone.ABOVE_MRV,
    ]
    with pytest.raises(EngineError, match="landmarks need 0 <= MV <= MEV <= MAV <= MRV, got 8/6/16/20"):
        VolumeLandmarks(mv=8, mev=6)


def test_classify_volume_with_per_muscle_landmarks_and_untrained_muscles():
    result = classify_volume(
        {"chest": 12, "biceps": 23},
        per_muscle={"biceps": VolumeLandmarks(mv=4, mev=8, mav=20, mrv=26)},
        muscles=["chest", "calves"],
    )
    assert [(m.muscle, m.hard_sets, m.zone) for m in result] == [
        ("chest", 12, VolumeZone.PRODUCTIVE),
        ("biceps", 23, VolumeZone.HIGH),
        ("calves", 0, VolumeZone.BELOW_MV),
    ]
    assert result[0].reason == "chest: 12 hard sets this week, productive (MEV 8 to MAV 16)."
    assert (
        result[1].reason
        == "biceps: 23 hard sets this week, high (above MAV 20, up to MRV 26): watch recovery."
    )
    assert (
        classify_volume({"quads": 21})[0].reason
        == "quads: 21 hard sets this week, above MRV 20: a deload is due."
    )


def _prescription(*loads_and_reps):
    return Prescription(
        sets=tuple(
            PrescribedSet(set_type=SetType.WORKING, reps=RepRange.exactly(r), target_reps=r, load=D(load))
            for load, r in loads_and_reps
        ),
        unit=Unit.KG,
    )


def test_adherence_planned_against_done():
    planned = _prescription((100, 5), (100, 5), (100, 5))
    one = session_adherence(planned, Outcome(sets=(done(5, 100), done(4, 100))))
    assert one == Adherence(
        planned_sessions=1, done_sessions=1, planned_sets=3, done_sets=2, sets_as_prescribed=1
    )
    total = adherence(
        [
            (planned, Outcome(sets=(done(5, 100), done(4, 100)))),
            (planned, None),
            (planned, Outcome(sets=(done(5, 100),) * 3)),
        ]
    )
    assert total == Adherence(
        planned_sessions=3, done_sessions=2, planned_sets=9, done_sets=5, sets_as_prescribed=4
    )
    assert total.sets_percent == D("55.6")
    assert total.as_prescribed_percent == D("44.4")
    assert total.sessions_percent == D("66.7")
    assert Adherence().sets_percent is None
    extra = session_adherence(_prescription((100, 5)), Outcome(sets=(done(5, 100),) * 2))
    assert extra.sets_percent == D("100.0")  # extra sets do not lift adherence above 100%


def test_personal_records_e1rm_rep_maxes_and_volume():
    bests = PersonalBests()
    records, bests = detect_records(bests, done(5, 100))
    assert records == (
        PersonalRecord(RecordKind.E1RM, D("116.67"), None),
        PersonalRecord(RecordKind.REP_MAX, D(100), None, reps=5),
        PersonalRecord(RecordKind.VOLUME, D(500), None),
    )
    records, bests = detect_records(bests, done(3, 105))  # e1RM 115.5: no; 3RM: yes; volume 315: no
    assert records == (PersonalRecord(RecordKind.REP_MAX, D(105), None, reps=3),)
    records, bests = detect_records(bests, done(5, 100))  # equal is not a record
    assert records == ()
    records, bests = detect_records(bests, done(8, 95, rir=1))  # 9 reps to failure: e1RM 123.5
    assert records == (
        PersonalRecord(RecordKind.E1RM, D("123.50"), D("116.67")),
        PersonalRecord(RecordKind.REP_MAX, D(95), None, reps=8),
        PersonalRecord(RecordKind.VOLUME, D(760), D(500)),
    )
    assert bests == PersonalBests(
        e1rm=D("123.50"), rep_maxes={5: D(100), 3: D(105), 8: D(95)}, best_set_volume=D(760)
    )
    assert records[0].describe("kg") == "e1RM 123.5 kg (was 116.67 kg)"
    assert records[1].describe("kg") == "8-rep max 95 kg (first recorded)"
    assert detect_records(bests, done(12, 200, set_type=SetType.WARM_UP)) == ((), bests)
    # 40 reps: no e1RM, but still a rep max and a volume record
    records, _ = detect_records(bests, done(40, 50))
    assert [r.kind for r in records] == [RecordKind.REP_MAX, RecordKind.VOLUME]


def test_e1rm_trend_one_point_per_day():
    mon, wed = datetime.date(2026, 11, 23), datetime.date(2026, 11, 25)
    points = e1rm_trend(
        [
            (wed, done(3, 110)),
            (mon, done(5, 100)),
            (mon, done(5, 40, set_type=SetType.WARM_UP)),
            (mon, done(3, 100, rir=2)),
            (wed, done(50, 20)),
        ]
    )
    assert points == (
        TrendPoint(day=mon, e1rm=D("116.67"), load=D(100), reps=5),
        TrendPoint(day=wed, e1rm=D("121.00"), load=D(110), reps=3),
    )


def test_weekly_metrics_group_by_monday():
    sun, mon, thu = datetime.date(2026, 11, 29), datetime.date(2026, 11, 30), datetime.date(2026, 12, 3)
    weeks = weekly_metrics(
        [
            (mon, MuscleSet(done(5, 100), ("quadriceps",))),
            (sun, MuscleSet(done(10, 50, rir=6), ("lats",))),
            (thu, MuscleSet(done(8, 60, rir=2), ("chest", "triceps"))),
            (thu, MuscleSet(done(5, 40, set_type=SetType.WARM_UP), ("chest",))),
        ]
    )
    assert weeks == (
        WeekMetrics(week=datetime.date(2026, 11, 23), volume_load=D(500), hard_sets={}),
        WeekMetrics(week=mon, volume_load=D(980), hard_sets={"quadriceps": 1, "chest": 1, "triceps": 1}),
    )
    assert week_start(sun) == datetime.date(2026, 11, 23)
