"""MFA for every role that can read health data, on pages and the API (SECURITY.md 19).

A role x (MFA verified or not) x (HIPAA mode off or on) matrix over a page and an API
endpoint, the paths that stay open before MFA, and API tokens.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.organizations.facade.contracts import Role
from apps.organizations.models import Gym
from apps.organizations.services import gym_hipaa_mode_set
from apps.users.facade.testing import totp_enrol
from apps.users.services import token_create

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "trainer", "clinician", "member"]
MFA_ROLES = {False: {"trainer", "clinician"}, True: {"owner", "admin", "trainer", "clinician"}}


def _hipaa(gym, on: bool) -> None:
    if on:
        gym_hipaa_mode_set(
            gym=Gym.objects.get(pk=gym.id),
            enabled=True,
            accept_baa=True,
            actor_id=gym.people["owner"].id,
            actor_role=Role.OWNER,
        )


@pytest.mark.parametrize("hipaa", [False, True], ids=["normal", "hipaa"])
@pytest.mark.parametrize("verified", [False, True], ids=["no-mfa", "mfa"])
@pytest.mark.parametrize("role", ROLES)
def test_role_by_mfa_matrix_on_the_api(gym_a, api_for, role, verified, hipaa):
    _hipaa(gym_a, hipaa)
    client = api_for(gym_a, role, mfa=verified)
    response = client.get("/api/v1/me/memberships/")
    if role in MFA_ROLES[hipaa] and not verified:
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "mfa_required"
        assert error["mfa_enrolled"] is False
        assert error["message"].startswith("Your role in this gym requires multi-factor authentication")
    else:
        assert response.status_code == 200
        assert [m["role"] for m in response.json()["results"]] == [role]


@pytest.mark.parametrize("hipaa", [False, True], ids=["normal", "hipaa"])
@pytest.mark.parametrize("verified", [False, True], ids=["no-mfa", "mfa"])
@pytest.mark.parametrize("role", ROLES)
def test_role_by_mfa_matrix_on_the_pages(gym_a, api_for, role, verified, hipaa):
    _hipaa(gym_a, hipaa)
    client = api_for(gym_a, role, mfa=verified)
    response = client.get("/?tab=1")
    if role in MFA_ROLES[hipaa] and not verified:
        assert response.status_code == 302
        assert response["Location"] == "/mfa/setup/?next=%2F%3Ftab%3D1"
    else:
        assert response.status_code == 200


def test_an_enrolled_person_is_sent_to_verify_not_setup(gym_a, api_for):
    totp_enrol(user_id=gym_a.people["clinician"].id)
    client = api_for(gym_a, "clinician", mfa=False)
    assert client.get("/")["Location"] == "/mfa/verify/?next=%2F"
    assert client.get("/api/v1/members/").json()["error"]["mfa_enrolled"] is True


@pytest.mark.parametrize(
    "path",
    ["/api/v1/me/", "/api/v1/me/mfa/", "/mfa/", "/mfa/setup/", "/healthz", "/api/schema/"],
)
def test_sign_in_mfa_and_own_account_stay_open_before_mfa(gym_a, api_for, path):
    client = api_for(gym_a, "trainer", mfa=False)
    assert client.get(path).status_code == 200


def test_everything_else_is_refused_before_mfa(gym_a, api_for):
    client = api_for(gym_a, "trainer", mfa=False)
    for path in ("/api/v1/gym/", "/api/v1/tokens/", "/api/v1/members/", "/api/v1/coaching/"):
        assert client.get(path).json()["error"]["code"] == "mfa_required", path
    assert client.post("/api/v1/auth/reauth/", {"password": "x"}, format="json").status_code == 403
    email = client.patch("/api/v1/me/", {"email": "new@example.test"}, format="json")
    assert email.json()["error"]["code"] == "mfa_required"  # /api/v1/me/ is open for reading only
    assert client.get("/password/")["Location"] == "/mfa/setup/?next=%2Fpassword%2F"
    assert client.delete("/api/v1/auth/session/").status_code == 204  # signing out stays open


def test_the_same_person_needs_mfa_only_where_their_role_needs_it(world, api_for):
    # both@ is a trainer in A and a member in B.
    assert api_for(world.a, "both@example.test", mfa=False).get("/api/v1/gym/").status_code == 403
    assert api_for(world.b, "both@example.test", mfa=False).get("/api/v1/gym/").status_code == 200


def _token(gym, role: str, *, mfa: bool) -> APIClient:
    _, raw = token_create(user_id=gym.people[role].id, gym_id=gym.id, name="t", mfa_verified=mfa)
    return APIClient(HTTP_HOST=gym.host, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("role", ROLES)
def test_a_token_without_mfa_is_refused_for_mfa_roles(gym_a, role):
    response = _token(gym_a, role, mfa=False).get("/api/v1/me/")
    if role in MFA_ROLES[False]:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "mfa_required"
        assert (
            "this token was not created from an MFA-verified session" in response.json()["error"]["message"]
        )
    else:
        assert response.status_code == 200
    assert _token(gym_a, role, mfa=True).get("/api/v1/me/").status_code == 200


def test_hipaa_mode_makes_owner_tokens_without_mfa_fail(gym_a):
    client = _token(gym_a, "owner", mfa=False)
    assert client.get("/api/v1/gym/").status_code == 200
    _hipaa(gym_a, True)
    assert client.get("/api/v1/gym/").json()["error"]["code"] == "mfa_required"


def test_a_token_made_from_a_verified_session_records_it(gym_a, api_for):
    verified = api_for(gym_a, "trainer").post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert verified.status_code == 201
    assert verified.json()["mfa_verified"] is True
    client = APIClient(HTTP_HOST=gym_a.host, HTTP_AUTHORIZATION=f"Bearer {verified.json()['token']}")
    assert client.get("/api/v1/members/").status_code == 200
    member = api_for(gym_a, "member", mfa=False).post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert member.json()["mfa_verified"] is False


def test_mfa_management_is_refused_to_tokens(gym_a):
    client = _token(gym_a, "member", mfa=False)
    for path in ("/api/v1/me/mfa/totp/", "/api/v1/auth/mfa/verify/", "/api/v1/auth/reauth/"):
        response = client.post(path, {"code": "123456", "password": "x"}, format="json")
        assert response.status_code in {400, 403}, path
        if response.status_code == 400:
            pytest.fail(f"{path} accepted a token caller")
        assert (
            response.json()["error"]["message"] == "Do this from a signed-in session, not with an API token."
        )


def test_api_sign_in_then_verify_end_to_end(gym_a, settings):
    from apps.users.facade.testing import totp_code
    from conftest import PASSWORD

    settings.AXES_ENABLED = False
    person = gym_a.people["clinician"]
    totp_enrol(user_id=person.id)
    client = APIClient(HTTP_HOST=gym_a.host)
    signed_in = client.post(
        "/api/v1/auth/session/", {"email": person.email, "password": PASSWORD}, format="json"
    )
    assert signed_in.status_code == 204
    assert client.get("/api/v1/members/").json()["error"]["code"] == "mfa_required"
    assert client.get("/api/v1/me/mfa/").json()["mfa_verified"] is False
    verified = client.post("/api/v1/auth/mfa/verify/", {"code": totp_code(user_id=person.id)}, format="json")
    assert verified.status_code == 200
    assert client.get("/api/v1/members/").status_code == 200
    token = client.post("/api/v1/tokens/", {"name": "ci"}, format="json").json()
    assert token["mfa_verified"] is True
