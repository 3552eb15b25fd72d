"""The dashboard shell: who is signed in, their role, and the section their role gets."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import GymFixture, World, login
from tests.web.html import ids_with_prefix, inner_text, text

pytestmark = pytest.mark.django_db

SECTION = {
    "owner": "manage",
    "admin": "manage",
    "trainer": "coach",
    "clinician": "screen",
    "member": "train",
}
NAMES = {"owner": "owner-a@example.test", "admin": "Admin A", "trainer": "Trainer A"}


def _dashboard(gym: GymFixture, email: str) -> str:
    client = login(Client(HTTP_HOST=gym.host), gym, email)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return text(response)


@pytest.mark.parametrize("role", ["owner", "admin", "trainer", "clinician", "member"])
def test_each_role_gets_its_own_section(gym_a: GymFixture, role: str) -> None:
    page = _dashboard(gym_a, gym_a.people[role].email)

    assert ids_with_prefix(page, "section-") == {SECTION[role], "developers"}
    assert inner_text(page, "role") == role.capitalize()
    assert inner_text(page, "brand") == "A Alpha Barbell"


@pytest.mark.parametrize("role", ["owner", "admin", "trainer"])
def test_dashboard_says_who_is_signed_in(gym_a: GymFixture, role: str) -> None:
    page = _dashboard(gym_a, gym_a.people[role].email)

    who = inner_text(page, "who")
    assert who.startswith(f"Signed in as {NAMES[role]}")
    assert who.endswith(role.capitalize())


def test_dashboard_links_api_docs_and_tokens(gym_a: GymFixture) -> None:
    page = _dashboard(gym_a, gym_a.people["member"].email)

    links = set(re.findall(r'href="([^"]+)"', page))
    assert {"/api/docs/", "/api/v1/tokens/"} <= links


def test_gym_name_and_brand_colour_come_from_the_gym_served(gym_a: GymFixture, gym_b: GymFixture) -> None:
    page_a = _dashboard(gym_a, gym_a.people["member"].email)
    page_b = _dashboard(gym_b, gym_b.people["member"].email)

    assert "<title>Dashboard · Alpha Barbell</title>" in page_a
    assert "<title>Dashboard · Beta Strength</title>" in page_b
    assert "Beta Strength" not in page_a
    assert "<style>:root { --brand: #1f6feb; }</style>" in page_a


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_managers_see_the_gyms_people_and_roles(world: World, gym_a: GymFixture, role: str) -> None:
    page = _dashboard(gym_a, gym_a.people[role].email)

    table = re.search(r'<table[^>]*data-testid="members".*?</table>', page, re.S)
    assert table is not None
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>\s*<td>.*?>(\w+)</span>", table[0]
    )
    assert [(email, r) for _name, email, r in rows] == [
        ("owner-a@example.test", "Owner"),
        ("admin-a@example.test", "Admin"),
        ("both@example.test", "Trainer"),
        ("trainer-a@example.test", "Trainer"),
        ("trainer2-a@example.test", "Trainer"),
        ("clinician-a@example.test", "Clinician"),
        ("member-a@example.test", "Member"),
        ("member2-a@example.test", "Member"),
    ]
    assert inner_text(page, "active-count") == "8"
    assert "-b@example.test" not in page


@pytest.mark.parametrize("role", ["trainer", "clinician", "member"])
def test_others_do_not_see_the_roster(gym_a: GymFixture, role: str) -> None:
    page = _dashboard(gym_a, gym_a.people[role].email)

    assert 'data-testid="members"' not in page
    assert "owner-a@example.test" not in page


def test_people_in_two_gyms_get_a_link_to_the_other(world: World, gym_a: GymFixture) -> None:
    page = _dashboard(gym_a, world.both.email)

    assert inner_text(page, "other-gyms") == "Your other gyms Beta Strength Member"
    assert 'href="http://gym-b.localhost/"' in page


def test_anonymous_visitor_is_sent_to_sign_in(gym_a: GymFixture) -> None:
    response = Client(HTTP_HOST=gym_a.host).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_a_coach_sees_only_their_clients_with_a_live_link(gym_a: GymFixture) -> None:
    page = _dashboard(gym_a, gym_a.people["trainer"].email)

    assert inner_text(page, "clients") == "Member A · live session"
    assert f'href="/workouts/members/{gym_a.people["member"].id}/live/"' in page
    assert "Member2 A" not in page


def test_a_trainer_without_clients_is_told_how_they_get_some(gym_a: GymFixture) -> None:
    page = _dashboard(gym_a, gym_a.people["trainer2"].email)

    assert 'data-testid="clients"' not in page
    assert "an owner or admin assigns clients" in inner_text(page, "no-clients")


def test_members_get_links_to_every_training_and_health_page_and_they_open(gym_a: GymFixture) -> None:
    client = login(Client(HTTP_HOST=gym_a.host), gym_a, gym_a.people["member"].email)
    page = text(client.get("/"))
    links = set(re.findall(r'href="(/[^"]*)"', page))
    wanted = {
        "/workouts/today/", "/workouts/progress/", "/workouts/history/", "/training/library/",
        "/health/screening/", "/health/",
    }  # fmt: skip
    assert wanted <= links
    for href in sorted(wanted):
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(("role", "shown"), [("owner", True), ("admin", True), ("member", False)])
def test_the_plugins_link_is_for_managers(gym_a: GymFixture, role: str, shown: bool) -> None:
    page = _dashboard(gym_a, gym_a.people[role].email)

    assert ('href="/plugins/"' in page) is shown
