"""Training events reach plugins: a session finished and a record set through the training API
are delivered from the outbox to the signed badges sample running in its worker sandbox."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from apps.common.events import subscribers_for
from apps.common.models import OutboxEvent
from apps.common.services import event_deliver
from apps.plugins import runtime, services, tasks
from apps.plugins.models import PluginCall, PluginNotice

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/workouts/sessions/"


@pytest.fixture
def badges(world: Any, settings: Any, rescan: Any) -> Any:
    settings.PLUGINS_DIR = django_settings.BASE_DIR / "plugins"
    settings.PLUGINS_TRUSTED_KEYS = {"gymstack-dev": django_settings.PLUGINS_TRUSTED_KEYS["gymstack-dev"]}
    rescan()
    with schema_context(world.a.schema_name):
        installation = services.plugin_install(
            gym_id=world.a.id,
            plugin_id="badges",
            version="1.0.0",
            granted=["events.workout.read", "storage.kv", "notifications.send"],
            actor_id=None,
        )
        services.plugin_activate(installation=installation, actor_id=None)
    yield installation
    runtime.pools_close()


def _deliver(world: Any, event_type: str, django_capture_on_commit_callbacks: Any) -> list[Any]:
    """Deliver each outbox row of ``event_type`` to the plugins' subscriber, as the Celery task
    would, and run the hook tasks it queues (the queue is the only thing replaced)."""
    queued: list[tuple[Any, ...]] = []
    handler = next(name for name in subscribers_for(event_type) if "plugins" in name)
    rows = OutboxEvent.objects.filter(event_type=event_type, schema_name=world.a.schema_name)
    assert rows.exists()
    with (
        schema_context(world.a.schema_name),
        mock.patch.object(tasks.run_hook, "delay", side_effect=lambda *args: queued.append(args)),
    ):
        for row in rows:
            envelope = {
                "event_id": str(row.id),
                "event_type": row.event_type,
                "schema_name": row.schema_name,
                "payload": row.payload,
                "request_id": "test",
            }
            with django_capture_on_commit_callbacks(execute=True):
                event_deliver(envelope=envelope, handler=handler, attempt=1)
    return [
        tasks.run_hook.apply(args=list(args), headers={"_schema_name": world.a.schema_name}).get()
        for args in queued
    ]


def test_a_finished_session_and_its_record_reach_the_badges_plugin(
    world: Any, api_for: Any, badges: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = api_for(world.a, "member")
    squat = member.get("/api/v1/exercises/?q=barbell%20squat").json()["results"][0]["id"]
    session = member.post(SESSIONS, {"name": "Legs"}, format="json").json()
    logged = member.post(
        f"{SESSIONS}{session['id']}/sets/",
        {"id": str(uuid.uuid4()), "exercise": squat, "reps": 5, "load": "100"},
        format="json",
    )
    assert logged.status_code == 201, logged.content
    assert member.post(f"{SESSIONS}{session['id']}/finish/").status_code == 200

    assert _deliver(world, "workouts.WorkoutCompleted", django_capture_on_commit_callbacks) == ["ok"]
    assert _deliver(world, "workouts.PersonalRecordSet", django_capture_on_commit_callbacks)
    with schema_context(world.a.schema_name):
        calls = sorted(set(PluginCall.objects.filter(plugin_id="badges").values_list("hook", "outcome")))
        assert calls == [("on_personal_record_set", "ok"), ("on_workout_completed", "ok")]
        # The first record earns "first-pr", announced to the member who set it.
        titles = list(
            PluginNotice.objects.filter(member_id=str(world.a.people["member"].id)).values_list(
                "title", flat=True
            )
        )
        assert titles == ["New badge: first-pr"]
