"""Authors' commands, the template, the staff views and the Prometheus endpoint."""

from __future__ import annotations

import base64
import json
import re
import shutil
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_tenants.utils import schema_context

from apps.plugins import services
from apps.plugins.models import PluginCall
from apps.plugins.signing import public_key_of
from apps.plugins.tests.factories import base_manifest, write_package

pytestmark = pytest.mark.django_db


def test_keygen_sign_and_check_make_the_documented_template_loadable(settings, tmp_path, rescan):
    key = tmp_path / "author.key"
    out = StringIO()
    call_command("plugins_keygen", out=str(key), key_id="author", stdout=out)
    public = public_key_of(key.read_text().strip())
    assert f'PLUGINS_TRUSTED_KEYS=\'{{"author": "{public}"}}\'' in out.getvalue()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="exists"):
        call_command("plugins_keygen", out=str(key), key_id="author")

    folder = tmp_path / "plugins" / "my-plugin" / "0.1.0"
    shutil.copytree(django_settings.BASE_DIR / "plugins" / "_template", folder)
    out = StringIO()
    call_command("plugins_sign", str(folder), key_id="author", key_file=str(key), stdout=out)
    assert out.getvalue().strip() == "Signed my-plugin 0.1.0 with author (1 artifacts)."

    settings.PLUGINS_DIR = tmp_path / "plugins"
    settings.PLUGINS_TRUSTED_KEYS = {"author": public}
    out = StringIO()
    call_command("plugins_check", stdout=out)
    assert out.getvalue() == "ok       my-plugin 0.1.0 (worker, signed by author; folder)\n"

    (folder / "plugin.py").write_text("import os\n")
    out = StringIO()
    with pytest.raises(CommandError, match="1 plugin"):
        call_command("plugins_check", stdout=out)
    assert "artifacts/plugin.py: sha256 does not match (the file was changed after signing)" in out.getvalue()


def test_sign_refuses_an_invalid_manifest(tmp_path):
    key = tmp_path / "k"
    call_command("plugins_keygen", out=str(key), key_id="k", stdout=StringIO())
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "plugin.py").write_text("")
    (folder / "manifest.json").write_text(json.dumps(base_manifest(host_api=">=5")))
    with pytest.raises(
        CommandError, match=re.escape("host_api: this platform provides host API 1.2.0, outside '>=5'")
    ):
        call_command("plugins_sign", str(folder), key_id="k", key_file=str(key))


@pytest.fixture
def with_calls(world, plugins_dir, rescan):
    write_package(plugins_dir, base_manifest())
    rescan()
    for gym in (world.a, world.b):
        with schema_context(gym.schema_name):
            services.plugin_install(
                gym_id=gym.id,
                plugin_id="greeter",
                version="1.0.0",
                granted=["events.member.read"],
                actor_id=None,
            )
    with schema_context(world.a.schema_name):
        for wall, outcome in ((10.0, "ok"), (20.0, "ok"), (30.0, "timeout")):
            PluginCall.objects.create(
                plugin_id="greeter",
                version="1.0.0",
                hook="on_member_joined",
                outcome=outcome,
                wall_ms=wall,
                cpu_ms=wall / 2,
                peak_memory_kb=2048,
                denials=1 if outcome == "timeout" else 0,
            )


def staff_client() -> Client:
    user = get_user_model().objects.create_user(email="staff@example.test", password="x" * 20, is_staff=True)
    client = Client(HTTP_HOST=django_settings.PLATFORM_DOMAIN)
    client.force_login(user)
    return client


