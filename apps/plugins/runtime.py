"""Running one installation's hook in its sandbox: pools, limits, metrics, threat detection.

Each (gym, plugin, version) gets its own ``SandboxPool`` of long-lived workers in this process,
so a plugin never shares a worker with another plugin or another gym. The host calls plugins one
at a time, each in its own sandbox: one failing never stops the others (pluggy#419).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings

from apps.plugins import pip, registry, selectors, services
from apps.plugins.capabilities import Classification
from apps.plugins.hookspecs import HOOKS
from apps.plugins.manifest import ManifestError
from apps.plugins.models import AuditAction, CallOutcome, InstallationStatus, PluginCall, PluginInstallation
from apps.plugins.policy import Request, decide
from apps.plugins.registry import PluginPackage
from apps.plugins.sandbox import CallResult, ErrorKind, Limits, PluginBundle, SandboxKind, SandboxPool

logger = logging.getLogger(__name__)

_OUTCOMES = {
    ErrorKind.TIMEOUT: CallOutcome.TIMEOUT,
    ErrorKind.CPU_EXCEEDED: CallOutcome.TIMEOUT,
    ErrorKind.MEMORY_EXCEEDED: CallOutcome.CRASH,
    ErrorKind.OUTPUT_EXCEEDED: CallOutcome.CRASH,
    ErrorKind.CRASHED: CallOutcome.CRASH,
    ErrorKind.INVALID_RESPONSE: CallOutcome.CRASH,
    ErrorKind.DENIED: CallOutcome.ERROR,
    ErrorKind.PLUGIN_ERROR: CallOutcome.ERROR,
    ErrorKind.UNAVAILABLE: CallOutcome.UNAVAILABLE,
}


@dataclass(frozen=True, slots=True)
class HookRun:
    """What happened when one installation's hook ran (``skipped``: not called at all)."""

    plugin_id: str
    hook: str
    outcome: str  # a CallOutcome value, or "skipped"
    value: dict[str, Any] | None = None
    message: str = ""
    suspended: bool = False


_pools: dict[tuple[str, str, str, str], SandboxPool] = {}
_pools_lock = threading.Lock()


def _entry(package: PluginPackage) -> str:
    entry = package.manifest.entrypoint
    return (
        entry[:-3] if package.manifest.sandbox in ("worker", "container") and entry.endswith(".py") else entry
    )


def _limits(package: PluginPackage) -> Limits:
    limits = package.manifest.limits
    extra = {"fuel": limits.fuel} if limits.fuel is not None else {}
    return Limits(wall_ms=limits.wall_ms, cpu_ms=limits.cpu_ms, memory_mb=limits.memory_mb, **extra)


def pool_for(*, schema: str, package: PluginPackage) -> SandboxPool:
    """The process's pool for this gym and plugin version (other versions' pools are closed)."""
    key = (schema, package.manifest.id, package.manifest.version, str(package.folder))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            for stale in [k for k in _pools if k[:2] == key[:2] and k != key]:
                _pool_close(_pools.pop(stale))
            scratch = Path(settings.PLUGINS_SCRATCH_DIR) / schema / package.manifest.id
            scratch.mkdir(parents=True, exist_ok=True)
            # Verified again now and run from a private copy (outside every plugin's scratch).
            copy = registry.package_snapshot(package, Path(settings.PLUGINS_SCRATCH_DIR) / ".verified")
            bundle = PluginBundle(
                plugin_id=package.manifest.id,
                version=package.manifest.version,
                root=copy,
                entry=_entry(package),
                kind=SandboxKind(package.manifest.sandbox),
                scratch=scratch,
            )
            pool = SandboxPool(bundle, size=settings.PLUGINS_POOL_SIZE, limits=_limits(package))
            _pools[key] = pool
        return pool


def pools_close() -> None:
    """Stop every worker of this process (tests, shutdown)."""
    with _pools_lock:
        for pool in _pools.values():
            _pool_close(pool)
        _pools.clear()


def _pool_close(pool: SandboxPool) -> None:
    pool.close()
    registry.snapshot_remove(pool.bundle.root)


def _record(
    installation: PluginInstallation, hook: str, result: CallResult, denials: int, egress: int
) -> PluginCall:
    stats = result.stats
    outcome = (
        CallOutcome.OK
        if result.ok
        else _OUTCOMES.get(result.error_kind or ErrorKind.CRASHED, CallOutcome.CRASH)
    )
    return PluginCall.objects.create(
        plugin_id=installation.plugin_id,
        version=installation.version,
        hook=hook,
        outcome=outcome,
        wall_ms=stats.wall_ms,
        cpu_ms=stats.cpu_ms,
        peak_memory_kb=stats.peak_memory_kb,
        fuel=stats.fuel_used,
        denials=max(stats.denials, denials) + len(stats.violations),
        egress_violations=egress,
    )


