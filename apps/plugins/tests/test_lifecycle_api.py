"""The per-gym lifecycle through the API: install with consent, configure with secrets,
activate, change version, uninstall; every step audited, every refusal a 400 with all reasons."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django_tenants.utils import schema_context

from apps.common.crypto import DecryptionError
from apps.plugins.grants import granted_codenames
from apps.plugins.models import AuditAction, PluginAuditEntry, PluginDatum, PluginInstallation, PluginNotice
from apps.plugins.services import audit_record, config_full
from apps.plugins.tests.factories import DEFAULT_CODE, base_manifest, signed, write_package

pytestmark = pytest.mark.django_db

URL = "/api/v1/plugins/installations/"


@pytest.fixture
def catalogue(plugins_dir, rescan):
    write_package(plugins_dir, base_manifest(version="1.0.0"))
    # 1.1.0 keeps the same configuration shape and adds a capability.
    write_package(
        plugins_dir,
        base_manifest(
            version="1.1.0", capabilities=["events.member.read", "notifications.send", "storage.kv"]
        ),
    )
    # 2.0.0 renames the greeting: a 1.x configuration does not fit it.
    v2 = base_manifest(version="2.0.0")
    v2["config_schema"] = {
        "type": "object",
        "properties": {"welcome": {"type": "string"}, "api_key": {"type": "string", "x-secret": True}},
        "required": ["welcome"],
        "additionalProperties": False,
    }
    write_package(plugins_dir, v2)
    return rescan()


def install(client, **overrides):
    body = {"plugin_id": "greeter", "version": "1.0.0", "granted_capabilities": ["events.member.read"]}
    body.update(overrides)
    return client.post(URL, body, format="json")


def in_a(world):
    return schema_context(world.a.schema_name)


def test_install_grants_consented_capabilities_to_a_service_account(world, api_for, catalogue):
    response = install(api_for(world.a, "owner"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["plugin_id"], data["version"], data["status"]) == ("greeter", "1.0.0", "inactive")
    assert data["granted_capabilities"] == ["events.member.read"]
    assert data["secrets_set"] == []
    with in_a(world):
        installation = PluginInstallation.objects.get(pk=data["id"])
        assert granted_codenames(
            installation_id=installation.pk, service_account_id=installation.service_account_id
        ) == frozenset({"use_events_member_read"})
        entry = PluginAuditEntry.objects.get(installation_id=installation.pk)
        assert (entry.action, entry.actor_id, entry.allowed) == ("install", world.a.people["owner"].id, True)
        assert entry.detail == {
            "version": "1.0.0",
            "granted": ["events.member.read"],
            "requested": ["events.member.read", "notifications.send"],
        }


def test_install_refusals_list_every_reason_and_write_nothing(world, api_for, catalogue):
    client = api_for(world.a, "admin")
    response = install(client, granted_capabilities=["payments.charge", "health.read"])
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "granted_capabilities": [
            "'health.read' is not requested by greeter 1.0.0",
            "'payments.charge' is not requested by greeter 1.0.0",
        ]
    }
    response = install(client, version="9.9.9")
    assert response.json()["error"]["fields"] == {"version": ["greeter 9.9.9 is not in the catalogue"]}
    assert install(client).status_code == 201
    response = install(client)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"plugin_id": ["greeter is already installed in this gym"]}
    with in_a(world):
        assert PluginInstallation.objects.count() == 1


@pytest.mark.parametrize("role", ["trainer", "clinician", "member"])
def test_only_owners_and_admins_manage_plugins(world, api_for, catalogue, role):
    client = api_for(world.a, role)
    assert install(client).status_code == 403
    assert client.get(URL).status_code == 403
    assert client.get("/api/v1/plugins/catalogue/").status_code == 403
    assert client.get("/plugins/").status_code == 403


def test_configure_encrypts_secrets_and_never_shows_them(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    pk = install(client).json()["id"]
    response = client.put(
        f"{URL}{pk}/config/", {"config": {"greeting": "Hi", "api_key": "sk_live_123456"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["config"] == {"greeting": "Hi"}
    assert response.json()["secrets_set"] == ["api_key"]
    assert "sk_live_123456" not in response.content.decode()
    with in_a(world):
        row = PluginInstallation.objects.get(pk=pk)
        assert row.secrets
        assert "sk_live_123456" not in row.secrets
        # Bound to this installation: the sealed value does not open for another one.
        other = PluginInstallation(pk=row.service_account_id, plugin_id="greeter", secrets=row.secrets)
        with pytest.raises(DecryptionError):
            config_full(installation=other)
    # Leaving the secret out keeps it; the listing never shows it.
    response = client.put(f"{URL}{pk}/config/", {"config": {"greeting": "Hello"}}, format="json")
    assert response.json()["secrets_set"] == ["api_key"]
    assert "sk_live" not in client.get(f"{URL}{pk}/").content.decode()
    with in_a(world):
        assert config_full(installation=PluginInstallation.objects.get(pk=pk)) == {
            "greeting": "Hello",
            "api_key": "sk_live_123456",
        }
        actions = list(
            PluginAuditEntry.objects.filter(installation_id=pk).order_by("id").values_list("action", "detail")
        )
    assert actions[1:] == [
        ("configure", {"fields": ["api_key", "greeting"], "secrets_set": ["api_key"]}),
        ("configure", {"fields": ["greeting"], "secrets_set": ["api_key"]}),
    ]
    assert "sk_live" not in json.dumps([d for _, d in actions])


def test_bad_config_is_400_with_every_reason_and_never_echoes_secrets(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    pk = install(client).json()["id"]
    response = client.put(
        f"{URL}{pk}/config/", {"config": {"greeting": "", "api_key": "short", "x": 1}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "config": [
            "(config): Additional properties are not allowed ('x' was unexpected)",
            "api_key: invalid secret value (minLength)",
            "greeting: '' should be non-empty",
        ]
    }
    assert "short" not in response.content.decode()
    assert client.put(f"{URL}{pk}/config/", {"config": "nope"}, format="json").status_code == 400
    with in_a(world):
        assert PluginInstallation.objects.get(pk=pk).config == {}


def test_activate_needs_a_valid_configuration_then_deactivate(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    pk = install(client).json()["id"]
    response = client.post(f"{URL}{pk}/activate/")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"config": ["(config): 'greeting' is a required property"]}
    client.put(f"{URL}{pk}/config/", {"config": {"greeting": "Hi"}}, format="json")
    assert client.post(f"{URL}{pk}/activate/").json()["status"] == "active"
    assert client.post(f"{URL}{pk}/deactivate/").json()["status"] == "inactive"


def test_upgrade_keeps_config_rollback_too_and_an_incompatible_version_is_refused(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    pk = install(client, granted_capabilities=["events.member.read", "notifications.send"]).json()["id"]
    client.put(
        f"{URL}{pk}/config/", {"config": {"greeting": "Hi", "api_key": "sk_live_123456"}}, format="json"
    )

    up = client.post(
        f"{URL}{pk}/version/",
        {"version": "1.1.0", "granted_capabilities": ["events.member.read", "storage.kv"]},
        format="json",
    )
    assert up.status_code == 200, up.content
    assert (up.json()["version"], up.json()["config"], up.json()["secrets_set"]) == (
        "1.1.0",
        {"greeting": "Hi"},
        ["api_key"],
    )
    assert up.json()["granted_capabilities"] == ["events.member.read", "storage.kv"]

    refused = client.post(f"{URL}{pk}/version/", {"version": "2.0.0"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "config": [
            "the configuration does not fit 2.0.0: (config): 'welcome' is a required property",
            "the configuration does not fit 2.0.0: (config): Additional properties are not allowed "
            "('greeting' was unexpected)",
        ]
    }
    back = client.post(f"{URL}{pk}/version/", {"version": "1.0.0"}, format="json")
    assert back.status_code == 200
    # Rolling back drops the grant 1.0.0 does not request.
    assert (back.json()["version"], back.json()["granted_capabilities"]) == ("1.0.0", ["events.member.read"])
    with in_a(world):
        row = PluginInstallation.objects.get(pk=pk)
        assert config_full(installation=row) == {"greeting": "Hi", "api_key": "sk_live_123456"}
        assert granted_codenames(
            installation_id=row.pk, service_account_id=row.service_account_id
        ) == frozenset({"use_events_member_read"})
        assert [
            a.detail.get("to") for a in PluginAuditEntry.objects.filter(action="upgrade").order_by("id")
        ] == [
            "1.1.0",
            "1.0.0",
        ]


def test_uninstall_removes_data_and_grants_and_keeps_the_audit(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    pk = install(client).json()["id"]
    with in_a(world):
        row = PluginInstallation.objects.get(pk=pk)
        PluginDatum.objects.create(installation=row, key="streak:1", value=3)
        account = row.service_account_id
    assert client.delete(f"{URL}{pk}/").status_code == 204
    assert client.get(f"{URL}{pk}/").status_code == 404
    with in_a(world):
        assert PluginDatum.objects.count() == 0
        assert granted_codenames(installation_id=pk, service_account_id=account) == frozenset()
        entries = list(PluginAuditEntry.objects.filter(plugin_id="greeter").order_by("id"))
        assert [e.action for e in entries] == ["install", "uninstall"]
        assert entries[1].detail == {"version": "1.0.0", "grants_removed": 1, "data_removed": 1}
    audit = client.get(f"{URL}{pk}/audit/")
    assert audit.status_code == 404  # the installation is gone; its trail stays in the table


def test_the_audit_table_is_append_only(world):
    with in_a(world):
        entry = PluginAuditEntry.objects.create(plugin_id="x", action="install")
        for statement in (
            "UPDATE plugins_pluginauditentry SET plugin_id = 'y'",
            "DELETE FROM plugins_pluginauditentry",
        ):
            with (
                pytest.raises(ProgrammingError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        assert PluginAuditEntry.objects.get(pk=entry.pk).plugin_id == "x"


def test_unknown_installation_is_404(world, api_for, catalogue):
    client = api_for(world.a, "owner")
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.post(f"{URL}00000000-0000-0000-0000-000000000000/activate/").status_code == 404


def test_public_catalogue_lists_versions_newest_first(world, public_client, catalogue):
    response = public_client.get("/api/v1/plugins/")
    assert response.status_code == 200
    assert [(p["id"], p["version"]) for p in response.json()] == [
        ("greeter", "2.0.0"),
        ("greeter", "1.1.0"),
        ("greeter", "1.0.0"),
    ]
    first = response.json()[2]
    assert first["capabilities"] == [
        {
            "name": "events.member.read",
            "description": "Be told when a person joins the gym",
            "min_plan": "free",
        },
        {"name": "notifications.send", "description": "Send notifications to members", "min_plan": "free"},
    ]
    assert first["secret_fields"] == ["api_key"]
    page = public_client.get("/plugins/")
    assert page.status_code == 200
    assert b"2.0.0, 1.1.0, 1.0.0" in page.content


def test_validator_lists_every_reason_and_accepts_a_good_package(world, public_client, catalogue):
    files = {"plugin.py": DEFAULT_CODE}
    good = signed(base_manifest(), files)
    b64 = {"plugin.py": base64.b64encode(DEFAULT_CODE).decode()}
    response = public_client.post(
        "/api/v1/plugins/validate/", {"manifest": good, "artifacts": b64}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"valid": True, "id": "greeter", "version": "1.0.0"}
    bad = dict(good, host_api=">=3")
    response = public_client.post(
        "/api/v1/plugins/validate/",
        {"manifest": bad, "artifacts": {"plugin.py": base64.b64encode(b"tampered").decode(), "x.bin": "%%"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "manifest": [
            "artifacts/x.bin: not base64",
            "host_api: this platform provides host API 1.2.0, outside '>=3'",
            "artifacts/plugin.py: sha256 does not match (the file was changed after signing)",
            "signature: does not verify (the manifest was changed after signing, or the wrong key)",
        ]
    }
    bodies: list[dict[str, object]] = [
        {},
        {"manifest": "x", "artifacts": []},
        {"manifest": [], "artifacts": {}},
    ]
    for body in bodies:
        response = public_client.post("/api/v1/plugins/validate/", body, format="json")
        assert response.status_code == 400, body


def test_collections_on_a_host_never_list_b_rows(world, api_for, catalogue):
    install(api_for(world.b, "owner"))
    with schema_context(world.b.schema_name):
        b_installation = PluginInstallation.objects.get()
        audit_record(plugin_id="greeter", action=AuditAction.DENIED, allowed=False, detail={"gym": "b"})
        PluginNotice.objects.create(plugin_id="greeter", audience="admins", title="B only", body="b")
    client = api_for(world.a, "owner")
    assert client.get(URL).json() == []
    assert client.get("/api/v1/plugins/notices/").json() == []
    assert client.get(f"{URL}{b_installation.pk}/audit/").status_code == 404
    pk = install(client).json()["id"]
    audit = client.get(f"{URL}{pk}/audit/").json()
    assert [(e["action"], e["plugin_id"]) for e in audit] == [("install", "greeter")]
