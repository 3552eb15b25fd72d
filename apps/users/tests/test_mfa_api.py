"""MFA enrolment, verification, recovery codes and removal through the API (SECURITY.md 19)."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from apps.users.facade.testing import totp_code, totp_enrol
from apps.users.models import SecurityEvent, TotpDevice
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _kinds(user_id) -> list[str]:
    return list(
        SecurityEvent.objects.filter(subject_id=user_id).order_by("id").values_list("kind", flat=True)
    )


def test_enrolment_with_qr_manual_key_confirmation_and_codes_shown_once(gym_a, api_for, clock):
    person = gym_a.people["trainer"]
    client = api_for(gym_a, "trainer", mfa=False)
    assert client.get("/api/v1/me/mfa/").json() == {
        "enrolled": False,
        "mfa_required": True,
        "mfa_verified": False,
        "recovery_codes_left": 0,
    }
    started = client.post("/api/v1/me/mfa/totp/")
    assert started.status_code == 201
    body = started.json()
    assert re.fullmatch(r"[A-Z2-7]{32}", body["secret"])
    assert body["otpauth_url"] == (
        f"otpauth://totp/Gymstack%3Atrainer-a%40example.test?secret={body['secret']}"
        "&issuer=Gymstack&algorithm=SHA1&digits=6&period=30"
    )
    assert body["qr_svg"].startswith("<svg ")
    assert "<title>Scan with your authenticator app</title>" in body["qr_svg"]

    wrong = client.post("/api/v1/me/mfa/totp/confirm/", {"code": "000000"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"] == {
        "code": ["The code is not valid. Enter the current code from your app."]
    }

    clock.advance(seconds=2)  # past the throttle delay the failure started
    code = totp_code(user_id=person.id, pending=True)
    confirmed = client.post("/api/v1/me/mfa/totp/confirm/", {"code": code}, format="json")
    assert confirmed.status_code == 200
    assert confirmed["Cache-Control"] == "no-store"
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert len(set(codes)) == 10
    # This session is now verified and can use the API; the codes are never shown again.
    assert client.get("/api/v1/members/").status_code == 200
    assert client.get("/api/v1/me/mfa/").json() == {
        "enrolled": True,
        "mfa_required": True,
        "mfa_verified": True,
        "recovery_codes_left": 10,
    }
    assert _kinds(person.id)[-3:] == ["mfa_failed", "mfa_enrolled", "sessions_ended"]


def test_totp_secret_and_recovery_codes_are_not_stored_in_plaintext(gym_a):
    person = gym_a.people["clinician"]
    codes = totp_enrol(user_id=person.id)
    device = TotpDevice.objects.get(user_id=person.id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM public.users_totpdevice WHERE id = %s", [device.pk])
        (stored,) = cursor.fetchone()
        cursor.execute(
            "SELECT t.token FROM public.otp_static_statictoken t JOIN public.otp_static_staticdevice d "
            "ON d.id = t.device_id WHERE d.user_id = %s",
            [person.id],
        )
        tokens = {row[0] for row in cursor.fetchall()}
    assert stored.startswith("test1:")
    assert device.key not in stored
    assert len(device.key) == 40
    assert not {c.replace("-", "") for c in codes} & tokens
    assert not set(codes) & tokens
    assert len(tokens) == 10


def test_verify_with_a_code_then_replay_is_refused(gym_a, api_for):
    person = gym_a.people["clinician"]
    totp_enrol(user_id=person.id)
    client = api_for(gym_a, "clinician", mfa=False)
    assert client.get("/api/v1/members/").status_code == 403
    code = totp_code(user_id=person.id)
    ok = client.post("/api/v1/auth/mfa/verify/", {"code": code}, format="json")
    assert ok.status_code == 200
    assert ok.json() == {"method": "totp", "recovery_codes_left": 10}
    assert client.get("/api/v1/members/").status_code == 200
    other = api_for(gym_a, "clinician", mfa=False)
    replay = other.post("/api/v1/auth/mfa/verify/", {"code": code}, format="json")
    assert replay.status_code == 400
    assert replay.json()["error"]["fields"]["code"] == [
        "The code is not valid. Enter the current code from your authenticator app or a recovery code."
    ]
    assert [k for k in _kinds(person.id) if k.startswith("mfa")] == ["mfa_verified", "mfa_failed"]


def test_a_recovery_code_works_once(gym_a, api_for):
    person = gym_a.people["trainer"]
    codes = totp_enrol(user_id=person.id)
    first = api_for(gym_a, "trainer", mfa=False)
    used = first.post("/api/v1/auth/mfa/verify/", {"code": codes[3].upper()}, format="json")
    assert used.json() == {"method": "recovery_code", "recovery_codes_left": 9}
    assert first.get("/api/v1/members/").status_code == 200
    second = api_for(gym_a, "trainer", mfa=False)
    assert second.post("/api/v1/auth/mfa/verify/", {"code": codes[3]}, format="json").status_code == 400
    event = SecurityEvent.objects.filter(subject_id=person.id, kind="recovery_code_used").get()
    assert event.detail == {"codes_left": 9}
    assert event.gym_id == gym_a.id


def test_verify_before_enrolment_is_a_clear_400(gym_a, api_for):
    response = api_for(gym_a, "trainer", mfa=False).post(
        "/api/v1/auth/mfa/verify/", {"code": "1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "code": ["Set up an authenticator app first (POST /api/v1/me/mfa/totp/)."]
    }


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "1" * 40}, {"code": 5, "extra": 1}])
def test_bad_verify_bodies_are_400(gym_a, api_for, body):
    totp_enrol(user_id=gym_a.people["trainer"].id)
    response = api_for(gym_a, "trainer", mfa=False).post("/api/v1/auth/mfa/verify/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_failures_are_throttled_with_a_growing_delay(gym_a, api_for, clock):
    person = gym_a.people["trainer"]
    totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer", mfa=False)

    def verify(code: str) -> int:
        response = client.post("/api/v1/auth/mfa/verify/", {"code": code}, format="json")
        return int(response.status_code)

    assert verify("000000") == 400
    clock.advance(seconds=1.5)
    assert verify("000000") == 400  # second failure: the next try must wait 2 s
    clock.advance(seconds=1.5)
    # Even the right code is refused while the device is throttled.
    assert verify(totp_code(user_id=person.id)) == 400
    assert TotpDevice.objects.get(user_id=person.id).throttling_failure_count == 2
    clock.advance(seconds=1)
    assert verify(totp_code(user_id=person.id)) == 200
    assert TotpDevice.objects.get(user_id=person.id).throttling_failure_count == 0


def _reauth(client, person_id, *, steps_ahead: int = 0):
    code = totp_code(user_id=person_id, steps_ahead=steps_ahead)
    response = client.post("/api/v1/auth/reauth/", {"password": PASSWORD, "code": code}, format="json")
    assert response.status_code == 200, response.content
    return response


def test_replacing_the_authenticator_needs_reauth_and_ends_other_sessions(gym_a, gym_b, api_for):
    person = gym_a.people["trainer"]
    totp_enrol(user_id=person.id)
    old_key = TotpDevice.objects.get(user_id=person.id).key
    client = api_for(gym_a, "trainer")
    elsewhere = api_for(gym_a, "trainer")
    refused = client.post("/api/v1/me/mfa/totp/")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauth_required"
    _reauth(client, person.id)
    assert client.post("/api/v1/me/mfa/totp/").status_code == 201
    # The old authenticator still works until the new one is confirmed.
    assert TotpDevice.objects.filter(user_id=person.id, confirmed=True).get().key == old_key
    code = totp_code(user_id=person.id, pending=True)
    assert client.post("/api/v1/me/mfa/totp/confirm/", {"code": code}, format="json").status_code == 200
    assert TotpDevice.objects.get(user_id=person.id).key != old_key
    assert client.get("/api/v1/members/").status_code == 200
    assert elsewhere.get("/api/v1/members/").status_code == 401
    enrolled = SecurityEvent.objects.get(subject_id=person.id, kind="mfa_enrolled")
    assert enrolled.detail["replaced"] is True


def test_disabling_needs_reauth_then_ends_everything_else(gym_a, api_for):
    person = gym_a.people["member"]
    totp_enrol(user_id=person.id)
    client = api_for(gym_a, "member")
    other = api_for(gym_a, "member")
    assert client.delete("/api/v1/me/mfa/").json()["error"]["code"] == "reauth_required"
    _reauth(client, person.id)
    assert client.delete("/api/v1/me/mfa/").status_code == 204
    assert TotpDevice.objects.filter(user_id=person.id).count() == 0
    assert client.get("/api/v1/me/mfa/").json()["enrolled"] is False
    assert other.get("/api/v1/me/").status_code == 401
    assert _kinds(person.id)[-2:] == ["mfa_disabled", "sessions_ended"]
    assert client.delete("/api/v1/me/mfa/").json()["error"]["fields"] == {
        "non_field_errors": ["MFA is not set up."]
    }


def test_renewing_recovery_codes_replaces_the_old_ones(gym_a, api_for):
    person = gym_a.people["trainer"]
    old = totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer")
    assert client.post("/api/v1/me/mfa/recovery-codes/").json()["error"]["code"] == "reauth_required"
    _reauth(client, person.id)
    new = client.post("/api/v1/me/mfa/recovery-codes/").json()["recovery_codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    fresh = api_for(gym_a, "trainer", mfa=False)
    assert fresh.post("/api/v1/auth/mfa/verify/", {"code": new[0]}, format="json").status_code == 200
    stale = api_for(gym_a, "trainer", mfa=False)
    assert stale.post("/api/v1/auth/mfa/verify/", {"code": old[0]}, format="json").status_code == 400
    assert "recovery_codes_renewed" in _kinds(person.id)


def test_a_wrong_encryption_key_fails_closed_on_the_api_and_the_pages(gym_a, api_for, settings):
    import base64

    person = gym_a.people["trainer"]
    totp_enrol(user_id=person.id)
    code = totp_code(user_id=person.id)
    key = TotpDevice.objects.get(user_id=person.id).key
    settings.ENCRYPTION_KEYS = "test1:" + base64.b64encode(b"w" * 32).decode()
    client = api_for(gym_a, "trainer", mfa=False)
    api = client.post("/api/v1/auth/mfa/verify/", {"code": code}, format="json")
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "decryption_failed"
    page = client.post("/mfa/verify/", {"code": code}, format="multipart")
    assert page.status_code == 503
    assert b"This record cannot be shown right now" in page.content
    assert key.encode() not in api.content + page.content
    assert client.get("/api/v1/members/").status_code == 403  # still not verified
