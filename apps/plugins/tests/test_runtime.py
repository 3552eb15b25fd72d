"""Plugins running for real in their sandboxes, through the host functions (PEPs): the sample
plugin end to end in two kinds, hostile plugins denied, audited and suspended, metrics, health."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from apps.common.events import event_to_payload
from apps.common.models import OutboxEvent
from apps.organizations.facade.contracts import Role
from apps.organizations.facade.events import MemberJoined
from apps.plugins import handlers, registry, runtime, services, tasks
from apps.plugins.models import PluginAuditEntry, PluginCall, PluginDatum, PluginInstallation, PluginNotice
from apps.plugins.tests.factories import base_manifest, write_package
from apps.plugins.tests.hostile import HOSTILE_CODE

pytestmark = pytest.mark.django_db

EVENT_AT = "2026-11-02T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _sandbox_env(settings, tmp_path) -> Iterator[None]:
    settings.PLUGINS_SCRATCH_DIR = tmp_path / "scratch"
    settings.PLUGINS_POOL_SIZE = 1
    yield
    runtime.pools_close()


def setup_plugin(world, plugin_id, version, granted, config=None) -> PluginInstallation:
    with schema_context(world.a.schema_name):
        installation = services.plugin_install(
            gym_id=world.a.id, plugin_id=plugin_id, version=version, granted=granted, actor_id=None
        )
        if config is not None:
            services.plugin_configure(installation=installation, values=config, actor_id=None)
        return services.plugin_activate(installation=installation, actor_id=None)


def run(world, installation, hook, payload):
    with schema_context(world.a.schema_name):
        return runtime.hook_run(installation_id=installation.pk, hook=hook, payload=payload)


# --- the first-party sample, from the real plugins folder (signed with the development key) ---


@pytest.fixture
def real_catalogue(settings, rescan):
    settings.PLUGINS_DIR = django_settings.BASE_DIR / "plugins"
    settings.PLUGINS_TRUSTED_KEYS = {"gymstack-dev": django_settings.PLUGINS_TRUSTED_KEYS["gymstack-dev"]}
    return rescan()


def test_badges_runs_in_worker_then_v8_after_an_upgrade_with_the_same_behaviour(world, real_catalogue):
    member = str(world.a.people["member"].id)
    inst = setup_plugin(
        world,
        "badges",
        "1.0.0",
        ["events.workout.read", "storage.kv", "notifications.send"],
        config={"announce": True, "title_prefix": "Well done"},
    )
    record = {"event": {"user_id": member, "occurred_at": EVENT_AT}}
    first = run(world, inst, "on_personal_record_set", record)
    assert (first.outcome, first.value) == (
        "ok",
        {"member_id": member, "records": 1, "awarded": ["first-pr"], "announced": ["first-pr"]},
    )
    days = [f"2026-11-0{d}T07:00:00+00:00" for d in (2, 3)]
    for at in days:
        assert (
            run(
                world, inst, "on_workout_completed", {"event": {"user_id": member, "occurred_at": at}}
            ).outcome
            == "ok"
        )

    with schema_context(world.a.schema_name):
        services.plugin_version_change(installation=inst, version="1.1.0", granted=None, actor_id=None)
        assert PluginInstallation.objects.get(pk=inst.pk).config == {
            "announce": True,
            "title_prefix": "Well done",
        }
    # The V8 version continues from the same stored state.
    third_day = run(
        world,
        inst,
        "on_workout_completed",
        {"event": {"user_id": member, "occurred_at": "2026-11-04T07:00:00+00:00"}},
    )
    assert (third_day.outcome, third_day.value) == (
        "ok",
        {"member_id": member, "run": 3, "awarded": ["streak-3"], "announced": ["streak-3"]},
    )
    second = run(world, inst, "on_personal_record_set", record)
    assert second.value == {"member_id": member, "records": 2, "awarded": [], "announced": []}
    with schema_context(world.a.schema_name):
        assert sorted(PluginNotice.objects.filter(member_id=member).values_list("title", flat=True)) == [
            "Well done: first-pr",
            "Well done: streak-3",
        ]
        assert dict(PluginDatum.objects.values_list("key", "value"))[f"records:{member}"] == 2
        calls = list(PluginCall.objects.order_by("id").values_list("version", "hook", "outcome"))
    assert calls == [
        ("1.0.0", "on_personal_record_set", "ok"),
        ("1.0.0", "on_workout_completed", "ok"),
        ("1.0.0", "on_workout_completed", "ok"),
        ("1.1.0", "on_workout_completed", "ok"),
        ("1.1.0", "on_personal_record_set", "ok"),
    ]


def test_the_wasm_sample_stores_through_its_granted_host_function(world, real_catalogue):
    inst = setup_plugin(world, "join-log", "1.0.0", ["events.member.read", "storage.kv"])
    event = {"user_id": str(world.a.people["member"].id), "occurred_at": EVENT_AT}
    result = run(world, inst, "on_member_joined", {"event": event})
    assert (result.outcome, result.value) == ("ok", {"stored": True})
    with schema_context(world.a.schema_name):
        assert PluginDatum.objects.get(key="last-join").value == {"config": {}, "event": event}
        call = PluginCall.objects.get()
        assert (call.hook, call.outcome, call.denials) == ("on_member_joined", "ok", 0)
        assert call.fuel > 0
        # Reinstalled without the storage grant: the host refuses, audits, and the plugin says so.
        services.plugin_uninstall(installation=inst, actor_id=None)
    inst = setup_plugin(world, "join-log", "1.0.0", ["events.member.read"])
    assert run(world, inst, "on_member_joined", {"event": event}).value == {"stored": False}
    with schema_context(world.a.schema_name):
        assert not PluginDatum.objects.exists()
        denial = PluginAuditEntry.objects.get(action="denied")
        assert (denial.detail["function"], denial.detail["reason"]) == ("storage.set", "not_granted")


def test_health_checker_pings_active_plugins(world, real_catalogue):
    setup_plugin(world, "badges", "1.0.0", ["events.workout.read", "storage.kv"])
    with schema_context(world.a.schema_name):
        assert runtime.health_check() == {"badges": "healthy"}
        entry = PluginAuditEntry.objects.filter(action="health").get()
        assert (entry.allowed, entry.detail) == (True, {"outcome": "ok"})


def test_a_hook_without_its_grant_is_not_called(world, real_catalogue):
    inst = setup_plugin(world, "badges", "1.0.0", ["storage.kv"])  # events.workout.read refused
    result = run(world, inst, "on_workout_completed", {"event": {"user_id": "x", "occurred_at": EVENT_AT}})
    assert (result.outcome, result.message) == ("skipped", "'events.workout.read' was not granted by the gym")
    with schema_context(world.a.schema_name):
        assert PluginCall.objects.count() == 0


# --- hostile plugins -------------------------------------------------------------------------


@pytest.fixture
def hostile(world, plugins_dir, rescan, settings):
    settings.PLUGINS_THREAT_MAX_BAD_CALLS = 4
    write_package(
        plugins_dir,
        base_manifest(
            plugin_id="hostile",
            capabilities=["events.member.read", "http.fetch", "members.read", "notifications.send"],
            http_hosts=["api.example.com"],
            limits={"wall_ms": 1500, "cpu_ms": 500, "memory_mb": 64},
            config_schema={"type": "object"},
        ),
        {"plugin.py": HOSTILE_CODE},
    )
    write_package(plugins_dir, base_manifest(plugin_id="greeter", config_schema={"type": "object"}))
    rescan()
    inst = setup_plugin(world, "hostile", "1.0.0", ["events.member.read", "http.fetch", "members.read"])
    return inst


def attack(world, inst, kind, **event):
    return run(world, inst, "on_member_joined", {"event": {"attack": kind, **event}})


def denials(world):
    with schema_context(world.a.schema_name):
        return list(
            PluginAuditEntry.objects.filter(plugin_id="hostile", action="denied")
            .order_by("id")
            .values_list("detail__function", "detail__reason")
        )


def test_hostile_calls_are_denied_audited_and_suspend_the_plugin(world, hostile):
    member = str(world.a.people["member"].id)
    egress = attack(world, hostile, "egress")
    assert (egress.outcome, egress.value) == (
        "ok",
        {"result": "denied", "message": "denied: 'evil.example.net' is not a host of the manifest"},
    )
    assert attack(world, hostile, "forge").value == {
        "result": "denied",
        "message": "denied: unknown capability 'payments.refund_all'",
    }
    assert attack(world, hostile, "ungranted", member_id=member).value == {
        "result": "denied",
        "message": "denied: 'notifications.send' was not granted by the gym",
    }
    assert egress.suspended is False
    health = attack(world, hostile, "health", member_id=member)
    assert health.value == {
        "result": "denied",
        "message": "denied: health data is never available to plugins",
    }
    assert health.suspended is True
    assert denials(world) == [
        ("http.fetch", "egress"),
        ("payments.refund_all", "unknown_capability"),
        ("notifications.send", "not_granted"),
        ("health.read", "health_data"),
    ]
    with schema_context(world.a.schema_name):
        row = PluginInstallation.objects.get(pk=hostile.pk)
        assert row.status == "suspended"
        assert row.status_reason == (
            "4 denials, timeouts, crashes or egress violations within 600 s (threshold 4)."
        )
        notice = PluginNotice.objects.get(audience="admins")
        assert notice.title == "Plugin hostile was suspended"
        calls = list(
            PluginCall.objects.filter(plugin_id="hostile").values_list("denials", "egress_violations")
        )
        assert sorted(calls) == [(1, 0), (1, 0), (1, 0), (1, 1)]
    event = OutboxEvent.objects.get(event_type="plugins.PluginSuspended", schema_name=world.a.schema_name)
    assert (event.payload["plugin_id"], event.payload["gym_id"]) == ("hostile", world.a.id)
    # Suspended: not called any more.
    assert attack(world, hostile, "egress").outcome == "skipped"
    # An admin reactivates it: bad calls are counted again from the reactivation.
    with schema_context(world.a.schema_name):
        services.plugin_activate(installation=hostile, actor_id=world.a.people["owner"].id)
    again = attack(world, hostile, "egress")
    assert (again.outcome, again.suspended) == ("ok", False)


def test_health_fields_plain_http_and_other_gyms_members_are_denied(world, hostile, settings):
    settings.PLUGINS_THREAT_MAX_BAD_CALLS = 100
    member = str(world.a.people["member"].id)
    b_member = str(world.b.people["member"].id)
    assert attack(world, hostile, "health_field", member_id=member).value["message"] == (
        "denied: health data is never available to plugins"
    )
    assert (
        attack(world, hostile, "egress_http").value["message"]
        == "denied: 'api.example.com' is not a host of the manifest"
    )
    assert attack(world, hostile, "member", member_id=b_member).value == {
        "result": "denied",
        "message": "denied: that person is not an active member of this gym",
    }
    assert attack(world, hostile, "member", member_id=member).value == {
        "result": "allowed",
        "value": {"id": member, "role": "member"},
    }
    assert denials(world) == [
        ("members.get", "health_data"),
        ("http.fetch", "egress"),
        ("members.get", "not_a_member"),
    ]


def test_sandbox_escapes_timeouts_and_crashes_count_and_the_others_keep_serving(world, hostile, settings):
    settings.PLUGINS_THREAT_MAX_BAD_CALLS = 3
    greeter = setup_plugin(world, "greeter", "1.0.0", ["events.member.read"])
    shadow = attack(world, hostile, "shadow")
    assert shadow.outcome == "error"
    spin = attack(world, hostile, "spin")
    assert spin.outcome == "timeout"
    crash = attack(world, hostile, "crash")
    assert (crash.outcome, crash.suspended) == ("crash", True)
    # The other plugin of the gym, in its own sandbox, is untouched.
    with schema_context(world.a.schema_name):
        results = runtime.hook_run_all(
            hook="on_member_joined", payload={"event": {"user_id": "u-1", "attack": "spin"}}
        )
    assert [(r.plugin_id, r.outcome, r.value) for r in results] == [("greeter", "ok", {"greeted": "u-1"})]
    with schema_context(world.a.schema_name):
        outcomes = sorted(PluginCall.objects.filter(plugin_id="hostile").values_list("outcome", flat=True))
        assert outcomes == ["crash", "error", "timeout"]
        assert PluginInstallation.objects.get(pk=hostile.pk).status == "suspended"
        assert PluginInstallation.objects.get(pk=greeter.pk).status == "active"


class _Fake(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def do_GET(self) -> None:
        _Fake.seen.append(
            (self.path, self.headers.get("X-Plugin-Target-Host", ""), self.headers.get("X-Key", ""))
        )
        body = json.dumps({"pong": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


def test_the_host_performs_allowed_http_to_manifest_hosts(world, hostile, settings):
    server = HTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PLUGINS_HTTP_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    _Fake.seen.clear()
    try:
        result = attack(world, hostile, "fetch_ok")
    finally:
        server.shutdown()
        server.server_close()
    assert result.value == {
        "result": "allowed",
        "value": {"status": 200, "content_type": "application/json", "body": '{"pong": true}'},
    }
    assert _Fake.seen == [("/ping?x=1", "api.example.com", "k")]
    with schema_context(world.a.schema_name):
        entry = PluginAuditEntry.objects.get(plugin_id="hostile", action="host_call")
        assert entry.detail == {
            "function": "http.fetch",
            "hook": "on_member_joined",
            "host": "api.example.com",
            "method": "GET",
        }


def test_without_a_test_base_internal_addresses_are_refused(world, hostile, settings):
    settings.PLUGINS_HTTP_BASE_URL = ""
    with mock.patch("apps.plugins.host.socket.getaddrinfo", return_value=[(2, 1, 6, "", ("10.0.0.5", 443))]):
        result = attack(world, hostile, "fetch_ok")
    assert result.value == {
        "result": "denied",
        "message": "denied: api.example.com does not resolve to a public address",
    }


# --- events reach plugins through Celery, one task per installation ----------------------------


def test_member_joined_queues_one_task_per_active_installation(
    world, hostile, django_capture_on_commit_callbacks
):
    greeter = setup_plugin(world, "greeter", "1.0.0", ["events.member.read"])
    with schema_context(world.a.schema_name):
        services.plugin_deactivate(installation=hostile, actor_id=None)
        event = MemberJoined(
            gym_id=world.a.id, membership_id=greeter.pk, user_id=greeter.pk, role=Role.MEMBER
        )
        with (
            mock.patch.object(tasks.run_hook, "delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            handlers.hook_fan_out(hook="on_member_joined", event=event)
    payload = {"event": json.loads(json.dumps(event_to_payload(event)))}
    assert delay.call_args_list == [mock.call(str(greeter.pk), "on_member_joined", payload)]


RECOMMENDER = (
    b"import os\n"
    b"from gymplugin import hook\n\n\n"
    b"@hook('program_recommend')\n"
    b"def recommend(payload):\n"
    b"    if payload['config'].get('broken'):\n"
    b"        os.abort()\n"
    b"    return {'program': payload['goal'] + '-5x5', 'reason': payload['config']['style']}\n"
)


def test_service_hooks_ask_each_plugin_separately(world, plugins_dir, rescan):
    from apps.plugins.facade.api import service_call

    recommender = base_manifest(
        plugin_id="coach-ai",
        hooks={"program_recommend": ["member_id", "goal"]},
        capabilities=["programs.recommend"],
        config_schema={
            "type": "object",
            "properties": {"style": {"type": "string"}, "broken": {"type": "boolean"}},
        },
    )
    write_package(plugins_dir, recommender, {"plugin.py": RECOMMENDER})
    write_package(plugins_dir, dict(recommender, id="crashy"), {"plugin.py": RECOMMENDER})
    write_package(plugins_dir, dict(recommender, id="ungranted"), {"plugin.py": RECOMMENDER})
    rescan()
    setup_plugin(world, "coach-ai", "1.0.0", ["programs.recommend"], config={"style": "linear"})
    setup_plugin(world, "crashy", "1.0.0", ["programs.recommend"], config={"style": "x", "broken": True})
    setup_plugin(world, "ungranted", "1.0.0", [], config={"style": "y"})
    member = str(world.a.people["member"].id)
    with schema_context(world.a.schema_name):
        answers = service_call(hook="program_recommend", arguments={"member_id": member, "goal": "strength"})
        with pytest.raises(ValueError, match="program_recommend takes"):
            service_call(hook="program_recommend", arguments={"goal": "x"})
    assert [(a.plugin_id, a.outcome, a.value) for a in answers] == [
        ("coach-ai", "ok", {"program": "strength-5x5", "reason": "linear"}),
        ("crashy", "crash", {}),
    ]


def test_an_artifact_edited_after_the_catalogue_scan_is_refused_when_its_worker_starts(
    world, plugins_dir, rescan
):
    folder = write_package(plugins_dir, base_manifest(config_schema={"type": "object"}))
    rescan()
    greeter = setup_plugin(world, "greeter", "1.0.0", ["events.member.read"])
    # The catalogue (cached per process) still holds the hashes checked at the scan.
    (folder / "plugin.py").write_bytes(
        b"from gymplugin import hook\n\n@hook('on_member_joined')\ndef f(payload):\n    return {'evil': 1}\n"
    )
    result = run(world, greeter, "on_member_joined", {"event": {"user_id": "u-1"}})
    assert (result.outcome, result.value) == ("unavailable", None)
    assert result.message == (
        "refused: artifacts/plugin.py: sha256 does not match (the file was changed after signing)"
    )


def test_workers_run_from_a_verified_copy_not_the_plugin_folder(world, plugins_dir, rescan):
    folder = write_package(plugins_dir, base_manifest(config_schema={"type": "object"}))
    rescan()
    greeter = setup_plugin(world, "greeter", "1.0.0", ["events.member.read"])
    assert run(world, greeter, "on_member_joined", {"event": {"user_id": "u-1"}}).value == {"greeted": "u-1"}
    (folder / "plugin.py").write_bytes(b"raise SystemExit(3)\n")
    # A restarted worker (the pool lives on) loads the verified copy again, not the edited file.
    with schema_context(world.a.schema_name):
        package = registry.package_get("greeter", "1.0.0")
        assert package is not None
        pool = runtime.pool_for(schema=world.a.schema_name, package=package)
        assert pool.bundle.root != package.folder
        assert (pool.bundle.root / "plugin.py").read_bytes().startswith(b"from gymplugin import hook")
