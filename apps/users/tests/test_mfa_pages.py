"""The MFA pages on a gym's host: set-up with a QR code, codes shown once, verification."""

from __future__ import annotations

import re

import pytest

from apps.users.facade.testing import totp_code, totp_enrol
from apps.users.models import TotpDevice
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_setup_page_shows_qr_and_key_then_recovery_codes_once(gym_a, api_for):
    person = gym_a.people["clinician"]
    client = api_for(gym_a, "clinician", mfa=False)
    assert client.get("/")["Location"] == "/mfa/setup/?next=%2F"
    intro = client.get("/mfa/setup/?next=/")
    assert intro.status_code == 200
    assert b'name="action" value="start"' in intro.content
    started = client.post("/mfa/setup/", {"action": "start", "next": "/"}, format="multipart")
    html = started.content.decode()
    assert '<div class="qr" data-testid="qr"><svg ' in html
    key = re.search(r'data-testid="manual-key">([A-Z2-7]+)<', html)
    assert key is not None
    assert len(key.group(1)) == 32
    code = totp_code(user_id=person.id, pending=True)
    done = client.post("/mfa/setup/", {"action": "confirm", "code": code}, format="multipart")
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    assert TotpDevice.objects.get(user_id=person.id).confirmed is True


def test_verify_page_sends_back_to_next_and_refuses_bad_codes(gym_a, api_for, clock):
    person = gym_a.people["trainer"]
    totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer", mfa=False)
    bad = client.post("/mfa/verify/", {"code": "000000", "next": "/"}, format="multipart")
    assert bad.status_code == 400
    assert b'data-testid="verify-error"' in bad.content
    assert client.get("/").status_code == 302
    clock.advance(seconds=2)  # past the throttle delay of the failure
    second = api_for(gym_a, "trainer", mfa=False)
    code = totp_code(user_id=person.id)
    ok = second.post("/mfa/verify/", {"code": code, "next": "/?x=1"}, format="multipart")
    assert ok.status_code == 302
    assert ok["Location"] == "/?x=1"
    assert second.get("/").status_code == 200


def test_verify_page_never_redirects_off_site(gym_a, api_for):
    person = gym_a.people["trainer"]
    codes = totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer", mfa=False)
    ok = client.post("/mfa/verify/", {"code": codes[0], "next": "https://evil.example/"}, format="multipart")
    assert ok["Location"] == "/"


def test_overview_asks_for_reauth_before_changes(gym_a, api_for):
    person = gym_a.people["trainer"]
    codes = totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer")
    page = client.get("/mfa/").content.decode()
    assert "Recovery codes left: 10." in page
    assert 'action="/mfa/reauth/"' in page
    assert client.post("/mfa/disable/")["Location"] == "/mfa/?error=reauth"
    wrong = client.post(
        "/mfa/reauth/", {"password": PASSWORD, "code": "000000", "next": "/mfa/"}, format="multipart"
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/mfa/reauth/", {"password": PASSWORD, "code": codes[1], "next": "/mfa/"}, format="multipart"
    )
    assert ok.status_code == 302, ok.content.decode()[-800:]
    assert ok["Location"] == "/mfa/"
    assert 'action="/mfa/disable/"' in client.get("/mfa/").content.decode()
    assert client.post("/mfa/disable/")["Location"] == "/mfa/"
    assert TotpDevice.objects.filter(user_id=person.id).count() == 0
    # The trainer must now set up MFA again before anything else.
    assert client.get("/")["Location"] == "/mfa/setup/?next=%2F"
