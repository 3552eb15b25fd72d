"""A pool of long-lived sandboxed workers for one (gym, plugin)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from apps.plugins.sandbox.contracts import (
    CallResult,
    CallStats,
    ErrorKind,
    HostFunctions,
    JSONDict,
    Limits,
    PluginBundle,
    SandboxKind,
)
from apps.plugins.sandbox.probes import availability


class Worker(Protocol):
    alive: bool
    applied: list[str]

    def start(self) -> None: ...

    def call(self, hook: str, payload: JSONDict, host: HostFunctions, limits: Limits) -> CallResult: ...

    def ping(self, limits: Limits) -> CallResult: ...

    def shutdown(self) -> None: ...

    def kill(self) -> None: ...


def _make_worker(bundle: PluginBundle, limits: Limits) -> Worker:
    if bundle.kind is SandboxKind.WASM:
        from apps.plugins.sandbox._wasm import WasmWorker

        return WasmWorker(bundle, limits)
    from apps.plugins.sandbox._process import ProcessWorker

    return ProcessWorker(
        bundle,
        limits,
        mode="v8" if bundle.kind is SandboxKind.V8 else "python",
        container=bundle.kind is SandboxKind.CONTAINER,
    )


class SandboxPool:
    """Up to ``size`` workers of one plugin bundle, started on demand and reused.

    Thread-safe: each call borrows one idle worker (or starts one) for its whole duration. A
    worker that dies or is killed (timeout, CPU, memory, output, protocol violation) is thrown
    away; the next one starts after an exponential backoff (``backoff_base_s`` doubled per
    consecutive failure, at most ``backoff_max_s``), reset by the next successful call. A call
    that would have to wait longer than its wall time for that backoff returns ``unavailable``.
    Pools share nothing, so one plugin failing never affects another pool.
    """

    def __init__(
        self,
        bundle: PluginBundle,
        *,
        size: int = 2,
        limits: Limits | None = None,
        backoff_base_s: float = 0.05,
        backoff_max_s: float = 30.0,
    ) -> None:
        if not isinstance(bundle.kind, SandboxKind):
            raise TypeError(f"bundle.kind must be a SandboxKind, not {bundle.kind!r}")
        self.bundle = bundle
        self.size = size
        self.limits = limits or Limits()
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._started = 0
        self._closed = False
        self._failures = 0
        self._not_before = 0.0
        self.restarts = 0
        self.applied: list[str] = []

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def warm(self, count: int = 1) -> None:
        """Start up to ``count`` workers now, so that the first calls do not pay the cold start."""
        for _ in range(min(count, self.size)):
            with self._cond:
                if self._closed or self._started >= self.size:
                    return
                self._started += 1
            try:
                worker = self._start_worker()
            except RuntimeError:
                with self._cond:
                    self._started -= 1
                raise
            self._release(worker, healthy=True)

    def call(
        self, hook: str, payload: JSONDict, *, host: HostFunctions, limits: Limits | None = None
    ) -> CallResult:
        """Run ``hook`` with ``payload`` in one worker; never raises for anything the plugin does.

        Only the per-call limits of ``limits`` (wall_ms, cpu_ms, fuel, max_output_bytes) may
        differ from the pool's; memory and process limits are fixed when a worker starts.
        """
        return self._run(lambda worker, call_limits: worker.call(hook, payload, host, call_limits), limits)

    def ping(self, *, limits: Limits | None = None) -> CallResult:
        """Health check: a round trip to a worker (started if none is idle) without running a
        hook. ``ok`` is False with the same error kinds as ``call`` when the worker does not
        answer in time, died, or the kind is unavailable here."""
        return self._run(lambda worker, call_limits: worker.ping(call_limits), limits)

    def _run(self, action: Callable[[Worker, Limits], CallResult], limits: Limits | None) -> CallResult:
        limits = limits or self.limits
        state = availability(self.bundle.kind)
        if not state.available:
            return _failure(ErrorKind.UNAVAILABLE, state.reason)
        started = time.monotonic()
        deadline = started + limits.wall_ms / 1000
        worker: Worker | None = None
        must_start = False
        with self._cond:
            while worker is None and not must_start:
                if self._closed:
                    return _failure(ErrorKind.UNAVAILABLE, "the pool is closed")
                if self._idle:
                    worker = self._idle.pop()
                elif self._started < self.size:
                    self._started += 1
                    must_start = True
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return _failure(ErrorKind.TIMEOUT, "every worker of the pool stayed busy")
                    self._cond.wait(remaining)
            wait = self._not_before - time.monotonic()
        if worker is None:
            if wait > deadline - time.monotonic():
                self._release(None, healthy=False, count_failure=False)
                return _failure(
                    ErrorKind.UNAVAILABLE,
                    f"restarting after {self._failures} failures; next start in {wait * 1000:.0f} ms",
                )
            if wait > 0:
                time.sleep(wait)
            try:
                worker = self._start_worker()
            except RuntimeError as error:
                self._release(None, healthy=False)
                return _failure(ErrorKind.CRASHED, str(error))
        try:
            result = action(worker, limits)
        except BaseException:
            # Not the plugin: a payload that is not JSON, or the caller interrupted. The worker
            # may be mid-message, so it is replaced rather than reused.
            worker.kill()
            self._release(None, healthy=False, count_failure=False)
            raise
        if must_start:
            result = _with_stats(result, cold_start=True, wall_ms=(time.monotonic() - started) * 1000)
        healthy = worker.alive
        self._release(worker if healthy else None, healthy=healthy)
        return result

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their call returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.shutdown()

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start_worker(self) -> Worker:
        worker = _make_worker(self.bundle, self.limits)
        worker.start()
        self.applied = list(worker.applied)
        return worker

    def _release(self, worker: Worker | None, *, healthy: bool, count_failure: bool = True) -> None:
        stop: Worker | None = None
        with self._cond:
            if worker is not None and healthy:
                if self._closed:
                    stop = worker
                    self._started -= 1
                else:
                    self._idle.append(worker)
                self._failures = 0
            else:
                self._started -= 1
                if count_failure:
                    self._failures += 1
                    self.restarts += 1
                    delay = min(self.backoff_base_s * 2 ** (self._failures - 1), self.backoff_max_s)
                    self._not_before = time.monotonic() + delay
            self._cond.notify()
        if stop is not None:
            stop.shutdown()


def _failure(kind: ErrorKind, message: str) -> CallResult:
    return CallResult(ok=False, error_kind=kind, error_message=message)


def _with_stats(result: CallResult, *, cold_start: bool, wall_ms: float) -> CallResult:
    s = result.stats
    stats = CallStats(
        wall_ms=wall_ms,
        cpu_ms=s.cpu_ms,
        peak_memory_kb=s.peak_memory_kb,
        fuel_used=s.fuel_used,
        host_calls=s.host_calls,
        denials=s.denials,
        output_bytes=s.output_bytes,
        cold_start=cold_start,
        violations=s.violations,
    )
    return CallResult(
        ok=result.ok,
        value=result.value,
        error_kind=result.error_kind,
        error_message=result.error_message,
        stats=stats,
    )
