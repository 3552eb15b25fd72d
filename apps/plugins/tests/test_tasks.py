"""Celery entrypoints: run in the gym the message names, fan out per gym."""

from __future__ import annotations

from unittest import mock

import pytest
from django_tenants.utils import schema_context

from apps.common.tenancy import current_schema
from apps.plugins import runtime, services, tasks
from apps.plugins.models import PluginCall
from apps.plugins.tests.factories import base_manifest, write_package

pytestmark = pytest.mark.django_db


def test_health_check_all_queues_one_task_in_each_active_gym(world):
    seen: list[str] = []
    with mock.patch.object(
        tasks.health_check_gym, "delay", side_effect=lambda: seen.append(current_schema())
    ):
        count = tasks.health_check_all()
    assert count == len(seen)
    assert {world.a.schema_name, world.b.schema_name} <= set(seen)
    assert "public" not in seen


def test_run_hook_runs_in_the_gym_its_message_names(world, plugins_dir, rescan, settings, tmp_path):
    settings.PLUGINS_SCRATCH_DIR = tmp_path / "scratch"
    write_package(plugins_dir, base_manifest(config_schema={"type": "object"}))
    rescan()
    with schema_context(world.a.schema_name):
        inst = services.plugin_install(
            gym_id=world.a.id,
            plugin_id="greeter",
            version="1.0.0",
            granted=["events.member.read"],
            actor_id=None,
        )
        services.plugin_activate(installation=inst, actor_id=None)
        try:
            result = tasks.run_hook.apply(
                args=[str(inst.pk), "on_member_joined", {"event": {"user_id": "u-7"}}],
                headers={"_schema_name": world.a.schema_name},
            )
            assert result.get() == "ok"
            assert list(PluginCall.objects.values_list("hook", "outcome")) == [("on_member_joined", "ok")]
        finally:
            runtime.pools_close()
    # A message sent from the public schema names no gym: refused before the plugin runs.
    refused = tasks.run_hook.apply(args=[str(inst.pk), "on_member_joined", {"event": {}}])
    assert refused.failed()
    assert "names no gym schema" in str(refused.result)
    with schema_context(world.a.schema_name):
        assert PluginCall.objects.count() == 1
