"""Recommended drafts: deterministic, explained, shaped by the inputs and the gym's equipment."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.workouts.services import recommendations as rec
from apps.workouts.services.catalogue import catalogue_id, setup_update
from apps.workouts.tests.core_helpers import BENCH, SQUAT

pytestmark = pytest.mark.django_db


def test_splits_and_session_sizes():
    assert rec.split_for(2)[0] == "full_body"
    assert [d[0] for d in rec.split_for(4)[1]] == ["Upper A", "Lower A", "Upper B", "Lower B"]
    assert [d[0] for d in rec.split_for(5)[1]] == ["Push", "Pull", "Legs", "Upper", "Lower"]
    assert [rec.exercises_per_session(m) for m in (20, 45, 60, 90, 180)] == [3, 4, 5, 8, 8]


def test_schemes_follow_goal_and_experience():
    main, acc = rec.NEEDS["squat"], rec.NEEDS["biceps"]
    assert rec.scheme_for("strength", "beginner", main)[0]["kind"] == "linear"
    assert rec.scheme_for("strength", "advanced", main)[0] == {
        "kind": "rpe",
        "sets": 3,
        "reps": 5,
        "target_rpe": "8",
        "small_step": "2.5",
        "big_step": "5",
        "rest_seconds": 180,
    }
    hyper = rec.scheme_for("hypertrophy", "beginner", main)[0]
    assert (hyper["kind"], hyper["rep_low"], hyper["rep_high"]) == ("double_progression", 8, 12)
    assert rec.scheme_for("strength", "beginner", acc)[0]["rep_low"] == 10


def test_the_same_inputs_give_the_same_explained_draft(world):
    inputs = rec.Inputs(
        member_id=world.a.people["member"].id,
        goal="strength",
        experience="beginner",
        days_per_week=3,
        session_minutes=45,
        weeks=2,
    )
    with schema_context(world.a.schema_name):
        from apps.common.tenancy import tenant_connection

        tenant_connection().tenant.id = world.a.id  # type: ignore[union-attr]
        one = rec.recommend(gym_id=world.a.id, inputs=inputs)
        two = rec.recommend(gym_id=world.a.id, inputs=inputs)
    assert one.data == two.data
    days = one.data["weeks"][0]["days"]
    assert [d["name"] for d in days] == ["Full body A", "Full body B", "Full body C"]
    assert [len(d["slots"]) for d in days] == [4, 4, 4]
    first = days[0]["slots"][0]["exercises"][0]
    # The barbell full squat is rated intermediate: a beginner gets the goblet squat.
    assert first["exercise_id"] == str(catalogue_id("Goblet_Squat"))
    assert first["exercise_id"] != SQUAT
    assert first["reason"] == (
        "A squat for the quadriceps, glutes: Goblet Squat (a staple of this movement); "
        "linear 3x5: a beginner adds load every session while all reps are made."
    )
    assert days[0]["slots"][1]["exercises"][0]["exercise_id"] == BENCH
    assert one.reasons[:3] == [
        "Goal strength, experience beginner.",
        "3 day(s) a week: full-body sessions train every movement each time.",
        "45-minute sessions: 4 exercises each.",
    ]
    assert len(one.data["weeks"]) == 2


def test_the_gyms_equipment_shapes_the_draft(world, api_for):
    with schema_context(world.a.schema_name):
        setup_update(actor_id=world.a.people["owner"].id, available_equipment=["dumbbell"])
    r = api_for(world.a, "trainer").post(
        "/api/v1/recommendations/",
        {"member_id": str(world.a.people["member"].id), "goal": "hypertrophy", "experience": "intermediate"},
        format="json",
    )
    assert r.status_code == 201, r.content
    draft = r.json()
    names = {
        e["exercise_name"] for d in draft["weeks"][0]["days"] for s in d["slots"] for e in s["exercises"]
    }
    assert "Barbell Full Squat" not in names
    assert "Dumbbell Bench Press" in names
    assert "Only equipment the gym has: dumbbell." in draft["reasons"]
    assert draft["deload"] == {"every_weeks": 4, "load_percent": "90", "sets_percent": "50"}


def test_only_the_members_managers_and_coach_ask_for_a_draft(world, api_for):
    body = {"member_id": str(world.a.people["member"].id)}
    assert (
        api_for(world.a, "trainer2").post("/api/v1/recommendations/", body, format="json").status_code == 403
    )
    assert api_for(world.a, "member").post("/api/v1/recommendations/", body, format="json").status_code == 403
    assert api_for(world.a, "admin").post("/api/v1/recommendations/", body, format="json").status_code == 201


def test_days_outside_1_to_6_are_400(world, api_for):
    r = api_for(world.a, "owner").post(
        "/api/v1/recommendations/",
        {"member_id": str(world.a.people["member"].id), "days_per_week": 7},
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["days_per_week"] == ["Ensure this value is less than or equal to 6."]


def test_a_trainer_reviews_edits_and_assigns_a_draft(world, api_for):
    trainer = api_for(world.a, "trainer")
    member = str(world.a.people["member"].id)
    draft = trainer.post(
        "/api/v1/recommendations/", {"member_id": member, "days_per_week": 2, "weeks": 1}, format="json"
    ).json()
    assert draft["status"] == "draft"
    assert api_for(world.a, "member").get(f"/api/v1/programs/{draft['id']}/").status_code == 404
    edited = {
        "name": "Reviewed",
        "reasons": draft["reasons"],
        "weeks": [
            {
                "days": [
                    {
                        "name": d["name"],
                        "slots": [
                            {
                                "exercises": [
                                    {k: e[k] for k in ("exercise_id", "progression_key", "scheme", "start")}
                                ]
                            }
                            for s in d["slots"][:2]
                            for e in s["exercises"]
                        ],
                    }
                    for d in draft["weeks"][0]["days"]
                ]
            }
        ],
    }
    r = trainer.put(f"/api/v1/programs/{draft['id']}/", edited, format="json")
    assert r.status_code == 200, r.content
    assert [len(d["slots"]) for d in r.json()["weeks"][0]["days"]] == [2, 2]
    r = trainer.post(f"/api/v1/programs/{draft['id']}/assign/", {"member_id": member}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["program"] == draft["id"]
    mine = api_for(world.a, "member").get(f"/api/v1/programs/{draft['id']}/").json()
    assert (mine["name"], mine["status"]) == ("Reviewed", "ready")
