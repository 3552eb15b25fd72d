"""History import (all or nothing / good rows, line numbers, no duplicates) and CSV export,
through the API and the page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from apps.workouts.models import LoggedSet, PersonalRecord, WorkoutSession
from apps.workouts.tests.live_factories import profile
from apps.workouts.tests.test_live_importers import STRONG_LEGACY
from conftest import GymFixture, body, login

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/workouts/history/import/"
STRONG_WITH_UNKNOWN = (
    STRONG_LEGACY + '2024-08-05 18:02:11;"Legs";"Moon Walk (Barbell)";1;50;kg;5;;;;0;"";"";\n'
)


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")


def sets_of(gym: GymFixture, who: str) -> int:
    with schema_context(gym.schema_name):
        return LoggedSet.objects.filter(member_id=gym.people[who].id).count()


def test_all_or_nothing_reports_every_bad_row_and_writes_nothing(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    response = client.post(
        IMPORT, {"file": upload(STRONG_WITH_UNKNOWN), "format": "strong"}, format="multipart"
    )
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {
        "file": [
            "line 4: Reps must be from 0 to 100, got 150",
            "line 6: no exercise of this gym is called 'Moon Walk (Barbell)'",
        ]
    }
    assert sets_of(gym_a, "member") == 0


def test_good_rows_are_imported_bad_ones_reported_and_a_second_import_adds_nothing(
    api_for: Any, gym_a: GymFixture
) -> None:
    client = api_for(gym_a, "member")
    data = {"file": upload(STRONG_WITH_UNKNOWN), "format": "strong", "mode": "good_rows"}
    response = client.post(IMPORT, data, format="multipart")
    assert response.status_code == 201
    report = body(response)
    assert (report["imported_sets"], report["imported_sessions"]) == (2, 1)
    assert [e["line"] for e in report["errors"]] == [4, 6]
    assert report["skipped"] == [{"line": 5, "message": "not a strength set (distance or time only)"}]
    with schema_context(gym_a.schema_name):
        session = WorkoutSession.objects.get(member_id=gym_a.people["member"].id)
        assert (session.origin, session.status, session.name) == ("strong", "finished", "Legs")
        rows = list(LoggedSet.objects.filter(session=session).select_related("exercise").order_by("order"))
        assert [(r.exercise.name, str(r.load_kg), r.reps) for r in rows] == [
            ("Barbell Squat", "100.000", 5),
            ("Barbell Squat", "102.058", 4),
        ]
        # 100 x 5, then 102.058 x 4 at RPE 8.5 (5.5 reps to failure): both beat the e1RM before them.
        e1rms = PersonalRecord.objects.filter(member_id=gym_a.people["member"].id, kind="e1rm")
        assert sorted(str(r.value) for r in e1rms) == ["116.670", "120.770"]

    again = body(client.post(IMPORT, {**data, "file": upload(STRONG_WITH_UNKNOWN)}, format="multipart"))
    assert (again["imported_sets"], again["imported_sessions"]) == (0, 0)
    assert sets_of(gym_a, "member") == 2


def test_bad_parameters_and_files(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    wrong = client.post(IMPORT, {"file": upload(STRONG_LEGACY), "format": "fitbod"}, format="multipart")
    assert body(wrong)["error"]["fields"] == {"format": ['"fitbod" is not a valid choice.']}
    zone = client.post(
        IMPORT,
        {"file": upload(STRONG_LEGACY), "format": "strong", "timezone": "Mars/Base"},
        format="multipart",
    )
    assert body(zone)["error"]["fields"] == {"timezone": ["Unknown time zone."]}
    binary = SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    assert body(client.post(IMPORT, {"file": binary, "format": "hevy"}, format="multipart"))["error"][
        "fields"
    ] == {"file": ["The file is not UTF-8 text."]}
    assert sets_of(gym_a, "member") == 0


def test_export_everything_in_the_members_unit(api_for: Any, gym_a: GymFixture) -> None:
    with schema_context(gym_a.schema_name):
        profile(gym_a.people["member"].id, unit="lb")
    client = api_for(gym_a, "member")
    data = {"file": upload(STRONG_LEGACY), "format": "strong", "mode": "good_rows"}
    assert client.post(IMPORT, data, format="multipart").status_code == 201
    response = client.get("/api/v1/workouts/history/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["exercise"], r["reps"], r["load"], r["unit"], r["load_kg"], r["rpe"]) for r in rows] == [
        ("Barbell Squat", "5", "220.46", "lb", "100", ""),
        ("Barbell Squat", "4", "225", "lb", "102.058", "8.5"),
    ]
    assert (
        api_for(gym_a, "trainer2")
        .get("/api/v1/workouts/history/export/", {"member": gym_a.people["member"].id})
        .status_code
        == 404
    )


def test_the_import_page_reports_bad_rows_by_line(gym_a: GymFixture) -> None:
    client = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_a.people["member"].email)
    page = client.post(
        "/workouts/history/",
        {"file": upload(STRONG_WITH_UNKNOWN), "format": "strong", "mode": "all_or_nothing"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "line 4: Reps must be from 0 to 100, got 150" in text
    assert "line 6: no exercise of this gym is called &#x27;Moon Walk (Barbell)&#x27;" in text
    ok = client.post(
        "/workouts/history/", {"file": upload(STRONG_LEGACY), "format": "strong", "mode": "good_rows"}
    )
    assert ok.status_code == 200
    assert "Imported 2 sets in 1 sessions." in ok.content.decode()
