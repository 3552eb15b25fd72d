"""Sign-in on a gym's host: one generic error for every refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, GymFixture, World
from tests.web.html import inner_text, text

pytestmark = pytest.mark.django_db

GENERIC = "Incorrect email or password."


def _sign_in(gym: GymFixture, email: str, password: str) -> tuple[Client, str, int]:
    client = Client(HTTP_HOST=gym.host)
    response = client.post("/login/", {"username": email, "password": password})
    return client, text(response), response.status_code


def test_sign_in_page_shows_the_gym(gym_a: GymFixture) -> None:
    response = Client(HTTP_HOST=gym_a.host).get("/login/?next=/")

    assert response.status_code == 200
    page = text(response)
    assert "<title>Sign in · Alpha Barbell</title>" in page
    assert '<label for="id_username">Email</label>' in page
    assert '<label for="id_password">Password</label>' in page
    assert '<input type="hidden" name="next" value="/">' in page
    assert 'data-testid="login-error"' not in page


def test_right_password_signs_in_and_lands_on_the_dashboard(gym_a: GymFixture) -> None:
    # A member: roles that can read health data are sent to MFA first (tests/edge/test_mfa_enforcement.py).
    client, _page, status = _sign_in(gym_a, gym_a.people["member"].email, PASSWORD)

    assert status == 302
    page = text(client.get("/"))
    assert inner_text(page, "role") == "Member"


def test_wrong_password_gets_the_generic_error(gym_a: GymFixture) -> None:
    client, page, status = _sign_in(gym_a, gym_a.people["owner"].email, "not-the-password-at-all")

    assert status == 200
    assert inner_text(page, "login-error") == GENERIC
    # the email typed is kept, the password is not
    assert 'value="owner-a@example.test"' in page
    assert "not-the-password-at-all" not in page
    # and nobody is signed in
    assert client.get("/")["Location"] == "/login/?next=/"


def test_unknown_email_gets_the_generic_error(gym_a: GymFixture) -> None:
    _client, page, status = _sign_in(gym_a, "nobody@example.test", PASSWORD)

    assert status == 200
    assert inner_text(page, "login-error") == GENERIC


@pytest.mark.parametrize("role", ["member", "owner"])
def test_person_of_another_gym_is_refused_with_the_generic_error(
    gym_a: GymFixture, gym_b: GymFixture, role: str
) -> None:
    """Right password, wrong gym: told exactly what a wrong password is told."""
    client, page, status = _sign_in(gym_a, gym_b.people[role].email, PASSWORD)

    assert status == 200
    assert inner_text(page, "login-error") == GENERIC
    assert "Beta Strength" not in page
    assert client.get("/")["Location"] == "/login/?next=/"


def test_person_in_both_gyms_signs_in_on_either(world: World, gym_a: GymFixture, gym_b: GymFixture) -> None:
    # A trainer in A (MFA first: not set up yet, so to the set-up page), a member in B.
    client, _page, status = _sign_in(gym_a, world.both.email, PASSWORD)
    assert status == 302
    assert client.get("/")["Location"] == "/mfa/setup/?next=%2F"
    client, _page, status = _sign_in(gym_b, world.both.email, PASSWORD)
    assert status == 302
    assert inner_text(text(client.get("/")), "role") == "Member"


def test_signed_in_visitor_of_sign_in_page_goes_to_dashboard(gym_a: GymFixture) -> None:
    client, _page, _status = _sign_in(gym_a, gym_a.people["member"].email, PASSWORD)

    response = client.get("/login/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_ends_the_session(gym_a: GymFixture) -> None:
    client, _page, _status = _sign_in(gym_a, gym_a.people["member"].email, PASSWORD)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/")["Location"] == "/login/?next=/"
