"""Re-authentication before sensitive actions (SECURITY.md 22) and the facade other contexts
use to ask about it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory

from apps.users.facade import api as users
from apps.users.facade.testing import totp_code, totp_enrol
from apps.users.models import SecurityEvent, User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _email_change(client, email: str):
    return client.patch("/api/v1/me/", {"email": email}, format="json")


def test_email_change_needs_a_recent_reauth_which_expires(gym_a, api_for, clock):
    person = gym_a.people["member"]
    client = api_for(gym_a, "member")
    refused = _email_change(client, "new-member@example.test")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "reauth_required"
    ok = client.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json")
    assert ok.status_code == 200
    until = (clock.now + timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert ok.json()["reauthenticated_until"] == until
    clock.advance(minutes=4, seconds=59)
    changed = _email_change(client, "New-Member@Example.test")
    assert changed.status_code == 200
    assert changed.json()["email"] == "new-member@example.test"
    assert User.objects.get(pk=person.id).email == "new-member@example.test"
    clock.advance(seconds=2)
    late = _email_change(client, "later@example.test")
    assert late.json()["error"]["code"] == "reauth_required"
    kinds = list(
        SecurityEvent.objects.filter(subject_id=person.id).order_by("id").values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["reauthenticated", "email_changed"]


def test_email_change_to_a_taken_address_is_a_400(gym_a, api_for):
    client = api_for(gym_a, "member")
    client.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json")
    taken = _email_change(client, gym_a.people["owner"].email.upper())
    assert taken.status_code == 400
    assert taken.json()["error"]["fields"] == {
        "email": ["An account with this email address already exists."]
    }
    assert _email_change(client, "not an email").json()["error"]["fields"] == {
        "email": ["Enter a valid email address."]
    }


def test_reauth_with_a_wrong_password_is_refused_and_counted(gym_a, api_for):
    client = api_for(gym_a, "member")
    response = client.post("/api/v1/auth/reauth/", {"password": "wrong-password-123"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"password": ["Incorrect password."]}
    assert (
        SecurityEvent.objects.filter(kind="reauth_failed", subject_id=gym_a.people["member"].id).count() == 1
    )
    assert (
        SecurityEvent.objects.filter(kind="login_failed", username=gym_a.people["member"].email).count() == 1
    )
    assert _email_change(client, "x@example.test").json()["error"]["code"] == "reauth_required"


def test_reauth_needs_the_code_once_enrolled(gym_a, api_for):
    person = gym_a.people["trainer"]
    totp_enrol(user_id=person.id)
    client = api_for(gym_a, "trainer")
    missing = client.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json")
    assert missing.json()["error"]["fields"] == {"code": ["Enter a code from your authenticator app."]}
    wrong = client.post("/api/v1/auth/reauth/", {"password": PASSWORD, "code": "000000"}, format="json")
    assert wrong.status_code == 400
    assert _email_change(client, "x@example.test").status_code == 403
    # The failed code throttles the device for a while: start again with a fresh one.
    codes = totp_enrol(user_id=person.id)
    good = totp_code(user_id=person.id)
    assert (
        client.post("/api/v1/auth/reauth/", {"password": PASSWORD, "code": good}, format="json").status_code
        == 200
    )
    assert _email_change(client, "trainer-new@example.test").status_code == 200
    assert len(codes) == 10


def test_recently_authenticated_facade(gym_a, api_for, clock):
    client = api_for(gym_a, "member")
    client.post("/api/v1/auth/reauth/", {"password": PASSWORD}, format="json")
    request = RequestFactory().get("/")
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    with schema_context(gym_a.schema_name):
        request.session = SessionStore(session_key=client.cookies["sessionid"].value)
        request.user = User.objects.get(pk=gym_a.people["member"].id)
        assert users.recently_authenticated(request) is True
        clock.advance(seconds=61)
        assert users.recently_authenticated(request, within_seconds=60) is False
        assert users.recently_authenticated(request) is True
        clock.advance(minutes=5)
        assert users.recently_authenticated(request) is False


def test_mfa_verify_code_facade_for_break_glass(gym_a):
    person = gym_a.people["clinician"]
    assert users.mfa_verify_code(user_id=person.id, code="123456") is False  # not enrolled
    codes = totp_enrol(user_id=person.id)
    assert users.mfa_verify_code(user_id=person.id, code=totp_code(user_id=person.id)) is True
    assert users.mfa_verify_code(user_id=person.id, code=codes[0]) is True
    assert users.mfa_verify_code(user_id=person.id, code=codes[0]) is False
    assert users.mfa_enrolled(user_id=person.id) is True
