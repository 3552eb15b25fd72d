"""Discovery: plugins from installed packages (entry points) and from the plugins folder.

Entry points in the group ``gymplatform.plugins`` name a package (or a callable returning a
folder) whose folder holds ``manifest.json`` and the artifacts. The plugins folder
(``settings.PLUGINS_DIR``) holds ``<id>/<version>/manifest.json`` (or ``<id>/manifest.json``).
Every candidate is validated with its files; a refused one is kept with every reason, for the
staff pages and ``manage.py plugins_check``, and is never offered to gyms.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings

from apps.plugins.capabilities import CAPABILITIES
from apps.plugins.manifest import (
    Manifest,
    ManifestError,
    manifest_validate,
    read_artifacts,
    unlisted_files,
    version_key,
)
from apps.plugins.signing import trusted_keys_from

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "gymplatform.plugins"
MAX_MANIFEST_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class PluginPackage:
    manifest: Manifest
    folder: Path
    source: str  # "folder" or "entry point <name>"

    @property
    def key(self) -> tuple[str, str]:
        return (self.manifest.id, self.manifest.version)


@dataclass(frozen=True, slots=True)
class Refusal:
    location: str
    reasons: tuple[str, ...]


@dataclass(slots=True)
class Catalogue:
    packages: dict[str, dict[str, PluginPackage]] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)

    def get(self, plugin_id: str, version: str) -> PluginPackage | None:
        return self.packages.get(plugin_id, {}).get(version)

    def versions(self, plugin_id: str) -> list[PluginPackage]:
        """Every valid version of a plugin, newest first."""
        found = self.packages.get(plugin_id, {}).values()
        return sorted(found, key=lambda p: version_key(p.manifest.version), reverse=True)

    def latest(self) -> list[PluginPackage]:
        return [self.versions(pid)[0] for pid in sorted(self.packages)]

    def all(self) -> Iterator[PluginPackage]:
        for pid in sorted(self.packages):
            yield from self.versions(pid)


def trusted_keys() -> dict[str, bytes]:
    return trusted_keys_from(settings.PLUGINS_TRUSTED_KEYS)


def package_load(folder: Path, *, source: str, keys: dict[str, bytes]) -> PluginPackage:
    """Validate the plugin in ``folder``; ``ManifestError`` lists every reason it is refused."""
    path = folder / "manifest.json"
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError([f"manifest: larger than {MAX_MANIFEST_BYTES} bytes"])
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError([f"manifest: cannot be read ({type(exc).__name__})"]) from exc
    except json.JSONDecodeError as exc:
        raise ManifestError([f"manifest: not JSON ({exc.msg} at line {exc.lineno})"]) from exc
    # An installed package's folder is a Python package: its __init__.py is how the entry point
    # names it, and it is never copied into the folder workers run from.
    package_marker = frozenset({"__init__.py"}) if source.startswith("entry point") else frozenset()
    unlisted = unlisted_files(folder, raw, also_allowed=package_marker)
    try:
        manifest = manifest_validate(raw, files=read_artifacts(folder, raw), trusted_keys=keys)
    except ManifestError as exc:
        raise ManifestError([*exc.reasons, *unlisted]) from None
    if unlisted:
        raise ManifestError(unlisted)
    return PluginPackage(manifest=manifest, folder=folder.resolve(), source=source)


def package_snapshot(package: PluginPackage, into: Path) -> Path:
    """A private, read-only copy of the package's artifacts in a new folder under ``into``, each
    checked again against its signed sha256 now (not at the catalogue scan). Workers run from
    the copy, so a file edited or added in the plugin folder later is never loaded.
    ``ManifestError`` when an artifact is missing or changed."""
    folder = package.folder
    files = read_artifacts(folder, {"artifacts": package.manifest.artifacts})
    reasons = []
    for name, digest in sorted(package.manifest.artifacts.items()):
        content = files.get(name)
        if content is None:
            reasons.append(f"artifacts/{name}: file is missing")
        elif hashlib.sha256(content).hexdigest() != digest:
            reasons.append(f"artifacts/{name}: sha256 does not match (the file was changed after signing)")
    if reasons:
        raise ManifestError(reasons)
    into.mkdir(parents=True, exist_ok=True)
    copy = Path(tempfile.mkdtemp(prefix=f"{package.manifest.id}-{package.manifest.version}-", dir=into))
    for name, content in files.items():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        target.chmod(0o444)
    for directory in sorted({p for p in copy.rglob("*") if p.is_dir()} | {copy}, reverse=True):
        directory.chmod(0o555)
    return copy


def snapshot_remove(copy: Path) -> None:
    """Delete a copy made by ``package_snapshot`` (its folders are read-only)."""
    for directory in [copy, *(p for p in copy.rglob("*") if p.is_dir())]:
        directory.chmod(0o755)
    shutil.rmtree(copy, ignore_errors=True)


def _folder_candidates(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for plugin_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if (plugin_dir / "manifest.json").is_file():
            yield plugin_dir
        for version_dir in sorted(p for p in plugin_dir.iterdir() if p.is_dir()):
            if (version_dir / "manifest.json").is_file():
                yield version_dir


def _entry_point_folder(loaded: Any) -> Path | None:
    if isinstance(loaded, ModuleType) and loaded.__file__:
        return Path(loaded.__file__).parent
    if isinstance(loaded, str | Path):
        return Path(loaded)
    if callable(loaded):
        result = loaded()
        return Path(result) if isinstance(result, str | Path) else None
    return None


def _entry_point_candidates() -> Iterator[tuple[str, Path | None, str]]:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            yield ep.name, _entry_point_folder(ep.load()), ""
        except Exception as exc:  # a broken package must not stop discovery of the others
            yield ep.name, None, f"entry point: cannot be loaded ({type(exc).__name__}: {exc})"


def discover(*, plugins_dir: Path | None = None, keys: dict[str, bytes] | None = None) -> Catalogue:
    """Scan the entry points and the plugins folder and validate every candidate."""
    keys = trusted_keys() if keys is None else keys
    root = Path(settings.PLUGINS_DIR) if plugins_dir is None else plugins_dir
    catalogue = Catalogue()

    def add(folder: Path, source: str) -> None:
        try:
            package = package_load(folder, source=source, keys=keys)
        except ManifestError as exc:
            catalogue.refused.append(Refusal(location=f"{source}: {folder}", reasons=tuple(exc.reasons)))
            return
        versions = catalogue.packages.setdefault(package.manifest.id, {})
        if package.manifest.version in versions:
            catalogue.refused.append(
                Refusal(
                    location=f"{source}: {folder}",
                    reasons=(
                        f"{package.manifest.id} {package.manifest.version} is already provided "
                        f"by {versions[package.manifest.version].source}",
                    ),
                )
            )
            return
        versions[package.manifest.version] = package

    for name, folder, error in _entry_point_candidates():
        if folder is None:
            catalogue.refused.append(
                Refusal(
                    location=f"entry point {name}", reasons=(error or "entry point: names no plugin folder",)
                )
            )
        else:
            add(folder, f"entry point {name}")
    for folder in _folder_candidates(root):
        add(folder, "folder")
    for refusal in catalogue.refused:
        logger.warning(
            "plugin refused", extra={"location": refusal.location, "reasons": list(refusal.reasons)}
        )
    return catalogue


_lock = threading.Lock()
_cache: dict[tuple[str, tuple[tuple[str, str], ...]], Catalogue] = {}


def catalogue(*, reload: bool = False) -> Catalogue:
    """The discovered plugins, scanned once per process (``reload`` rescans)."""
    key = (str(settings.PLUGINS_DIR), tuple(sorted(settings.PLUGINS_TRUSTED_KEYS.items())))
    with _lock:
        if reload or key not in _cache:
            _cache[key] = discover()
        return _cache[key]


def package_get(plugin_id: str, version: str) -> PluginPackage | None:
    return catalogue().get(plugin_id, version)


def package_summary(package: PluginPackage) -> dict[str, Any]:
    """What a gym admin sees of a catalogue version before consenting (JSON-able)."""
    m = package.manifest
    limits = {"wall_ms": m.limits.wall_ms, "cpu_ms": m.limits.cpu_ms, "memory_mb": m.limits.memory_mb}
    if m.limits.fuel is not None:
        limits["fuel"] = m.limits.fuel
    return {
        "id": m.id,
        "name": m.name,
        "version": m.version,
        "publisher": m.publisher,
        "description": m.description,
        "host_api": m.host_api,
        "sandbox": m.sandbox,
        "hooks": sorted(m.hooks),
        "capabilities": [
            {
                "name": c,
                "description": CAPABILITIES[c].description,
                "min_plan": CAPABILITIES[c].min_plan.name.lower(),
            }
            for c in m.capabilities
        ],
        "http_hosts": list(m.http_hosts),
        "limits": limits,
        "config_schema": m.config_schema,
        "secret_fields": list(m.secret_fields),
        "signed_by": m.key_id,
    }
