"""Sessions through the API: start, log sets (units, e1RM, records, refusals), finish with
progression, who may see and write whose training."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django_tenants.utils import schema_context

from apps.common.models import OutboxEvent
from apps.workouts.models import LoggedSet, PersonalRecord, ProgressionState, WorkoutSession
from apps.workouts.tests.live_factories import catalogue, gym_exercise, linear_program, profile
from conftest import GymFixture, body

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/workouts/sessions/"


def start(client: Any, **data: Any) -> dict[str, Any]:
    response = client.post(SESSIONS, data, format="json")
    assert response.status_code == 201, response.content
    return body(response)  # type: ignore[no-any-return]


def squat_id(gym: GymFixture) -> str:
    with schema_context(gym.schema_name):
        return str(catalogue("Barbell Squat").pk)


def log(client: Any, session_id: str, **data: Any) -> Any:
    return client.post(f"{SESSIONS}{session_id}/sets/", data, format="json")


def test_log_a_set_then_a_retry_returns_the_same_set(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    session = start(client, name="Legs")
    set_id = str(uuid.uuid4())
    first = log(client, session["id"], id=set_id, exercise=squat_id(gym_a), reps=5, load="100", rir="2")
    again = log(client, session["id"], id=set_id, exercise=squat_id(gym_a), reps=5, load="100", rir="2")

    assert first.status_code == 201
    assert again.status_code == 200
    assert body(first)["set"] == body(again)["set"]
    logged = body(first)["set"]
    assert (logged["reps"], logged["load"], logged["load_kg"], logged["unit"]) == (5, "100", "100", "kg")
    assert logged["e1rm_kg"] == "123.33"  # Epley with reps to failure 5 + 2 = 7: 100 x (1 + 7/30)
    assert body(again)["created"] is False
    assert body(again)["records"] == []
    with schema_context(gym_a.schema_name):
        assert LoggedSet.objects.filter(session_id=session["id"]).count() == 1


def test_first_set_sets_three_records_and_publishes_them(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    session = start(client)
    response = log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="100")
    records = {(r["kind"], r["reps"], r["value_kg"]) for r in body(response)["records"]}
    assert records == {("e1rm", None, "116.67"), ("rep_max", 5, "100"), ("volume", None, "500")}
    lighter = log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="90")
    assert body(lighter)["records"] == []
    with schema_context(gym_a.schema_name):
        assert PersonalRecord.objects.filter(member_id=gym_a.people["member"].id).count() == 3
    events = OutboxEvent.objects.filter(
        event_type="workouts.PersonalRecordSet", schema_name=gym_a.schema_name
    )
    assert sorted(e.payload["kind"] for e in events) == ["e1rm", "rep_max", "volume"]


def test_pounds_in_and_out_kilograms_stored(api_for: Any, gym_a: GymFixture) -> None:
    with schema_context(gym_a.schema_name):
        profile(gym_a.people["member"].id, unit="lb")
    client = api_for(gym_a, "member")
    session = start(client)
    response = log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="225")
    logged = body(response)["set"]
    assert (logged["load"], logged["unit"], logged["load_kg"]) == ("225", "lb", "102.058")
    in_kg = log(
        client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="100", unit="kg"
    )
    assert (body(in_kg)["set"]["load_kg"], body(in_kg)["set"]["load"]) == ("100", "220.46")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reps": 101}, "reps", "Reps must be from 0 to 100."),
        ({"reps": -1}, "reps", "Reps must be from 0 to 100."),
        ({"load": "1000.5"}, "load", "The load must be at most 1000 kg."),
        ({"load": "2205", "unit": "lb"}, "load", "The load must be at most 1000 kg."),
        ({"load": "-5"}, "load", "The load must not be negative."),
        ({"rpe": "10.5"}, "rpe", "RPE must be from 1 to 10."),
        ({"rpe": "0"}, "rpe", "RPE must be from 1 to 10."),
        ({"rir": "11"}, "rir", "RIR must be from 0 to 10."),
        ({"rir": "-1"}, "rir", "RIR must be from 0 to 10."),
        ({"rpe": "8", "rir": "2"}, "rir", "Log RPE or RIR, not both."),
        ({"exercise": str(uuid.uuid4())}, "exercise", "Unknown exercise."),
    ],
)
def test_absurd_values_are_refused_and_nothing_is_written(
    api_for: Any, gym_a: GymFixture, data: dict[str, Any], field: str, message: str
) -> None:
    client = api_for(gym_a, "member")
    session = start(client)
    payload = {"id": str(uuid.uuid4()), "exercise": squat_id(gym_a), "reps": 5, "load": "100", **data}
    response = log(client, session["id"], **payload)
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {field: [message]}
    with schema_context(gym_a.schema_name):
        assert not LoggedSet.objects.filter(session_id=session["id"]).exists()
        assert not PersonalRecord.objects.filter(member_id=gym_a.people["member"].id).exists()


def test_an_exercise_of_another_gym_is_unknown_here(
    api_for: Any, gym_a: GymFixture, gym_b: GymFixture
) -> None:
    with schema_context(gym_b.schema_name):
        only_in_b = str(gym_exercise("Beta Press").pk)
    client = api_for(gym_a, "member")
    session = start(client)
    response = log(client, session["id"], id=str(uuid.uuid4()), exercise=only_in_b, reps=5, load="100")
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {"exercise": ["Unknown exercise."]}


def test_no_sets_on_a_finished_session_but_a_retry_still_answers(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    session = start(client)
    set_id = str(uuid.uuid4())
    assert (
        log(client, session["id"], id=set_id, exercise=squat_id(gym_a), reps=5, load="60").status_code == 201
    )
    finished = client.post(f"{SESSIONS}{session['id']}/finish/")
    assert finished.status_code == 200
    assert (body(finished)["session"]["status"], body(finished)["session"]["set_count"]) == ("finished", 1)

    late = log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="60")
    assert late.status_code == 400
    assert body(late)["error"]["fields"] == {
        "session": ["This session is finished: no more sets can be logged."]
    }
    retry = log(client, session["id"], id=set_id, exercise=squat_id(gym_a), reps=5, load="60")
    assert retry.status_code == 200
    twice = client.post(f"{SESSIONS}{session['id']}/finish/")
    assert body(twice)["error"]["fields"] == {"session": ["This session is already finished."]}
    completed = OutboxEvent.objects.filter(
        event_type="workouts.WorkoutCompleted", schema_name=gym_a.schema_name
    )
    assert [(e.payload["session_id"], e.payload["sets"]) for e in completed] == [(session["id"], 1)]


def test_program_day_prescribes_and_finishing_progresses(api_for: Any, gym_a: GymFixture) -> None:
    member = gym_a.people["member"].id
    with schema_context(gym_a.schema_name):
        squat = catalogue("Barbell Squat")
        day = linear_program(member, squat, start_kg="100")
    client = api_for(gym_a, "member")
    session = start(client, program_day=day.pk)
    assert [(e["exercise_name"], e["prescription"]) for e in session["exercises"]] == [
        ("Barbell Squat", "5 @ 100 kg, 5 @ 100 kg, 5 @ 100 kg")
    ]
    entry = session["exercises"][0]["id"]
    for _ in range(3):
        response = log(
            client,
            session["id"],
            id=str(uuid.uuid4()),
            exercise=str(squat.pk),
            session_exercise=entry,
            reps=5,
            load="100",
        )
        assert (body(response)["set"]["prescribed_reps"], body(response)["set"]["prescribed_load_kg"]) == (
            5,
            "100",
        )
    finished = body(client.post(f"{SESSIONS}{session['id']}/finish/"))
    assert [(c["exercise_name"], c["change"]) for c in finished["changes"]] == [("Barbell Squat", "increase")]
    with schema_context(gym_a.schema_name):
        state = ProgressionState.objects.get(member_id=member, exercise=squat)
        assert state.state["load"] == "102.5"
        assert state.last_reason == finished["changes"][0]["reason"]
    following = start(client, program_day=day.pk)
    assert following["exercises"][0]["prescription"] == "5 @ 102.5 kg, 5 @ 102.5 kg, 5 @ 102.5 kg"


def test_a_day_of_a_program_not_assigned_to_the_member_is_refused(api_for: Any, gym_a: GymFixture) -> None:
    with schema_context(gym_a.schema_name):
        day = linear_program(gym_a.people["member2"].id, catalogue("Barbell Squat"))
    response = api_for(gym_a, "member").post(SESSIONS, {"program_day": day.pk}, format="json")
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {
        "program_day": ["This day is not in the member's active program."]
    }


def test_coach_logs_for_their_client_others_see_nothing(api_for: Any, gym_a: GymFixture) -> None:
    member = str(gym_a.people["member"].id)
    coach = api_for(gym_a, "trainer")
    session = start(coach, member=member)
    assert session["member_id"] == member
    assert (
        log(
            coach, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=3, load="80"
        ).status_code
        == 201
    )
    assert api_for(gym_a, "owner").get(f"{SESSIONS}{session['id']}/").status_code == 200
    for who in ("trainer2", "member2", "clinician"):
        client = api_for(gym_a, who)
        assert client.get(f"{SESSIONS}{session['id']}/").status_code == 404
        assert client.get(SESSIONS, {"member": member}).status_code == 404
        refused = log(
            client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=3, load="80"
        )
        assert refused.status_code == 404
    with schema_context(gym_a.schema_name):
        assert WorkoutSession.objects.get(pk=session["id"]).sets.count() == 1


def test_owners_and_admins_see_a_members_training_but_do_not_write_it(
    api_for: Any, gym_a: GymFixture
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.workouts.tests.test_live_importers import STRONG_LEGACY

    member = str(gym_a.people["member"].id)
    mine = start(api_for(gym_a, "member"), name="Legs")
    for who in ("owner", "admin"):
        client = api_for(gym_a, who)
        assert client.get(f"{SESSIONS}{mine['id']}/").status_code == 200
        assert client.post(SESSIONS, {"member": member}, format="json").status_code == 403
        refused = log(client, mine["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=3, load="80")
        assert refused.status_code == 403
        swap = {"session_exercise": 1, "exercise": squat_id(gym_a)}
        assert client.post(f"{SESSIONS}{mine['id']}/swap/", swap, format="json").status_code == 403
        assert client.post(f"{SESSIONS}{mine['id']}/finish/").status_code == 403
        csv = SimpleUploadedFile("export.csv", STRONG_LEGACY.encode(), content_type="text/csv")
        imported = client.post(
            "/api/v1/workouts/history/import/",
            {"file": csv, "format": "strong", "mode": "good_rows", "member": member},
            format="multipart",
        )
        assert imported.status_code == 403
    with schema_context(gym_a.schema_name):
        assert WorkoutSession.objects.filter(member_id=member).count() == 1
        assert WorkoutSession.objects.get(pk=mine["id"]).status == "in_progress"
        assert LoggedSet.objects.filter(member_id=member).count() == 0


def test_plate_calculator_uses_the_engine_breakdown(api_for: Any, gym_a: GymFixture) -> None:
    client = api_for(gym_a, "member")
    exact = body(client.get("/api/v1/workouts/plates/", {"load": "100"}))
    assert (exact["total"], exact["description"]) == ("100", "100 kg: bar 20 kg + per side 25 + 15")
    nearest = body(client.get("/api/v1/workouts/plates/", {"load": "101"}))
    assert nearest["total"] == "100"
    bad = client.get("/api/v1/workouts/plates/", {"load": "heavy"})
    assert bad.status_code == 400
    assert body(bad)["error"]["fields"] == {"load": ["Must be a number."]}


def test_lists_use_the_same_queries_whatever_the_page_size(api_for: Any, gym_a: GymFixture) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_for(gym_a, "member")
    for _ in range(3):
        session = start(client)
        for reps in (5, 6):
            log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=reps, load="50")
    counts = {}
    for path in (
        SESSIONS,
        "/api/v1/workouts/sets/",
        "/api/v1/workouts/records/",
        "/api/v1/workouts/progress/",
    ):
        for size in (1, 6):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {"page_size": size})
            assert response.status_code == 200
            counts[(path, size)] = len(queries)
    for path in (
        SESSIONS,
        "/api/v1/workouts/sets/",
        "/api/v1/workouts/records/",
        "/api/v1/workouts/progress/",
    ):
        assert counts[(path, 1)] == counts[(path, 6)], (path, counts)


def test_an_exercise_the_gym_hides_cannot_be_logged(api_for: Any, gym_a: GymFixture) -> None:
    from apps.workouts.models import ExerciseOverride

    with schema_context(gym_a.schema_name):
        ExerciseOverride.objects.create(exercise=catalogue("Barbell Squat"), hidden=True)
    client = api_for(gym_a, "member")
    session = start(client)
    response = log(client, session["id"], id=str(uuid.uuid4()), exercise=squat_id(gym_a), reps=5, load="100")
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {"exercise": ["This exercise is hidden in this gym."]}
