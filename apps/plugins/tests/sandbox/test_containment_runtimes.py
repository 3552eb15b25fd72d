"""Containment suite, wasm and V8 kinds: hostile modules and scripts in the real runtimes."""

from __future__ import annotations

import pytest

from apps.plugins.sandbox import ErrorKind, Limits, SandboxKind, SandboxPool
from apps.plugins.sandbox._cgroups import cgroup_support

from .conftest import RecordingHost

BADGES_PAYLOAD = {"events": [{"day": 1, "exercise": 1, "load_g": 10, "reps": 1}]}
BADGES_VALUE = {"badges": [], "longest_streak": 1, "personal_records": 0}


def assert_badges_serve(badges: SandboxPool) -> None:
    result = badges.call("badges.evaluate", BADGES_PAYLOAD, host=RecordingHost())
    assert (result.ok, result.value) == (True, BADGES_VALUE)


# --- wasm ----------------------------------------------------------------------------------


@pytest.fixture
def wasm(make_pool, other_plugin):
    hostile = make_pool(
        "hostile", "hostile.wat", SandboxKind.WASM, limits=Limits(fuel=2_000_000, memory_mb=16)
    )
    badges = other_plugin(SandboxKind.WASM)
    return hostile, badges


def assert_wasm_serving(hostile: SandboxPool, badges: SandboxPool) -> None:
    again = hostile.call("ok", {}, host=RecordingHost())
    assert (again.ok, again.value) == (True, {"pong": 1}), again.error_message
    assert_badges_serve(badges)


def test_wasm_infinite_loop_runs_out_of_fuel(wasm):
    hostile, badges = wasm
    result = hostile.call("spin", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.CPU_EXCEEDED)
    assert result.stats.fuel_used == 2_000_000
    assert_wasm_serving(hostile, badges)


def test_wasm_infinite_loop_with_fuel_to_spare_stops_at_the_epoch_deadline(wasm):
    hostile, badges = wasm
    result = hostile.call("spin", {}, host=RecordingHost(), limits=Limits(wall_ms=100, fuel=10**15))
    assert (result.ok, result.error_kind) == (False, ErrorKind.TIMEOUT)
    assert 0 < result.stats.fuel_used < 10**15
    assert_wasm_serving(hostile, badges)


def test_wasm_growing_memory_stops_at_the_store_limit(wasm):
    hostile, badges = wasm
    result = hostile.call("grow", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.MEMORY_EXCEEDED)
    assert result.stats.peak_memory_kb <= 16 * 1024
    assert_wasm_serving(hostile, badges)


def test_wasm_huge_initial_memory_is_refused(make_pool, wasm):
    hostile, badges = wasm
    huge = make_pool("hostile", "huge_memory.wat", SandboxKind.WASM, limits=Limits(memory_mb=16))
    result = huge.call("ok", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.MEMORY_EXCEEDED)
    assert_wasm_serving(hostile, badges)


def test_wasm_imports_beyond_host_call_are_refused(make_pool, wasm):
    hostile, badges = wasm
    module = make_pool("hostile", "wasi.wat", SandboxKind.WASM)
    result = module.call("ok", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.CRASHED)
    assert result.error_message == (
        "the wasm module imports wasi_snapshot_preview1.fd_write, which is not offered"
    )
    assert_wasm_serving(hostile, badges)


def test_wasm_unknown_host_function_is_denied(wasm):
    hostile, badges = wasm
    host = RecordingHost()
    result = hostile.call("call_unknown", {}, host=host)
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert host.calls == [("db.query", {})]
    assert result.stats.denials == 1
    assert_wasm_serving(hostile, badges)


@pytest.mark.parametrize("hook", ["forge_pointer", "forge_result", "not_json"])
def test_wasm_forged_pointers_and_results_are_refused(wasm, hook):
    hostile, badges = wasm
    host = RecordingHost()
    result = hostile.call(hook, {}, host=host)
    assert (result.ok, result.error_kind) == (False, ErrorKind.INVALID_RESPONSE)
    assert host.calls == []
    assert_wasm_serving(hostile, badges)


def test_wasm_unknown_hook_is_a_plugin_error(wasm):
    hostile, _ = wasm
    result = hostile.call("no.such.hook", {}, host=RecordingHost())
    assert (result.ok, result.error_kind, result.error_message) == (
        False,
        ErrorKind.PLUGIN_ERROR,
        "no hook 'no.such.hook'",
    )


