"""The health pages: screening form, own record with consent and export, clients view."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.medical.audit.api import disclosures_of_member, entries_of_subject
from apps.medical.tests.helpers import ALL_NO
from conftest import PASSWORD, login

pytestmark = pytest.mark.django_db


def _page(gym: Any, who: str, *, mfa: bool = True) -> Client:
    return login(Client(HTTP_HOST=gym.host), gym, gym.people[who].email, mfa=mfa)


def _yes_no(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: ("yes" if v else "no") for k, v in answers.items() if isinstance(v, bool)}


def test_screening_form_renders_questions_from_data(gym_a: Any) -> None:
    r = _page(gym_a, "member").get("/health/screening/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('type="radio"') == 2 * (
        7 + 10 + 31 + 3 + 1
    )  # general, sections, their questions, delay, age
    assert 'name="g6_regions" value="knee"' in html
    assert r["Cache-Control"] == "no-store, private, max-age=0"


def test_screening_form_names_each_missing_answer_then_accepts(gym_a: Any, in_gym: Any) -> None:
    page = _page(gym_a, "member")
    form = {**_yes_no(ALL_NO), "signed_name": "Member A", "date_of_birth": "1990-01-01"}
    partial = {k: v for k, v in form.items() if k not in ("g2", "d1")}
    r = page.post("/health/screening/", partial)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'data-testid="error-g2"' in html
    assert 'data-testid="error-d1"' in html
    assert 'data-testid="error-g3"' not in html
    r = page.post("/health/screening/", form)
    assert r.status_code == 200
    assert "Outcome: <strong>Cleared</strong>" in r.content.decode()


def test_own_record_page_shows_values_and_logs_the_read(gym_a: Any, in_gym: Any) -> None:
    page = _page(gym_a, "member")
    page.post(
        "/health/screening/", {**_yes_no(ALL_NO), "signed_name": "Member A", "date_of_birth": "1990-01-01"}
    )
    r = page.get("/health/")
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store, private, max-age=0"
    assert 'data-testid="clearance">Cleared until' in r.content.decode()
    with in_gym(gym_a):
        views = [e for e in entries_of_subject(subject_id=gym_a.people["member"].id) if e.kind == "access"]
    assert [(e.object_type, e.action, e.purpose) for e in views] == [
        ("medical.screening", "view", "self_access")
    ]


def test_consent_granted_and_revoked_on_the_page(gym_a: Any) -> None:
    page = _page(gym_a, "member")
    trainer = gym_a.people["trainer"].id
    r = page.post(
        "/health/", {"action": "grant", "grantee_kind": "trainer", "grantee_id": str(trainer), "days": "7"}
    )
    assert r.status_code == 200
    assert 'data-testid="message">Consent granted.' in r.content.decode()
    r = page.post("/health/", {"action": "grant", "grantee_kind": "trainer", "grantee_id": "", "days": "7"})
    assert r.status_code == 400
    assert "Choose a trainer of this gym." in r.content.decode()


def test_export_page_asks_for_reauthentication(gym_a: Any) -> None:
    r = _page(gym_a, "member").get("/health/export.json")
    assert (r.status_code, r["Location"]) == (302, "/mfa/reauth/?next=/health/export.json")
    assert _page(gym_a, "member").get("/health/export.xml").status_code == 404


def test_clients_page_for_trainers_only(gym_a: Any) -> None:
    r = _page(gym_a, "trainer").get("/health/clients/")
    assert r.status_code == 200
    assert "Member A" in r.content.decode()
    assert _page(gym_a, "trainer2").get("/health/clients/").content.count(b'data-testid="no-clients"') == 1
    assert _page(gym_a, "member").get("/health/clients/").status_code == 404


def test_pages_show_hipaa_mode(gym_a: Any, api_for: Any) -> None:
    owner = api_for(gym_a, "owner")
    assert (
        owner.put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json").status_code
        == 200
    )
    html = _page(gym_a, "member").get("/health/").content.decode()
    assert "HIPAA mode is on: MFA for every staff role, consent for at most 90 days" in html


def test_export_from_the_page_and_the_api_is_recorded_alike(gym_a: Any, in_gym: Any) -> None:
    page = _page(gym_a, "member")
    page.post(
        "/health/screening/", {**_yes_no(ALL_NO), "signed_name": "Member A", "date_of_birth": "1990-01-01"}
    )
    reauth = page.post("/api/v1/auth/reauth/", {"password": PASSWORD}, content_type="application/json")
    assert reauth.status_code == 200

    def exports() -> list[tuple[str, str, str, str, str]]:
        with in_gym(gym_a):
            entries = entries_of_subject(subject_id=gym_a.people["member"].id)
        return [(e.kind, e.object_type, e.action, e.purpose, e.via) for e in entries if e.action == "export"]

    assert page.get("/health/export.json").status_code == 200
    from_page = exports()
    assert page.get("/api/v1/medical/me/export/json/").status_code == 200
    from_api = exports()[len(from_page) :]
    assert from_page == from_api == [("access", "medical.screening", "export", "self_access", "session")]
    with in_gym(gym_a):
        recipients = [d.recipient for d in disclosures_of_member(subject_id=gym_a.people["member"].id)]
    assert recipients.count("the member (own export)") == 2


def test_clients_page_and_api_list_the_same_clients(gym_a: Any, api_for: Any) -> None:
    assert "Member A" in _page(gym_a, "trainer").get("/health/clients/").content.decode()
    rows = api_for(gym_a, "trainer").get("/api/v1/medical/clients/").json()
    assert [r["full_name"] for r in rows] == ["Member A"]
