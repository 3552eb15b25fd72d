"""Session lifetime and ending sessions (SECURITY.md 17, 18; ADR 0014)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.users.facade import api as users
from apps.users.models import ApiToken, SecurityEvent, User
from apps.users.services import token_create
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-completely-new-passphrase-77"


def _token(gym, person) -> APIClient:
    _, raw = token_create(user_id=person.id, gym_id=gym.id, name="t", mfa_verified=True)
    return APIClient(HTTP_HOST=gym.host, HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- idle and absolute limits


def test_health_data_roles_are_signed_out_after_15_idle_minutes(gym_a, api_for, clock):
    client = api_for(gym_a, "trainer")
    assert client.get("/api/v1/me/").status_code == 200
    clock.advance(minutes=14, seconds=50)
    assert client.get("/api/v1/me/").status_code == 200
    clock.advance(minutes=14, seconds=50)  # idle time counts from the last request
    assert client.get("/api/v1/me/").status_code == 200
    clock.advance(minutes=15, seconds=1)
    expired = client.get("/api/v1/me/")
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "session_expired"
    assert expired.json()["error"]["message"] == ("Your session has ended after inactivity. Sign in again.")
    assert client.get("/api/v1/me/").json()["error"]["code"] == "not_authenticated"
    event = SecurityEvent.objects.filter(kind="session_expired").get()
    assert (event.subject_id, event.gym_id, event.detail) == (
        gym_a.people["trainer"].id,
        gym_a.id,
        {"reason": "idle"},
    )


def test_pages_of_an_idle_session_go_to_sign_in(gym_a, api_for, clock):
    client = api_for(gym_a, "clinician")
    assert client.get("/").status_code == 200
    clock.advance(minutes=16)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_health_data_sessions_end_after_12_hours_even_when_busy(gym_a, api_for, clock):
    client = api_for(gym_a, "trainer")
    for _ in range(12 * 6):
        clock.advance(minutes=10)
        assert client.get("/api/v1/me/").status_code == 200
    clock.advance(seconds=1)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Your session has ended. Sign in again."
    assert SecurityEvent.objects.filter(kind="session_expired").get().detail == {"reason": "absolute"}


def test_other_roles_keep_the_ordinary_session(gym_a, api_for, clock):
    client = api_for(gym_a, "member")
    clock.advance(hours=13)
    assert client.get("/api/v1/me/").status_code == 200


def test_idle_expiry_ends_only_that_session(gym_a, api_for, clock):
    idle = api_for(gym_a, "trainer")
    busy_token = _token(gym_a, gym_a.people["trainer"])
    clock.advance(minutes=20)
    assert idle.get("/api/v1/me/").status_code == 401
    assert busy_token.get("/api/v1/me/").status_code == 200
    fresh = api_for(gym_a, "trainer")
    assert fresh.get("/api/v1/me/").status_code == 200


# --- password change, logout, MFA change and deactivation end sessions and tokens


def test_password_change_ends_sessions_in_both_gyms_and_revokes_tokens(world, api_for):
    both = world.both
    here = api_for(world.a, "both@example.test")
    other_here = api_for(world.a, "both@example.test")
    in_b = api_for(world.b, "both@example.test")
    token_a, token_b = _token(world.a, both), _token(world.b, both)
    for client in (here, other_here, in_b, token_a, token_b):
        assert client.get("/api/v1/me/").status_code == 200

    response = here.post(
        "/api/v1/auth/password/", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204
    assert here.get("/api/v1/me/").status_code == 200  # the session that changed it stays
    for client in (other_here, in_b, token_a, token_b):
        assert client.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.filter(user_id=both.id, revoked_at__isnull=True).count() == 0
    assert User.objects.get(pk=both.id).check_password(NEW_PASSWORD)
    kinds = list(
        SecurityEvent.objects.filter(subject_id=both.id).order_by("id").values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["password_changed", "sessions_ended"]
    ended = SecurityEvent.objects.filter(subject_id=both.id, kind="sessions_ended").get()
    assert ended.detail == {"reason": "password_changed", "tokens_revoked": 2}
    assert ended.gym_id == world.a.id


def test_password_change_needs_the_current_password(gym_a, api_for):
    client = api_for(gym_a, "member")
    wrong = client.post(
        "/api/v1/auth/password/",
        {"current_password": "nope-nope-nope", "new_password": NEW_PASSWORD},
        format="json",
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"] == {"current_password": ["Incorrect password."]}
    weak = client.post(
        "/api/v1/auth/password/", {"current_password": PASSWORD, "new_password": "short"}, format="json"
    )
    assert weak.status_code == 400
    assert weak.json()["error"]["fields"]["new_password"] == [
        "This password is too short. It must contain at least 12 characters."
    ]
    same = client.post(
        "/api/v1/auth/password/", {"current_password": PASSWORD, "new_password": PASSWORD}, format="json"
    )
    assert same.json()["error"]["fields"] == {
        "new_password": ["The new password must differ from the current one."]
    }
    assert User.objects.get(pk=gym_a.people["member"].id).check_password(PASSWORD)
    assert not SecurityEvent.objects.filter(kind__in=["password_changed", "sessions_ended"]).exists()


def test_password_change_page(gym_a, api_for):
    client = api_for(gym_a, "member")
    assert client.get("/password/").status_code == 200
    mismatch = client.post(
        "/password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD + "x",
        },
        format="multipart",
    )
    assert mismatch.status_code == 400
    assert b"The two new passwords differ." in mismatch.content
    other = api_for(gym_a, "member")
    done = client.post(
        "/password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        format="multipart",
    )
    assert done.status_code == 200
    assert b'data-testid="password-done"' in done.content
    assert client.get("/").status_code == 200
    assert other.get("/")["Location"] == "/login/?next=/"


def test_logout_ends_the_persons_sessions_everywhere_and_revokes_tokens(world, api_for):
    in_a = api_for(world.a, "both@example.test")
    in_b = api_for(world.b, "both@example.test")
    token = _token(world.b, world.both)
    assert in_a.delete("/api/v1/auth/session/").status_code == 204
    assert in_a.get("/api/v1/me/").status_code == 401
    assert in_b.get("/api/v1/me/").status_code == 401
    assert token.get("/api/v1/me/").status_code == 401
    ended = SecurityEvent.objects.filter(subject_id=world.both.id, kind="sessions_ended").get()
    assert ended.detail == {"reason": "logout", "tokens_revoked": 1}


def test_logout_page_does_the_same(world):
    page = Client(HTTP_HOST=world.a.host)
    from conftest import login

    login(page, world.a, world.both.email)
    api_b = login(APIClient(HTTP_HOST=world.b.host), world.b, world.both.email)
    assert page.post("/logout/").status_code == 302
    assert api_b.get("/api/v1/me/").status_code == 401


def test_deactivation_ends_sessions_and_tokens(gym_a, api_for):
    person = gym_a.people["member"]
    session = api_for(gym_a, "member")
    token = _token(gym_a, person)
    users.user_deactivate(user_id=person.id, actor_id=gym_a.people["owner"].id)
    assert session.get("/api/v1/me/").status_code == 401
    assert token.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.filter(user_id=person.id, revoked_at__isnull=True).count() == 0
    kinds = set(SecurityEvent.objects.filter(subject_id=person.id).values_list("kind", flat=True))
    assert {"account_deactivated", "sessions_ended"} <= kinds


def test_a_session_signed_in_again_forgets_mfa(gym_a):
    from conftest import login

    client = login(APIClient(HTTP_HOST=gym_a.host), gym_a, gym_a.people["trainer"].email)
    assert client.get("/api/v1/gym/").status_code == 200
    login(client, gym_a, gym_a.people["trainer"].email, mfa=False)
    assert client.get("/api/v1/gym/").status_code == 403
