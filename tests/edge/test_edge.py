"""The edge: routing (cached), health, headers, request ids and logs, CORS, compression,
throttling and error bodies."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.organizations.facade import api as organizations
from apps.organizations.models import Domain, Gym
from apps.organizations.routing import drop_cached
from apps.organizations.services import domain_change, gym_update

pytestmark = pytest.mark.django_db


def test_routing_is_cached_no_query_per_request(gym_a):
    drop_cached([gym_a.host])
    with CaptureQueriesContext(connection) as first:
        route = organizations.route_for_host(host=gym_a.host)
    assert route is not None
    assert route.schema_name == gym_a.schema_name
    lookups = [q for q in first.captured_queries if "organizations_domain" in q["sql"]]
    assert len(lookups) == 1
    with CaptureQueriesContext(connection) as second:
        again = organizations.route_for_host(host=gym_a.host.upper())
    assert again == route
    assert second.captured_queries == []


def test_unknown_hosts_are_cached_as_missing_and_forgotten_when_added(world):
    host = "later.localhost"
    drop_cached([host])
    assert organizations.route_for_host(host=host) is None
    with CaptureQueriesContext(connection) as ctx:
        assert organizations.route_for_host(host=host) is None
    assert ctx.captured_queries == []
    from apps.organizations.services import domain_add

    domain_add(gym=Gym.objects.get(pk=world.a.id), domain=host)
    route = organizations.route_for_host(host=host)
    assert route is not None
    assert route.id == world.a.id
    drop_cached([host])


def test_domain_change_takes_effect_at_once(world, api_for):
    client = api_for(world.a, "owner")
    assert client.get("/api/v1/gym/").status_code == 200  # cached now
    domain = Domain.objects.get(domain=world.a.host)
    domain_change(domain=domain, new_host="alpha-renamed.localhost")
    assert client.get("/api/v1/gym/").status_code == 404
    moved = APIClient(HTTP_HOST="alpha-renamed.localhost")
    assert moved.get("/healthz").status_code == 200
    assert moved.get("/api/v1/gym/").status_code == 401  # the gym answers there now
    drop_cached(["alpha-renamed.localhost"])


def test_spare_and_template_schemas_are_not_served(world):
    template = Gym.objects.get(status="template")
    Domain.objects.create(domain="spare.localhost", tenant=template)
    response = Client(HTTP_HOST="spare.localhost").get("/login/")
    assert response.status_code == 404
    drop_cached(["spare.localhost"])


def test_unknown_host_html_and_json(world):
    page = Client(HTTP_HOST="nowhere.localhost").get("/some/page/?q=secret")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert b"secret" not in page.content
    assert b"nowhere" not in page.content
    api = Client(HTTP_HOST="nowhere.localhost").get("/api/v1/members/")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"


def test_disallowed_host_is_a_clean_400(world):
    response = Client(HTTP_HOST="evil.example.com").get("/healthz")
    assert response.status_code == 400


def test_healthz_and_readyz(gym_a):
    assert Client(HTTP_HOST=gym_a.host).get("/healthz").json() == {"status": "ok"}
    ready = Client(HTTP_HOST=settings.PLATFORM_DOMAIN).get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ok",
        "checks": {"postgres": {"status": "ok"}, "redis": {"status": "ok"}, "broker": {"status": "ok"}},
    }


def test_readyz_reports_an_unreachable_broker(gym_a):
    from celery import current_app

    original = current_app.conf.broker_url
    conf: Any = current_app.conf
    pool: Any = current_app.pool
    conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    pool.force_close_all()
    try:
        ready = Client(HTTP_HOST=gym_a.host).get("/readyz")
    finally:
        conf.broker_url = original
        pool.force_close_all()
    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"]["status"] == "error"
    assert ready.json()["checks"]["postgres"] == {"status": "ok"}


def test_security_headers(api_for, gym_a):
    response = api_for(gym_a, "member").get("/api/v1/me/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_request_id_is_echoed_or_generated(gym_a):
    client = Client(HTTP_HOST=gym_a.host)
    given = client.get("/healthz", HTTP_X_REQUEST_ID="req-12345678")
    assert given["X-Request-ID"] == "req-12345678"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert made["X-Request-ID"] != "bad id with spaces"
    assert len(made["X-Request-ID"]) == 32


def test_access_log_is_json_with_gym_and_request_id(api_for, gym_a, caplog):
    from apps.common.logging import ContextFilter

    handler_records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_records.append(record)

    keep = Keep()
    keep.addFilter(ContextFilter())
    log = logging.getLogger("gymstack.access")
    log.addHandler(keep)
    try:
        api_for(gym_a, "member").get("/api/v1/me/", HTTP_X_REQUEST_ID="trace-abcdef12")
    finally:
        log.removeHandler(keep)
    record = handler_records[-1]
    assert record.request_id == "trace-abcdef12"
    assert record.gym == gym_a.schema_name
    assert record.status == 200
    from pythonjsonlogger.json import JsonFormatter

    line = json.loads(JsonFormatter("%(message)s %(request_id)s %(gym)s").format(record))
    assert line["request_id"] == "trace-abcdef12"
    assert line["gym"] == gym_a.schema_name


def test_cors_allows_only_the_gyms_origins(api_for, world):
    gym_update(gym=Gym.objects.get(pk=world.a.id), cors_allowed_origins=["https://app.alpha.example"])
    client = api_for(world.a, "member")
    allowed = client.get("/api/v1/me/", HTTP_ORIGIN="https://app.alpha.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.alpha.example"
    other = client.get("/api/v1/me/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    on_b = api_for(world.b, "member").get("/api/v1/me/", HTTP_ORIGIN="https://app.alpha.example")
    assert "Access-Control-Allow-Origin" not in on_b


def test_responses_are_compressed(api_for, gym_a):
    response = api_for(gym_a, "owner").get("/api/v1/members/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


@pytest.fixture
def fresh_throttles(monkeypatch):
    """Pin the throttles' clock to the start of a window no other test has used."""
    import itertools
    import uuid

    from apps.common.api import throttling

    base = (10**7 + uuid.uuid4().int % 10**6) * throttling.WINDOW_SECONDS  # a window start
    ticks = itertools.count()
    monkeypatch.setattr(throttling, "now", lambda: base + next(ticks) * 0.001)


