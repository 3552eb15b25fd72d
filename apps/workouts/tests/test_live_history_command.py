"""The workouts_history management command."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.workouts.tests.test_live_importers import STRONG_LEGACY
from conftest import GymFixture

pytestmark = pytest.mark.django_db


def test_import_then_export(gym_a: GymFixture, tmp_path: Path) -> None:
    source = tmp_path / "strong.csv"
    source.write_text(STRONG_LEGACY)
    member = gym_a.people["member"].email
    err = StringIO()
    with pytest.raises(CommandError, match=r"Nothing was imported\."):
        call_command(
            "workouts_history",
            "import",
            "--host",
            gym_a.host,
            "--member",
            member,
            "--format",
            "strong",
            "--file",
            str(source),
            stderr=err,
        )
    assert err.getvalue().splitlines() == ["line 4: Reps must be from 0 to 100, got 150"]

    out, err = StringIO(), StringIO()
    call_command(
        "workouts_history",
        "import",
        "--host",
        gym_a.host,
        "--member",
        member,
        "--format",
        "strong",
        "--file",
        str(source),
        "--mode",
        "good_rows",
        stdout=out,
        stderr=err,
    )
    assert out.getvalue().strip() == "Imported 2 sets in 1 sessions; 1 bad rows, 1 rows skipped."
    assert err.getvalue().splitlines() == ["line 4: Reps must be from 0 to 100, got 150"]

    target = tmp_path / "out.csv"
    call_command(
        "workouts_history",
        "export",
        "--host",
        gym_a.host,
        "--member",
        member,
        "--output",
        str(target),
        stdout=StringIO(),
    )
    rows = list(csv.DictReader(target.open()))
    assert [(r["exercise"], r["reps"], r["load_kg"]) for r in rows] == [
        ("Barbell Squat", "5", "100"),
        ("Barbell Squat", "4", "102.058"),
    ]


def test_refuses_strangers_and_unknown_hosts(gym_a: GymFixture, gym_b: GymFixture, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is not an active member of Alpha Barbell"):
        call_command(
            "workouts_history", "export", "--host", gym_a.host, "--member", gym_b.people["member"].email
        )
    with pytest.raises(CommandError, match=r"No gym is served at nowhere\.localhost"):
        call_command(
            "workouts_history", "export", "--host", "nowhere.localhost", "--member", "x@example.test"
        )
