"""Programs through the API: writing, validation, visibility, assignment, preview."""

from __future__ import annotations

import copy

import pytest
from django_tenants.utils import schema_context

from apps.workouts.models import PrescribedSet, Program, ProgramAssignment, SlotExercise
from apps.workouts.tests.core_helpers import BENCH, ROW, counted_queries, program

pytestmark = pytest.mark.django_db


def test_a_trainer_writes_a_template_with_a_superset(world, api_for):
    r = api_for(world.a, "trainer").post(
        "/api/v1/programs/", {**program(), "is_template": True}, format="json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["is_template"], body["member_id"], body["status"], body["unit"]) == (
        True,
        None,
        "ready",
        "kg",
    )
    day1, day2 = body["weeks"][0]["days"]
    squat = day1["slots"][0]["exercises"][0]
    assert squat["exercise_name"] == "Barbell Full Squat"
    assert squat["scheme"]["kind"] == "linear"
    assert [(x["reps_low"], x["load_basis"], x["load_value"]) for x in squat["sets"]] == [
        (5, "absolute", "100.000")
    ] * 3
    superset = day2["slots"][0]
    assert superset["superset"] is True
    assert [e["exercise_id"] for e in superset["exercises"]] == [BENCH, ROW]
    bench = superset["exercises"][0]
    assert bench["scheme"]["kind"] == "fixed"
    assert [(x["set_type"], x["reps_low"], x["reps_high"], x["rest_seconds"]) for x in bench["sets"]] == [
        ("warm_up", 5, 5, None),
        ("working", 8, 12, 90),
    ]
    assert superset["exercises"][1]["sets"][0]["load_basis"] == "rpe"


