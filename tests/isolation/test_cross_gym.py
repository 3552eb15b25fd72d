"""Cross-gym isolation over every operation of the gym API (SECURITY.md 1).

Gym A's people must never reach gym B's data: B-only ids are 404 for A's owner on A's host,
A's credentials (session or token) are refused on B's host, and an unknown host is 404. The
person ``both@example.test`` belongs to both gyms, so their ids exist on both sides: the
deliberately overlapping case.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.users.services import token_create

PUBLIC_OPERATIONS = {("POST", "/api/v1/auth/session/"), ("DELETE", "/api/v1/auth/session/")}


def context_tables() -> list[ModuleType]:
    """Each context's ``tests/isolation_ids.py``: ``BODIES`` (a body per write operation that
    would change something if it got through), ``b_only_urls(world)`` (a concrete URL with ids
    that exist only in gym B, per path template) and optionally ``snapshot_b(world)`` (the state
    of gym B's data in that context, which no refused call may change)."""
    root = Path(__file__).resolve().parents[2] / "apps"
    found = sorted([*root.glob("*/tests/isolation_ids.py"), *root.glob("*/*/tests/isolation_ids.py")])
    return [
        importlib.import_module(".".join(("apps", *p.relative_to(root).with_suffix("").parts))) for p in found
    ]


TABLES = context_tables()
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    key: body for table in TABLES for key, body in getattr(table, "BODIES", {}).items()
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
    """Concrete URLs holding ids that exist only in gym B, per path template."""
    urls: dict[str, str] = {}
    for table in TABLES:
        if hasattr(table, "b_only_urls"):
            urls.update(table.b_only_urls(world))
    return urls


def call(client: APIClient, method: str, path: str, ids: dict[str, str]) -> Any:
    url = ids[path] if "{" in path else path
    body = BODIES.get((method, path))
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url, data=data, content_type="application/json")


def test_every_operation_is_covered(b_only_ids):
    assert len(WITH_IDS) >= 5
    missing = {p for _, p in OPERATIONS if "{" in p} - set(b_only_ids)
    assert not missing, f"Add B-only URLs for {sorted(missing)} to the context's tests/isolation_ids.py"
    writes = {op for op in OPERATIONS if op[0] in {"POST", "PATCH", "PUT"}}
    assert writes <= set(BODIES), (
        f"Add bodies for {sorted(writes - set(BODIES))} to the context's tests/isolation_ids.py"
    )


pytestmark = pytest.mark.django_db


def snapshot(world) -> tuple[Any, ...]:
    return tuple(table.snapshot_b(world) for table in TABLES if hasattr(table, "snapshot_b"))


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
