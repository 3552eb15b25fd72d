"""Swapping an exercise of a session for one of core's suggested substitutes."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from apps.workouts.models import SessionExercise
from apps.workouts.tests.live_factories import catalogue, linear_program
from conftest import GymFixture, body

pytestmark = pytest.mark.django_db


def test_swap_for_a_suggested_substitute_and_only_for_one(api_for: Any, gym_a: GymFixture) -> None:
    with schema_context(gym_a.schema_name):
        day = linear_program(gym_a.people["member"].id, catalogue("Barbell Squat"))
        bench = str(catalogue("Barbell Bench Press - Medium Grip").pk)
    client = api_for(gym_a, "member")
    session = body(client.post("/api/v1/workouts/sessions/", {"program_day": day.pk}, format="json"))
    entry = session["exercises"][0]["id"]
    base = f"/api/v1/workouts/sessions/{session['id']}/"

    suggested = body(client.get(f"{base}substitutes/", {"session_exercise": entry}))
    assert 1 <= len(suggested) <= 5
    assert all(s["reason"].startswith("Instead of Barbell Squat: ") for s in suggested)

    refused = client.post(f"{base}swap/", {"session_exercise": entry, "exercise": bench}, format="json")
    assert refused.status_code == 400
    assert body(refused)["error"]["fields"] == {"exercise": ["Not a suggested substitute for Barbell Squat."]}

    chosen = suggested[0]
    swapped = client.post(
        f"{base}swap/", {"session_exercise": entry, "exercise": chosen["exercise_id"]}, format="json"
    )
    assert swapped.status_code == 200
    assert (body(swapped)["exercise_name"], body(swapped)["swapped_from"]) == (
        chosen["name"],
        "Barbell Squat",
    )
    assert body(swapped)["swap_reason"] == chosen["reason"]
    assert body(swapped)["prescription"] == session["exercises"][0]["prescription"]
    with schema_context(gym_a.schema_name):
        row = SessionExercise.objects.get(pk=entry)
        assert row.swapped_from is not None
        assert (str(row.exercise_id), row.swapped_from.name) == (chosen["exercise_id"], "Barbell Squat")


def test_substitutes_of_someone_elses_session_are_not_found(api_for: Any, gym_a: GymFixture) -> None:
    session = body(api_for(gym_a, "member").post("/api/v1/workouts/sessions/", {}, format="json"))
    response = api_for(gym_a, "member2").get(
        f"/api/v1/workouts/sessions/{session['id']}/substitutes/", {"session_exercise": 1}
    )
    assert response.status_code == 404
