"""Which sandbox kinds this host can provide, each probed for real once per process."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from apps.plugins.sandbox.contracts import Availability, Limits, PluginBundle, SandboxKind

_lock = threading.Lock()
_cache: dict[SandboxKind, Availability] = {}
BWRAP = "/usr/bin/bwrap"


def availability(kind: SandboxKind) -> Availability:
    """Whether ``kind`` can run here, and why not. A kind that is unavailable never runs a plugin."""
    with _lock:
        if kind not in _cache:
            _cache[kind] = _probe(kind)
        return _cache[kind]


def _probe(kind: SandboxKind) -> Availability:
    if kind not in set(SandboxKind):
        return Availability(False, f"unknown sandbox kind {kind!r}")
    if kind is SandboxKind.WASM:
        if importlib.util.find_spec("wasmtime") is None:
            return Availability(False, "the wasmtime package is not installed")
        return Availability(True, "wasmtime with fuel, epoch deadline and a store memory limit")
    if not sys.platform.startswith("linux") or platform.machine() != "x86_64":
        return Availability(
            False, f"process sandboxes need Linux on x86_64, not {sys.platform} {platform.machine()}"
        )
    worker = _probe_worker(container=False)
    if kind is SandboxKind.WORKER or not worker.available:
        return worker
    if kind is SandboxKind.V8:
        if importlib.util.find_spec("py_mini_racer") is None:
            return Availability(False, "the mini-racer package is not installed")
        return Availability(True, "mini-racer (timeout, heap limit) inside a worker sandbox")
    if not (os.path.exists(BWRAP) and os.access(BWRAP, os.X_OK)):
        return Availability(False, f"bubblewrap is not installed at {BWRAP}")
    return _probe_worker(container=True)


def _probe_worker(*, container: bool) -> Availability:
    """Start a real worker on an empty plugin: every protection must apply."""
    from apps.plugins.sandbox._process import ProcessWorker

    with tempfile.TemporaryDirectory(prefix="sandbox-probe-") as folder:
        root = Path(folder) / "bundle"
        scratch = Path(folder) / "scratch"
        root.mkdir()
        scratch.mkdir()
        (root / "probe_plugin.py").write_text("")
        bundle = PluginBundle(
            plugin_id="probe",
            version="0",
            root=root,
            entry="probe_plugin",
            kind=SandboxKind.CONTAINER if container else SandboxKind.WORKER,
            scratch=scratch,
        )
        worker = ProcessWorker(bundle, Limits(), mode="python", container=container)
        try:
            worker.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            return Availability(False, f"the sandbox cannot start here: {error}")
        finally:
            worker.kill()
            shutil.rmtree(scratch, ignore_errors=True)
    return Availability(True, "; ".join(worker.applied))
