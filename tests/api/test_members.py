"""Members and roles: who sees whom, who may change what, and the invariants that hold."""

import pytest

from apps.organizations.models import Membership
from apps.users.facade.contracts import SecurityEventKind
from apps.users.models import SecurityEvent, User

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "trainer", "clinician", "member"]


def members(client):
    response = client.get("/api/v1/members/")
    assert response.status_code == 200
    return response.json()["results"]


def membership_id(gym, email):
    return str(Membership.objects.get(gym_id=gym.id, user__email=email).pk)


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_managers_see_every_member_of_their_gym_only(api_for, gym_a, role):
    emails = {m["email"] for m in members(api_for(gym_a, role))}
    assert emails == {p.email for p in gym_a.people.values()} | {"both@example.test"}


@pytest.mark.parametrize("role", ["trainer", "clinician", "member"])
def test_others_see_only_themselves(api_for, gym_a, role):
    rows = members(api_for(gym_a, role))
    assert [r["email"] for r in rows] == [gym_a.people[role].email]
    owner_id = membership_id(gym_a, gym_a.people["owner"].email)
    assert api_for(gym_a, role).get(f"/api/v1/members/{owner_id}/").status_code == 404


def test_member_response_fields_are_minimal(api_for, gym_a):
    row = members(api_for(gym_a, "member"))[0]
    assert set(row) == {"id", "user_id", "email", "full_name", "role", "status", "joined_at"}


def test_filter_search_and_ordering(api_for, gym_a):
    client = api_for(gym_a, "owner")
    trainers = client.get("/api/v1/members/?role=trainer").json()["results"]
    assert {t["email"] for t in trainers} == {
        gym_a.people["trainer"].email,
        gym_a.people["trainer2"].email,
        "both@example.test",
    }
    found = client.get("/api/v1/members/?search=clinician-a").json()["results"]
    assert [f["email"] for f in found] == [gym_a.people["clinician"].email]
    bad = client.get("/api/v1/members/?role=wizard")
    assert bad.status_code == 400
    assert "role" in bad.json()["error"]["fields"]


def test_add_existing_account_and_new_person(api_for, gym_a, gym_b):
    client = api_for(gym_a, "admin")
    existing = client.post(
        "/api/v1/members/", {"email": gym_b.people["member"].email, "role": "member"}, format="json"
    )
    assert existing.status_code == 201, existing.content
    assert existing.json()["user_id"] == str(gym_b.people["member"].id)
    new = client.post(
        "/api/v1/members/",
        {"email": "New.Person@Example.test", "role": "trainer", "full_name": "New Person"},
        format="json",
    )
    assert new.status_code == 201
    assert new.json()["email"] == "new.person@example.test"
    user = User.objects.get(email="new.person@example.test")
    assert not user.has_usable_password()
    again = client.post("/api/v1/members/", {"email": "new.person@example.test"}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["email"] == ["This person is already a member of this gym."]
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.MEMBERSHIP_ADDED.value, subject_id=user.pk
    ).exists()


