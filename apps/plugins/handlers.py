"""Integration events that reach plugins: each becomes one Celery task per eligible installation.

Adding an event is one line at the bottom (for instance
``route(WorkoutCompleted, "on_workout_completed")`` once workouts publishes it). Each installation
gets its own task, so one slow or failing plugin never delays or stops another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from apps.common.events import IntegrationEvent, event_to_payload, subscribe
from apps.organizations.facade.events import MemberJoined
from apps.plugins import runtime
from apps.plugins.tasks import run_hook


def hook_fan_out(*, hook: str, event: IntegrationEvent) -> int:
    """Queue ``hook`` for every active installation implementing it, after the delivery commits."""
    payload: dict[str, Any] = {"event": event_to_payload(event)}
    targets = runtime.hook_targets(hook=hook)
    for pk in targets:
        transaction.on_commit(lambda pk=pk: run_hook.delay(str(pk), hook, payload))  # type: ignore[misc]
    return len(targets)


def route(event_class: type[IntegrationEvent], hook: str) -> Callable[[Any], None]:
    """Subscribe the plugins of every gym to ``event_class`` through ``hook``."""

    def handler(event: IntegrationEvent) -> None:
        hook_fan_out(hook=hook, event=event)

    handler.__name__ = handler.__qualname__ = f"plugins_{hook}"
    return subscribe(event_class)(handler)


route(MemberJoined, "on_member_joined")