@pytest.mark.usefixtures("fresh_throttles")
def test_throttling_by_plan_per_user_and_gym(api_for, gym_a, settings):
    settings.API_RATE_LIMITS = {
        "free": {"gym": 1000, "user": 3},
        "pro": {"gym": 1000, "user": 6},
        "enterprise": {"gym": 1000, "user": 1000},
    }
    client = api_for(gym_a, "trainer")
    codes = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/me/")
    assert limited.json()["error"]["code"] == "throttled"
    assert 59 < limited.json()["error"]["retry_after_seconds"] <= 60
    assert limited["Retry-After"] == "60"
    # A different person on the same gym has their own budget...
    assert api_for(gym_a, "clinician").get("/api/v1/me/").status_code == 200
    # ...and a gym on a bigger plan gets a bigger one.
    gym_update(gym=Gym.objects.get(pk=gym_a.id), plan="pro")
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.usefixtures("fresh_throttles")
def test_gym_wide_limit(api_for, gym_b, settings):
    settings.API_RATE_LIMITS = {p: {"gym": 2, "user": 1000} for p in ("free", "pro", "enterprise")}
    assert api_for(gym_b, "member").get("/api/v1/me/").status_code == 200
    assert api_for(gym_b, "trainer").get("/api/v1/me/").status_code == 200
    assert api_for(gym_b, "owner").get("/api/v1/me/").status_code == 429


def test_oversized_body_is_a_400(api_for, gym_a):
    big = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = api_for(gym_a, "owner").generic(
        "POST", "/api/v1/tokens/", big, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_malformed_json_is_a_400(api_for, gym_a):
    response = api_for(gym_a, "owner").generic(
        "POST", "/api/v1/tokens/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("JSON parse error")


def test_wrong_types_name_the_field(api_for, gym_a):
    response = api_for(gym_a, "owner").post("/api/v1/tokens/", {"name": ["a", "list"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["Not a valid string."]}


def test_openapi_schema_and_offline_docs(gym_a):
    client = Client(HTTP_HOST=gym_a.host)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/members/{id}/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI and Redoc come from drf-spectacular-sidecar: no CDN.
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    redoc = client.get("/api/redoc/")
    assert b"/static/drf_spectacular_sidecar/" in redoc.content


def test_redis_down_degrades_to_the_database_not_to_errors(api_for, gym_a, settings):
    dead = {**settings.CACHES["platform"], "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens
    client = api_for(gym_a, "member")
    settings.CACHES = {**settings.CACHES, "platform": dead}
    response = client.get("/api/v1/me/")
    assert response.status_code == 200  # routed from the database, throttles failed open
    assert response.json()["email"] == gym_a.people["member"].email
    assert client.get("/api/v1/nothing-here/").status_code == 404


def test_each_host_type_documents_its_own_api(gym_a):
    public = json.loads(Client(HTTP_HOST=settings.PLATFORM_DOMAIN).get("/api/schema/?format=json").content)
    gym = json.loads(Client(HTTP_HOST=gym_a.host).get("/api/schema/?format=json").content)
    plugin_catalogue = {"/api/v1/plugins/", "/api/v1/plugins/validate/"}  # apps.plugins, public host
    assert set(public["paths"]) == {"/api/v1/gyms/", *plugin_catalogue}
    assert "/api/v1/gyms/" not in gym["paths"]
    assert "/api/v1/members/" in gym["paths"]


@pytest.mark.usefixtures("fresh_throttles")
def test_anonymous_callers_cannot_spend_a_gyms_budget(api_for, gym_b, settings):
    settings.API_RATE_LIMITS = {p: {"gym": 3, "user": 1000} for p in ("free", "pro", "enterprise")}
    settings.API_ANON_RATE_PER_MINUTE = 2
    anonymous = APIClient(HTTP_HOST=gym_b.host)
    # Open endpoints (sign-in here) are where anonymous calls reach the throttles.
    codes = [anonymous.post("/api/v1/auth/session/", {}, format="json").status_code for _ in range(4)]
    assert codes == [400, 400, 429, 429]  # counted per IP against the anonymous rate
    assert api_for(gym_b, "owner").get("/api/v1/members/").status_code == 200
