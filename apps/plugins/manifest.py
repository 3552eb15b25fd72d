"""Plugin manifests: their JSON Schema, parsing and every check a plugin must pass to load.

``manifest_validate`` never stops at the first problem: it returns every reason a plugin is
refused, so an author fixes them in one round. It checks the manifest's shape (JSON Schema), the
host-API range, the configuration schema, the hooks against their pluggy hookspecs, the
capabilities, the limits against the platform's ceilings, the sha256 of every artifact and the
Ed25519 signature by a publisher key the platform trusts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.validators import Draft202012Validator
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from apps.plugins import signing
from apps.plugins.capabilities import CAPABILITIES, FORBIDDEN_CAPABILITIES
from apps.plugins.hookspecs import HOOKS, HOST_API_VERSION

SANDBOX_KINDS = ("worker", "wasm", "v8", "container")
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
HOSTNAME = r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
ARTIFACT_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$"

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "name",
        "version",
        "publisher",
        "host_api",
        "sandbox",
        "entrypoint",
        "hooks",
        "capabilities",
        "limits",
        "config_schema",
        "artifacts",
        "signature",
    ],
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,48}[a-z0-9]$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "description": {"type": "string", "maxLength": 1000},
        "version": {"type": "string", "pattern": SEMVER},
        "publisher": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,48}[a-z0-9]$"},
        "host_api": {"type": "string", "minLength": 1, "maxLength": 100},
        "sandbox": {"enum": list(SANDBOX_KINDS)},
        "entrypoint": {"type": "string", "pattern": ARTIFACT_NAME},
        "hooks": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        },
        "capabilities": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "maxItems": 20},
        "http_hosts": {
            "type": "array",
            "items": {"type": "string", "pattern": HOSTNAME},
            "uniqueItems": True,
            "maxItems": 10,
        },
        "limits": {
            "type": "object",
            "additionalProperties": False,
            "required": ["wall_ms", "cpu_ms", "memory_mb"],
            "properties": {
                "wall_ms": {"type": "integer", "minimum": 1},
                "cpu_ms": {"type": "integer", "minimum": 1},
                "memory_mb": {"type": "integer", "minimum": 1},
                "fuel": {"type": "integer", "minimum": 1},
            },
        },
        "config_schema": {"type": "object"},
        "artifacts": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": ARTIFACT_NAME},
            "additionalProperties": {"type": "string", "pattern": r"^[0-9a-f]{64}$"},
        },
        "signature": {
            "type": "object",
            "additionalProperties": False,
            "required": ["key_id", "algorithm", "value"],
            "properties": {
                "key_id": {"type": "string", "minLength": 1, "maxLength": 100},
                "algorithm": {"const": "ed25519"},
                "value": {"type": "string", "minLength": 1, "maxLength": 200},
            },
        },
    },
}
_manifest_validator = Draft202012Validator(MANIFEST_SCHEMA)

# The most any plugin may ask for, per call.
LIMIT_CEILINGS = {"wall_ms": 10_000, "cpu_ms": 5_000, "memory_mb": 512, "fuel": 1_000_000_000}


@dataclass(frozen=True, slots=True)
class Limits:
    wall_ms: int
    cpu_ms: int
    memory_mb: int
    fuel: int | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """A validated manifest. ``raw`` is the signed document, as read."""

    id: str
    name: str
    version: str
    publisher: str
    host_api: str
    sandbox: str
    entrypoint: str
    hooks: dict[str, tuple[str, ...]]
    capabilities: tuple[str, ...]
    http_hosts: tuple[str, ...]
    limits: Limits
    config_schema: dict[str, Any]
    artifacts: dict[str, str]
    key_id: str
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return secret_fields(self.config_schema)

    @property
    def semver(self) -> Version:
        return Version(self.version)


class ManifestError(ValueError):
    """A plugin was refused; ``reasons`` lists every problem found."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def secret_fields(config_schema: Mapping[str, Any]) -> tuple[str, ...]:
    """Top-level configuration properties marked ``"x-secret": true`` (or ``writeOnly``)."""
    props = config_schema.get("properties") or {}
    if not isinstance(props, dict):
        return ()
    return tuple(
        sorted(
            name
            for name, spec in props.items()
            if isinstance(spec, dict) and (spec.get("x-secret") is True or spec.get("writeOnly") is True)
        )
    )


