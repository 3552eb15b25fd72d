"""Sign-in, lockout, sessions per gym host, and personal API tokens."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.users.facade.contracts import SecurityEventKind
from apps.users.models import ApiToken, SecurityEvent, User
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def session_login(client, email, password, **extra):
    return client.post(
        "/api/v1/auth/session/", {"email": email, "password": password}, format="json", **extra
    )


def test_passwords_are_hashed_with_argon2(world):
    user = User.objects.get(email=world.a.people["member"].email)
    assert user.password.startswith("argon2$argon2id$")


def test_session_login_then_api_then_logout(api_for, gym_a):
    client = api_for(gym_a)
    assert session_login(client, gym_a.people["trainer"].email, PASSWORD).status_code == 204
    assert client.get("/api/v1/me/").json()["email"] == gym_a.people["trainer"].email
    assert client.delete("/api/v1/auth/session/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    kinds = list(
        SecurityEvent.objects.filter(subject_id=gym_a.people["trainer"].id).values_list("kind", flat=True)
    )
    assert SecurityEventKind.LOGIN_SUCCEEDED.value in kinds
    assert SecurityEventKind.LOGGED_OUT.value in kinds


def test_wrong_password_and_non_member_get_the_same_answer(api_for, gym_a, gym_b):
    client = api_for(gym_a)
    wrong = session_login(client, gym_a.people["member"].email, "wrong-password-1234")
    outsider = session_login(client, gym_b.people["member"].email, PASSWORD)
    assert wrong.status_code == outsider.status_code == 400
    assert wrong.json()["error"]["fields"] == outsider.json()["error"]["fields"]
    assert wrong.json()["error"]["fields"] == {"non_field_errors": ["Incorrect email or password."]}


def test_session_of_one_gym_means_nothing_on_another(api_for, gym_a, gym_b):
    client = api_for(gym_a)
    assert session_login(client, "both@example.test", PASSWORD).status_code == 204
    assert client.get("/api/v1/me/").status_code == 200
    # Same cookie jar, other gym's host: the session row lives in gym A's schema only.
    on_b = client.get("/api/v1/me/", HTTP_HOST=gym_b.host)
    assert on_b.status_code == 401


def test_lockout_after_five_failures_per_username_and_ip(api_for, gym_a):
    email = gym_a.people["admin"].email
    client = api_for(gym_a)
    statuses = [session_login(client, email, f"wrong-password-{i:04d}").status_code for i in range(5)]
    assert statuses[:4] == [400, 400, 400, 400]
    locked = session_login(client, email, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    # The HTML sign-in page of the same gym is locked for the same pair too.
    page = Client(HTTP_HOST=gym_a.host).post("/login/", {"username": email, "password": PASSWORD})
    assert page.status_code == 429
    assert b"Too many failed sign-in attempts" in page.content
    # Another IP is not locked out.
    other_ip = session_login(client, email, PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 204
    events = SecurityEvent.objects.filter(username=email)
    assert events.filter(kind=SecurityEventKind.LOGIN_FAILED.value).count() >= 5
    assert events.filter(kind=SecurityEventKind.LOCKED_OUT.value).exists()


def test_lockout_expires_after_thirty_minutes(api_for, gym_a):
    from axes.models import AccessAttempt

    email = gym_a.people["clinician"].email
    client = api_for(gym_a)
    for i in range(5):
        session_login(client, email, f"wrong-password-{i:04d}")
    assert session_login(client, email, PASSWORD).status_code == 429
    # Move the failures 31 minutes into the past instead of waiting (the clock, not our code).
    AccessAttempt.objects.filter(username=email).update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert session_login(client, email, PASSWORD).status_code == 204


def test_html_login_page_signs_in_members_only(gym_a, gym_b):
    client = Client(HTTP_HOST=gym_a.host)
    refused = client.post("/login/", {"username": gym_b.people["owner"].email, "password": PASSWORD})
    assert refused.status_code == 200
    assert b"Incorrect email or password." in refused.content
    ok = client.post("/login/", {"username": gym_a.people["owner"].email, "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200


# --- personal API tokens ------------------------------------------------------------------


def create_token(client, name="ci", **extra):
    return client.post("/api/v1/tokens/", {"name": name, **extra}, format="json")


def test_token_is_shown_once_and_stored_hashed(api_for, gym_a):
    client = api_for(gym_a, "trainer")
    created = create_token(client)
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("gst_")
    row = ApiToken.objects.get(pk=created.json()["id"])
    assert token.split("_", 2)[2] not in row.secret_hash
    assert row.gym_id == gym_a.id
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["id"] for t in listed] == [created.json()["id"]]
    assert "token" not in listed[0]
    assert client.get(f"/api/v1/tokens/{row.pk}/").json()["prefix"] == row.prefix
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TOKEN_CREATED.value, actor_id=gym_a.people["trainer"].id
    ).exists()


def test_token_works_only_on_its_gym(api_for, gym_a, gym_b):
    token = create_token(api_for(gym_a, "both@example.test")).json()["token"]
    on_a = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    on_b = APIClient(HTTP_HOST=gym_b.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert on_a.get("/api/v1/me/").status_code == 200
    refused = on_b.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "Invalid, expired or revoked token."


def test_revoked_and_expired_tokens_are_refused(api_for, gym_a):
    client = api_for(gym_a, "member")
    first = create_token(client, "first").json()
    second = create_token(client, "second").json()
    assert client.delete(f"/api/v1/tokens/{first['id']}/").status_code == 204
    assert ApiToken.objects.get(pk=first["id"]).revoked_at is not None
    revoked = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {first['token']}")
    assert revoked.get("/api/v1/me/").status_code == 401
    ApiToken.objects.filter(pk=second["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {second['token']}")
    assert expired.get("/api/v1/me/").status_code == 401
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.TOKEN_REVOKED.value, subject_id=gym_a.people["member"].id
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"name": "x", "expires_in_days": 0},
            "expires_in_days",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"name": "x", "expires_in_days": 366},
            "expires_in_days",
            "Ensure this value is less than or equal to 365.",
        ),
        ({"name": "x", "expires_in_days": "soon"}, "expires_in_days", "A valid integer is required."),
        ({}, "name", "This field is required."),
        ({"name": "x", "user": "someone-else"}, "user", "Unknown or read-only field."),
    ],
)
def test_token_bad_input(api_for, gym_a, payload, field, message):
    response = api_for(gym_a, "member").post("/api/v1/tokens/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]


def test_others_tokens_are_invisible(api_for, gym_a):
    mine = create_token(api_for(gym_a, "owner")).json()
    other = api_for(gym_a, "admin")
    assert other.get(f"/api/v1/tokens/{mine['id']}/").status_code == 404
    assert other.delete(f"/api/v1/tokens/{mine['id']}/").status_code == 404
    assert ApiToken.objects.get(pk=mine["id"]).revoked_at is None


def test_removing_a_member_ends_their_token(api_for, gym_a):
    token = create_token(api_for(gym_a, "member")).json()["token"]
    client = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me/").status_code == 200
    owner = api_for(gym_a, "owner")
    membership_id = next(
        m["id"]
        for m in owner.get("/api/v1/members/").json()["results"]
        if m["email"] == gym_a.people["member"].email
    )
    assert owner.delete(f"/api/v1/members/{membership_id}/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 404


def test_malformed_authorization_header(gym_a):
    client = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION="Bearer two parts")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Malformed Authorization header."


def test_token_cannot_mint_tokens(api_for, gym_a):
    token = create_token(api_for(gym_a, "owner"), expires_in_days=1).json()["token"]
    with_token = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    response = with_token.post("/api/v1/tokens/", {"name": "year", "expires_in_days": 365}, format="json")
    assert response.status_code == 403
    assert (
        response.json()["error"]["message"] == "Create API tokens from a signed-in session, not with a token."
    )
    assert ApiToken.objects.filter(gym_id=gym_a.id, name="year").count() == 0


def test_session_login_accepts_json_only(api_for, gym_a):
    form = api_for(gym_a).post(
        "/api/v1/auth/session/",
        {"email": gym_a.people["member"].email, "password": PASSWORD},
        format="multipart",
    )
    assert form.status_code == 415  # a cross-site form cannot sign a browser in (login CSRF)


def test_signup_password_guesses_for_an_existing_account_are_locked_out(public_client, world):
    email = world.b.people["trainer"].email
    attempts = [
        public_client.post(
            "/api/v1/gyms/",
            {
                "name": "Guess",
                "subdomain": f"guess-{i}",
                "owner_email": email,
                "owner_password": f"wrong-guess-{i:05d}",
            },
            format="json",
        ).status_code
        for i in range(5)
    ]
    assert attempts[:4] == [400, 400, 400, 400]
    right = public_client.post(
        "/api/v1/gyms/",
        {"name": "Guess", "subdomain": "guess-right", "owner_email": email, "owner_password": PASSWORD},
        format="json",
    )
    assert right.status_code == 429
    assert (
        SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED.value, username=email).count() >= 5
    )
