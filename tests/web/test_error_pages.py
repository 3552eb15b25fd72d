"""Error pages are HTML that say what happened and nothing else: no traceback, no host, path,
query, request id or gym data echoed back."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import GymFixture, login
from tests.web.html import text

pytestmark = pytest.mark.django_db

REQUEST_ID = "probe-req-0123456789"
LEAKS = ("Traceback", "Exception", "File &quot;", REQUEST_ID, "secret-path", "needle", "Alpha Barbell")


def _assert_plain(page: str, *also: str) -> None:
    for leak in (*LEAKS, *also):
        assert leak not in page, leak


def test_unknown_host_gets_an_html_404_with_no_detail(world: object) -> None:
    client = Client(HTTP_HOST="no-such-gym.localhost")

    response = client.get("/secret-path/?q=needle", HTTP_X_REQUEST_ID=REQUEST_ID)

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    _assert_plain(page, "no-such-gym")


def test_unknown_page_of_a_gym_gets_the_same_404(gym_a: GymFixture) -> None:
    client = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_a.people["owner"].email)

    response = client.get("/secret-path/?q=needle", HTTP_X_REQUEST_ID=REQUEST_ID)

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    _assert_plain(page)


def test_signed_in_stranger_gets_the_404_and_not_the_gym(gym_a: GymFixture, gym_b: GymFixture) -> None:
    """A session on A's host for a person who is not a member of A."""
    client = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_b.people["owner"].email)

    response = client.get("/")

    assert response.status_code == 404
    page = text(response)
    assert "<h1>Page not found</h1>" in page
    _assert_plain(page, "owner-b@example.test")


def test_unknown_page_of_the_public_host_gets_the_404(world: object) -> None:
    response = Client(HTTP_HOST="localhost").get("/secret-path/?q=needle")

    assert response.status_code == 404
    _assert_plain(text(response))


def test_disallowed_host_gets_an_html_400_without_the_host(world: object) -> None:
    response = Client(HTTP_HOST="needle.evil.example").get("/secret-path/", HTTP_X_REQUEST_ID=REQUEST_ID)

    assert response.status_code == 400
    page = text(response)
    assert "<h1>Bad request</h1>" in page
    _assert_plain(page, "evil")


def test_oversized_form_gets_the_400_page(world: object) -> None:
    body = {"name": "needle" * 200_000}

    response = Client(HTTP_HOST="localhost").post("/signup/", body)

    assert response.status_code == 400
    page = text(response)
    assert "<h1>Bad request</h1>" in page
    _assert_plain(page)


def test_form_without_csrf_token_gets_the_403_page_without_the_reason(gym_a: GymFixture) -> None:
    client = Client(HTTP_HOST=gym_a.host, enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "needle@example.test", "password": "x"})

    assert response.status_code == 403
    page = text(response)
    assert "<h1>Your form expired</h1>" in page
    assert "CSRF" not in page
    _assert_plain(page)


@pytest.mark.urls("tests.web.urls_failing")
def test_unhandled_error_gets_the_500_page_without_a_traceback(gym_a: GymFixture) -> None:
    client = login(
        Client(HTTP_HOST=gym_a.host, raise_request_exception=False), gym_a, gym_a.people["owner"].email
    )

    response = client.get("/fail/", HTTP_X_REQUEST_ID=REQUEST_ID)

    assert response.status_code == 500
    page = text(response)
    assert "<h1>Something went wrong</h1>" in page
    _assert_plain(page, "deliberate failure", "RuntimeError")
