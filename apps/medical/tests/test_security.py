"""SECURITY.md 7-24 as they apply to the medical record: encryption at rest, no health value
in logs, access entries for reads, disclosures, break-glass, documents, export, key failures."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from apps.common.models import OutboxEvent
from apps.common.tenancy import current_schema
from apps.medical.audit.api import disclosures_of_member, entries_of_subject
from apps.medical.models import ClearanceDocument
from apps.medical.tests.helpers import KNEE_YES, grant_consent, screening_body
from apps.users.facade.testing import totp_code, totp_enrol
from conftest import PASSWORD, body, login

pytestmark = pytest.mark.django_db

PHI = {
    "name": "Quillon-Aster-Marrow",
    "condition": "Vexley-Syndrome-8812",
    "notes": "Notes-Harrowgate-2291",
    "injury": "Injury-Tarsal-Bramble-77",
    "medication": "Zorvimab-150mg-daily",
    "clearance": "Clearance-Letter-Umbrage-5",
    "reason": "Reason-Fennick-Collapse-31",
    "glass": "Glass-Reason-Oxbow-Arrest-9",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"Umbrage-Document-Bytes" * 4


def _clinician_with_consent(gym: Any, api_for: Any) -> Any:
    assert grant_consent(api_for, gym, kind="clinician", grantee="clinician").status_code == 201
    return api_for(gym, "clinician")


def _fill_record(gym: Any, api_for: Any) -> dict[str, Any]:
    """Every kind of health value, through the API, as the member and a consented clinician."""
    member = gym.people["member"].id
    m = f"/api/v1/medical/members/{member}"
    me = api_for(gym, "member")
    r = me.post(
        "/api/v1/medical/screenings/", screening_body(KNEE_YES, signed_name=PHI["name"]), format="json"
    )
    assert r.status_code == 201, body(r)
    assert (
        me.post(
            f"{m}/conditions/", {"description": PHI["condition"], "notes": PHI["notes"]}, format="json"
        ).status_code
        == 201
    )
    r = me.post(
        f"{m}/injuries/",
        {"region": "ankle", "severity": "mild", "onset": "2026-01-02", "notes": PHI["injury"]},
        format="json",
    )
    assert r.status_code == 201, body(r)
    assert me.post(f"{m}/medications/", {"text": PHI["medication"]}, format="json").status_code == 201
    clinician = _clinician_with_consent(gym, api_for)
    r = clinician.post(
        f"{m}/clearances/",
        {
            "decision": "cleared_with_restrictions",
            "text": PHI["clearance"],
            "expires_at": (timezone.now() + timedelta(days=90)).isoformat(),
            "restrictions": [
                {
                    "region": "knee",
                    "avoid": ["jump"],
                    "action": "exclude",
                    "severity": "moderate",
                    "reason": PHI["reason"],
                }
            ],
        },
        format="json",
    )
    assert r.status_code == 201, body(r)
    clearance = body(r)["id"]
    r = clinician.put(
        f"{m}/clearances/{clearance}/document/",
        {"file": _upload("letter.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert r.status_code == 201, body(r)
    return {"member": member, "clearance": clearance, "clinician": clinician, "me": me, "base": m}


def _upload(name: str, data: bytes, content_type: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = %s AND table_name LIKE 'medical%%'",
            [current_schema()],
        )
        return sorted(r[0] for r in cursor.fetchall())


def test_raw_sql_shows_no_plaintext_health_value(gym_a: Any, api_for: Any, in_gym: Any) -> None:
    _fill_record(gym_a, api_for)
    with in_gym(gym_a):
        tables = [t for t in _tables() if t not in ("medical_questionnaire", "medical_screeningrule")]
        assert "medical_screening" in tables
        assert "medical_clearancedocument" in tables
        dump: list[str] = []
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
                dump.extend(repr(row) for row in cursor.fetchall())
    text = "\n".join(dump)
    for value in PHI.values():
        if value != PHI["glass"]:
            assert value not in text, value
    assert "Umbrage-Document-Bytes" not in text
    assert base64.b64encode(PDF).decode()[:40] not in text
    assert '"g6_regions"' not in text
    assert '"f1b"' not in text


def test_no_health_value_in_logs_or_the_audit_trail(
    gym_a: Any, api_for: Any, in_gym: Any, caplog: Any, capfd: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    made = _fill_record(gym_a, api_for)
    m, me = made["base"], made["me"]
    grant_consent(api_for, gym_a, kind="trainer", grantee="trainer")
    for client in (me, made["clinician"], api_for(gym_a, "trainer")):
        assert client.get(f"{m}/record/").status_code == 200
    assert made["clinician"].get(f"{m}/clearances/{made['clearance']}/document/").status_code == 200
    assert me.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json").status_code == 200
    assert me.get("/api/v1/medical/me/export/json/").status_code == 200
    assert me.get("/api/v1/medical/me/export/pdf/").status_code == 200
    # The pages: the own record and a screening signed on the form.
    page = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_a.people["member"].email)
    assert page.get("/health/").status_code == 200
    form = {f"g{i}": "no" for i in range(1, 8)} | {"d1": "no", "d2": "no", "d3": "no"}
    page_post = page.post(
        "/health/screening/", {**form, "signed_name": PHI["name"], "date_of_birth": "1990-01-01"}
    )
    assert page_post.status_code == 200
    # Break-glass with a typed reason, and the record read under it.
    trainer2 = gym_a.people["trainer2"].id
    with in_gym(gym_a):
        totp_enrol(user_id=trainer2)
        code = totp_code(user_id=trainer2)
    glass = api_for(gym_a, "trainer2")
    assert (
        glass.post(
            f"{m}/break-glass/", {"reason": PHI["glass"], "minutes": 5, "code": code}, format="json"
        ).status_code
        == 201
    )
    assert glass.get(f"{m}/record/").status_code == 200
    # Bad input carrying a health value is refused without logging it.
    assert (
        me.post(
            f"{m}/injuries/", {"region": PHI["injury"], "severity": "x", "onset": "2026-01-01"}, format="json"
        ).status_code
        == 400
    )
    with in_gym(gym_a):
        trail_text = repr(entries_of_subject(subject_id=made["member"])) + repr(
            disclosures_of_member(subject_id=made["member"])
        )
    logged = "\n".join(repr(r.__dict__) for r in caplog.records) + "".join(capfd.readouterr())
    assert "/api/v1/medical/" in logged  # the access log did capture these requests
    for value in PHI.values():
        assert value not in logged, value
        assert value not in trail_text, value


def test_record_reads_write_access_entries_and_consented_views_are_disclosures(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    made = _fill_record(gym_a, api_for)
    member = made["member"]
    with in_gym(gym_a):
        before = len(entries_of_subject(subject_id=member, kind=None))
    r = made["clinician"].get(f"{made['base']}/record/")
    assert r.status_code == 200
    with in_gym(gym_a):
        new = entries_of_subject(subject_id=member)[before:]
        disclosures = disclosures_of_member(subject_id=member)
    clinician = gym_a.people["clinician"].id
    entries = [e for e in new if e.kind == "access"]
    assert [e.kind for e in new if e.kind != "access"] == ["disclosure"]
    # One entry per row: screening, condition, injury, medication, clearance, restriction, document.
    assert len(entries) == 7
    assert {(e.kind, e.action, e.purpose, e.actor_id) for e in entries} == {
        ("access", "view", "treatment", clinician)
    }
    assert {e.object_type for e in entries} == {
        "medical.screening",
        "medical.condition",
        "medical.injury",
        "medical.medication",
        "medical.clearance",
        "medical.restriction",
        "medical.clearancedocument",
    }
    assert [(d.recipient, d.purpose) for d in disclosures] == [(f"clinician {clinician}", "treatment")]


def test_document_round_trip_and_bad_documents(gym_a: Any, api_for: Any, in_gym: Any) -> None:
    made = _fill_record(gym_a, api_for)
    url = f"{made['base']}/clearances/{made['clearance']}/document/"
    clinician = made["clinician"]
    r = clinician.get(url)
    assert (r.status_code, r.content, r["Content-Type"], r["Cache-Control"]) == (
        200,
        PDF,
        "application/pdf",
        "no-store, private, max-age=0",
    )
    cases = [
        (
            _upload("notes.txt", b"plain text, not a document", "text/plain"),
            "Only PDF, PNG and JPEG documents are accepted.",
        ),
        (
            _upload("x.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "application/pdf"),
            "The file's content is image/png, not application/pdf.",
        ),
        (_upload("big.pdf", b"%PDF-" + b"0" * 2048, "application/pdf"), "The file is larger than 0 MB."),
        (_upload("empty.pdf", b"", "application/pdf"), "The file is empty."),
    ]
    with override_settings(MEDICAL_DOCUMENT_MAX_BYTES=1024):
        for upload, message in cases:
            r = clinician.put(url, {"file": upload}, format="multipart")
            assert r.status_code == 400, body(r)
            assert body(r)["error"]["fields"]["file"] == [message]
    assert clinician.get(url).content == PDF  # nothing lost


def test_tampered_document_is_409(gym_a: Any, api_for: Any, in_gym: Any) -> None:
    made = _fill_record(gym_a, api_for)
    url = f"{made['base']}/clearances/{made['clearance']}/document/"
    with in_gym(gym_a):
        doc = ClearanceDocument.objects.get(clearance_id=made["clearance"])
        # Bytes replaced through the application (validly encrypted), the recorded hash kept.
        doc.content = base64.b64encode(PDF.replace(b"Umbrage", b"Forgery")).decode()
        doc.save()
    r = made["clinician"].get(url)
    assert r.status_code == 409
    assert body(r)["error"]["code"] == "document_integrity_failed"
    with in_gym(gym_a), connection.cursor() as cursor:
        # Ciphertext edited in the database: the authentication tag fails.
        cursor.execute(
            "UPDATE medical_clearancedocument"
            " SET content = overlay(content placing 'AAAA' from 20 for 4), sha256 = %s",
            [hashlib.sha256(PDF).hexdigest()],
        )
    r = made["clinician"].get(url)
    assert r.status_code == 409
    assert b"Umbrage" not in r.content


def test_wrong_encryption_key_fails_closed(gym_a: Any, api_for: Any) -> None:
    made = _fill_record(gym_a, api_for)
    other = "test9:" + base64.b64encode(b"o" * 32).decode()
    with override_settings(ENCRYPTION_KEYS=other, ENCRYPTION_CURRENT_KEY=""):
        r = made["me"].get(f"{made['base']}/record/")
    assert r.status_code == 503
    assert body(r)["error"]["code"] == "decryption_failed"
    assert PHI["condition"] not in r.content.decode()
    assert "test1:" not in r.content.decode()  # no ciphertext either


def test_break_glass_mfa_alert_and_expiry(gym_a: Any, api_for: Any, in_gym: Any, frozen: Any) -> None:
    now = timezone.now()
    clock = frozen(now)
    member = gym_a.people["member"].id
    trainer2 = gym_a.people["trainer2"].id
    client = api_for(gym_a, "trainer2")
    url = f"/api/v1/medical/members/{member}"
    with in_gym(gym_a):
        totp_enrol(user_id=trainer2)
    assert client.get(f"{url}/record/").status_code == 404
    bad = {"reason": "Collapsed on the gym floor", "minutes": 30, "code": "000000"}
    with in_gym(gym_a):
        code = totp_code(user_id=trainer2)
    r = client.post(
        f"{url}/break-glass/", {**bad, "reason": "short", "minutes": 999, "code": code}, format="json"
    )
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {
        "reason": ["Type the reason for emergency access (at least 10 characters)."],
        "minutes": ["Emergency access lasts 1 to 240 minutes."],
    }
    r = client.post(f"{url}/break-glass/", {**bad, "reason": PHI["glass"], "code": code}, format="json")
    assert r.status_code == 201, body(r)
    r = client.get(f"{url}/record/")
    assert (r.status_code, body(r)["access"]) == (200, "break_glass")
    with in_gym(gym_a):
        alert = OutboxEvent.objects.get(event_type="medical.BreakGlassStarted").payload
        actions = [e.action for e in entries_of_subject(subject_id=member)]
    assert (alert["actor_id"], alert["member_id"], alert["owner_ids"]) == (
        str(trainer2),
        str(member),
        [str(gym_a.people["owner"].id)],
    )
    assert PHI["glass"] not in repr(alert)
    with in_gym(gym_a):
        wrong = str((int(totp_code(user_id=trainer2, steps_ahead=1)) + 1) % 1000000).zfill(6)
    r = client.post(f"{url}/break-glass/", {**bad, "code": wrong}, format="json")
    assert r.status_code == 403
    assert (
        body(r)["error"]["message"]
        == "The MFA code is wrong or already used; emergency access was not opened."
    )
    assert actions == ["grant"]  # an empty record: the grant itself, no rows read
    review = api_for(gym_a, "owner").get("/api/v1/medical/break-glass/")
    assert [(x["actor_id"], x["reason"]) for x in body(review)] == [(str(trainer2), PHI["glass"])]
    clock.at = now + timedelta(minutes=31)
    r = client.get(f"{url}/record/")
    assert r.status_code == 403
    assert body(r)["error"]["message"] == "Your emergency access to this record has ended."


def test_break_glass_is_for_staff_and_capped_in_hipaa_mode(gym_a: Any, api_for: Any, in_gym: Any) -> None:
    member = gym_a.people["member"].id
    r = api_for(gym_a, "member2").post(
        f"/api/v1/medical/members/{member}/break-glass/",
        {"reason": "I want to look", "minutes": 5, "code": "123456"},
        format="json",
    )
    assert r.status_code == 403
    owner = api_for(gym_a, "owner")
    assert (
        owner.put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json").status_code
        == 200
    )
    with in_gym(gym_a):
        totp_enrol(user_id=gym_a.people["owner"].id)
        code = totp_code(user_id=gym_a.people["owner"].id)
    r = owner.post(
        f"/api/v1/medical/members/{member}/break-glass/",
        {"reason": "Member collapsed, need history", "minutes": 61, "code": code},
        format="json",
    )
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {
        "minutes": ["Emergency access lasts 1 to 60 minutes in HIPAA mode."]
    }


def test_consent_limits_and_hipaa_mode(gym_a: Any, api_for: Any) -> None:
    r = grant_consent(api_for, gym_a, kind="trainer", grantee="clinician")
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {"grantee_id": ["Name a trainer of this gym."]}
    assert grant_consent(api_for, gym_a, kind="trainer", grantee="trainer", days=366).status_code == 400
    owner = api_for(gym_a, "owner")
    assert (
        owner.put("/api/v1/gym/hipaa/", {"enabled": True, "accept_baa": True}, format="json").status_code
        == 200
    )
    r = grant_consent(api_for, gym_a, kind="trainer", grantee="trainer", days=91)
    assert r.status_code == 400
    assert body(r)["error"]["fields"] == {"days": ["Consent lasts 1 to 90 days in HIPAA mode."]}
    assert grant_consent(api_for, gym_a, kind="trainer", grantee="trainer", days=90).status_code == 201


def test_export_needs_recent_reauthentication_and_holds_the_whole_record(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    made = _fill_record(gym_a, api_for)
    me = made["me"]
    r = me.get("/api/v1/medical/me/export/json/")
    assert r.status_code == 403
    assert body(r)["error"]["message"] == (
        "Confirm your password (and MFA code) again before exporting: POST /api/v1/auth/reauth/."
    )
    assert me.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json").status_code == 200
    r = me.get("/api/v1/medical/me/export/json/")
    assert (r.status_code, r["Cache-Control"]) == (200, "no-store, private, max-age=0")
    data = r.json()
    assert [c["description"] for c in data["conditions"]] == [PHI["condition"]]
    assert [m["text"] for m in data["medications"]] == [PHI["medication"]]
    assert data["screenings"][0]["signed_name"] == PHI["name"]
    assert data["clearances"][0]["document"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [c["grantee_kind"] for c in data["consents"]] == ["clinician"]
    r = me.get("/api/v1/medical/me/export/pdf/")
    assert (r.status_code, r["Content-Type"], r.content[:5]) == (200, "application/pdf", b"%PDF-")
    with in_gym(gym_a):
        exported = [e for e in entries_of_subject(subject_id=made["member"]) if e.action == "export"]
        disclosures = [d.recipient for d in disclosures_of_member(subject_id=made["member"])]
    assert len(exported) == 2 * 7  # seven rows, two exports
    assert disclosures.count("the member (own export)") == 2


def test_health_roles_without_mfa_are_refused(gym_a: Any, api_for: Any) -> None:
    member = gym_a.people["member"].id
    r = api_for(gym_a, "trainer", mfa=False).get(f"/api/v1/medical/members/{member}/summary/")
    assert r.status_code == 403


def test_views_check_mfa_even_without_the_middleware(gym_a: Any, api_for: Any, settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("MfaMiddleware")]
    member = gym_a.people["member"].id
    r = api_for(gym_a, "trainer", mfa=False).get(f"/api/v1/medical/members/{member}/summary/")
    assert r.status_code == 403
    assert body(r)["error"] | {"request_id": ""} == {
        "status": 403,
        "code": "mfa_required",
        "message": "Verify your second factor (MFA) before reading or changing health data.",
        "request_id": "",
    }
    assert api_for(gym_a, "trainer").get(f"/api/v1/medical/members/{member}/summary/").status_code == 200


def test_items_are_removed_by_the_member_and_restrictions_ended(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    member = gym_a.people["member"].id
    m = f"/api/v1/medical/members/{member}"
    me = api_for(gym_a, "member")
    med = body(me.post(f"{m}/medications/", {"text": "Ibuprofen"}, format="json"))["id"]
    assert api_for(gym_a, "trainer").delete(f"{m}/medications/{med}/").status_code == 403
    assert me.delete(f"{m}/medications/{med}/").status_code == 204
    assert me.delete(f"{m}/medications/{med}/").status_code == 404
    own = body(
        me.post(
            f"{m}/restrictions/", {"region": "wrist", "action": "exclude", "severity": "mild"}, format="json"
        )
    )
    assert me.delete(f"{m}/restrictions/{own['id']}/").status_code == 204
    assert body(me.get(f"{m}/restrictions/")) == []
    with in_gym(gym_a):
        changes = [
            (e.kind, e.action, e.object_type)
            for e in entries_of_subject(subject_id=member)
            if e.kind == "change"
        ]
    assert changes == [
        ("change", "create", "medical.medication"),
        ("change", "delete", "medical.medication"),
        ("change", "create", "medical.restriction"),
        ("change", "update", "medical.restriction"),
    ]


def test_missing_encryption_key_fails_closed_and_writes_nothing(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    from apps.medical.models import Condition

    made = _fill_record(gym_a, api_for)
    with override_settings(ENCRYPTION_KEYS="", ENCRYPTION_CURRENT_KEY=""):
        r = made["me"].get(f"{made['base']}/record/")
        assert (r.status_code, body(r)["error"]["code"]) == (503, "decryption_failed")
        r = made["me"].post(f"{made['base']}/conditions/", {"description": "New one"}, format="json")
        assert r.status_code == 503
    with in_gym(gym_a):
        assert Condition.objects.count() == 1


def test_break_glass_ends_when_the_actor_loses_their_staff_role(
    gym_a: Any, api_for: Any, in_gym: Any
) -> None:
    member = gym_a.people["member"].id
    trainer2 = gym_a.people["trainer2"].id
    client = api_for(gym_a, "trainer2")
    url = f"/api/v1/medical/members/{member}"
    with in_gym(gym_a):
        totp_enrol(user_id=trainer2)
        code = totp_code(user_id=trainer2)
    opened = {"reason": PHI["glass"], "minutes": 60, "code": code}
    assert client.post(f"{url}/break-glass/", opened, format="json").status_code == 201
    assert client.get(f"{url}/record/").status_code == 200
    owner = api_for(gym_a, "owner")
    members = body(owner.get("/api/v1/members/", {"page_size": 100}))["results"]
    (membership,) = [m for m in members if str(m["user_id"]) == str(trainer2)]
    demoted = owner.patch(f"/api/v1/members/{membership['id']}/", {"role": "member"}, format="json")
    assert demoted.status_code == 200, demoted.content
    r = client.get(f"{url}/record/")
    assert r.status_code == 403
    assert body(r)["error"]["message"] == "Your emergency access to this record has ended."
