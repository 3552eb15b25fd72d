"""Celery entrypoints of the plugin platform: thin, idempotent where it matters, per gym."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from celery import shared_task
from django_tenants.utils import schema_context

from apps.common.tenant_tasks import tenant_task
from apps.plugins import platform, runtime


@tenant_task("plugins.run_hook", acks_late=True)
def run_hook(installation_id: str, hook: str, payload: dict[str, Any]) -> str:
    """One installation's hook for one integration event, in the gym named by the message."""
    return runtime.hook_run(installation_id=UUID(installation_id), hook=hook, payload=payload).outcome


@tenant_task("plugins.health_check_gym")
def health_check_gym() -> dict[str, str]:
    """Ping every active plugin of the gym that implements ``health_ping``."""
    return runtime.health_check()


@shared_task(name="plugins.health_check_all", ignore_result=True)
def health_check_all() -> int:
    """Beat: fan the health check out to every active gym (each in its own task and schema)."""
    gyms = platform.active_gyms()
    for gym in gyms:
        with schema_context(gym.schema_name):
            health_check_gym.delay()
    return len(gyms)
