"""Values exchanged with the sandbox runner. Frozen dataclasses and enums, stdlib only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

JSONDict = dict[str, Any]

HostFunctions = Callable[[str, JSONDict], JSONDict]
"""The host side of every capability a plugin may use.

Called as ``host(name, args)`` in the thread that called ``SandboxPool.call`` while the hook runs,
once for each host function the plugin invokes. It returns a JSON-serialisable dict, or raises
:class:`HostCallDenied` to refuse the call (the plugin sees an error, the refusal is counted in
``CallStats.denials``). Any other exception is reported to the plugin as an internal error and
never escapes ``SandboxPool.call``. Plugins have no socket, file outside their scratch folder or
environment: everything they reach goes through this callable.
"""


class SandboxKind(StrEnum):
    WORKER = "worker"
    WASM = "wasm"
    V8 = "v8"
    CONTAINER = "container"


class ErrorKind(StrEnum):
    TIMEOUT = "timeout"  # wall time ran out (the worker is killed)
    CPU_EXCEEDED = "cpu_exceeded"  # CPU time or wasm fuel ran out
    MEMORY_EXCEEDED = "memory_exceeded"
    OUTPUT_EXCEEDED = "output_exceeded"  # printed or answered more than max_output_bytes
    CRASHED = "crashed"  # the worker died for any other reason
    DENIED = "denied"  # the hook failed after the sandbox or a host function refused something
    INVALID_RESPONSE = "invalid_response"  # the plugin broke the wire protocol
    UNAVAILABLE = "unavailable"  # the kind cannot run here, or the pool is backing off
    PLUGIN_ERROR = "plugin_error"  # the hook raised, or there is no such hook


class HostCallDenied(Exception):  # noqa: N818 - reads as what happened: the host call was denied
    """Raised by a :data:`HostFunctions` callable to refuse a call; the message goes to the plugin."""


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str


@dataclass(frozen=True)
class Limits:
    """Resource limits. ``wall_ms``, ``cpu_ms``, ``fuel`` and ``max_output_bytes`` apply per call
    and may change from call to call; the others are fixed when a worker starts."""

    wall_ms: int = 2000
    cpu_ms: int = 1000
    memory_mb: int = 128
    fuel: int = 50_000_000  # wasm instructions budget per call
    max_output_bytes: int = 1_000_000  # per call: printed bytes, and the size of any one message
    max_procs: int = 16  # cgroup pids.max (threads count); processes are refused by seccomp
    max_open_files: int = 64
    max_file_mb: int = 16  # RLIMIT_FSIZE: the largest file the plugin may write in scratch
    worker_cpu_s: int = 300  # RLIMIT_CPU hard limit over a worker's whole life


@dataclass(frozen=True)
class PluginBundle:
    """An unpacked, already verified plugin.

    ``entry`` is relative to ``root``: a Python module name for the worker and container kinds
    (``plugin`` for ``root/plugin.py``), a ``.wasm`` or ``.wat`` file for wasm, a ``.js`` file for
    v8. ``scratch`` is the only folder the plugin may write; it must exist.
    """

    plugin_id: str
    version: str
    root: Path
    entry: str
    kind: SandboxKind
    scratch: Path


@dataclass(frozen=True)
class CallStats:
    wall_ms: float = 0.0
    cpu_ms: float = 0.0
    peak_memory_kb: int = 0  # the worker's peak resident set (wasm: linear memory size)
    fuel_used: int = 0
    host_calls: int = 0
    denials: int = 0
    output_bytes: int = 0
    cold_start: bool = False  # a worker was started for this call
    violations: tuple[str, ...] = ()  # what the plugin attempted that the sandbox refused


@dataclass(frozen=True)
class CallResult:
    ok: bool
    value: JSONDict | None = None
    error_kind: ErrorKind | None = None
    error_message: str = ""
    stats: CallStats = field(default_factory=CallStats)
