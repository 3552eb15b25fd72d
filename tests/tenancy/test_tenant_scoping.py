"""Tenant scoping of tasks and cache keys (SECURITY.md 5 and 6)."""

import pytest
from celery import current_app
from django.core.cache import cache
from django_tenants.utils import schema_context

from apps.common.tenant_tasks import MissingTenantError, tenant_task


@tenant_task("tests.schema_of_task")
def schema_of_task() -> str:
    from apps.common.tenancy import current_schema

    return current_schema()


@pytest.mark.django_db
def test_tenant_task_runs_in_the_gym_it_was_sent_for(gym_a):
    # The schema rides in the message headers (tenant-schemas-celery); apply() runs the task
    # through the same prerun hook a worker uses, which switches the connection to that gym.
    result = schema_of_task.apply(headers={"_schema_name": gym_a.schema_name})
    assert result.get() == gym_a.schema_name


@pytest.mark.django_db
def test_tenant_task_without_a_gym_fails():
    # Sent from the public schema, the message names no gym (tenant-schemas-celery stamps the
    # sender's current schema into the headers).
    with schema_context("public"):
        result = schema_of_task.apply()
    assert result.failed()
    with pytest.raises(MissingTenantError):
        result.get()
    assert "tests.schema_of_task" in current_app.tasks


@pytest.mark.django_db
def test_cache_keys_are_scoped_to_the_gym(gym_a, gym_b):
    with schema_context(gym_a.schema_name):
        cache.set("dashboard:summary", "alpha data", 30)
        assert cache.get("dashboard:summary") == "alpha data"
    with schema_context(gym_b.schema_name):
        assert cache.get("dashboard:summary") is None
        cache.set("dashboard:summary", "beta data", 30)
    with schema_context(gym_a.schema_name):
        assert cache.get("dashboard:summary") == "alpha data"
        cache.delete("dashboard:summary")
    with schema_context(gym_b.schema_name):
        cache.delete("dashboard:summary")
