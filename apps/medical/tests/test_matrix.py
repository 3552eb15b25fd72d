"""Who sees what inside one gym (SECURITY.md 2 and 4): role x action x owner, per route.

The record belongs to ``member`` (coached by ``trainer``). Every other person of gym A tries
every operation on it; a second table repeats it once the member has consented to the
clinician and to the trainer.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.medical.tests.helpers import ALL_NO, grant_consent, screening_body
from conftest import body

pytestmark = pytest.mark.django_db

ROLES = ["member", "member2", "trainer", "trainer2", "clinician", "owner", "admin"]


def _operations(gym: Any) -> dict[str, tuple[str, str, dict[str, Any] | None]]:
    m = f"/api/v1/medical/members/{gym.people['member'].id}"
    later = (timezone.now() + timedelta(days=30)).isoformat()
    return {
        "summary": ("GET", f"{m}/summary/", None),
        "record": ("GET", f"{m}/record/", None),
        "conditions.list": ("GET", f"{m}/conditions/", None),
        "conditions.add": ("POST", f"{m}/conditions/", {"description": "Asthma"}),
        "medications.list": ("GET", f"{m}/medications/", None),
        "restrictions.list": ("GET", f"{m}/restrictions/", None),
        "restrictions.add": (
            "POST",
            f"{m}/restrictions/",
            {"region": "knee", "avoid": ["jump"], "action": "exclude", "severity": "mild"},
        ),
        "clearances.list": ("GET", f"{m}/clearances/", None),
        "clearances.add": ("POST", f"{m}/clearances/", {"decision": "cleared", "expires_at": later}),
    }


# Expected status per role, in the order of ``_operations``.
WITHOUT_CONSENT = {
    "member": [200, 200, 200, 201, 200, 200, 201, 200, 403],
    "member2": [404] * 9,
    "trainer": [200, 403, 403, 403, 403, 200, 403, 403, 403],
    "trainer2": [404] * 9,
    "clinician": [404] * 9,
    "owner": [403] * 9,
    "admin": [403] * 9,
}
WITH_CONSENT = {
    **WITHOUT_CONSENT,
    "trainer": [200, 200, 200, 403, 200, 200, 403, 200, 403],
    "clinician": [200, 200, 200, 201, 200, 200, 201, 200, 201],
}


def _run(gym: Any, api_for: Any, role: str) -> list[int]:
    client = api_for(gym, role)
    out = []
    for method, url, payload in _operations(gym).values():
        r = client.generic(
            method,
            url,
            data="" if payload is None else json.dumps(payload),
            content_type="application/json",
        )
        out.append(r.status_code)
        assert r["Cache-Control"] == "no-store, private, max-age=0", (role, url)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_without_consent(gym_a: Any, api_for: Any, role: str) -> None:
    assert (
        api_for(gym_a, "member")
        .post("/api/v1/medical/screenings/", screening_body(ALL_NO), format="json")
        .status_code
        == 201
    )
    assert _run(gym_a, api_for, role) == WITHOUT_CONSENT[role]


@pytest.mark.parametrize("role", ROLES)
def test_with_consent_to_the_trainer_and_the_clinician(gym_a: Any, api_for: Any, role: str) -> None:
    assert grant_consent(api_for, gym_a, kind="trainer", grantee="trainer").status_code == 201
    assert grant_consent(api_for, gym_a, kind="clinician", grantee="clinician").status_code == 201
    assert _run(gym_a, api_for, role) == WITH_CONSENT[role]


def test_summary_fields_per_audience(gym_a: Any, api_for: Any) -> None:
    member = gym_a.people["member"].id
    api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(ALL_NO), format="json")
    summary = body(api_for(gym_a, "trainer").get(f"/api/v1/medical/members/{member}/summary/"))
    assert sorted(summary) == ["clearance", "clearance_expires_at", "member_id", "restrictions"]
    record = body(api_for(gym_a, "member").get(f"/api/v1/medical/members/{member}/record/"))
    assert sorted(record) == [
        "access",
        "clearance",
        "clearance_expires_at",
        "clearances",
        "conditions",
        "injuries",
        "medications",
        "member_id",
        "restrictions",
        "screenings",
    ]


def test_clients_list_shows_summaries_of_coached_members_only(gym_a: Any, api_for: Any) -> None:
    rows = body(api_for(gym_a, "trainer").get("/api/v1/medical/clients/"))
    assert [(r["member_id"], r["clearance"], sorted(r)) for r in rows] == [
        (
            str(gym_a.people["member"].id),
            "unscreened",
            ["clearance", "clearance_expires_at", "full_name", "member_id", "restrictions"],
        )
    ]
    assert body(api_for(gym_a, "trainer2").get("/api/v1/medical/clients/")) == []
    assert body(api_for(gym_a, "clinician").get("/api/v1/medical/clients/")) == []
    assert api_for(gym_a, "member").get("/api/v1/medical/clients/").status_code == 403


def test_consents_are_the_callers_own(gym_a: Any, api_for: Any) -> None:
    consent = body(grant_consent(api_for, gym_a, kind="clinicians", grantee=None))["id"]
    assert body(api_for(gym_a, "member2").get("/api/v1/medical/consents/")) == []
    for role in ("member2", "clinician", "owner"):
        assert api_for(gym_a, role).delete(f"/api/v1/medical/consents/{consent}/").status_code == 404
    assert api_for(gym_a, "member").delete(f"/api/v1/medical/consents/{consent}/").status_code == 200


def test_unknown_region_or_pattern_lists_allowed_values(gym_a: Any, api_for: Any) -> None:
    member = gym_a.people["member"].id
    r = api_for(gym_a, "member").post(
        f"/api/v1/medical/members/{member}/restrictions/",
        {"region": "spleen", "avoid": ["cartwheel", "jump"], "action": "exclude", "severity": "mild"},
        format="json",
    )
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {
        "region": [
            "Unknown region. Allowed values: neck, shoulder, elbow, wrist, upper_back, lower_back, chest, "
            "abdomen, hip, knee, ankle."
        ],
        "avoid": [
            "Unknown pattern or position: cartwheel. Allowed values: squat, hinge, lunge, horizontal_push, "
            "vertical_push, horizontal_pull, vertical_pull, carry, rotation, core, isolation_upper, "
            "isolation_lower, jump, olympic, locomotion, stretch, overhead, deep_knee_flexion, "
            "loaded_spinal_flexion, axial_spinal_load, impact, inverted."
        ],
    }
    r = api_for(gym_a, "member").post(
        f"/api/v1/medical/members/{member}/restrictions/",
        {"region": "knee", "action": "cap_rpe", "severity": "mild"},
        format="json",
    )
    assert body(r)["error"]["fields"] == {"cap_rpe": ["An RPE cap is required when the action is cap_rpe."]}


def test_clinician_edits_a_rule_and_the_next_screening_follows_it(gym_a: Any, api_for: Any) -> None:
    clinician = api_for(gym_a, "clinician")
    rules = {r["key"]: r for r in body(clinician.get("/api/v1/medical/rules/"))}
    knee = rules["parq.g6.knee"]
    r = clinician.patch(f"/api/v1/medical/rules/{knee['id']}/", {"avoid": ["squat", "lunge"]}, format="json")
    assert r.status_code == 200, body(r)
    r = clinician.patch(f"/api/v1/medical/rules/{knee['id']}/", {"avoid": ["moonwalk"]}, format="json")
    assert r.status_code == 400
    assert api_for(gym_a, "trainer").get("/api/v1/medical/rules/").status_code == 403
    answers = {**ALL_NO, "g6": True, "g6_regions": ["knee"], **{f"f{i}": False for i in range(1, 11)}}
    r = api_for(gym_a, "member").post("/api/v1/medical/screenings/", screening_body(answers), format="json")
    assert [(x["region"], x["avoid"]) for x in body(r)["restrictions"]] == [("knee", ["lunge", "squat"])]


DOCUMENT = {
    # role: (download, upload, break-glass without a valid code)
    "member": (200, 403, 403),
    "member2": (404, 404, 403),
    "trainer": (403, 403, 403),
    "trainer2": (404, 404, 403),
    "clinician": (404, 404, 403),
    "owner": (403, 403, 403),
    "admin": (403, 403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_documents_and_break_glass(gym_a: Any, api_for: Any, in_gym: Any, role: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.medical import services
    from apps.medical.audit.api import system_meta
    from apps.medical.models import Clearance

    member = gym_a.people["member"].id
    with in_gym(gym_a):
        clearance = Clearance(
            member_id=member,
            clinician_id=gym_a.people["clinician"].id,
            decision="cleared",
            expires_at=timezone.now() + timedelta(days=30),
        )
        clearance.save()
        services.document_attach(
            clearance=clearance,
            data=b"%PDF-1.4 letter",
            filename="letter.pdf",
            declared_type="application/pdf",
            meta=system_meta(label="test"),
        )
    url = f"/api/v1/medical/members/{member}/clearances/{clearance.id}/document/"
    client = api_for(gym_a, role)
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 replaced", content_type="application/pdf")
    got = (
        client.get(url).status_code,
        client.put(url, {"file": upload}, format="multipart").status_code,
        client.post(
            f"/api/v1/medical/members/{member}/break-glass/",
            {"reason": "An emergency on the floor", "minutes": 5, "code": "000000"},
            format="json",
        ).status_code,
    )
    assert got == DOCUMENT[role]
    assert api_for(gym_a, "member").get(url).content == b"%PDF-1.4 letter"  # nothing replaced
