"""One sandboxed worker process (worker, v8 and container kinds), driven over JSON-RPC pipes."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import math
import os
import resource
import select
import selectors
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apps.plugins.sandbox._cgroups import WorkerCgroup, cgroup_support
from apps.plugins.sandbox.contracts import (
    CallResult,
    CallStats,
    ErrorKind,
    HostCallDenied,
    HostFunctions,
    JSONDict,
    Limits,
    PluginBundle,
)

CHILD_DIR = Path(__file__).resolve().parent / "child"
CHILD_SCRIPT = CHILD_DIR / "sandbox_child.py"
BWRAP = "/usr/bin/bwrap"
INIT_TIMEOUT_S = 15.0
POLL_S = 0.02
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Wrapper that moves itself into the worker's cgroups, then execs the worker: the worker never
# runs a single instruction outside its cgroups.
CGROUP_JOIN = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 97; shift; n=$((n-1)); done; exec "$@"'
)
ALLOWED_CHILD_KINDS = {ErrorKind.PLUGIN_ERROR, ErrorKind.MEMORY_EXCEEDED, ErrorKind.DENIED, ErrorKind.TIMEOUT}
# After these the worker's state is suspect (a heap at its limit, a script still running): it is
# replaced by a fresh one.
RECYCLE_AFTER = {ErrorKind.MEMORY_EXCEEDED, ErrorKind.TIMEOUT}


def base_python() -> str:
    """The interpreter behind the virtualenv: run with -I -S it sees the standard library only."""
    return os.path.realpath(sys.executable)


@functools.cache
def stdlib_paths() -> tuple[list[str], list[str]]:
    """(readable paths, list-only paths): every entry of the standard library but site-packages."""
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    readable = [
        os.path.join(stdlib, name) for name in sorted(os.listdir(stdlib)) if name not in ("site-packages",)
    ]
    return readable, [stdlib]


@functools.cache
def mini_racer_dir() -> str:
    """The mini-racer package folder, found without importing it into the host."""
    spec = importlib.util.find_spec("py_mini_racer")
    if spec is None or spec.origin is None:
        raise RuntimeError("the mini-racer package is not installed")
    return os.path.dirname(os.path.realpath(spec.origin))


@dataclass
class _CallState:
    request_id: int
    host: HostFunctions
    limits: Limits
    started: float
    cpu_start: float
    deadline: float
    host_calls: int = 0
    denials: int = 0
    output_bytes: int = 0
    denied_names: list[str] = field(default_factory=list)


class ProcessWorker:
    """A long-lived sandboxed process. Not thread-safe: the pool hands it to one caller at a time."""

    def __init__(self, bundle: PluginBundle, limits: Limits, *, mode: str, container: bool) -> None:
        self.bundle = bundle
        self.limits = limits
        self.mode = mode  # "python" or "v8"
        self.container = container
        self.applied: list[str] = []
        self.alive = False
        self._next_id = 1
        self._buffer = b""
        self._cgroup: WorkerCgroup | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._selector: selectors.BaseSelector | None = None
        self._pid = 0  # the sandboxed interpreter (inside bwrap for the container kind)
        self._over_cpu = False

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the process and apply every protection; raises RuntimeError if any fails."""
        try:
            self._start()
        except RuntimeError:
            raise
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            self.kill()
            raise RuntimeError(f"sandbox did not start: {error}") from None

    def _start(self) -> None:
        bundle = self.bundle
        support = cgroup_support()
        if support.memory is not None:
            overhead = 64 if self.mode == "python" else 256  # interpreter, and V8's own heap reserve
            self._cgroup = WorkerCgroup(
                support,
                memory_bytes=(self.limits.memory_mb + overhead) * 1024 * 1024,
                max_procs=self.limits.max_procs,
            )
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self._output, output_w = os.pipe()
        argv = [base_python(), "-I", "-S", str(CHILD_SCRIPT), "0", str(from_child_w)]
        if self.container:
            argv = self._bwrap_argv() + argv
        if self._cgroup is not None:
            files = self._cgroup.procs_files()
            argv = ["/bin/sh", "-c", CGROUP_JOIN, "sh", str(len(files)), *files, *argv]
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(bundle.scratch),
            "TMPDIR": str(bundle.scratch),
            "PWD": str(bundle.scratch),
            # One malloc arena: otherwise each thread reserves 64 MiB of address space, which
            # RLIMIT_AS counts.
            "MALLOC_ARENA_MAX": "1",
        }
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell input from plugins
                argv,
                stdin=to_child_r,
                stdout=output_w,
                stderr=output_w,
                pass_fds=(from_child_w,),
                env=env,
                cwd=str(bundle.scratch),
                start_new_session=True,
                close_fds=True,
            )
        finally:
            for fd in (to_child_r, from_child_w, output_w):
                os.close(fd)
        self._pid = self._proc.pid
        os.set_blocking(self._to_child, False)
        os.set_blocking(self._from_child, False)
        os.set_blocking(self._output, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._from_child, selectors.EVENT_READ, "rpc")
        self._selector.register(self._output, selectors.EVENT_READ, "output")
        self.alive = True
        readable, listable = stdlib_paths()
        params: JSONDict = {
            "mode": self.mode,
            "contained": self.container,  # inside bubblewrap: its file isolation stands in for Landlock
            "bundle_root": str(bundle.root),
            "entry": bundle.entry,
            "scratch": str(bundle.scratch),
            "read_paths": readable + ([mini_racer_dir()] if self.mode == "v8" else []),
            "list_paths": listable,
            "limits": {
                "max_open_files": self.limits.max_open_files,
                "max_file_mb": self.limits.max_file_mb,
                "worker_cpu_s": self.limits.worker_cpu_s,
                "memory_mb": self.limits.memory_mb,
            },
        }
        if self.mode == "v8":
            params["mini_racer_dir"] = mini_racer_dir()
        self._send({"jsonrpc": "2.0", "id": 0, "method": "init", "params": params})
        deadline = time.monotonic() + INIT_TIMEOUT_S
        try:
            reply = self._read_message(deadline)
        except _StopError as error:
            self.kill()
            raise RuntimeError(f"sandbox did not start: {error}") from None
        if reply.get("id") != 0 or "result" not in reply:
            message = reply.get("error", {}).get("message", "no reply")
            self.kill()
            raise RuntimeError(f"sandbox did not start: {message}")
        self.applied = [str(item) for item in reply["result"].get("applied", [])]
        if self._cgroup is not None:
            self.applied.append(self._cgroup.applied())
        if self.container:
            self._pid = self._innermost_pid(self._proc.pid)
            self.applied.insert(
                0,
                "bubblewrap (read-only root of /usr, the interpreter, the bootstrap and the bundle;"
                " empty /etc and /tmp; own network, pid, ipc and uts namespaces)",
            )

    def _bwrap_argv(self) -> list[str]:
        """A root holding only system libraries, the interpreter, the bootstrap and the bundle."""
        scratch = str(self.bundle.scratch)
        argv = [BWRAP, "--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
            if os.path.islink(top):
                argv += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                argv += ["--ro-bind", top, top]
        argv += [
            "--tmpfs", "/etc",
            "--tmpfs", "/tmp",  # noqa: S108 - a private empty tmpfs inside the container
            "--dev", "/dev",
            "--proc", "/proc",
        ]  # fmt: skip
        for path in (os.path.realpath(sys.base_prefix), str(CHILD_DIR), str(self.bundle.root)):
            argv += ["--ro-bind", path, path]
        argv += [
            "--bind", scratch, scratch,
            "--remount-ro", "/",
            "--unshare-net",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--new-session",
            "--chdir", scratch,
            "--",
        ]  # fmt: skip
        return argv

    @staticmethod
    def _innermost_pid(pid: int) -> int:
        for _ in range(10):
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                return pid
            if not children:
                return pid
            pid = int(children[0])
        return pid

    def kill(self) -> None:
        self.alive = False
        proc = self._proc
        if proc is not None:
            for pid in {self._pid, proc.pid} - {0}:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self._close()

    def shutdown(self) -> None:
        if self.alive:
            with contextlib.suppress(OSError, _StopError):
                self._send({"jsonrpc": "2.0", "id": None, "method": "shutdown"}, time.monotonic() + 0.1)
            if self._proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=1)
        self.kill()

    def _close(self) -> None:
        for name in ("_to_child", "_from_child", "_output"):
            fd = getattr(self, name, -1)
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, name, -1)
        selector = getattr(self, "_selector", None)
        if selector is not None:
            selector.close()
            self._selector = None
        if self._cgroup is not None:
            self._cgroup.remove()
            self._cgroup = None

    # --- measurements ----------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        try:
            text = Path(f"/proc/{self._pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = text[text.rfind(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def peak_memory_kb(self) -> int:
        """The worker's peak resident set; from its cgroup once the process is gone."""
        try:
            for line in Path(f"/proc/{self._pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return self._cgroup.peak_bytes() // 1024 if self._cgroup is not None else 0

    # --- wire ------------------------------------------------------------------------------

    def _send(self, message: JSONDict, deadline: float | None = None) -> None:
        """Write one line; a child that stops reading cannot block the host past the deadline."""
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
        deadline = deadline if deadline is not None else time.monotonic() + INIT_TIMEOUT_S
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._to_child, view)
            except BlockingIOError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _StopError(ErrorKind.TIMEOUT, "wall time limit reached") from None
                select.select([], [self._to_child], [], remaining)
                continue
            view = view[written:]

    def _read_message(self, deadline: float, state: _CallState | None = None) -> JSONDict:
        """The next message from the child; raises _StopError when the worker must stop."""
        max_bytes = state.limits.max_output_bytes if state else 1_000_000
        next_cpu_check = time.monotonic() + POLL_S
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line, self._buffer = self._buffer[:newline], self._buffer[newline + 1 :]
                try:
                    message = json.loads(line)
                except ValueError:
                    raise _StopError(
                        ErrorKind.INVALID_RESPONSE, "the plugin sent a line that is not JSON"
                    ) from None
                if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
                    raise _StopError(
                        ErrorKind.INVALID_RESPONSE, "the plugin sent a message that is not JSON-RPC 2.0"
                    )
                return message
            if len(self._buffer) > max_bytes:
                message_too_long = f"a message from the plugin exceeds {max_bytes} bytes"
                raise _StopError(ErrorKind.OUTPUT_EXCEEDED, message_too_long)
            now = time.monotonic()
            if now >= deadline:
                raise _StopError(ErrorKind.TIMEOUT, "wall time limit reached")
            if state is not None and now >= next_cpu_check:
                next_cpu_check = now + POLL_S
                used = self.cpu_seconds() - state.cpu_start
                if used * 1000 > state.limits.cpu_ms:
                    cpu_message = f"CPU time limit of {state.limits.cpu_ms} ms reached"
                    raise _StopError(ErrorKind.CPU_EXCEEDED, cpu_message)
            assert self._selector is not None
            for key, _ in self._selector.select(min(deadline - now, POLL_S)):
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    raise _StopError(ErrorKind.CRASHED, "the worker exited")
                if key.data == "output":
                    if state is not None:
                        state.output_bytes += len(data)
                        if state.output_bytes > max_bytes:
                            raise _StopError(
                                ErrorKind.OUTPUT_EXCEEDED, f"the plugin printed more than {max_bytes} bytes"
                            )
                else:
                    self._buffer += data

    # --- calls -----------------------------------------------------------------------------

    def call(self, hook: str, payload: JSONDict, host: HostFunctions, limits: Limits) -> CallResult:
        params = {"hook": hook, "payload": payload, "wall_ms": limits.wall_ms, "memory_mb": limits.memory_mb}
        return self._request("hook", params, host, limits)

    def ping(self, limits: Limits) -> CallResult:
        """A round trip through the bootstrap, without plugin code: is the worker responsive?"""
        return self._request("ping", {}, _no_host, limits)

    def _request(self, method: str, params: JSONDict, host: HostFunctions, limits: Limits) -> CallResult:
        started = time.monotonic()
        self._drain_output()
        deadline = started + limits.wall_ms / 1000
        state = _CallState(
            request_id=self._next_id,
            host=host,
            limits=limits,
            started=started,
            cpu_start=self.cpu_seconds(),
            deadline=deadline,
        )
        self._next_id += 1
        self._set_cpu_rlimit(state.cpu_start, limits)
        try:
            self._send(
                {
                    "jsonrpc": "2.0",
                    "id": state.request_id,
                    "method": method,
                    "params": params,
                },
                deadline,
            )
            while True:
                message = self._read_message(deadline, state)
                if "method" in message:
                    self._serve_host_call(message, state)
                    continue
                return self._result(message, state)
        except _StopError as stop:
            return self._failed(stop, state)
        except OSError as error:
            return self._failed(_StopError(ErrorKind.CRASHED, f"the worker went away: {error}"), state)

    def _failed(self, stop: _StopError, state: _CallState) -> CallResult:
        stats = self._stats(state)
        self._over_cpu = stats.cpu_ms > state.limits.cpu_ms
        kind, text = self._classify_death(stop)
        return CallResult(ok=False, error_kind=kind, error_message=text, stats=stats)

    def _drain_output(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while os.read(self._output, 65536):
                pass

    def _set_cpu_rlimit(self, used_s: float, limits: Limits) -> None:
        """Backstop for the CPU budget: SIGXCPU shortly after the call's budget is spent."""
        soft = min(math.ceil(used_s + limits.cpu_ms / 1000) + 1, self.limits.worker_cpu_s)
        with contextlib.suppress(OSError, ValueError):
            _, hard = resource.prlimit(self._pid, resource.RLIMIT_CPU)
            resource.prlimit(self._pid, resource.RLIMIT_CPU, (min(soft, hard), hard))

    def _serve_host_call(self, message: JSONDict, state: _CallState) -> None:
        call_id = message.get("id")
        name = message.get("method")
        params = message.get("params", {})
        if not isinstance(call_id, str) or not isinstance(name, str):
            raise _StopError(
                ErrorKind.INVALID_RESPONSE, "the plugin sent a host call without a string id and method"
            )
        state.host_calls += 1
        if not isinstance(params, dict):
            state.denials += 1
            state.denied_names.append(name)
            self._send(self._rpc_error(call_id, -32602, "params must be an object"), state.deadline)
            return
        try:
            result = state.host(name, params)
            json.dumps(result)
        except HostCallDenied as denied:
            state.denials += 1
            state.denied_names.append(name)
            self._send(self._rpc_error(call_id, -32001, f"denied: {denied}"), state.deadline)
            return
        except Exception:  # a failing host function must not take the pool down
            self._send(self._rpc_error(call_id, -32603, f"host function {name} failed"), state.deadline)
            return
        self._send({"jsonrpc": "2.0", "id": call_id, "result": result}, state.deadline)

    @staticmethod
    def _rpc_error(call_id: Any, code: int, message: str) -> JSONDict:
        return {"jsonrpc": "2.0", "id": call_id, "error": {"code": code, "message": message}}

    def _result(self, message: JSONDict, state: _CallState) -> CallResult:
        if message.get("id") != state.request_id:
            raise _StopError(ErrorKind.INVALID_RESPONSE, f"the plugin answered id {message.get('id')!r}")
        stats_violations: tuple[str, ...] = ()
        if "result" in message:
            result = message["result"]
            if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
                raise _StopError(ErrorKind.INVALID_RESPONSE, "the plugin's result is not an object")
            stats_violations = _violations(result.get("violations"))
            return CallResult(ok=True, value=result["value"], stats=self._stats(state, stats_violations))
        error = message.get("error")
        if not isinstance(error, dict):
            raise _StopError(ErrorKind.INVALID_RESPONSE, "the plugin's reply has neither result nor error")
        data = error.get("data") if isinstance(error.get("data"), dict) else {}
        assert isinstance(data, dict)
        stats_violations = _violations(data.get("violations"))
        try:
            kind = ErrorKind(str(data.get("kind")))
        except ValueError:
            kind = ErrorKind.PLUGIN_ERROR
        if kind not in ALLOWED_CHILD_KINDS:
            kind = ErrorKind.PLUGIN_ERROR
        if state.denials and kind is ErrorKind.PLUGIN_ERROR:
            kind = ErrorKind.DENIED
        text = str(error.get("message", ""))[:2000]
        if kind is ErrorKind.DENIED and state.denied_names:
            text += f" (host refused: {', '.join(state.denied_names[:5])})"
        stats = self._stats(state, stats_violations)
        if kind in RECYCLE_AFTER:
            self.kill()
        return CallResult(ok=False, error_kind=kind, error_message=text, stats=stats)

    def _classify_death(self, stop: _StopError) -> tuple[ErrorKind, str]:
        """Kill the worker and tell why it stopped serving."""
        proc = self._proc
        assert proc is not None
        if stop.kind is ErrorKind.CRASHED:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=2)
        exited = proc.poll() is not None
        oom = self._cgroup is not None and self._cgroup.oom_killed()
        self.kill()
        if oom:
            return ErrorKind.MEMORY_EXCEEDED, "the worker was killed at its memory limit"
        if not exited:
            return stop.kind, stop.message
        code = proc.returncode
        signum = -code if code < 0 else (code - 128 if code > 128 else 0)
        if signum == signal.SIGXCPU or (signum == signal.SIGKILL and self._over_cpu):
            return ErrorKind.CPU_EXCEEDED, "the worker was killed at its CPU time limit"
        if signum == signal.SIGXFSZ:
            return ErrorKind.OUTPUT_EXCEEDED, "the worker was killed at its file size limit"
        if signum:
            return ErrorKind.CRASHED, f"the worker died from signal {signal.Signals(signum).name}"
        return ErrorKind.CRASHED, f"the worker exited with code {code}"

    def _stats(self, state: _CallState, violations: tuple[str, ...] = ()) -> CallStats:
        alive = self.alive
        return CallStats(
            wall_ms=(time.monotonic() - state.started) * 1000,
            cpu_ms=max(0.0, (self.cpu_seconds() - state.cpu_start) * 1000) if alive else 0.0,
            peak_memory_kb=self.peak_memory_kb() if alive else 0,
            host_calls=state.host_calls,
            denials=state.denials,
            output_bytes=state.output_bytes,
            violations=violations,
        )


class _StopError(Exception):
    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _no_host(name: str, args: JSONDict) -> JSONDict:
    raise HostCallDenied("no host function during a ping")


def _violations(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item)[:300] for item in value[:20])
