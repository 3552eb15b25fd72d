"""Manifest validation: every reason a plugin is refused, listed together."""

from __future__ import annotations

import hashlib

import pytest

from apps.plugins.hookspecs import HOST_API_VERSION
from apps.plugins.manifest import ManifestError, manifest_validate
from apps.plugins.signing import manifest_sign, trusted_keys_from
from apps.plugins.tests.factories import (
    DEFAULT_CODE,
    OTHER_PRIVATE,
    TEST_KEY_ID,
    TEST_PUBLIC,
    base_manifest,
    signed,
)

KEYS = trusted_keys_from({TEST_KEY_ID: TEST_PUBLIC})
FILES = {"plugin.py": DEFAULT_CODE}


def reasons_for(raw, files=FILES):
    with pytest.raises(ManifestError) as caught:
        manifest_validate(raw, files=files, trusted_keys=KEYS)
    return caught.value.reasons


def test_a_valid_signed_manifest_loads():
    manifest = manifest_validate(signed(base_manifest(), FILES), files=FILES, trusted_keys=KEYS)
    assert (manifest.id, manifest.version, manifest.sandbox) == ("greeter", "1.0.0", "worker")
    assert manifest.hooks == {"on_member_joined": ("event",)}
    assert manifest.secret_fields == ("api_key",)
    assert manifest.artifacts == {"plugin.py": hashlib.sha256(DEFAULT_CODE).hexdigest()}
    assert manifest.key_id == TEST_KEY_ID


def test_every_problem_is_listed_at_once():
    raw = base_manifest(
        version="one",
        host_api=">=9.0",
        hooks={"on_member_joined": ["evt"], "steal_data": []},
        capabilities=["events.member.read", "health.read", "teleport"],
        limits={"wall_ms": 999_999, "cpu_ms": 10, "memory_mb": 8},
    )
    assert reasons_for(signed(raw, FILES)) == [
        "version: 'one' does not match '^(0|[1-9]\\\\d*)\\\\.(0|[1-9]\\\\d*)\\\\.(0|[1-9]\\\\d*)"
        "(?:-[0-9A-Za-z.-]+)?(?:\\\\+[0-9A-Za-z.-]+)?$'",
        f"host_api: this platform provides host API {HOST_API_VERSION}, outside '>=9.0'",
        "hooks/on_member_joined: arguments ['evt'] do not match the hookspec ['event']",
        "hooks/steal_data: no such hook (known: analytics_track, health_ping, notification_send, "
        "on_booking_made, on_member_joined, on_personal_record_set, on_workout_completed, payments_charge, "
        "payments_refund, program_recommend)",
        "capabilities: 'health.read' is never granted (health data is not available to plugins)",
        "capabilities: unknown capability 'teleport'",
        "limits/wall_ms: 999999 exceeds the platform's ceiling of 10000",
    ]


def test_unsigned_manifest_is_refused():
    raw = signed(base_manifest(), FILES)
    del raw["signature"]
    assert reasons_for(raw) == [
        "(manifest): 'signature' is a required property",
        "signature: the manifest is not signed",
    ]


def test_signature_by_an_untrusted_key_is_refused():
    raw = manifest_sign(signed(base_manifest(), FILES), key_id="stranger", private_b64=OTHER_PRIVATE)
    assert reasons_for(raw) == ["signature: key 'stranger' is not trusted by this platform"]


def test_signature_by_the_wrong_key_under_a_trusted_id_is_refused():
    raw = manifest_sign(signed(base_manifest(), FILES), key_id=TEST_KEY_ID, private_b64=OTHER_PRIVATE)
    assert reasons_for(raw) == [
        "signature: does not verify (the manifest was changed after signing, or the wrong key)"
    ]


def test_a_manifest_edited_after_signing_is_refused():
    raw = signed(base_manifest(), FILES)
    raw["capabilities"] = [*raw["capabilities"], "payments.charge"]
    assert reasons_for(raw) == [
        "signature: does not verify (the manifest was changed after signing, or the wrong key)"
    ]


def test_a_tampered_artifact_is_refused():
    raw = signed(base_manifest(), FILES)
    assert reasons_for(raw, files={"plugin.py": DEFAULT_CODE + b"import os\n"}) == [
        "artifacts/plugin.py: sha256 does not match (the file was changed after signing)"
    ]
    assert reasons_for(raw, files={}) == ["artifacts/plugin.py: file is missing"]


def test_hook_needs_a_requested_capability():
    raw = signed(base_manifest(capabilities=["notifications.send"]), FILES)
    assert reasons_for(raw) == [
        "hooks/on_member_joined: needs the capability 'events.member.read', which is not requested"
    ]


def test_http_fetch_needs_named_hosts_and_hosts_need_http_fetch():
    raw = signed(base_manifest(capabilities=["events.member.read", "http.fetch"]), FILES)
    assert reasons_for(raw) == ["http_hosts: 'http.fetch' needs at least one named HTTPS host"]
    raw = signed(base_manifest(http_hosts=["api.example.com"]), FILES)
    assert reasons_for(raw) == ["http_hosts: hosts are named but 'http.fetch' is not requested"]
    raw = signed(
        base_manifest(http_hosts=["http://x"], capabilities=["events.member.read", "http.fetch"]), FILES
    )
    assert reasons_for(raw)[0].startswith("http_hosts/0: 'http://x' does not match")


def test_bad_config_schema_and_bad_range_are_refused():
    raw = signed(base_manifest(config_schema={"type": "nonsense"}, host_api="about two"), FILES)
    assert reasons_for(raw) == [
        "host_api: 'about two' is not a version range (e.g. '>=1.0,<2.0')",
        "config_schema: not a valid JSON Schema: 'nonsense' is not valid under any of the given schemas",
    ]


def test_wasm_needs_fuel():
    raw = signed(base_manifest(sandbox="wasm", entrypoint="plugin.py"), FILES)
    assert reasons_for(raw) == ["limits/fuel: a wasm plugin must declare a fuel budget"]


@pytest.mark.parametrize("raw", [None, [], "manifest", 42])
def test_non_objects_are_refused(raw):
    assert reasons_for(raw) == ["manifest: must be a JSON object"]
