"""The wasm kind: wasmtime in the host process, with fuel, an epoch deadline and a memory limit.

ABI of a plugin module (``.wasm`` binary or ``.wat`` text):

- exports ``memory`` and ``alloc(len: i32) -> i32`` (a buffer the host may write ``len`` bytes to);
- exports one function per hook, named exactly like the hook (``"badges.evaluate"``), of type
  ``(payload_ptr: i32, payload_len: i32) -> i64``. The payload is canonical JSON (UTF-8, sorted
  keys, no spaces); the result packs ``ptr << 32 | len`` of a JSON object in memory. A trap is a
  failed hook;
- may import ``gym.host_call(name_ptr, name_len, args_ptr, args_len: i32) -> i64``: the host
  function ``name`` with the JSON object ``args``. It returns ``ptr << 32 | len`` of the JSON result
  (written into a buffer from the module's ``alloc``), or -1 when the host refused the call, -2
  when it failed. No other import is offered: no WASI, no clock, no file, no socket.

Every call gets a fresh store and instance (state never leaks between calls), the compiled module
is shared. Never combined with RLIMIT_AS (wasmtime reserves address space for guard pages).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import wasmtime

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

EPOCH_TICK_S = 0.005


class _EpochTicker:
    """Advances the engine's epoch every EPOCH_TICK_S while at least one call runs."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self.engine = engine
        self._reset()
        # A forked child (Celery prefork, gunicorn) has no ticker thread: it starts its own.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self.active = 0
        self.cond = threading.Condition()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> None:
        with self.cond:
            self.active += 1
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="wasm-epoch", daemon=True)
                self.thread.start()
            self.cond.notify()

    def __exit__(self, *exc: object) -> None:
        with self.cond:
            self.active -= 1

    def _run(self) -> None:
        while True:
            with self.cond:
                while self.active == 0:
                    self.cond.wait()
            time.sleep(EPOCH_TICK_S)
            self.engine.increment_epoch()


def _make_engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.consume_fuel = True
    config.epoch_interruption = True
    return wasmtime.Engine(config)


ENGINE = _make_engine()
TICKER = _EpochTicker(ENGINE)
_modules: dict[str, wasmtime.Module] = {}
_modules_lock = threading.Lock()


