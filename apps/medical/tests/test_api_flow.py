"""Screening to restrictions, who sees what, consent, break-glass: through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.medical.tests.helpers import ALL_NO, KNEE_YES, grant_consent, screening_body
from conftest import body

pytestmark = pytest.mark.django_db


def test_all_no_screening_clears(gym_a: Any, api_for: Any) -> None:
    r = api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(ALL_NO), format="json")
    assert r.status_code == 201, body(r)
    got = body(r)
    assert (got["outcome"], got["clearance"], got["restrictions"], got["advice"]) == (
        "cleared",
        "cleared",
        [],
        [],
    )
    assert r["Cache-Control"] == "no-store, private, max-age=0"


def test_knee_yes_needs_clearance_with_rule_restriction(gym_a: Any, api_for: Any) -> None:
    r = api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(KNEE_YES), format="json")
    assert r.status_code == 201, body(r)
    got = body(r)
    assert (got["outcome"], got["clearance"]) == ("needs_clearance", "needs_clearance")
    assert [(x["region"], x["avoid"], x["action"], x["source"]) for x in got["restrictions"]] == [
        ("lower_back", ["axial_spinal_load", "loaded_spinal_flexion"], "require_clearance", "screening"),
        ("knee", ["deep_knee_flexion", "impact"], "require_clearance", "screening"),
    ]


def test_trainer_sees_summary_of_client_but_not_record(gym_a: Any, api_for: Any) -> None:
    api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(KNEE_YES), format="json")
    member = gym_a.people["member"].id
    trainer = api_for(gym_a, "trainer")
    r = trainer.get(f"/api/v1/medical/members/{member}/summary/")
    assert r.status_code == 200, body(r)
    assert sorted(body(r)) == ["clearance", "clearance_expires_at", "member_id", "restrictions"]
    assert body(r)["clearance"] == "needs_clearance"
    r = trainer.get(f"/api/v1/medical/members/{member}/record/")
    assert r.status_code == 403
    assert body(r)["error"]["message"] == (
        "Diagnoses, answers and medications are shown only with the member's consent to you."
    )


def test_consent_opens_record_to_named_trainer_until_revoked(gym_a: Any, api_for: Any) -> None:
    api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(KNEE_YES), format="json")
    member = gym_a.people["member"].id
    r = grant_consent(api_for, gym_a, kind="trainer", grantee="trainer")
    assert r.status_code == 201, body(r)
    consent_id = body(r)["id"]
    trainer = api_for(gym_a, "trainer")
    r = trainer.get(f"/api/v1/medical/members/{member}/record/")
    assert r.status_code == 200, body(r)
    assert body(r)["access"] == "consent"
    assert body(r)["screenings"][0]["answers"]["f1b"] is True
    r = api_for(gym_a, "member").delete(f"/api/v1/medical/consents/{consent_id}/")
    assert r.status_code == 200
    r = trainer.get(f"/api/v1/medical/members/{member}/record/")
    assert r.status_code == 403
    assert body(r)["error"]["message"].startswith("The member's consent to you revoked at ")


def test_owner_sees_no_health_values(gym_a: Any, api_for: Any) -> None:
    member = gym_a.people["member"].id
    for path in ("summary", "record", "conditions", "restrictions"):
        r = api_for(gym_a, "owner").get(f"/api/v1/medical/members/{member}/{path}/")
        assert r.status_code == 403, path
        assert body(r)["error"]["message"] == (
            "Owners and admins see no health values; in an emergency use break-glass access."
        )


def test_expired_consent_is_403_with_message(gym_a: Any, api_for: Any, monkeypatch: Any) -> None:
    grant_consent(api_for, gym_a, kind="clinicians", grantee=None, days=1)
    member = gym_a.people["member"].id
    clinician = api_for(gym_a, "clinician")
    assert clinician.get(f"/api/v1/medical/members/{member}/record/").status_code == 200
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr("apps.medical.clock.now", lambda: later)
    r = clinician.get(f"/api/v1/medical/members/{member}/record/")
    assert r.status_code == 403
    assert "consent to you expired at" in body(r)["error"]["message"]