def test_prometheus_metrics_need_the_token_or_staff(world, with_calls, settings):
    settings.PLUGINS_METRICS_TOKEN = "scrape-me-please"
    anonymous = Client(HTTP_HOST=django_settings.PLATFORM_DOMAIN)
    assert anonymous.get("/plugins/metrics").status_code == 404
    assert anonymous.get("/plugins/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = anonymous.get("/plugins/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please")
    assert response.status_code == 200
    text = response.content.decode()
    labels = 'gym="gym-a",hook="on_member_joined",plugin="greeter"'
    assert f"gymstack_plugin_calls_total{{{labels}}} 3.0" in text
    assert f"gymstack_plugin_timeouts_total{{{labels}}} 1.0" in text
    assert f"gymstack_plugin_denials_total{{{labels}}} 1.0" in text
    assert f'gymstack_plugin_latency_ms{{{labels},quantile="0.5"}} 20.0' in text
    assert f"gymstack_plugin_cpu_ms_total{{{labels}}} 30.0" in text
    assert f"gymstack_plugin_peak_memory_kb{{{labels}}} 2048.0" in text
    assert 'gym="gym-b"' not in text  # gym B has the plugin but no calls
    assert staff_client().get("/plugins/metrics").status_code == 200
    settings.PLUGINS_METRICS_TOKEN = ""
    assert anonymous.get("/plugins/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_staff_compliance_and_monitoring_span_gyms(world, with_calls):
    anonymous = Client(HTTP_HOST=django_settings.PLATFORM_DOMAIN)
    assert anonymous.get("/admin/plugins/compliance/").status_code == 302
    client = staff_client()
    page = client.get("/admin/plugins/compliance/").content.decode()
    for gym in ("gym-a", "gym-b"):
        assert (
            f"<td>{gym}</td><td>greeter</td><td>1.0.0</td><td>inactive</td><td>events.member.read</td>"
            in page
        )
    page = client.get("/admin/plugins/monitoring/").content.decode()
    assert "<td>gym-a</td><td>greeter</td><td>on_member_joined</td><td>3</td><td>2</td>" in page


def test_gym_pages_install_configure_and_uninstall(world, plugins_dir, rescan):
    from conftest import login

    write_package(plugins_dir, base_manifest())
    rescan()
    client = login(Client(HTTP_HOST=world.a.host), world.a, world.a.people["owner"].email)
    page = client.get("/plugins/").content.decode()
    assert "Be told when a person joins the gym" in page
    response = client.post(
        "/plugins/", {"plugin_id": "greeter", "version": "1.0.0", "granted": ["events.member.read"]}
    )
    assert response.status_code == 302
    detail = response["Location"]
    response = client.post(
        detail, {"op": "configure", "config-greeting": "Hey", "config-api_key": "sk_test_99999"}
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert 'value="Hey"' in page
    assert "sk_test_99999" not in page
    assert "set — leave empty to keep" in page
    assert client.post(detail, {"op": "activate"}).status_code == 302
    assert "Active" in client.get(detail).content.decode()
    assert client.post(detail, {"op": "uninstall"}).status_code == 302
    assert client.get(detail).status_code == 404
    trainer = login(Client(HTTP_HOST=world.a.host), world.a, world.a.people["trainer"].email)
    assert trainer.get("/plugins/").status_code == 403
    outsider = login(Client(HTTP_HOST=world.b.host), world.b, world.a.people["owner"].email)
    assert outsider.get("/plugins/").status_code == 404


def test_production_trusts_only_the_keys_its_environment_names(monkeypatch):
    import importlib
    import sys

    key = base64.b64encode(b"k" * 32).decode()
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("GYM_ENCRYPTION_KEYS", f"v1:{key}")
    monkeypatch.delenv("PLUGINS_TRUSTED_KEYS", raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        assert importlib.import_module("config.settings.production").PLUGINS_TRUSTED_KEYS == {}
        monkeypatch.setenv("PLUGINS_TRUSTED_KEYS", '{"acme": "AAAA"}')
        sys.modules.pop("config.settings.base", None)
        sys.modules.pop("config.settings.production", None)
        assert importlib.import_module("config.settings.production").PLUGINS_TRUSTED_KEYS == {"acme": "AAAA"}
    finally:
        sys.modules.pop("config.settings.production", None)
        sys.modules.pop("config.settings.base", None)


def try_out(folder, hook, payload, config=None, grant=None):
    out = StringIO()
    options = {"payload": json.dumps(payload), "config": json.dumps(config or {}), "stdout": out}
    if grant is not None:
        options["grant"] = grant
    call_command("plugins_try", str(folder), hook, **options)
    return json.loads(out.getvalue())


def test_plugins_try_runs_a_hook_in_its_sandbox_with_real_decisions():
    plugins = django_settings.BASE_DIR / "plugins"
    event = {"member_id": "m-1", "occurred_at": "2026-11-30T07:00:00+00:00"}
    result = try_out(
        plugins / "badges" / "1.0.0", "on_personal_record_set", {"event": event}, {"title_prefix": "Yes"}
    )
    assert (result["ok"], result["value"]) == (
        True,
        {"member_id": "m-1", "records": 1, "awarded": ["first-pr"], "announced": ["first-pr"]},
    )
    assert [(c["function"], c["allowed"]) for c in result["host_calls"]] == [
        ("storage.get", True),
        ("storage.set", True),
        ("notifications.send", True),
    ]
    assert result["storage"] == {"records:m-1": 1}
    refused = try_out(
        plugins / "badges" / "1.1.0", "on_personal_record_set", {"event": event}, grant="events.workout.read"
    )
    assert refused["ok"] is False
    assert refused["host_calls"] == [
        {"function": "storage.get", "allowed": False, "reason": "'storage.kv' was not granted by the gym"}
    ]
    template = try_out(
        plugins / "_template", "on_member_joined", {"event": {"user_id": "u-1"}}, {"api_token": "t0ken-123"}
    )
    assert template["value"] == {"welcomed": True, "service_status": 0}
    assert template["host_calls"][1] == {"function": "http.fetch", "allowed": True, "reason": ""}
    with pytest.raises(CommandError, match="does not implement 'payments_charge'"):
        try_out(plugins / "join-log" / "1.0.0", "payments_charge", {})
