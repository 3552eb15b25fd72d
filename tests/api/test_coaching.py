"""Coaching assignments and HIPAA mode: who may assign, who sees what, and the bad input."""

import pytest

from apps.organizations import selectors
from apps.organizations.facade.api import clients_of, coaches_of, is_coach_of, route_for_host
from apps.organizations.models import Gym, Membership
from apps.users.facade.contracts import SecurityEventKind
from apps.users.models import SecurityEvent

pytestmark = pytest.mark.django_db


def ids(rows):
    return {(r["trainer_id"], r["client_id"]) for r in rows}


def test_world_assignment_is_visible_to_the_facade(gym_a, gym_b):
    trainer, member = gym_a.people["trainer"].id, gym_a.people["member"].id
    assert is_coach_of(gym_id=gym_a.id, trainer_id=trainer, client_id=member)
    assert not is_coach_of(gym_id=gym_a.id, trainer_id=gym_a.people["trainer2"].id, client_id=member)
    assert not is_coach_of(gym_id=gym_b.id, trainer_id=trainer, client_id=member)
    assert clients_of(gym_id=gym_a.id, trainer_id=trainer) == [member]
    assert [c.trainer_id for c in coaches_of(gym_id=gym_a.id, client_id=member)] == [trainer]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", "all"),
        ("admin", "all"),
        ("trainer", "own"),
        ("trainer2", "none"),
        ("member", "own"),
        ("member2", "none"),
    ],
)
def test_who_sees_which_assignments(api_for, gym_a, role, expected):
    response = api_for(gym_a, role).get("/api/v1/coaching/")
    assert response.status_code == 200
    pair = (str(gym_a.people["trainer"].id), str(gym_a.people["member"].id))
    assert ids(response.json()["results"]) == (set() if expected == "none" else {pair})


def test_admin_assigns_and_unassigns_with_security_events(api_for, gym_a):
    client = api_for(gym_a, "admin")
    trainer2, member2 = gym_a.people["trainer2"].id, gym_a.people["member2"].id
    response = client.post(
        "/api/v1/coaching/", {"trainer_id": str(trainer2), "client_id": str(member2)}, format="json"
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["trainer_email"], row["client_email"]) == (
        gym_a.people["trainer2"].email,
        gym_a.people["member2"].email,
    )
    assert is_coach_of(gym_id=gym_a.id, trainer_id=trainer2, client_id=member2)
    assert client.delete(f"/api/v1/coaching/{row['id']}/").status_code == 204
    assert not is_coach_of(gym_id=gym_a.id, trainer_id=trainer2, client_id=member2)
    kinds = list(
        SecurityEvent.objects.filter(subject_id=member2)
        .values_list("kind", flat=True)
        .order_by("occurred_at")
    )
    assert kinds[-2:] == [SecurityEventKind.COACH_ASSIGNED.value, SecurityEventKind.COACH_UNASSIGNED.value]


@pytest.mark.parametrize("role", ["trainer", "clinician", "member"])
def test_non_managers_cannot_assign(api_for, gym_a, role):
    body = {"trainer_id": str(gym_a.people["trainer2"].id), "client_id": str(gym_a.people["member2"].id)}
    response = api_for(gym_a, role).post("/api/v1/coaching/", body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("trainer", "client", "field"),
    [
        ("member", "member2", "trainer"),  # not a trainer
        ("trainer2", "trainer2", "client"),  # themselves
        ("trainer2", "gym-b-member", "client"),  # someone from the other gym
    ],
)
def test_bad_assignments_are_400_with_the_field(api_for, gym_a, gym_b, trainer, client, field):
    people = {**gym_a.people, "gym-b-member": gym_b.people["member"]}
    body = {"trainer_id": str(people[trainer].id), "client_id": str(people[client].id)}
    response = api_for(gym_a, "owner").post("/api/v1/coaching/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_removed_trainer_stops_coaching(gym_a):
    Membership.objects.filter(gym_id=gym_a.id, user_id=gym_a.people["trainer"].id).update(status="removed")
    assert not is_coach_of(
        gym_id=gym_a.id, trainer_id=gym_a.people["trainer"].id, client_id=gym_a.people["member"].id
    )
    assert selectors.coaching_of_gym(gym_id=gym_a.id).count() == 0


def test_other_gyms_assignment_is_404(api_for, gym_a, gym_b):
    other = selectors.coaching_of_gym(gym_id=gym_b.id).get()
    assert api_for(gym_a, "owner").get(f"/api/v1/coaching/{other.pk}/").status_code == 404
    assert api_for(gym_a, "owner").delete(f"/api/v1/coaching/{other.pk}/").status_code == 404


def test_hipaa_mode_needs_the_baa_and_an_owner(api_for, gym_a):
    assert (
        api_for(gym_a, "admin")
        .put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json")
        .status_code
        == 403
    )
    owner = api_for(gym_a, "owner")
    refused = owner.put("/api/v1/gym/hipaa/", {"enabled": True}, format="json")
    assert refused.status_code == 400
    assert "accept_baa" in refused.json()["error"]["fields"]
    before = route_for_host(host=gym_a.host)
    assert before is not None
    assert before.hipaa_mode is False
    response = owner.put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json")
    assert response.status_code == 200
    assert response.json()["hipaa_mode"] is True
    gym = Gym.objects.get(pk=gym_a.id)
    assert (gym.hipaa_mode, gym.baa_accepted_by) == (True, gym_a.people["owner"].id)
    route = route_for_host(host=gym_a.host)  # the cached route follows at once
    assert route is not None
    assert route.hipaa_mode is True
    assert api_for(gym_a, "admin").get("/api/v1/gym/hipaa/").json()["hipaa_mode"] is True
    assert api_for(gym_a, "member").get("/api/v1/gym/hipaa/").status_code == 403
