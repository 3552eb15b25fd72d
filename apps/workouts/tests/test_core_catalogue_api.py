"""The gym's own exercises, tag corrections, hide/rename overrides, set-up and profiles."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.workouts.models import Exercise
from apps.workouts.services.catalogue import catalogue_seed
from apps.workouts.tests.core_helpers import CURL, SQUAT

pytestmark = pytest.mark.django_db


def test_an_owner_adds_an_exercise_with_derived_tags(world, api_for):
    r = api_for(world.a, "owner").post(
        "/api/v1/exercises/",
        {
            "name": "Sled Push Squat",
            "category": "strongman",
            "equipment": "other",
            "mechanic": "compound",
            "primary_muscles": ["quadriceps"],
            "impact": "low",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["source"], body["slug"]) == ("gym", "gym-sled-push-squat")
    assert body["tags"]["patterns"] == ["squat"]
    assert body["tags"]["impact"] == "low"
    assert body["tags"]["edited"] == ["impact"]
    found = api_for(world.a, "member").get("/api/v1/exercises/", {"q": "sled push squat"}).json()["results"]
    assert body["id"] in [e["id"] for e in found]


def test_members_and_trainers_do_not_change_the_library(world, api_for):
    for who in ("member", "trainer"):
        r = api_for(world.a, who).patch(f"/api/v1/exercises/{SQUAT}/", {"joints": ["knee"]}, format="json")
        assert r.status_code == 403
        assert r.json()["error"]["message"] == "Only owners and admins change the gym's exercise library."


def test_a_corrected_tag_survives_reseeding_until_reset(world, api_for):
    owner = api_for(world.a, "owner")
    r = owner.patch(f"/api/v1/exercises/{SQUAT}/", {"joints": ["knee"]}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["tags"]["joints"], r.json()["tags"]["edited"]) == (["knee"], ["joints"])
    with schema_context(world.a.schema_name):
        catalogue_seed()
        assert Exercise.objects.get(pk=SQUAT).joints == ["knee"]
    r = owner.post(f"/api/v1/exercises/{SQUAT}/reset-tags/")
    assert (r.json()["tags"]["joints"], r.json()["tags"]["edited"]) == (["hip", "knee", "lower_back"], [])


def test_catalogue_facts_are_not_the_gyms_to_change(world, api_for):
    r = api_for(world.a, "owner").patch(f"/api/v1/exercises/{SQUAT}/", {"name": "Mine"}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["non_field_errors"] == [
        "A catalogue exercise's facts come from free-exercise-db; rename or hide it with an override."
    ]
    r = api_for(world.a, "owner").delete(f"/api/v1/exercises/{SQUAT}/")
    assert r.status_code == 400


def test_hide_and_rename(world, api_for):
    owner, member = api_for(world.a, "owner"), api_for(world.a, "member")
    r = owner.put(f"/api/v1/exercises/{CURL}/override/", {"name": "Standing curl"}, format="json")
    assert (r.json()["name"], r.json()["original_name"], r.json()["hidden"]) == (
        "Standing curl",
        "Barbell Curl",
        False,
    )
    assert member.get("/api/v1/exercises/", {"q": "standing curl"}).json()["results"][0]["id"] == CURL
    owner.put(f"/api/v1/exercises/{CURL}/override/", {"hidden": True}, format="json")
    assert member.get(f"/api/v1/exercises/{CURL}/").status_code == 404
    assert CURL not in {e["id"] for e in member.get("/api/v1/exercises/", {"q": "curl"}).json()["results"]}
    assert owner.get(f"/api/v1/exercises/{CURL}/").json()["hidden"] is True
    assert owner.delete(f"/api/v1/exercises/{CURL}/override/").status_code == 204
    assert member.get(f"/api/v1/exercises/{CURL}/").json()["name"] == "Barbell Curl"


def test_the_gyms_equipment_filters_what_members_are_offered(world, api_for):
    owner = api_for(world.a, "owner")
    r = owner.patch("/api/v1/training/setup/", {"available_equipment": ["dumbbell"]}, format="json")
    assert r.json()["available_equipment"] == ["dumbbell"]
    equipment = (
        api_for(world.a, "member").get("/api/v1/exercises/", {"page_size": 1}).json()["facets"]["equipment"]
    )
    assert set(equipment) == {"dumbbell", "body only", "none"}
    staff = owner.get("/api/v1/exercises/", {"page_size": 1}).json()
    assert staff["facets"]["equipment"]["barbell"] == 170


def test_set_up_validates_the_loading_with_the_engine(world, api_for):
    r = api_for(world.a, "owner").patch(
        "/api/v1/training/setup/",
        {"unit": "lb", "barbell_loading": {"kind": "plates", "unit": "lb", "bar": "-45", "plates": []}},
        format="json",
    )
    assert r.status_code == 400
    assert "barbell_loading" in r.json()["error"]["fields"]
    r = api_for(world.a, "member").patch("/api/v1/training/setup/", {"unit": "lb"}, format="json")
    assert r.status_code == 403


def test_members_set_their_own_unit_and_profile(world, api_for):
    client = api_for(world.a, "member")
    assert client.get("/api/v1/training/profile/").json()["unit"] == "kg"
    r = client.patch("/api/v1/training/profile/", {"unit": "lb", "days_per_week": 4}, format="json")
    assert (r.json()["unit"], r.json()["days_per_week"]) == ("lb", 4)
    r = client.patch(
        "/api/v1/training/profile/", {"days_per_week": 9, "e1rm_formula": "guess"}, format="json"
    )
    assert r.status_code == 400
    assert sorted(r.json()["error"]["fields"]) == ["days_per_week", "e1rm_formula"]
    assert api_for(world.a, "member2").get("/api/v1/training/profile/").json()["unit"] == "kg"


def test_a_trainer_sees_the_library_only_as_their_own_clients_see_it(world, api_for):
    member2 = str(world.a.people["member2"].id)
    assert api_for(world.a, "trainer").get("/api/v1/exercises/", {"member": member2}).status_code == 404
    member = str(world.a.people["member"].id)
    r = api_for(world.a, "trainer").get("/api/v1/exercises/", {"member": member, "page_size": 1})
    assert r.status_code == 200
    assert r.json()["excluded_by_restrictions"] == 0
