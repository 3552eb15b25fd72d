"""The exercise library API: search with typos, facets, constant queries, member view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.workouts.tests.core_helpers import query_log_kept

pytestmark = pytest.mark.django_db


def test_search_finds_squats_despite_swapped_letters(world, api_for):
    r = api_for(world.a, "member").get("/api/v1/exercises/", {"q": "sqaut", "page_size": 5})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["query"] == "squat"
    assert body["results"][0]["name"] == "Barbell Full Squat"
    assert all("squat" in e["name"].lower() for e in body["results"])


def test_facets_count_the_whole_result(world, api_for):
    r = api_for(world.a, "owner").get("/api/v1/exercises/", {"muscle": "biceps", "page_size": 1})
    body = r.json()
    assert body["count"] == 53
    assert len(body["results"]) == 1
    assert body["facets"]["muscle"] == {"biceps": 53}
    assert sum(body["facets"]["level"].values()) == 53


def test_bad_filter_is_400(world, api_for):
    r = api_for(world.a, "member").get("/api/v1/exercises/", {"muscle": "wings"})
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["muscle"] == ['"wings" is not a valid choice.']


@pytest.mark.parametrize(("who", "queries"), [("member", 11), ("owner", 7)])
def test_list_query_count_does_not_grow_with_page_size(
    world, api_for, django_assert_num_queries, who, queries
):
    """Queries other than django-tenants' ``SET search_path`` (one before each): the member's
    view adds screening, restrictions, overrides, set-up and the candidate tags."""
    client = api_for(world.a, who)
    client.get("/api/v1/exercises/", {"page_size": 1})  # sessions and caches warm
    for size in (1, 50, 200):
        with query_log_kept(), CaptureQueriesContext(connection) as ctx:
            r = client.get("/api/v1/exercises/", {"page_size": size, "q": "press"})
        assert len(r.json()["results"]) == min(size, r.json()["count"])
        real = [q for q in ctx.captured_queries if not q["sql"].startswith("SET search_path")]
        assert len(real) == queries, [q["sql"][:80] for q in real]
        with query_log_kept(), django_assert_num_queries(len(ctx.captured_queries)):
            client.get("/api/v1/exercises/", {"page_size": size, "q": "press"})
