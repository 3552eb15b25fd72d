"""Gym sign-up on the public host: success links to the new gym's sign-in; every validation
error comes back as 400 with its message beside its field."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.web.html import ids_with_prefix, inner_text, text

pytestmark = pytest.mark.django_db

STRONG = "lift-heavy-things-daily-77"


def _form(**overrides: str) -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {
        "name": "Gamma Gym",
        "subdomain": f"gamma-{tag}",
        "owner_full_name": "Gina Gamma",
        "owner_email": f"gina-{tag}@example.test",
        "owner_password": STRONG,
        **overrides,
    }


def _post(data: dict[str, str]) -> tuple[int, str]:
    response = Client(HTTP_HOST="localhost").post("/signup/", data)
    return response.status_code, text(response)


def test_landing_page_links_to_sign_up(world: object) -> None:
    response = Client(HTTP_HOST="localhost").get("/")

    assert response.status_code == 200
    assert 'href="/signup/"' in text(response)


def test_sign_up_form_has_a_label_for_every_field(world: object) -> None:
    response = Client(HTTP_HOST="localhost").get("/signup/")

    assert response.status_code == 200
    page = text(response)
    for field, label in (
        ("name", "Gym name"),
        ("subdomain", "Gym address"),
        ("owner_email", "Your email"),
        ("owner_password", "Password"),
    ):
        assert f'<label for="id_{field}">{label}</label>' in page
        assert f'id="id_{field}"' in page


def test_sign_up_creates_the_gym_and_links_to_its_sign_in(world: object) -> None:
    data = _form()

    status, page = _post(data)

    assert status == 201
    login_url = f"http://{data['subdomain']}.localhost/login/"
    assert f'href="{login_url}" data-testid="gym-login"' in page
    assert inner_text(page, "gym-login") == "Sign in to Gamma Gym"

    gym = Client(HTTP_HOST=f"{data['subdomain']}.localhost")
    assert "<title>Sign in · Gamma Gym</title>" in text(gym.get("/login/"))
    response = gym.post("/login/", {"username": data["owner_email"], "password": STRONG})
    assert response.status_code == 302
    dashboard = text(gym.get("/"))
    assert inner_text(dashboard, "role") == "Owner"
    assert ids_with_prefix(dashboard, "section-") == {"manage", "developers"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subdomain": "admin"}, "subdomain", "'admin' is reserved."),
        ({"subdomain": "gym-a"}, "subdomain", "'gym-a' is already taken."),
        ({"subdomain": "GYM-A"}, "subdomain", "'gym-a' is already taken."),
        (
            {"owner_password": "short-pw1"},
            "owner_password",
            "This password is too short. It must contain at least 12 characters.",
        ),
        ({"owner_email": "not-an-email"}, "owner_email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_invalid_sign_up_is_a_400_with_the_message_beside_its_field(
    overrides: dict[str, str], field: str, message: str
) -> None:
    data = _form(**overrides)

    status, page = _post(data)

    assert status == 400
    assert ids_with_prefix(page, "error-") == {field}
    assert inner_text(page, f"error-{field}") == message
    assert f'aria-describedby="id_{field}' in page
    # nothing was created: the gym's address does not answer
    gym_host = f"{data['subdomain'].lower()}.localhost"
    if data["subdomain"] not in ("admin", "gym-a", "GYM-A"):
        assert Client(HTTP_HOST=gym_host).get("/login/").status_code == 404


def test_short_password_keeps_what_was_typed_except_the_password(world: object) -> None:
    data = _form(owner_password="short-pw1")

    _status, page = _post(data)

    assert f'value="{data["subdomain"]}"' in page
    assert f'value="{data["owner_email"]}"' in page
    assert "short-pw1" not in page
