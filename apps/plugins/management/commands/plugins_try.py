"""Run one hook of a plugin folder in its real sandbox, for authors, without a gym or a database.

The folder's files are hashed and signed in memory with a throwaway key, so everything but the
publisher's signature is checked exactly as at discovery. Host functions are decided by the real
PDP (as if the gym granted ``--grant``, by default everything the manifest requests, on the
enterprise plan); their effects stay in memory: storage is a dict, notifications are printed,
``members.get`` answers a made-up member, ``http.fetch`` is decided but not sent.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.plugins.capabilities import Classification, PlanTier
from apps.plugins.hookspecs import HOOKS
from apps.plugins.manifest import Manifest, ManifestError, manifest_validate
from apps.plugins.policy import Request, Subject, decide
from apps.plugins.sandbox import HostCallDenied, Limits, PluginBundle, SandboxKind, SandboxPool
from apps.plugins.signing import keypair_generate, manifest_sign, trusted_keys_from

_CAPABILITY_OF = {
    "storage.get": "storage.kv",
    "storage.set": "storage.kv",
    "storage.delete": "storage.kv",
    "notifications.send": "notifications.send",
    "members.get": "members.read",
    "http.fetch": "http.fetch",
}


class LocalHost:
    """Host functions for a try-out: real decisions, in-memory effects, every call recorded."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.storage: dict[str, Any] = {}
        self.calls: list[dict[str, Any]] = []

    def __call__(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        capability = _CAPABILITY_OF.get(name, name)
        health = any(word in name.lower() for word in ("health", "medical"))
        request = Request(
            capability=capability,
            classification=Classification.HEALTH if health else Classification.PERSONAL,
            url=str(args.get("url", "")),
            member_role="member" if "member_id" in args else None,
        )
        decision = decide(self.subject, request)
        self.calls.append({"function": name, "allowed": decision.allowed, "reason": decision.message})
        if not decision.allowed:
            raise HostCallDenied(decision.message)
        key = str(args.get("key", ""))
        if name == "storage.get":
            return {"found": key in self.storage, "value": self.storage.get(key)}
        if name == "storage.set":
            self.storage[key] = args.get("value")
            return {"stored": True}
        if name == "storage.delete":
            return {"deleted": self.storage.pop(key, None) is not None}
        if name == "notifications.send":
            return {"notice_id": "try-out"}
        if name == "members.get":
            return {"id": args.get("member_id"), "role": "member", "full_name": "Try Out"}
        if name == "http.fetch":
            return {"status": 0, "error": "not sent by plugins_try"}
        raise HostCallDenied(f"no host function {name!r}")


class Command(BaseCommand):
    help = "Run HOOK of the plugin in FOLDER in its sandbox with PAYLOAD (JSON); print the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("hook")
        parser.add_argument("--payload", default="{}", help="the hook's arguments as a JSON object")
        parser.add_argument("--config", default="{}", help="the gym's configuration as a JSON object")
        parser.add_argument(
            "--grant", default=None, help="comma-separated capabilities (default: all requested)"
        )

    def _manifest(self, folder: Path) -> Manifest:
        try:
            raw = json.loads((folder / "manifest.json").read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"manifest.json: {exc}") from exc
        files = {
            p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "manifest.json"
        }
        raw["artifacts"] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        private, public = keypair_generate()
        signed = manifest_sign(raw, key_id="try-out", private_b64=private)
        try:
            return manifest_validate(signed, files=files, trusted_keys=trusted_keys_from({"try-out": public}))
        except ManifestError as exc:
            raise CommandError("the manifest is not valid:\n  " + "\n  ".join(exc.reasons)) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]).resolve()
        manifest = self._manifest(folder)
        hook = options["hook"]
        if hook not in manifest.hooks or hook not in HOOKS:
            raise CommandError(f"{manifest.id} does not implement {hook!r} (it has {sorted(manifest.hooks)})")
        try:
            payload = json.loads(options["payload"])
            config = json.loads(options["config"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--payload and --config must be JSON: {exc}") from exc
        if not isinstance(payload, dict) or not isinstance(config, dict):
            raise CommandError("--payload and --config must be JSON objects")
        granted = manifest.capabilities if options["grant"] is None else tuple(options["grant"].split(","))
        subject = Subject(
            gym_id=0,
            plugin_id=manifest.id,
            active=True,
            plan=PlanTier.ENTERPRISE,
            declared=frozenset(manifest.capabilities),
            granted=frozenset("use_" + c.strip().replace(".", "_") for c in granted if c.strip()),
            http_hosts=frozenset(manifest.http_hosts),
        )
        host = LocalHost(subject)
        entry = (
            manifest.entrypoint.removesuffix(".py")
            if manifest.sandbox in ("worker", "container")
            else manifest.entrypoint
        )
        limits = manifest.limits
        with tempfile.TemporaryDirectory(prefix="plugin-try-") as scratch:
            bundle = PluginBundle(
                plugin_id=manifest.id,
                version=manifest.version,
                root=folder,
                entry=entry,
                kind=SandboxKind(manifest.sandbox),
                scratch=Path(scratch),
            )
            extra = {"fuel": limits.fuel} if limits.fuel is not None else {}
            pool = SandboxPool(
                bundle,
                size=1,
                limits=Limits(
                    wall_ms=limits.wall_ms, cpu_ms=limits.cpu_ms, memory_mb=limits.memory_mb, **extra
                ),
            )
            try:
                result = pool.call(hook, {**payload, "config": config}, host=host)
            finally:
                pool.close()
        out = {
            "ok": result.ok,
            "value": result.value,
            "error": None if result.ok else {"kind": str(result.error_kind), "message": result.error_message},
            "host_calls": host.calls,
            "storage": host.storage,
            "stats": {
                "wall_ms": round(result.stats.wall_ms, 3),
                "cpu_ms": round(result.stats.cpu_ms, 3),
                "peak_memory_kb": result.stats.peak_memory_kb,
                "fuel_used": result.stats.fuel_used,
                "denials": result.stats.denials,
            },
        }
        self.stdout.write(json.dumps(out, indent=2, sort_keys=True))
