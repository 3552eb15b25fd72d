"""The compliance officer's audit page."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.medical.audit import api
from apps.medical.audit.models import AuditEntry
from conftest import login

pytestmark = pytest.mark.django_db


def _page_client(gym, who: str) -> Client:
    return login(Client(HTTP_HOST=gym.host), gym, gym.people[who].email)


def _read(gym, object_id: str) -> None:
    with schema_context(gym.schema_name):
        api.access_record(
            actor_id=gym.people["clinician"].id,
            subject_id=gym.people["member"].id,
            object_type="medical.condition",
            object_id=object_id,
            action="view",
            purpose="treatment",
        )


def test_the_owner_sees_entries_with_names_and_the_visit_is_recorded(gym_a):
    _read(gym_a, "condition-17")
    response = _page_client(gym_a, "owner").get("/audit/", {"subject": str(gym_a.people["member"].id)})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "medical.condition condition-17" in html
    assert "Member A" in html
    assert "Clinician A" in html
    with schema_context(gym_a.schema_name):
        visit = AuditEntry.objects.get(action="audit_view")
    assert (visit.actor_id, visit.subject_id, visit.detail) == (
        gym_a.people["owner"].id,
        gym_a.people["member"].id,
        {"actor": None, "page": 1},
    )


def test_bad_filters_show_errors_not_a_500(gym_a):
    response = _page_client(gym_a, "owner").get("/audit/", {"subject": "nope", "page": "x"})
    assert response.status_code == 200
    assert "Enter a valid UUID." in response.content.decode()


@pytest.mark.parametrize("role", ["admin", "trainer", "clinician", "member"])
def test_others_are_refused(gym_a, role):
    _read(gym_a, "1")
    response = _page_client(gym_a, role).get("/audit/")
    assert response.status_code == 403
    with schema_context(gym_a.schema_name):
        assert AuditEntry.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(gym_a):
    response = Client(HTTP_HOST=gym_a.host).get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_trail_of_gym_b_never_shows_on_gym_a(world):
    _read(world.b, "only-in-b")
    _read(world.a, "only-in-a")
    html = _page_client(world.a, "owner").get("/audit/").content.decode()
    assert "only-in-a" in html
    assert "only-in-b" not in html
    body = _page_client(world.b, "owner").get("/audit/").content.decode()
    assert "only-in-b" in body
    assert "only-in-a" not in body
