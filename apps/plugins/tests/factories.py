"""Signed plugin packages for tests, written to a temporary plugins folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from apps.plugins.signing import keypair_generate, manifest_sign

TEST_KEY_ID = "test-publisher"
TEST_PRIVATE, TEST_PUBLIC = keypair_generate()
OTHER_PRIVATE, OTHER_PUBLIC = keypair_generate()

DEFAULT_CODE = (
    b"from gymplugin import hook\n\n\n"
    b"@hook('on_member_joined')\n"
    b"def on_member_joined(payload):\n"
    b"    return {'greeted': payload['event']['user_id']}\n"
)


def base_manifest(plugin_id: str = "greeter", version: str = "1.0.0", **overrides: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "id": plugin_id,
        "name": plugin_id.title(),
        "version": version,
        "publisher": "acme",
        "description": "Greets new members.",
        "host_api": ">=1.0,<2.0",
        "sandbox": "worker",
        "entrypoint": "plugin.py",
        "hooks": {"on_member_joined": ["event"]},
        "capabilities": ["events.member.read", "notifications.send"],
        "limits": {"wall_ms": 2000, "cpu_ms": 1000, "memory_mb": 64},
        "config_schema": {
            "type": "object",
            "properties": {
                "greeting": {"type": "string", "minLength": 1},
                "api_key": {"type": "string", "minLength": 8, "x-secret": True},
            },
            "required": ["greeting"],
            "additionalProperties": False,
        },
        "artifacts": {},
    }
    manifest.update(overrides)
    return manifest


def signed(
    manifest: dict[str, Any],
    files: dict[str, bytes],
    *,
    key_id: str = TEST_KEY_ID,
    private: str = TEST_PRIVATE,
) -> dict[str, Any]:
    manifest = dict(manifest)
    manifest["artifacts"] = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    return manifest_sign(manifest, key_id=key_id, private_b64=private)


def write_package(
    root: Path, manifest: dict[str, Any], files: dict[str, bytes] | None = None, *, sign: bool = True
) -> Path:
    """Write ``<root>/<id>/<version>/`` with the artifacts and the (signed) manifest."""
    files = {"plugin.py": DEFAULT_CODE} if files is None else files
    folder: Path = root / str(manifest["id"]) / str(manifest["version"])
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    if sign:
        manifest = signed(manifest, files)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder
