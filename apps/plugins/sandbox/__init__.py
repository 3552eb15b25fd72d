"""The plugin sandbox runner: runs one plugin's hooks in an isolated worker. Imports no Django.

Public API (stable; new names are added, none renamed)::

    from apps.plugins.sandbox import (
        SandboxKind, Availability, availability, Limits, PluginBundle,
        HostFunctions, HostCallDenied, SandboxPool, CallResult, CallStats, ErrorKind,
    )

    bundle = PluginBundle(plugin_id="badges", version="1.0.0", root=Path(".../badges"),
                          entry="plugin", kind=SandboxKind.WORKER, scratch=Path(".../scratch"))
    if not availability(bundle.kind).available:
        ...  # refuse to activate; never fall back to a weaker kind

    def host(name: str, args: dict) -> dict:      # the policy enforcement point
        if name != "badges.award":
            raise HostCallDenied(f"no capability for {name}")
        return {"awarded": True}

    pool = SandboxPool(bundle, size=2, limits=Limits(wall_ms=2000, cpu_ms=1000))
    result = pool.call("badges.evaluate", {"events": [...]}, host=host)
    result.ok, result.value, result.error_kind, result.error_message, result.stats
    pool.ping()      # health check: a round trip to a worker, no plugin code
    pool.warm(2)     # start workers ahead of the first calls
    pool.applied     # the protections the last started worker reported
    pool.close()

Kinds (ADR 0015): ``worker`` (default; a Python subprocess with rlimits, its own network
namespace, seccomp, Landlock and cgroups), ``wasm`` (wasmtime in process, fuel, epoch deadline,
memory limit), ``v8`` (mini-racer inside a worker subprocess), ``container`` (the worker inside
bubblewrap). Wire protocol and pool: ADR 0016. ``SandboxPool.call`` never raises for anything a
plugin does: every outcome is a ``CallResult`` whose ``error_kind`` and ``stats`` (denials,
violations, CPU, memory, fuel) feed auditing, metrics and suspension on the Django side.

Plugin side: a Python plugin imports ``gymplugin`` (``hook``, ``call_host``, ``HostError``); a JS
plugin sets ``globalThis.hooks = {"name": async (payload, callHost) => {...}}``; a wasm plugin
follows the ABI in ``apps/plugins/sandbox/_wasm.py``. Samples: ``plugins_src/``.
"""

from apps.plugins.sandbox.contracts import (
    Availability,
    CallResult,
    CallStats,
    ErrorKind,
    HostCallDenied,
    HostFunctions,
    JSONDict,
    Limits,
    PluginBundle,
    SandboxKind,
)
from apps.plugins.sandbox.pool import SandboxPool
from apps.plugins.sandbox.probes import availability

__all__ = [
    "Availability",
    "CallResult",
    "CallStats",
    "ErrorKind",
    "HostCallDenied",
    "HostFunctions",
    "JSONDict",
    "Limits",
    "PluginBundle",
    "SandboxKind",
    "SandboxPool",
    "availability",
]