def load_module(path: Path) -> wasmtime.Module:
    """Compile once per content hash (a changed artifact is compiled again)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with _modules_lock:
        module = _modules.get(digest)
    if module is None:
        module = (
            wasmtime.Module(ENGINE, data.decode()) if path.suffix == ".wat" else wasmtime.Module(ENGINE, data)
        )
        with _modules_lock:
            _modules[digest] = module
    return module


class AbiError(Exception):
    pass


@dataclass
class _CallState:
    host: HostFunctions
    store: wasmtime.Store
    deadline: float
    fuel: int
    host_calls: int = 0
    denials: int = 0
    denied_names: list[str] = field(default_factory=list)
    abi_error: str = ""


class WasmWorker:
    """Compiled module plus linker; one caller at a time (the pool guarantees it)."""

    def __init__(self, bundle: PluginBundle, limits: Limits) -> None:
        self.bundle = bundle
        self.limits = limits
        self.alive = False
        self.applied: list[str] = []
        self._state: _CallState | None = None

    def start(self) -> None:
        try:
            self.module = load_module(self.bundle.root / self.bundle.entry)
        except (OSError, UnicodeDecodeError, wasmtime.WasmtimeError) as error:
            raise RuntimeError(f"the wasm module does not compile: {error}") from None
        for item in self.module.imports:
            if (item.module, item.name) != ("gym", "host_call"):
                raise RuntimeError(f"the wasm module imports {item.module}.{item.name}, which is not offered")
        self.linker = wasmtime.Linker(ENGINE)
        i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
        self.linker.define_func(
            "gym",
            "host_call",
            wasmtime.FuncType([i32, i32, i32, i32], [i64]),
            self._host_call,
            access_caller=True,
        )
        self.alive = True
        self.applied = [
            f"wasmtime (fuel {self.limits.fuel} per call, epoch deadline at wall time,"
            f" store memory limit {self.limits.memory_mb} MiB, imports: gym.host_call only)"
        ]

    def shutdown(self) -> None:
        self.alive = False

    def kill(self) -> None:
        self.alive = False

    # --- host functions --------------------------------------------------------------------

    def _host_call(
        self, caller: wasmtime.Caller, name_ptr: int, name_len: int, args_ptr: int, args_len: int
    ) -> int:
        state = self._state
        assert state is not None
        memory = caller.get("memory")
        alloc = caller.get("alloc")
        if not isinstance(memory, wasmtime.Memory) or not isinstance(alloc, wasmtime.Func):
            state.abi_error = "the module does not export memory and alloc"
            raise wasmtime.Trap(state.abi_error)
        try:
            name = self._read(caller, memory, name_ptr, name_len).decode()
            args = json.loads(self._read(caller, memory, args_ptr, args_len))
        except (AbiError, ValueError) as error:
            state.abi_error = f"malformed host call: {error}"
            raise wasmtime.Trap(state.abi_error) from None
        state.host_calls += 1
        if not isinstance(args, dict):
            state.denials += 1
            state.denied_names.append(name)
            return -1
        try:
            result = state.host(name, args)
            encoded = json.dumps(result, separators=(",", ":")).encode()
        except HostCallDenied:
            state.denials += 1
            state.denied_names.append(name)
            return -1
        except Exception:  # a failing host function must not take the pool down
            return -2
        pointer = alloc(caller, len(encoded))
        if not isinstance(pointer, int):
            state.abi_error = "alloc did not return an i32"
            raise wasmtime.Trap(state.abi_error)
        self._write(caller, memory, pointer, encoded)
        return (pointer << 32) | len(encoded)

    @staticmethod
    def _read(store: Any, memory: wasmtime.Memory, pointer: int, length: int) -> bytes:
        size = memory.data_len(store)
        if pointer < 0 or length < 0 or pointer + length > size:
            raise AbiError(f"range {pointer}+{length} is outside the module's memory")
        return bytes(memory.read(store, pointer, pointer + length))

    @staticmethod
    def _write(store: Any, memory: wasmtime.Memory, pointer: int, data: bytes) -> None:
        if pointer < 0 or pointer + len(data) > memory.data_len(store):
            raise wasmtime.Trap("alloc returned a buffer outside memory")
        memory.write(store, data, pointer)

    # --- calls -----------------------------------------------------------------------------

    def ping(self, limits: Limits) -> CallResult:
        """Instantiate the module in a fresh store (its start function runs, no hook)."""
        started = time.monotonic()
        store = wasmtime.Store(ENGINE)
        store.set_limits(memory_size=self.limits.memory_mb * 1024 * 1024, instances=1, tables=1, memories=1)
        store.set_fuel(limits.fuel)
        store.set_epoch_deadline(max(1, round(limits.wall_ms / 1000 / EPOCH_TICK_S)))
        state = _CallState(
            host=_refuse, store=store, deadline=started + limits.wall_ms / 1000, fuel=limits.fuel
        )
        try:
            with TICKER:
                self.linker.instantiate(store, self.module)
        except (wasmtime.WasmtimeError, wasmtime.Trap) as error:
            return self._failure(state, started, None, _instantiation_kind(error), str(error))
        return CallResult(ok=True, value={}, stats=self._stats(state, started, None))

    def call(self, hook: str, payload: JSONDict, host: HostFunctions, limits: Limits) -> CallResult:
        started = time.monotonic()
        store = wasmtime.Store(ENGINE)
        memory_limit = self.limits.memory_mb * 1024 * 1024
        store.set_limits(memory_size=memory_limit, table_elements=10_000, instances=1, tables=1, memories=1)
        store.set_fuel(limits.fuel)
        store.set_epoch_deadline(max(1, round(limits.wall_ms / 1000 / EPOCH_TICK_S)))
        state = _CallState(host=host, store=store, deadline=started + limits.wall_ms / 1000, fuel=limits.fuel)
        self._state = state
        memory: wasmtime.Memory | None = None
        try:
            with TICKER:
                try:
                    instance = self.linker.instantiate(store, self.module)
                except (wasmtime.WasmtimeError, wasmtime.Trap) as error:
                    return self._failure(state, started, memory, _instantiation_kind(error), str(error))
                exports = instance.exports(store)
                memory_export = exports.get("memory")
                alloc = exports.get("alloc")
                function = exports.get(hook)
                if not isinstance(memory_export, wasmtime.Memory) or not isinstance(alloc, wasmtime.Func):
                    return self._failure(
                        state,
                        started,
                        None,
                        ErrorKind.INVALID_RESPONSE,
                        "the module must export memory and alloc",
                    )
                memory = memory_export
                if not isinstance(function, wasmtime.Func):
                    return self._failure(state, started, memory, ErrorKind.PLUGIN_ERROR, f"no hook {hook!r}")
                data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
                try:
                    pointer = alloc(store, len(data))
                    if not isinstance(pointer, int):
                        raise AbiError("alloc did not return an i32")
                    self._write(store, memory, pointer, data)
                    packed = function(store, pointer, len(data))
                    if not isinstance(packed, int):
                        raise AbiError("the hook did not return an i64")
                    packed &= (1 << 64) - 1
                    out_ptr, out_len = packed >> 32, packed & 0xFFFFFFFF
                    if out_len > limits.max_output_bytes:
                        return self._failure(
                            state,
                            started,
                            memory,
                            ErrorKind.OUTPUT_EXCEEDED,
                            f"the result exceeds {limits.max_output_bytes} bytes",
                        )
                    value = json.loads(self._read(store, memory, out_ptr, out_len))
                except wasmtime.Trap as trap:
                    return self._failure(
                        state, started, memory, self._trap_kind(trap, state, memory), str(trap)
                    )
                except wasmtime.WasmtimeError as error:
                    return self._failure(state, started, memory, ErrorKind.PLUGIN_ERROR, str(error))
                except (AbiError, ValueError) as error:
                    return self._failure(state, started, memory, ErrorKind.INVALID_RESPONSE, str(error))
        finally:
            self._state = None
        if not isinstance(value, dict):
            return self._failure(
                state, started, memory, ErrorKind.INVALID_RESPONSE, "the result is not an object"
            )
        return CallResult(ok=True, value=value, stats=self._stats(state, started, memory))

    def _trap_kind(self, trap: wasmtime.Trap, state: _CallState, memory: wasmtime.Memory) -> ErrorKind:
        code = trap.trap_code
        if code is wasmtime.TrapCode.OUT_OF_FUEL:
            return ErrorKind.CPU_EXCEEDED
        if code is wasmtime.TrapCode.INTERRUPT:
            return ErrorKind.TIMEOUT
        if state.abi_error:
            return ErrorKind.INVALID_RESPONSE
        # wasmtime answers a refused memory.grow with -1 and says nothing; a trap with the linear
        # memory at 90% of its limit or more is counted as running out of memory.
        if memory.data_len(state.store) * 10 >= self.limits.memory_mb * 1024 * 1024 * 9:
            return ErrorKind.MEMORY_EXCEEDED
        if state.denials:
            return ErrorKind.DENIED
        return ErrorKind.PLUGIN_ERROR

    def _failure(
        self,
        state: _CallState,
        started: float,
        memory: wasmtime.Memory | None,
        kind: ErrorKind,
        message: str,
    ) -> CallResult:
        if kind is ErrorKind.DENIED and state.denied_names:
            message += f" (host refused: {', '.join(state.denied_names[:5])})"
        return CallResult(
            ok=False, error_kind=kind, error_message=message[:2000], stats=self._stats(state, started, memory)
        )

    def _stats(self, state: _CallState, started: float, memory: wasmtime.Memory | None) -> CallStats:
        fuel_left = 0
        with contextlib.suppress(wasmtime.WasmtimeError):
            fuel_left = state.store.get_fuel()
        return CallStats(
            wall_ms=(time.monotonic() - started) * 1000,
            peak_memory_kb=memory.data_len(state.store) // 1024 if memory is not None else 0,
            fuel_used=max(0, state.fuel - fuel_left),
            host_calls=state.host_calls,
            denials=state.denials,
        )


def _refuse(name: str, args: JSONDict) -> JSONDict:
    raise HostCallDenied("no host function during a ping")


def _instantiation_kind(error: Exception) -> ErrorKind:
    text = str(error).lower()
    if "memory" in text and ("limit" in text or "minimum" in text or "exceed" in text):
        return ErrorKind.MEMORY_EXCEEDED
    return ErrorKind.PLUGIN_ERROR