def threat_check(*, installation: PluginInstallation, gym_id: int) -> bool:
    """Suspend the installation when its bad calls in the window reach the threshold."""
    bad = selectors.bad_calls_since(
        plugin_id=installation.plugin_id,
        seconds=settings.PLUGINS_THREAT_WINDOW_SECONDS,
        not_before=installation.activated_at,
    )
    if bad < settings.PLUGINS_THREAT_MAX_BAD_CALLS:
        return False
    installation.refresh_from_db(fields=["status", "activated_at"])
    if installation.status != InstallationStatus.ACTIVE:
        return False
    reason = (
        f"{bad} denials, timeouts, crashes or egress violations within "
        f"{settings.PLUGINS_THREAT_WINDOW_SECONDS} s (threshold {settings.PLUGINS_THREAT_MAX_BAD_CALLS})."
    )
    services.plugin_suspend(installation=installation, gym_id=gym_id, reason=reason)
    logger.warning("plugin suspended", extra={"plugin_id": installation.plugin_id})
    return True


def hook_run(*, installation_id: UUID, hook: str, payload: dict[str, Any]) -> HookRun:
    """Call ``hook`` of one installation in its sandbox, with the manifest's limits.

    Skipped (not called) unless the installation is active, its version is in the catalogue,
    its manifest implements the hook and the PDP allows the hook's capability. Every call is
    recorded (outcome, wall and CPU time, memory, fuel, denials); sandbox violations are audited;
    the threat detector may suspend the installation afterwards. Never raises for anything the
    plugin does.
    """
    from apps.plugins.host import PluginHost

    installation = PluginInstallation.objects.filter(pk=installation_id).first()
    if installation is None or installation.status != InstallationStatus.ACTIVE:
        return HookRun(
            plugin_id="" if installation is None else installation.plugin_id, hook=hook, outcome="skipped"
        )
    package = registry.package_get(installation.plugin_id, installation.version)
    info = HOOKS.get(hook)
    if package is None or info is None or hook not in package.manifest.hooks:
        return HookRun(plugin_id=installation.plugin_id, hook=hook, outcome="skipped")
    gym = pip.gym_context()
    subject = pip.subject_for(installation=installation, manifest=package.manifest, gym=gym)
    if info.capability is not None:
        decision = decide(
            subject, Request(capability=info.capability, classification=Classification.PERSONAL)
        )
        if not decision.allowed:
            return HookRun(
                plugin_id=installation.plugin_id, hook=hook, outcome="skipped", message=decision.message
            )
    host = PluginHost(
        installation=installation,
        subject=subject,
        hook=hook,
        http_timeout_s=package.manifest.limits.wall_ms / 1000,
    )
    arguments = {name: payload.get(name) for name in info.argnames}
    # Secrets reach the plugin only inside its sandbox, as its configuration.
    arguments_with_config = {**arguments, "config": services.config_full(installation=installation)}
    try:
        pool = pool_for(schema=gym.schema_name, package=package)
    except ManifestError as exc:
        # The files changed since the catalogue scan: never run what the signature does not cover.
        logger.warning(
            "plugin refused at start", extra={"plugin_id": installation.plugin_id, "reasons": exc.reasons}
        )
        return HookRun(
            plugin_id=installation.plugin_id,
            hook=hook,
            outcome=CallOutcome.UNAVAILABLE,
            message=f"refused: {exc}",
        )
    result = pool.call(hook, arguments_with_config, host=host)
    _record(installation, hook, result, host.denials, host.egress_violations)
    if result.stats.violations:
        services.audit_record(
            plugin_id=installation.plugin_id,
            installation_id=installation.pk,
            action=AuditAction.DENIED,
            allowed=False,
            detail={"hook": hook, "sandbox_violations": list(result.stats.violations)[:20]},
        )
    suspended = False
    if not result.ok or host.denials or result.stats.violations:
        suspended = threat_check(installation=installation, gym_id=gym.id)
    outcome = (
        CallOutcome.OK
        if result.ok
        else _OUTCOMES.get(result.error_kind or ErrorKind.CRASHED, CallOutcome.CRASH)
    )
    return HookRun(
        plugin_id=installation.plugin_id,
        hook=hook,
        outcome=outcome.value,
        value=result.value if result.ok else None,
        message=result.error_message[:500],
        suspended=suspended,
    )


def hook_targets(*, hook: str) -> list[UUID]:
    """Active installations whose manifest implements ``hook`` (the PDP still checks each call)."""
    out = []
    for installation in selectors.installations_active_with_hook(hook=hook):
        package = registry.package_get(installation.plugin_id, installation.version)
        if package is not None and hook in package.manifest.hooks:
            out.append(installation.pk)
    return out


def hook_run_all(*, hook: str, payload: dict[str, Any]) -> list[HookRun]:
    """Run ``hook`` of every eligible installation, one after another, each in its own sandbox."""
    return [hook_run(installation_id=pk, hook=hook, payload=payload) for pk in hook_targets(hook=hook)]


def health_check() -> dict[str, str]:
    """Ping each active installation that implements ``health_ping``; audit each answer. A
    plugin that times out or crashes here counts towards its suspension like any other call."""
    from apps.plugins.models import AuditAction

    out: dict[str, str] = {}
    for pk in hook_targets(hook="health_ping"):
        run = hook_run(installation_id=pk, hook="health_ping", payload={})
        healthy = run.outcome == CallOutcome.OK.value and (run.value or {}).get("status") == "pong"
        services.audit_record(
            plugin_id=run.plugin_id,
            installation_id=pk,
            action=AuditAction.HEALTH,
            allowed=healthy,
            detail={"outcome": run.outcome, **({"message": run.message} if run.message else {})},
        )
        out[run.plugin_id] = "healthy" if healthy else run.outcome
    return out