# --- V8 ------------------------------------------------------------------------------------


@pytest.fixture
def v8(make_pool, other_plugin):
    hostile = make_pool(
        "hostile", "hostile.js", SandboxKind.V8, limits=Limits(wall_ms=1500, cpu_ms=5000, memory_mb=64)
    )
    badges = other_plugin(SandboxKind.V8)
    return hostile, badges


def assert_v8_serving(hostile: SandboxPool, badges: SandboxPool) -> None:
    again = hostile.call("ok", {"n": 3}, host=RecordingHost())
    assert (again.ok, again.value) == (True, {"pong": 3}), again.error_message
    assert_badges_serve(badges)


def test_js_infinite_loop_stops_at_the_timeout(v8):
    hostile, badges = v8
    result = hostile.call("spin", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.TIMEOUT)
    # V8 stops the script and the worker says so; on a starved machine the host's clock may
    # run out first, and it kills the worker.
    assert result.error_message in ("JavaScript ran past its 1500 ms wall time", "wall time limit reached")
    assert_v8_serving(hostile, badges)


def test_js_infinite_loop_is_killed_at_the_cpu_limit_too(v8):
    hostile, badges = v8
    result = hostile.call("spin", {}, host=RecordingHost(), limits=Limits(wall_ms=20_000, cpu_ms=300))
    assert (result.ok, result.error_kind) == (False, ErrorKind.CPU_EXCEEDED)
    assert_v8_serving(hostile, badges)


def test_js_allocating_without_bound_stops_at_the_heap_limit(v8):
    hostile, badges = v8
    result = hostile.call("allocate", {}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.MEMORY_EXCEEDED)
    assert result.error_message == "MemoryError: the V8 heap reached its 64 MiB limit"
    assert_v8_serving(hostile, badges)


def test_js_buffers_outside_the_heap_stop_at_the_memory_limit(v8):
    if cgroup_support().memory is None:
        pytest.skip(f"no memory cgroup on this host: {cgroup_support().reason}")
    hostile, badges = v8
    result = hostile.call("external", {}, host=RecordingHost(), limits=Limits(wall_ms=20_000, cpu_ms=20_000))
    assert (result.ok, result.error_kind) == (False, ErrorKind.MEMORY_EXCEEDED)
    assert result.error_message == "the worker was killed at its memory limit"
    assert result.stats.peak_memory_kb > 64 * 1024
    assert_v8_serving(hostile, badges)


def test_js_unknown_host_function_is_denied(v8):
    hostile, badges = v8
    host = RecordingHost()
    result = hostile.call("call_unknown", {}, host=host)
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert host.calls == [("db.query", {"sql": "SELECT 1"})]
    assert result.error_message.endswith("(host refused: db.query)")
    assert_v8_serving(hostile, badges)


def test_js_has_no_node_or_browser_escape_hatches(v8):
    hostile, _ = v8
    result = hostile.call("escape", {}, host=RecordingHost())
    assert (result.ok, result.value) == (True, {"found": []})


def test_the_v8_worker_runs_under_the_worker_protections(v8):
    hostile, _ = v8
    assert hostile.call("ok", {}, host=RecordingHost()).ok is True
    applied = " | ".join(hostile.applied)
    assert "netns (interfaces ['lo'], connect 127.0.0.1:5432 -> ENETUNREACH)" in applied
    assert "seccomp (" in applied
    assert "RLIMIT_AS" not in applied  # it would break V8


def test_wasm_deadlines_hold_in_a_forked_child(wasm):
    import os
    import select
    import signal

    hostile, _ = wasm
    spin = Limits(wall_ms=100, fuel=10**15)
    assert hostile.call("spin", {}, host=RecordingHost(), limits=spin).error_kind is ErrorKind.TIMEOUT
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports its result on the pipe and leaves at once
        try:
            result = hostile.call("spin", {}, host=RecordingHost(), limits=spin)
            os.write(write_end, str(result.error_kind).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        answer = os.read(read_end, 100).decode() if ready else "no answer"
    finally:
        os.close(read_end)
        if not ready:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert answer == "timeout"
