"""The Strong and Hevy CSV parsers (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from apps.workouts.engine import SetType, Unit
from apps.workouts.importers import HistoryFormat, RowError, parse_history

STRONG_LEGACY = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;"
    "Seconds;Notes;Workout Notes;Workout Duration\n"
    '2024-08-05 18:02:11;"Legs";"Squat (Barbell)";1;100;kg;5;;;;0;"";"felt good";1h 2m\n'
    '2024-08-05 18:02:11;"Legs";"Squat (Barbell)";2;225;lbs;4;8.5;;;0;"";"";\n'
    '2024-08-05 18:02:11;"Legs";"Squat (Barbell)";3;100;kg;150;;;;0;"";"";\n'
    '2024-08-05 18:02:11;"Legs";"Running";1;;;;;5;km;1800;"";"";\n'
)

STRONG_CURRENT = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    '2025-03-01 07:30:00,"Push",45m,"Bench Press (Barbell)",W,95,10,0,0,"","",\n'
    '2025-03-01 07:30:00,"Push",45m,"Bench Press (Barbell)",1,185,5,0,0,"paused","",9\n'
    '2025-03-01 07:30:00,"Push",45m,"Bench Press (Barbell)",Rest Timer,0,0,0,90,"","",\n'
    '2025-03-01 07:30:00,"Push",45m,"Bench Press (Barbell)",2,-185,5,0,0,"","",\n'
    '2025-03-01 07:30:00,"Push",45m,"Bench Press (Barbell)",3,185,5,0,0,"","",11\n'
)

HEVY_KG = (
    '"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index",'
    '"set_type","weight_kg","reps","distance_km","duration_seconds","rpe"\n'
    '"Upper","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Bench Press (Barbell)",,"",0,"warmup",60,10,,,\n'
    '"Upper","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Bench Press (Barbell)",,"",1,"normal",100,5,,,8\n'
    '"Upper","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Bench Press (Barbell)",,"",2,"dropset",80,8,,,\n'
    '"Upper","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Plank",,"",0,"normal",,,,60,\n'
    '"Upper","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Bench Press (Barbell)",,"",3,"superset",80,8,,,\n'
    '"Upper","yesterday","26 Jul 2025, 08:11","","Bench Press (Barbell)",,"",4,"normal",80,8,,,\n'
)


def test_strong_legacy_layout_with_units_per_row() -> None:
    parsed = parse_history(STRONG_LEGACY, fmt=HistoryFormat.STRONG, unit=Unit.KG, tz=UTC)
    assert [(s.line, s.exercise_name, s.set_index, s.load_kg, s.reps, s.rpe) for s in parsed.sets] == [
        (2, "Squat (Barbell)", 1, Decimal("100.000"), 5, None),
        (3, "Squat (Barbell)", 2, Decimal("102.058"), 4, Decimal("8.5")),
    ]
    assert parsed.sets[0].started_at == datetime(2024, 8, 5, 18, 2, 11, tzinfo=UTC)
    assert parsed.sets[0].workout_note == "felt good"
    assert parsed.errors == (RowError(4, "Reps must be from 0 to 100, got 150"),)
    assert parsed.skipped == (RowError(5, "not a strength set (distance or time only)"),)


def test_strong_current_layout_in_the_apps_unit_with_set_letters() -> None:
    parsed = parse_history(
        STRONG_CURRENT, fmt=HistoryFormat.STRONG, unit=Unit.LB, tz=ZoneInfo("Europe/Berlin")
    )
    assert [(s.line, s.set_type, s.load_kg, s.rpe, s.note) for s in parsed.sets] == [
        (2, SetType.WARM_UP, Decimal("43.091"), None, ""),
        (3, SetType.WORKING, Decimal("83.915"), Decimal(9), "paused"),
    ]
    assert parsed.sets[0].started_at == datetime(2025, 3, 1, 6, 30, tzinfo=UTC)
    assert parsed.errors == (
        RowError(5, "Weight must not be negative, got -185"),
        RowError(6, "RPE must be from 1 to 10, got 11"),
    )
    assert parsed.skipped == (RowError(4, "a rest timer, not a set"),)


def test_hevy_export() -> None:
    parsed = parse_history(HEVY_KG, fmt=HistoryFormat.HEVY, tz=UTC)
    assert [(s.line, s.set_index, s.set_type, s.load_kg, s.reps, s.rpe) for s in parsed.sets] == [
        (2, 0, SetType.WARM_UP, Decimal("60.000"), 10, None),
        (3, 1, SetType.WORKING, Decimal("100.000"), 5, Decimal(8)),
        (4, 2, SetType.DROP, Decimal("80.000"), 8, None),
    ]
    first = parsed.sets[0]
    assert (first.started_at, first.ended_at) == (
        datetime(2025, 7, 26, 7, 6, tzinfo=UTC),
        datetime(2025, 7, 26, 8, 11, tzinfo=UTC),
    )
    assert parsed.skipped == (RowError(5, "not a strength set (no reps)"),)
    assert parsed.errors == (
        RowError(6, "set_type must be normal, warmup, dropset or failure, got 'superset'"),
        RowError(7, "start_time is not a date and time this format uses: 'yesterday'"),
    )


def test_hevy_in_pounds_and_absurd_loads() -> None:
    text = HEVY_KG.replace('"weight_kg"', '"weight_lbs"').replace(",100,5,", ",2300,5,")
    parsed = parse_history(text, fmt=HistoryFormat.HEVY, tz=UTC)
    assert parsed.sets[0].load_kg == Decimal("27.216")  # 60 lb
    assert RowError(3, "weight_lbs must be at most 1000 kg, got 2300 lb") in parsed.errors


def test_a_header_without_the_formats_columns_is_one_error_on_line_1() -> None:
    parsed = parse_history(HEVY_KG, fmt=HistoryFormat.STRONG, unit=Unit.KG, tz=UTC)
    assert parsed.sets == ()
    assert parsed.errors == (
        RowError(
            1,
            "The header lacks the Strong column(s) Date, Workout Name, Exercise Name, Set Order, Weight, "
            "Reps.",
        ),
    )
    assert parse_history("", fmt=HistoryFormat.HEVY, tz=UTC).errors == (RowError(1, "The file is empty."),)


def test_rows_with_the_wrong_number_of_cells_and_broken_quoting() -> None:
    text = STRONG_LEGACY.splitlines()[0] + "\n2024-08-05;Legs;Squat;1;100\n" + '2024-08-05;"Legs;Squat\n'
    parsed = parse_history(text, fmt=HistoryFormat.STRONG, unit=Unit.KG, tz=UTC)
    assert parsed.errors[0] == RowError(2, "expected 14 cells, found 5")
    assert parsed.errors[1].line == 3
    assert parsed.errors[1].message.startswith("the file is not valid CSV from here on")
