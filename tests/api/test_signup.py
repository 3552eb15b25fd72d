"""Gym sign-up on the public host: validation, the spare pool, and an owner who can sign in at once."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.common.models import OutboxEvent
from apps.organizations.facade.contracts import GymStatus
from apps.organizations.models import Domain, Gym, Membership
from apps.organizations.services import gym_pool_top_up
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "name": "Gamma Gym",
        "subdomain": "gamma",
        "owner_email": "gamma-owner@example.test",
        "owner_password": "a-long-unusual-passphrase-77",
        "owner_full_name": "Gia Owner",
    }
    data.update(overrides)
    return client.post("/api/v1/gyms/", data, format="json")


def test_signup_claims_a_spare_and_owner_signs_in_at_once(public_client):
    gym_pool_top_up(target=1)
    spare = Gym.objects.filter(status=GymStatus.SPARE.value).order_by("created_at").first()
    assert spare is not None

    response = signup(public_client)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subdomain"] == "gamma"
    assert body["login_url"] == f"http://gamma.{settings.PLATFORM_DOMAIN}/login/"
    gym = Gym.objects.get(pk=body["id"])
    assert gym.pk == spare.pk  # the oldest spare was claimed, not a new schema
    assert gym.status == GymStatus.ACTIVE.value
    assert Domain.objects.get(tenant=gym).domain == f"gamma.{settings.PLATFORM_DOMAIN}"
    assert Membership.objects.get(gym=gym).role == "owner"
    assert (
        OutboxEvent.objects.filter(event_type="organizations.GymCreated", payload__gym_id=gym.pk).count() == 1
    )

    owner = APIClient(HTTP_HOST=f"gamma.{settings.PLATFORM_DOMAIN}")
    login = owner.post(
        "/api/v1/auth/session/",
        {"email": "gamma-owner@example.test", "password": "a-long-unusual-passphrase-77"},
        format="json",
    )
    assert login.status_code == 204
    profile = owner.get("/api/v1/gym/")
    assert profile.status_code == 200
    assert profile.json()["name"] == "Gamma Gym"


def test_signup_with_empty_pool_still_works(public_client):
    Gym.objects.filter(status=GymStatus.SPARE.value).update(status=GymStatus.SUSPENDED.value)
    response = signup(public_client, subdomain="gamma-two")
    assert response.status_code == 201, response.content
    assert Gym.objects.get(pk=response.json()["id"]).status == GymStatus.ACTIVE.value


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("admin", "'admin' is reserved."),
        ("www", "'www' is reserved."),
        ("api", "'api' is reserved."),
        ("public", "'public' is reserved."),
        ("gym-a", "'gym-a' is already taken."),
        ("GYM-A", "'gym-a' is already taken."),
        ("-lead", "Use only letters, digits and hyphens, not starting or ending with a hyphen."),
        ("trail-", "Use only letters, digits and hyphens, not starting or ending with a hyphen."),
        ("under_score", "Use only letters, digits and hyphens, not starting or ending with a hyphen."),
        ("dots.not.ok", "Use only letters, digits and hyphens, not starting or ending with a hyphen."),
        ("xn--abc", "Hyphens in the third and fourth place are reserved."),
        ("ab", "Use 3 to 63 characters."),
        ("a" * 64, "Ensure this field has no more than 63 characters."),
        ("", "This field may not be blank."),
    ],
)
def test_signup_rejects_bad_subdomains(public_client, subdomain, message):
    response = signup(public_client, subdomain=subdomain)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["subdomain"] == [message]


def test_subdomain_is_stored_lower_case(public_client):
    response = signup(public_client, subdomain="MixedCase")
    assert response.status_code == 201
    assert response.json()["subdomain"] == "mixedcase"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "This password is too short. It must contain at least 12 characters."),
        ("qwerty123456", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
    ],
)
def test_signup_enforces_password_policy(public_client, password, message):
    response = signup(public_client, owner_password=password)
    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["owner_password"]
    assert not Gym.objects.filter(subdomain="gamma").exists()


def test_signup_with_existing_account_needs_its_password(public_client, world):
    wrong = signup(
        public_client, owner_email=world.a.people["member"].email, owner_password="not-the-right-one-123"
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"]["owner_email"] == [
        "An account with this email exists: enter its password to use it."
    ]
    right = signup(public_client, owner_email=world.a.people["member"].email.upper(), owner_password=PASSWORD)
    assert right.status_code == 201
    gym = Gym.objects.get(pk=right.json()["id"])
    assert Membership.objects.get(gym=gym).user_id == world.a.people["member"].id


def test_signup_rejects_unknown_and_missing_fields(public_client):
    response = public_client.post("/api/v1/gyms/", {"name": "X", "plan": "enterprise"}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["plan"] == ["Unknown or read-only field."]


def test_signup_is_not_offered_on_gym_hosts(api_for, gym_a):
    response = api_for(gym_a).post("/api/v1/gyms/", {}, format="json")
    assert response.status_code == 404
