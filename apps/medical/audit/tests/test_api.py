"""The audit API: the compliance officer's view of the trail, the accounting of disclosures and
the designation of the compliance officer, under session and token authentication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from apps.medical.audit import api, services
from apps.medical.audit.models import AuditEntry, Disclosure
from conftest import login

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/audit/entries/"
DISCLOSURES = "/api/v1/audit/disclosures/"
OFFICER = "/api/v1/audit/compliance-officer/"


def _reads(gym, n: int, *, subject: str = "member", actor: str = "clinician") -> None:
    with schema_context(gym.schema_name):
        for i in range(n):
            api.access_record(
                actor_id=gym.people[actor].id,
                subject_id=gym.people[subject].id,
                object_type="medical.condition",
                object_id=str(i + 1),
                action="view",
                purpose="treatment",
            )


def _entries(gym, **filters):
    with schema_context(gym.schema_name):
        return list(AuditEntry.objects.filter(**filters).order_by("seq"))


def _token_client(gym, api_for, who: str) -> tuple[APIClient, str]:
    """A client using a personal API token made through the API (no session)."""
    made = api_for(gym, who).post("/api/v1/tokens/", {"name": "audit"}, format="json")
    assert made.status_code == 201, made.content
    return APIClient(HTTP_HOST=gym.host, HTTP_AUTHORIZATION=f"Bearer {made.json()['token']}"), made.json()[
        "id"
    ]


def test_the_owner_sees_the_trail_newest_first_and_the_visit_is_recorded(gym_a, api_for):
    _reads(gym_a, 3)
    response = api_for(gym_a, "owner").get(ENTRIES, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["count"] == 3
    assert [(e["seq"], e["object_id"], e["action"]) for e in body["results"]] == [
        (3, "3", "view"),
        (2, "2", "view"),
        (1, "1", "view"),
    ]
    assert body["results"][0]["actor_id"] == str(gym_a.people["clinician"].id)
    visit = _entries(gym_a, action="audit_view")
    assert [(e.actor_id, e.actor_label, e.via, e.purpose, e.ip_address, e.gym_id) for e in visit] == [
        (
            gym_a.people["owner"].id,
            gym_a.people["owner"].email,
            "session",
            "compliance",
            "192.0.2.10",
            gym_a.id,
        )
    ]
    assert visit[0].request_id == response["X-Request-ID"]


def test_filters_by_subject_actor_action_and_time(gym_a, api_for):
    _reads(gym_a, 2, subject="member", actor="clinician")
    _reads(gym_a, 1, subject="member2", actor="trainer")
    client = api_for(gym_a, "owner")

    def seqs(**query):
        response = client.get(ENTRIES, query)
        assert response.status_code == 200, response.content
        return [e["seq"] for e in response.json()["results"]]

    assert seqs(subject=str(gym_a.people["member2"].id)) == [3]
    assert seqs(actor=str(gym_a.people["clinician"].id)) == [2, 1]
    assert seqs(action="view", kind="access") == [3, 2, 1]
    assert seqs(action="export") == []
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    assert seqs(since=(now - hour).isoformat(), until=(now + hour).isoformat(), action="view") == [3, 2, 1]
    assert seqs(until=(now - hour).isoformat()) == []
    # Each earlier visit was recorded (this one after its page was read).
    assert seqs(action="audit_view") == [9, 8, 7, 6, 5, 4]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"subject": "not-a-uuid"}, {"subject": ["Must be a valid UUID."]}),
        ({"action": "peek"}, {"action": ['"peek" is not a valid choice.']}),
        (
            {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            {"until": ["Must be after since."]},
        ),
    ],
)
def test_bad_filters_are_a_precise_400(gym_a, api_for, query, fields):
    response = api_for(gym_a, "owner").get(ENTRIES, query)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    assert _entries(gym_a) == []


def test_the_trail_is_paginated_with_constant_queries(gym_a, api_for):
    client = api_for(gym_a, "owner")
    _reads(gym_a, 2)
    client.get(ENTRIES)  # warm caches (route, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ENTRIES).status_code == 200
    _reads(gym_a, 60)
    with CaptureQueriesContext(connection) as many:
        response = client.get(ENTRIES, {"page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    assert response.json()["count"] == 64
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("role", ["admin", "trainer", "trainer2", "clinician", "member"])
def test_only_compliance_officers_see_the_trail(gym_a, api_for, role):
    _reads(gym_a, 1)
    response = api_for(gym_a, role).get(ENTRIES)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Only the gym's owners and its designated compliance officer see the audit trail."
    )
    assert len(_entries(gym_a)) == 1


def test_a_token_names_its_owner_as_the_actor(gym_a, api_for):
    _reads(gym_a, 1)
    client, token_id = _token_client(gym_a, api_for, "owner")
    assert client.get(ENTRIES).status_code == 200
    (visit,) = _entries(gym_a, action="audit_view")
    assert (visit.actor_id, visit.via, visit.credential_id) == (
        gym_a.people["owner"].id,
        "token",
        token_id,
    )


def test_a_designated_officer_sees_the_trail_until_withdrawn(gym_a, api_for):
    owner = api_for(gym_a, "owner")
    clinician = api_for(gym_a, "clinician")
    response = owner.put(OFFICER, {"user_id": str(gym_a.people["clinician"].id)}, format="json")
    assert response.status_code == 200
    assert response.json()["officer"] == {
        "user_id": str(gym_a.people["clinician"].id),
        "full_name": "Clinician A",
        "email": gym_a.people["clinician"].email,
        "role": "clinician",
    }
    assert [o["email"] for o in response.json()["owners"]] == [gym_a.people["owner"].email]
    assert clinician.get(ENTRIES).status_code == 200
    assert api_for(gym_a, "member").get(OFFICER).json()["officer"]["email"] == gym_a.people["clinician"].email
    assert owner.put(OFFICER, {"user_id": None}, format="json").json()["officer"] is None
    assert clinician.get(ENTRIES).status_code == 403
    grants = _entries(gym_a, object_type="medical_audit.compliancedesignation")
    assert [(e.action, e.actor_id, e.detail) for e in grants] == [
        ("grant", gym_a.people["owner"].id, {"officer_id": str(gym_a.people["clinician"].id)}),
        ("revoke", gym_a.people["owner"].id, {"officer_id": None}),
    ]


def test_a_designated_officer_demoted_to_member_loses_the_trail(gym_a, api_for):
    """ADR 0019: the officer is an active admin or clinician; the designation alone is not enough."""
    owner = api_for(gym_a, "owner")
    clinician_id = str(gym_a.people["clinician"].id)
    assert owner.put(OFFICER, {"user_id": clinician_id}, format="json").status_code == 200
    clinician = api_for(gym_a, "clinician")
    page = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_a.people["clinician"].email)
    assert clinician.get(ENTRIES).status_code == 200
    assert page.get("/audit/").status_code == 200
    members = owner.get("/api/v1/members/", {"page_size": 100}).json()["results"]
    (membership,) = [m for m in members if str(m["user_id"]) == clinician_id]
    demoted = owner.patch(f"/api/v1/members/{membership['id']}/", {"role": "member"}, format="json")
    assert demoted.status_code == 200, demoted.content
    assert clinician.get(ENTRIES).status_code == 403
    assert page.get("/audit/").status_code == 403


@pytest.mark.parametrize(
    ("who", "target", "status", "body"),
    [
        ("admin", "clinician", 403, {"message": "Only owners designate the compliance officer."}),
        (
            "owner",
            "member",
            400,
            {"fields": {"user_id": ["Designate an active admin or clinician of this gym."]}},
        ),
        (
            "owner",
            "trainer",
            400,
            {"fields": {"user_id": ["Designate an active admin or clinician of this gym."]}},
        ),
    ],
)
def test_designation_is_refused(gym_a, world, api_for, who, target, status, body):
    response = api_for(gym_a, who).put(OFFICER, {"user_id": str(gym_a.people[target].id)}, format="json")
    assert response.status_code == status
    for key, value in body.items():
        assert response.json()["error"][key] == value
    assert api_for(gym_a, "owner").get(OFFICER).json()["officer"] is None


def test_a_person_of_another_gym_cannot_be_designated(gym_a, world, api_for):
    response = api_for(gym_a, "owner").put(
        OFFICER, {"user_id": str(world.b.people["clinician"].id)}, format="json"
    )
    assert response.status_code == 400


def _disclose(gym, api_for, *, member: str = "member", **extra):
    body = {
        "member_id": str(gym.people[member].id),
        "recipient": "City Physio",
        "description": "clearance letter",
        "purpose": "continuity of care",
        **extra,
    }
    return api_for(gym, "owner").post(DISCLOSURES, body, format="json")


def test_an_officer_records_a_disclosure_anchored_in_the_chain(gym_a, api_for):
    response = _disclose(gym_a, api_for, disclosed_at="2026-01-15T10:00:00Z")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("member_id", "disclosed_at", "recipient", "description", "purpose")} == {
        "member_id": str(gym_a.people["member"].id),
        "disclosed_at": "2026-01-15T10:00:00Z",
        "recipient": "City Physio",
        "description": "clearance letter",
        "purpose": "continuity of care",
    }
    (entry,) = _entries(gym_a, kind="disclosure")
    assert (entry.object_id, entry.subject_id, entry.actor_id) == (
        body["id"],
        gym_a.people["member"].id,
        gym_a.people["owner"].id,
    )


@pytest.mark.parametrize(
    ("extra", "fields"),
    [
        ({"recipient": "  "}, {"recipient": ["This field may not be blank."]}),
        (
            {"disclosed_at": "2999-01-01T00:00:00Z"},
            {"disclosed_at": ["A disclosure cannot be in the future."]},
        ),
        (
            {"member_id": "00000000-0000-0000-0000-000000000001"},
            {"member_id": ["Not an active member of this gym."]},
        ),
        ({"note": "x"}, {"note": ["Unknown or read-only field."]}),
    ],
)
def test_bad_disclosures_are_a_precise_400_and_write_nothing(gym_a, api_for, extra, fields):
    response = _disclose(gym_a, api_for, **extra)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    with schema_context(gym_a.schema_name):
        assert Disclosure.objects.count() == 0
    assert _entries(gym_a) == []


def test_a_member_reads_their_own_accounting_and_each_read_is_recorded(gym_a, api_for):
    for recipient in ("City Physio", "Insurer"):
        assert _disclose(gym_a, api_for, recipient=recipient).status_code == 201
    assert _disclose(gym_a, api_for, member="member2", recipient="Other").status_code == 201
    client, token_id = _token_client(gym_a, api_for, "member")
    response = client.get(DISCLOSURES)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert sorted(d["recipient"] for d in response.json()["results"]) == ["City Physio", "Insurer"]
    reads = _entries(gym_a, kind="access")
    assert (
        sorted((e.action, e.actor_id, e.subject_id, e.purpose, e.via) for e in reads)
        == [
            ("list", gym_a.people["member"].id, gym_a.people["member"].id, "self_access", "token"),
        ]
        * 2
    )
    assert {e.object_id for e in reads} == {d["id"] for d in response.json()["results"]}
    other = _entries(gym_a, kind="disclosure", subject_id=gym_a.people["member2"].id)[0].object_id
    assert client.get(f"{DISCLOSURES}{other}/").status_code == 404
    own = response.json()["results"][0]["id"]
    assert client.get(f"{DISCLOSURES}{own}/").status_code == 200
    assert [e.action for e in _entries(gym_a, kind="access")] == ["list", "list", "view"]
    assert {e.credential_id for e in _entries(gym_a, kind="access")} == {token_id}


def test_an_officer_filters_the_accounting_by_member(gym_a, api_for):
    _disclose(gym_a, api_for)
    _disclose(gym_a, api_for, member="member2", recipient="Other")
    response = api_for(gym_a, "owner").get(DISCLOSURES, {"member": str(gym_a.people["member2"].id)})
    assert [d["recipient"] for d in response.json()["results"]] == ["Other"]
    assert [e.purpose for e in _entries(gym_a, kind="access")] == ["compliance"]
    assert api_for(gym_a, "owner").get(DISCLOSURES, {"member": "nope"}).status_code == 400


@pytest.mark.parametrize("role", ["admin", "trainer", "clinician", "member"])
def test_only_officers_record_disclosures(gym_a, api_for, role):
    body = {"member_id": str(gym_a.people["member"].id), "recipient": "x", "description": "y", "purpose": "z"}
    response = api_for(gym_a, role).post(DISCLOSURES, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Only the gym's compliance officers record disclosures."


def test_the_accounting_covers_the_retention_window(gym_a, settings):
    now = datetime.now(UTC)
    member = gym_a.people["member"].id
    with schema_context(gym_a.schema_name):
        for years, recipient in ((7, "seven years ago"), (5, "five years ago"), (0, "today")):
            services.disclosure_record(
                actor_id=gym_a.people["owner"].id,
                subject_id=member,
                recipient=recipient,
                description="clearance letter",
                purpose="care",
                disclosed_at=now - timedelta(days=365 * years + 2),
            )
        six = [d.recipient for d in api.disclosures_of_member(subject_id=member)]
        settings.AUDIT_RETENTION_YEARS = 1
        one = [d.recipient for d in api.disclosures_of_member(subject_id=member)]
        assert Disclosure.objects.count() == 3
    assert six == ["today", "five years ago"]
    assert one == ["today"]


def test_entries_of_gym_b_never_show_on_gym_a(world, api_for):
    _reads(world.a, 1)
    _reads(world.b, 2)
    on_a = api_for(world.a, "owner").get(ENTRIES).json()
    on_b = api_for(world.b, "owner").get(ENTRIES).json()
    assert [(e["seq"], e["actor_id"]) for e in on_a["results"]] == [(1, str(world.a.people["clinician"].id))]
    assert [(e["seq"], e["actor_id"]) for e in on_b["results"]] == [
        (2, str(world.b.people["clinician"].id)),
        (1, str(world.b.people["clinician"].id)),
    ]
    b_subject = str(world.b.people["member"].id)
    assert api_for(world.a, "owner").get(ENTRIES, {"subject": b_subject}).json()["count"] == 0