@pytest.mark.parametrize("role", ["trainer", "clinician", "member"])
def test_non_managers_cannot_add_change_or_remove(api_for, gym_a, role):
    client = api_for(gym_a, role)
    target = membership_id(gym_a, gym_a.people[role].email)
    assert client.post("/api/v1/members/", {"email": "x@example.test"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/members/{target}/", {"role": "owner"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/members/{target}/").status_code == 403
    assert Membership.objects.get(pk=target).role == role


def test_admin_cannot_grant_or_touch_owner(api_for, gym_a):
    client = api_for(gym_a, "admin")
    member = membership_id(gym_a, gym_a.people["member"].email)
    owner = membership_id(gym_a, gym_a.people["owner"].email)
    promote = client.patch(f"/api/v1/members/{member}/", {"role": "owner"}, format="json")
    assert promote.status_code == 403
    assert promote.json()["error"]["message"] == "Only an owner can grant or change the owner role."
    assert client.delete(f"/api/v1/members/{owner}/").status_code == 403
    add_owner = client.post(
        "/api/v1/members/", {"email": "boss@example.test", "role": "owner"}, format="json"
    )
    assert add_owner.status_code == 403


def test_owner_changes_roles_and_it_is_recorded(api_for, gym_a):
    client = api_for(gym_a, "owner")
    target = membership_id(gym_a, gym_a.people["member"].email)
    response = client.patch(f"/api/v1/members/{target}/", {"role": "trainer"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "trainer"
    event = SecurityEvent.objects.get(
        kind=SecurityEventKind.ROLE_CHANGED.value, subject_id=gym_a.people["member"].id
    )
    assert event.detail == {
        "from": {"role": "member", "status": "active"},
        "to": {"role": "trainer", "status": "active"},
    }
    assert event.actor_id == gym_a.people["owner"].id


def test_last_owner_cannot_leave_or_be_demoted(api_for, gym_a):
    client = api_for(gym_a, "owner")
    owner = membership_id(gym_a, gym_a.people["owner"].email)
    demote = client.patch(f"/api/v1/members/{owner}/", {"role": "admin"}, format="json")
    assert demote.status_code == 400
    assert demote.json()["error"]["fields"]["role"] == ["A gym needs at least one active owner."]
    assert client.delete(f"/api/v1/members/{owner}/").status_code == 400
    second = membership_id(gym_a, gym_a.people["admin"].email)
    assert client.patch(f"/api/v1/members/{second}/", {"role": "owner"}, format="json").status_code == 200
    assert client.patch(f"/api/v1/members/{owner}/", {"role": "admin"}, format="json").status_code == 200


def test_suspended_member_is_locked_out_of_the_gym(api_for, gym_a):
    target = membership_id(gym_a, gym_a.people["member"].email)
    owner = api_for(gym_a, "owner")
    assert (
        owner.patch(f"/api/v1/members/{target}/", {"status": "suspended"}, format="json").status_code == 200
    )
    assert api_for(gym_a, "member").get("/api/v1/me/").status_code == 404
    assert owner.patch(f"/api/v1/members/{target}/", {"status": "active"}, format="json").status_code == 200
    assert api_for(gym_a, "member").get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "non_field_errors", "Send role and/or status."),
        ({"role": "wizard"}, "role", '"wizard" is not a valid choice.'),
        ({"status": "removed"}, "status", '"removed" is not a valid choice.'),
        ({"gym": 2}, "gym", "Unknown or read-only field."),
        ({"user_id": "00000000-0000-0000-0000-000000000000"}, "user_id", "Unknown or read-only field."),
    ],
)
def test_patch_bad_input(api_for, gym_a, payload, field, message):
    target = membership_id(gym_a, gym_a.people["member"].email)
    response = api_for(gym_a, "owner").patch(f"/api/v1/members/{target}/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]


def test_patch_with_a_json_list_is_a_clear_400(api_for, gym_a):
    target = membership_id(gym_a, gym_a.people["member"].email)
    response = api_for(gym_a, "owner").patch(f"/api/v1/members/{target}/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"non_field_errors": ["Expected a JSON object."]}


def test_my_memberships_across_gyms(api_for, gym_a):
    rows = api_for(gym_a, "both@example.test").get("/api/v1/me/memberships/").json()["results"]
    assert sorted((r["gym_subdomain"], r["role"]) for r in rows) == [
        ("gym-a", "trainer"),
        ("gym-b", "member"),
    ]


def test_gym_profile_by_role(api_for, gym_a):
    member_view = api_for(gym_a, "member").get("/api/v1/gym/").json()
    assert "cors_allowed_origins" not in member_view
    assert member_view["name"] == "Alpha Barbell"
    denied = api_for(gym_a, "member").patch("/api/v1/gym/", {"name": "Hacked"}, format="json")
    assert denied.status_code == 403
    owner = api_for(gym_a, "owner")
    changed = owner.patch(
        "/api/v1/gym/",
        {
            "name": "Alpha Barbell Club",
            "brand_colour": "#aa3300",
            "cors_allowed_origins": ["https://app.alpha.example"],
        },
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["name"] == "Alpha Barbell Club"
    assert changed.json()["cors_allowed_origins"] == ["https://app.alpha.example"]
    # The cached route was refreshed: pages show the new name at once.
    assert api_for(gym_a, "member").get("/api/v1/gym/").json()["name"] == "Alpha Barbell Club"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"brand_colour": "red"}, "brand_colour"),
        ({"cors_allowed_origins": ["not a url"]}, "cors_allowed_origins"),
        ({"cors_allowed_origins": ["https://x.example/path"]}, "cors_allowed_origins"),
        ({"name": ""}, "name"),
        ({"plan": "enterprise"}, "plan"),
        ({"subdomain": "stolen"}, "subdomain"),
    ],
)
def test_gym_profile_bad_input(api_for, gym_a, payload, field):
    response = api_for(gym_a, "owner").patch("/api/v1/gym/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_admin_cannot_bring_back_a_former_owner(api_for, gym_a):
    owner = api_for(gym_a, "owner")
    second_owner = membership_id(gym_a, gym_a.people["trainer"].email)
    assert (
        owner.patch(f"/api/v1/members/{second_owner}/", {"role": "owner"}, format="json").status_code == 200
    )
    assert (
        owner.patch(f"/api/v1/members/{second_owner}/", {"status": "suspended"}, format="json").status_code
        == 200
    )
    admin = api_for(gym_a, "admin")
    back = admin.post(
        "/api/v1/members/", {"email": gym_a.people["trainer"].email, "role": "admin"}, format="json"
    )
    assert back.status_code == 403
    assert back.json()["error"]["message"] == "Only an owner can bring back a former owner."
    assert Membership.objects.get(pk=second_owner).status == "suspended"


def test_a_refused_addition_creates_no_account(api_for, gym_a):
    response = api_for(gym_a, "admin").post(
        "/api/v1/members/", {"email": "would-be-owner@example.test", "role": "owner"}, format="json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="would-be-owner@example.test").exists()