def _path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(manifest)"


def _check_shape(raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return ["manifest: must be a JSON object"]
    return sorted(f"{_path(e)}: {e.message}" for e in _manifest_validator.iter_errors(raw))


def _check_host_api(raw: dict[str, Any]) -> list[str]:
    spec = raw.get("host_api")
    if not isinstance(spec, str):
        return []
    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        return [f"host_api: {spec!r} is not a version range (e.g. '>=1.0,<2.0')"]
    if Version(HOST_API_VERSION) not in allowed:
        return [f"host_api: this platform provides host API {HOST_API_VERSION}, outside {spec!r}"]
    return []


def _check_hooks(raw: dict[str, Any]) -> list[str]:
    hooks = raw.get("hooks")
    if not isinstance(hooks, dict):
        return []
    reasons = []
    capabilities = raw.get("capabilities") if isinstance(raw.get("capabilities"), list) else []
    for name, args in sorted(hooks.items()):
        info = HOOKS.get(name)
        if info is None:
            reasons.append(f"hooks/{name}: no such hook (known: {', '.join(sorted(HOOKS))})")
            continue
        if isinstance(args, list) and tuple(args) != info.argnames:
            reasons.append(
                f"hooks/{name}: arguments {list(args)} do not match the hookspec {list(info.argnames)}"
            )
        if info.capability is not None and info.capability not in (capabilities or []):
            reasons.append(f"hooks/{name}: needs the capability {info.capability!r}, which is not requested")
    return reasons


def _check_capabilities(raw: dict[str, Any]) -> list[str]:
    capabilities = raw.get("capabilities")
    if not isinstance(capabilities, list):
        return []
    reasons = []
    for cap in capabilities:
        if not isinstance(cap, str):
            continue
        if cap in FORBIDDEN_CAPABILITIES:
            reasons.append(
                f"capabilities: {cap!r} is never granted (health data is not available to plugins)"
            )
        elif cap not in CAPABILITIES:
            reasons.append(f"capabilities: unknown capability {cap!r}")
    hosts = raw.get("http_hosts") or []
    if "http.fetch" in capabilities and not hosts:
        reasons.append("http_hosts: 'http.fetch' needs at least one named HTTPS host")
    if hosts and "http.fetch" not in capabilities:
        reasons.append("http_hosts: hosts are named but 'http.fetch' is not requested")
    return reasons


def _check_limits(raw: dict[str, Any]) -> list[str]:
    limits = raw.get("limits")
    if not isinstance(limits, dict):
        return []
    reasons = [
        f"limits/{name}: {limits[name]} exceeds the platform's ceiling of {ceiling}"
        for name, ceiling in LIMIT_CEILINGS.items()
        if isinstance(limits.get(name), int) and limits[name] > ceiling
    ]
    if raw.get("sandbox") == "wasm" and "fuel" not in limits:
        reasons.append("limits/fuel: a wasm plugin must declare a fuel budget")
    return reasons


def _check_config_schema(raw: dict[str, Any]) -> list[str]:
    schema = raw.get("config_schema")
    if not isinstance(schema, dict):
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return [f"config_schema: not a valid JSON Schema: {exc.message}"]
    if schema.get("type") != "object":
        return ['config_schema: must describe an object ("type": "object")']
    return []


def _check_artifacts(raw: dict[str, Any], files: Mapping[str, bytes] | None) -> list[str]:
    artifacts = raw.get("artifacts")
    if not isinstance(artifacts, dict):
        return []
    reasons = []
    entrypoint = raw.get("entrypoint")
    if isinstance(entrypoint, str) and entrypoint not in artifacts:
        reasons.append(f"entrypoint: {entrypoint!r} is not one of the artifacts")
    if files is None:
        return reasons
    for name, digest in sorted(artifacts.items()):
        content = files.get(name)
        if content is None:
            reasons.append(f"artifacts/{name}: file is missing")
        elif hashlib.sha256(content).hexdigest() != digest:
            reasons.append(f"artifacts/{name}: sha256 does not match (the file was changed after signing)")
    return reasons


def manifest_validate(
    raw: Any, *, files: Mapping[str, bytes] | None, trusted_keys: Mapping[str, bytes]
) -> Manifest:
    """The manifest, if every check passes; else ``ManifestError`` with every reason.

    ``files`` maps artifact names to their bytes (None skips the artifact hashes: only for
    catalogue listings of plugins already validated with their files). ``trusted_keys`` maps
    key ids to raw 32-byte Ed25519 public keys.
    """
    reasons = _check_shape(raw)
    if isinstance(raw, dict):
        reasons += _check_host_api(raw)
        reasons += _check_hooks(raw)
        reasons += _check_capabilities(raw)
        reasons += _check_limits(raw)
        reasons += _check_config_schema(raw)
        reasons += _check_artifacts(raw, files)
        reasons += signing.signature_problems(raw, trusted_keys=trusted_keys)
    if reasons:
        raise ManifestError(reasons)
    assert isinstance(raw, dict)
    limits = raw["limits"]
    return Manifest(
        id=raw["id"],
        name=raw["name"],
        version=raw["version"],
        publisher=raw["publisher"],
        host_api=raw["host_api"],
        sandbox=raw["sandbox"],
        entrypoint=raw["entrypoint"],
        hooks={name: tuple(args) for name, args in raw["hooks"].items()},
        capabilities=tuple(raw["capabilities"]),
        http_hosts=tuple(raw.get("http_hosts") or ()),
        limits=Limits(
            wall_ms=limits["wall_ms"],
            cpu_ms=limits["cpu_ms"],
            memory_mb=limits["memory_mb"],
            fuel=limits.get("fuel"),
        ),
        config_schema=raw["config_schema"],
        artifacts=dict(raw["artifacts"]),
        key_id=raw["signature"]["key_id"],
        description=raw.get("description", ""),
        raw=raw,
    )


def read_artifacts(folder: Path, raw: Any) -> dict[str, bytes]:
    """The bytes of every artifact the manifest names that exists in ``folder`` (no escapes)."""
    out: dict[str, bytes] = {}
    artifacts = raw.get("artifacts") if isinstance(raw, dict) else None
    if not isinstance(artifacts, dict):
        return out
    for name in artifacts:
        if not isinstance(name, str) or not re.fullmatch(ARTIFACT_NAME, name):
            continue
        path = folder / name
        if path.is_file():
            out[name] = path.read_bytes()
    return out


def version_key(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        return Version("0")


def unlisted_files(folder: Path, raw: Any, *, also_allowed: frozenset[str] = frozenset()) -> list[str]:
    """A reason for every file in ``folder`` (at any depth) that is neither the manifest nor a
    listed artifact (nor in ``also_allowed``): the signature does not cover it. Python's
    ``__pycache__`` folders are ignored; workers run from a copy of the listed artifacts only."""
    artifacts = raw.get("artifacts") if isinstance(raw, dict) else None
    listed = set(artifacts) if isinstance(artifacts, dict) else set()
    listed |= also_allowed | {"manifest.json"}
    reasons = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or "__pycache__" in path.relative_to(folder).parts:
            continue
        name = path.relative_to(folder).as_posix()
        if name not in listed:
            reasons.append(f"files/{name}: not a listed artifact (unsigned files are refused)")
    return reasons