def test_a_member_cannot_write_programs(world, api_for):
    r = api_for(world.a, "member").post("/api/v1/programs/", program(), format="json")
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Only trainers, admins and owners write programs."


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("load_value", "-5", "weeks[0].days[1].slots[0].exercises[0].sets[1]",
         "Set: an absolute load must not be negative, got -5."),
        ("load_value", "1200", "weeks[0].days[1].slots[0].exercises[0].sets[1].load_value",
         "A load of 1200 kg is more than the 1000 kg limit."),
        ("reps_high", 101, "weeks[0].days[1].slots[0].exercises[0].sets[1]",
         "Set: a rep range needs 1 <= low <= high <= 100, got 8-101."),
    ],
)  # fmt: skip
def test_bad_sets_are_400_naming_the_path_and_nothing_is_written(world, api_for, path, value, field, message):
    body = program()
    body["weeks"][0]["days"][1]["slots"][0]["exercises"][0]["sets"][1][path] = value
    with schema_context(world.a.schema_name):
        before = Program.objects.count()
    r = api_for(world.a, "owner").post("/api/v1/programs/", body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["error"]["fields"][field] == [message]
    with schema_context(world.a.schema_name):
        assert Program.objects.count() == before


def test_rpe_outside_1_to_10_is_400(world, api_for):
    body = program()
    body["weeks"][0]["days"][1]["slots"][0]["exercises"][1]["sets"][0]["load_value"] = "11"
    r = api_for(world.a, "owner").post("/api/v1/programs/", body, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["weeks[0].days[1].slots[0].exercises[1].sets[0]"] == [
        "Set: RPE must be between 1 and 10, got 11."
    ]


def test_an_exercise_of_another_gym_is_400(world, api_for):
    from apps.workouts.models import Exercise

    with schema_context(world.b.schema_name):
        b_only = Exercise.objects.create(
            slug="gym-b-press", source="gym", name="B press", category="strength", level="beginner"
        )
    body = program()
    body["weeks"][0]["days"][0]["slots"][0]["exercises"][0]["exercise_id"] = str(b_only.id)
    r = api_for(world.a, "owner").post("/api/v1/programs/", body, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["weeks[0].days[0].slots[0].exercises[0].exercise_id"] == [
        f"No exercise '{b_only.id}' in this gym."
    ]


def test_a_bad_scheme_and_a_reused_key_are_named(world, api_for):
    body = program()
    body["weeks"][0]["days"][0]["slots"][0]["exercises"][0]["scheme"] = {"kind": "linear", "sets": "three"}
    body["weeks"][0]["days"][1]["slots"][0]["exercises"][1]["progression_key"] = "bench-3_4"
    body["weeks"][0]["days"][1]["slots"][0]["exercises"][0]["progression_key"] = "bench-3_4"
    r = api_for(world.a, "owner").post("/api/v1/programs/", body, format="json")
    fields = r.json()["error"]["fields"]
    assert fields["weeks[0].days[0].slots[0].exercises[0].scheme"] == [
        "Scheme.sets: expected an integer, got 'three'."
    ]
    assert fields["weeks[0].days[1].slots[0].exercises[1].progression_key"] == [
        "Progression key 'bench-3_4' already names another exercise."
    ]


def test_put_replaces_the_whole_program(world, api_for):
    client = api_for(world.a, "owner")
    pid = client.post("/api/v1/programs/", {**program(), "is_template": True}, format="json").json()["id"]
    smaller = copy.deepcopy(program("Just squats"))
    del smaller["weeks"][0]["days"][1]
    r = client.put(f"/api/v1/programs/{pid}/", smaller, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["name"] == "Just squats"
    assert [d["name"] for d in r.json()["weeks"][0]["days"]] == ["Squat day"]
    with schema_context(world.a.schema_name):
        assert SlotExercise.objects.filter(slot__day__week__program_id=pid).count() == 1
        assert PrescribedSet.objects.filter(slot_exercise__slot__day__week__program_id=pid).count() == 3


def test_preview_applies_linear_progression_week_by_week(world, api_for):
    client = api_for(world.a, "owner")
    pid = client.post("/api/v1/programs/", program(), format="json").json()["id"]
    r = client.get(f"/api/v1/programs/{pid}/preview/", {"weeks": 3})
    assert r.status_code == 200, r.content
    weeks = r.json()["weeks"]
    assert [w["week"] for w in weeks] == [1, 2, 3]
    squats = [w["days"][0]["items"][0] for w in weeks]
    assert [s["describe"] for s in squats] == [
        "5 @ 100 kg, 5 @ 100 kg, 5 @ 100 kg",
        "5 @ 102.5 kg, 5 @ 102.5 kg, 5 @ 102.5 kg",
        "5 @ 105 kg, 5 @ 105 kg, 5 @ 105 kg",
    ]
    assert squats[1]["change"] == "increase"
    assert "2.5" in squats[1]["reason"]
    upper = weeks[0]["days"][1]["items"]
    assert [(i["exercise"], i["superset"]) for i in upper] == [
        ("Barbell Bench Press - Medium Grip", True),
        ("Bent Over Barbell Row", True),
    ]


def test_preview_weeks_out_of_range_is_400(world, api_for):
    client = api_for(world.a, "owner")
    pid = client.post("/api/v1/programs/", program(), format="json").json()["id"]
    r = client.get(f"/api/v1/programs/{pid}/preview/", {"weeks": 53})
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["weeks"] == ["Ensure this value is less than or equal to 52."]


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("trainer", "member", 201),  # coaches member
        ("trainer", "member2", 403),  # coaches nobody else
        ("trainer2", "member", 403),  # coaches nobody
        ("admin", "member2", 201),
        ("owner", "member", 201),
        ("member", "member", 404),  # templates are not visible to members
        ("clinician", "member", 404),
    ],
)
def test_assignment_permissions(world, api_for, who, target, status):
    pid = (
        api_for(world.a, "owner")
        .post("/api/v1/programs/", {**program(), "is_template": True}, format="json")
        .json()["id"]
    )
    r = api_for(world.a, who).post(
        f"/api/v1/programs/{pid}/assign/", {"member_id": str(world.a.people[target].id)}, format="json"
    )
    assert r.status_code == status, r.content
    with schema_context(world.a.schema_name):
        copies = Program.objects.filter(template_id=pid, member_id=world.a.people[target].id).count()
    assert copies == (1 if status == 201 else 0)


def test_assigning_copies_the_template_and_ends_the_previous_assignment(world, api_for):
    client = api_for(world.a, "trainer")
    member = str(world.a.people["member"].id)
    first = client.post("/api/v1/programs/", {**program("One"), "is_template": True}, format="json").json()
    second = client.post("/api/v1/programs/", {**program("Two"), "is_template": True}, format="json").json()
    a1 = client.post(f"/api/v1/programs/{first['id']}/assign/", {"member_id": member}, format="json").json()
    a2 = client.post(f"/api/v1/programs/{second['id']}/assign/", {"member_id": member}, format="json").json()
    assert a1["program"] != first["id"]
    with schema_context(world.a.schema_name):
        assert ProgramAssignment.objects.get(pk=a1["id"]).active is False
        assert ProgramAssignment.objects.get(pk=a2["id"]).active is True
        copy_ = Program.objects.get(pk=a2["program"])
        assert (copy_.member_id, copy_.template_id, copy_.is_template) == (
            world.a.people["member"].id,
            None or copy_.template_id,
            False,
        )
        assert str(copy_.template_id) == second["id"]
    mine = api_for(world.a, "member").get("/api/v1/assignments/").json()["results"]
    assert [a["id"] for a in mine] == [a2["id"], a1["id"]]
    assert api_for(world.a, "member2").get("/api/v1/assignments/").json()["results"] == []


def test_assigning_to_someone_outside_the_gym_is_400(world, api_for):
    pid = api_for(world.a, "owner").post("/api/v1/programs/", program(), format="json").json()["id"]
    r = api_for(world.a, "owner").post(
        f"/api/v1/programs/{pid}/assign/", {"member_id": str(world.b.people["member"].id)}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["member_id"] == ["No active member with this id in this gym."]


def test_programs_are_visible_only_to_who_may_see_them(world, api_for):
    owner = api_for(world.a, "owner")
    member = str(world.a.people["member"].id)
    template = owner.post("/api/v1/programs/", {**program(), "is_template": True}, format="json").json()
    draft = owner.post(
        "/api/v1/programs/", {**program("Draft"), "member_id": member, "status": "draft"}, format="json"
    ).json()
    assert draft["status"] == "draft"
    ids = lambda who: {p["id"] for p in api_for(world.a, who).get("/api/v1/programs/").json()["results"]}  # noqa: E731
    assert {template["id"], draft["id"]} <= ids("trainer")
    assert draft["id"] not in ids("trainer2")
    assert ids("member") == set()  # drafts stay with staff; templates are not theirs
    assert api_for(world.a, "trainer2").get(f"/api/v1/programs/{draft['id']}/").status_code == 404
    assert api_for(world.a, "member2").get(f"/api/v1/programs/{draft['id']}/").status_code == 404


def test_program_and_assignment_lists_take_the_same_queries_whatever_their_length(world, api_for):
    owner = api_for(world.a, "owner")
    member = str(world.a.people["member"].id)
    first = owner.post("/api/v1/programs/", {**program("P0"), "is_template": True}, format="json").json()
    owner.post(f"/api/v1/programs/{first['id']}/assign/", {"member_id": member}, format="json")
    owner.get("/api/v1/programs/")  # sessions and caches warm
    with counted_queries() as one:
        assert owner.get("/api/v1/programs/").json()["count"] == 2
    with counted_queries() as one_assignment:
        assert owner.get("/api/v1/assignments/").json()["count"] == 1
    for i in range(1, 6):
        p = owner.post("/api/v1/programs/", {**program(f"P{i}"), "is_template": True}, format="json").json()
        owner.post(f"/api/v1/programs/{p['id']}/assign/", {"member_id": member}, format="json")
    with counted_queries() as many:
        assert owner.get("/api/v1/programs/").json()["count"] == 12
    with counted_queries() as many_assignments:
        assert owner.get("/api/v1/assignments/").json()["count"] == 6
    assert len(one) == len(many) > 0
    assert len(one_assignment) == len(many_assignments) > 0


def test_unknown_fields_are_named_at_every_level(world, api_for):
    body = program()
    body["colour"] = "red"
    body["weeks"][0]["days"][0]["slots"][0]["tempo"] = "3-1-1"
    r = api_for(world.a, "owner").post("/api/v1/programs/", body, format="json")
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert fields["colour"] == ["Unknown field."]
    assert fields["weeks[0].days[0].slots[0].tempo"] == ["Unknown field."]
