"""Today's workout, a session, a coach's live view and the progress page (server-rendered)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.workouts.models import WorkoutSession
from apps.workouts.tests.live_factories import catalogue
from conftest import GymFixture, body, login

pytestmark = pytest.mark.django_db


def chart_data(page: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found[1])


def page_client(gym: GymFixture, who: str) -> Client:
    return login(Client(HTTP_HOST=gym.host), gym, gym.people[who].email)


def test_today_starts_a_session_and_shows_the_logger(gym_a: GymFixture) -> None:
    client = page_client(gym_a, "member")
    empty = client.get("/workouts/today/")
    assert empty.status_code == 200
    assert 'data-testid="start-form"' in empty.content.decode()
    started = client.post("/workouts/sessions/start/", {"name": "Morning"})
    assert (started.status_code, started["Location"]) == (302, "/workouts/today/")
    page = client.get("/workouts/today/").content.decode()
    with schema_context(gym_a.schema_name):
        session = WorkoutSession.objects.get(member_id=gym_a.people["member"].id)
    assert f'data-session="{session.pk}"' in page
    assert f'data-live-member="{gym_a.people["member"].id}"' in page
    assert 'data-testid="log-form"' in page
    assert "Bar 20 kg, the gym's plates." in page
    assert "<script>" not in page  # CSP: script-src 'self', no inline scripts


def test_finishing_from_the_page(gym_a: GymFixture, api_for: Any) -> None:
    client = page_client(gym_a, "member")
    client.post("/workouts/sessions/start/", {})
    with schema_context(gym_a.schema_name):
        session = WorkoutSession.objects.get(member_id=gym_a.people["member"].id)
        squat = str(catalogue("Barbell Squat").pk)
    api = api_for(gym_a, "member")
    api.post(
        f"/api/v1/workouts/sessions/{session.pk}/sets/",
        {"id": str(uuid.uuid4()), "exercise": squat, "reps": 5, "load": "60"},
        format="json",
    )
    done = client.post(f"/workouts/sessions/{session.pk}/finish/")
    assert (done.status_code, done["Location"]) == (302, f"/workouts/sessions/{session.pk}/")
    page = client.get(f"/workouts/sessions/{session.pk}/").content.decode()
    assert "Finished" in page
    assert re.search(r"<th scope=\"row\">Barbell Squat</th><td>working</td><td>5</td><td>60 kg</td>", page)


def test_coach_watch_page_and_who_gets_404(gym_a: GymFixture, api_for: Any) -> None:
    member = gym_a.people["member"].id
    session = body(
        api_for(gym_a, "member").post("/api/v1/workouts/sessions/", {"name": "Pull"}, format="json")
    )
    coach = page_client(gym_a, "trainer").get(f"/workouts/members/{member}/live/")
    assert coach.status_code == 200
    assert "data-live-any-session" in coach.content.decode()
    assert "Pull" in coach.content.decode()
    for who in ("trainer2", "member2", "clinician"):
        client = page_client(gym_a, who)
        assert client.get(f"/workouts/members/{member}/live/").status_code == 404
        assert client.get(f"/workouts/sessions/{session['id']}/").status_code == 404
        assert client.get("/workouts/progress/", {"member": member}).status_code == 404


def test_progress_page_carries_the_chart_data(gym_a: GymFixture, api_for: Any) -> None:
    api = api_for(gym_a, "member")
    session = body(api.post("/api/v1/workouts/sessions/", {}, format="json"))
    with schema_context(gym_a.schema_name):
        squat = str(catalogue("Barbell Squat").pk)
    for reps, load in ((5, "100"), (3, "110")):
        api.post(
            f"/api/v1/workouts/sessions/{session['id']}/sets/",
            {"id": str(uuid.uuid4()), "exercise": squat, "reps": reps, "load": load, "rir": "1"},
            format="json",
        )
    page = page_client(gym_a, "member").get("/workouts/progress/").content.decode()
    trend = chart_data(page, "chart-e1rm")
    assert trend["unit"] == "kg"
    assert [p["y"] for p in trend["points"]] == [124.7]  # best of the day: 110 x (3 + 1 RIR) by Epley
    hard = chart_data(page, "chart-hard-sets")
    assert [(b["label"], b["value"], b["low"], b["high"]) for b in hard["bars"]] == [("quadriceps", 2, 8, 20)]
    assert 'data-chart="line"' in page
    assert "/static/workouts/charts.js" in page


def test_today_offers_a_swap_per_planned_exercise(gym_a: GymFixture) -> None:
    from apps.workouts.tests.live_factories import linear_program

    with schema_context(gym_a.schema_name):
        day = linear_program(gym_a.people["member"].id, catalogue("Barbell Squat"))
    client = page_client(gym_a, "member")
    client.post("/workouts/sessions/start/", {"program_day": day.pk})
    page = client.get("/workouts/today/").content.decode()
    with schema_context(gym_a.schema_name):
        entry = WorkoutSession.objects.get(member_id=gym_a.people["member"].id).exercises.get()
    assert f'data-swap="{entry.pk}"' in page
    assert (
        '<strong>Barbell Squat</strong>: <span class="muted-inline">5 @ 100 kg, 5 @ 100 kg, 5 @ 100 kg</span>'
        in page
    )
