"""Cross-gym isolation over every operation of the gym API (SECURITY.md 1).

Gym A's people must never reach gym B's data: B-only ids are 404 for A's owner on A's host,
A's credentials (session or token) are refused on B's host, and an unknown host is 404. The
person ``both@example.test`` belongs to both gyms, so their ids exist on both sides: the
deliberately overlapping case.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.organizations.models import Gym, Membership
from apps.users.models import ApiToken
from apps.users.services import token_create

PUBLIC_OPERATIONS = {("POST", "/api/v1/auth/session/"), ("DELETE", "/api/v1/auth/session/")}

# A body per write operation that would change something if it got through.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/api/v1/gym/"): {"name": "Taken over"},
    ("POST", "/api/v1/members/"): {"email": "intruder@example.test", "role": "owner"},
    ("PATCH", "/api/v1/members/{id}/"): {"role": "member"},
    ("POST", "/api/v1/tokens/"): {"name": "intruder"},
    ("POST", "/api/v1/auth/session/"): {"email": "owner-b@example.test", "password": "x"},
}


def gym_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator(urlconf="config.urls_tenant").get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


OPERATIONS = gym_operations()
PROTECTED = [op for op in OPERATIONS if op not in PUBLIC_OPERATIONS]
WITH_IDS = [op for op in PROTECTED if "{" in op[1]]


@pytest.fixture
def b_only_ids(world) -> dict[str, str]:
    """Ids that exist only in gym B (the membership of the person in both gyms included)."""
    token, _ = token_create(user_id=world.b.people["owner"].id, gym_id=world.b.id, name="b-only")
    both_in_b = Membership.objects.get(gym_id=world.b.id, user__email="both@example.test")
    return {
        "/api/v1/members/{id}/": str(both_in_b.pk),
        "/api/v1/tokens/{id}/": str(token.pk),
    }


def call(client: APIClient, method: str, path: str, ids: dict[str, str]) -> Any:
    url = path.replace("{id}", ids[path]) if "{id}" in path else path
    body = BODIES.get((method, path))
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data=data, content_type="application/json")


def test_every_operation_is_covered():
    assert len(WITH_IDS) >= 5
    paths_with_ids = {p for _, p in OPERATIONS if "{" in p}
    assert paths_with_ids <= {"/api/v1/members/{id}/", "/api/v1/tokens/{id}/"}, (
        "A new endpoint with path parameters needs B-only ids in b_only_ids()"
    )
    writes = {op for op in OPERATIONS if op[0] in {"POST", "PATCH", "PUT"}}
    assert writes <= set(BODIES), "A new write endpoint needs a body in BODIES"


pytestmark = pytest.mark.django_db


def snapshot(world) -> tuple[Any, ...]:
    gym_b = Gym.objects.get(pk=world.b.id)
    return (
        gym_b.name,
        sorted(Membership.objects.filter(gym_id=world.b.id).values_list("user__email", "role", "status")),
        sorted(ApiToken.objects.filter(gym_id=world.b.id).values_list("prefix", "revoked_at")),
    )


@pytest.mark.parametrize(("method", "path"), WITH_IDS)
def test_b_only_ids_are_404_for_a_on_its_own_host(world, api_for, b_only_ids, method, path):
    before = snapshot(world)
    response = call(api_for(world.a, "owner"), method, path, b_only_ids)
    assert response.status_code == 404, (method, path, response.content)
    assert snapshot(world) == before


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_session_on_b_host_is_refused(world, api_for, b_only_ids, method, path):
    before = snapshot(world)
    client = api_for(world.a, "both@example.test")  # session made on A's host
    client.defaults["HTTP_HOST"] = world.b.host
    response = call(client, method, path, b_only_ids)
    assert response.status_code in {401, 403, 404}, (method, path, response.content)
    assert snapshot(world) == before


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_token_on_b_host_is_refused(world, b_only_ids, method, path):
    _, raw = token_create(user_id=world.both.id, gym_id=world.a.id, name="a-token")
    before = snapshot(world)
    client = APIClient(HTTP_HOST=world.b.host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = call(client, method, path, b_only_ids)
    assert response.status_code == 401, (method, path, response.content)
    assert snapshot(world) == before


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_unknown_host_is_404(world, b_only_ids, method, path):
    response = call(APIClient(HTTP_HOST="no-such-gym.localhost"), method, path, b_only_ids)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_anonymous_is_401(world, b_only_ids, method, path):
    response = call(APIClient(HTTP_HOST=world.b.host), method, path, b_only_ids)
    assert response.status_code == 401, (method, path, response.content)


def test_collections_on_a_host_never_list_b_rows(world, api_for):
    client = api_for(world.a, "owner")
    b_people = {p.email for p in world.b.people.values()}
    assert not b_people & {m["email"] for m in client.get("/api/v1/members/").json()["results"]}
    token_create(user_id=world.both.id, gym_id=world.b.id, name="b side")
    both = api_for(world.a, "both@example.test")
    assert [t["name"] for t in both.get("/api/v1/tokens/").json()["results"]] == []
    assert both.get("/api/v1/gym/").json()["id"] == world.a.id
