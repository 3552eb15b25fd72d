"""Containment suite, process kinds: a real hostile plugin in a real worker (and container) sandbox.

Every attack ends with the right error kind, the same pool serves the next call, and a second
plugin's pool is untouched. The ``probe`` test reads the kernel's own answers (errno) to prove
that the network namespace, seccomp and Landlock refuse, not only the reporting audit hook.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sysconfig
import uuid
from pathlib import Path
from typing import Any

import pytest

from apps.plugins.sandbox import ErrorKind, Limits, SandboxKind, SandboxPool
from apps.plugins.sandbox._cgroups import cgroup_support

from .conftest import PLUGINS_SRC, RecordingHost

PROCESS_KINDS = [SandboxKind.WORKER, SandboxKind.CONTAINER]
HOSTILE_LIMITS = Limits(wall_ms=3000, cpu_ms=400, memory_mb=64, max_output_bytes=100_000)
PROJECT_FILE = PLUGINS_SRC.parent / "config" / "settings" / "base.py"
BADGES_PAYLOAD = {"events": [{"day": 1, "exercise": 1, "load_g": 10, "reps": 1}]}
BADGES_VALUE = {"badges": [], "longest_streak": 1, "personal_records": 0}


@pytest.fixture(params=PROCESS_KINDS, ids=str)
def kind(request):
    return request.param


@pytest.fixture
def pools(make_pool, other_plugin, kind):
    hostile = make_pool("hostile", "plugin", kind, limits=HOSTILE_LIMITS)
    badges = other_plugin(kind)
    return hostile, badges


def assert_still_serving(hostile: SandboxPool, badges: SandboxPool) -> None:
    again = hostile.call("ok", {"n": 7}, host=RecordingHost())
    assert (again.ok, again.value) == (True, {"pong": 7}), again.error_message
    other = badges.call("badges.evaluate", BADGES_PAYLOAD, host=RecordingHost())
    assert (other.ok, other.value) == (True, BADGES_VALUE)


def run(
    hostile: SandboxPool, hook: str, payload: dict[str, Any] | None = None, host: RecordingHost | None = None
):
    return hostile.call(hook, payload or {}, host=host or RecordingHost())


def test_the_worker_reports_every_protection_it_applied(pools, kind):
    hostile, _ = pools
    assert run(hostile, "ok").ok is True
    applied = " | ".join(hostile.applied)
    for expected in (
        "RLIMIT_CORE=0",
        "RLIMIT_NOFILE=64",
        "RLIMIT_CPU=300",
        "RLIMIT_AS=",
        "netns (interfaces ['lo'], connect 127.0.0.1:5432 -> ENETUNREACH)",
        "no_new_privs",
        "capabilities dropped",
        "seccomp (",
    ):
        assert expected in applied
    if os.path.exists("/sys/kernel/security/landlock") or "landlock ABI" in applied:
        assert "landlock ABI" in applied
    if kind is SandboxKind.CONTAINER:
        assert applied.startswith("bubblewrap (read-only root")


def test_spinning_the_cpu_is_stopped_at_the_cpu_limit(pools):
    hostile, badges = pools
    # A wall time far beyond the CPU budget: a starved machine must still end with the CPU limit.
    result = hostile.call("spin", {}, host=RecordingHost(), limits=Limits(wall_ms=20_000, cpu_ms=400))
    assert (result.ok, result.error_kind) == (False, ErrorKind.CPU_EXCEEDED)
    assert result.stats.cpu_ms >= 400
    assert hostile.restarts == 1
    assert_still_serving(hostile, badges)


def test_sleeping_forever_is_stopped_at_the_wall_time_limit(pools):
    hostile, badges = pools
    result = hostile.call("sleep", {}, host=RecordingHost(), limits=Limits(wall_ms=300, cpu_ms=400))
    assert (result.ok, result.error_kind) == (False, ErrorKind.TIMEOUT)
    assert_still_serving(hostile, badges)


def test_allocating_without_bound_is_stopped_at_the_memory_limit(pools):
    hostile, badges = pools
    result = run(hostile, "allocate")
    assert (result.ok, result.error_kind) == (False, ErrorKind.MEMORY_EXCEEDED)
    assert_still_serving(hostile, badges)


def test_a_fork_bomb_cannot_fork(pools):
    hostile, badges = pools
    result = run(hostile, "fork_bomb")
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert result.error_message == "PermissionError: [Errno 1] Operation not permitted"
    assert result.stats.violations == ("os.fork",)
    assert_still_serving(hostile, badges)


def test_starting_a_program_is_refused(pools):
    hostile, badges = pools
    result = run(hostile, "spawn")
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert result.stats.violations[0] == "subprocess ['/bin/sh', '-c', 'id']"
    assert_still_serving(hostile, badges)


def test_printing_without_end_is_stopped_at_the_output_limit(pools):
    hostile, badges = pools
    result = run(hostile, "print_forever")
    assert (result.ok, result.error_kind) == (False, ErrorKind.OUTPUT_EXCEEDED)
    assert result.error_message == "the plugin printed more than 100000 bytes"
    assert_still_serving(hostile, badges)


@pytest.mark.parametrize("target", ["shadow", "settings", "host_environ"])
def test_reading_secrets_and_project_files_is_refused(pools, target):
    hostile, badges = pools
    path = {
        "shadow": "/etc/shadow",
        "settings": str(PROJECT_FILE),
        "host_environ": f"/proc/{os.getpid()}/environ",
    }[target]
    result = run(hostile, "read_file", {"path": path})
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert result.stats.violations == (f"read {path}",)
    assert_still_serving(hostile, badges)


def test_the_environment_holds_no_secret(pools, monkeypatch):
    hostile, badges = pools
    monkeypatch.setenv("GYM_TEST_SECRET_KEY", "must-not-leak")
    result = run(hostile, "environment")
    scratch = str(hostile.bundle.scratch)
    assert result.ok is True
    assert result.value == {
        "env": {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": scratch,
            "TMPDIR": scratch,
            "PWD": scratch,
            "MALLOC_ARENA_MAX": "1",
        },
        "cwd": scratch,
    }
    assert_still_serving(hostile, badges)


@pytest.mark.parametrize(("host", "port"), [("127.0.0.1", 5432), ("127.0.0.1", 6379), ("1.1.1.1", 443)])
def test_opening_a_socket_is_refused(pools, host, port):
    hostile, badges = pools
    result = run(hostile, "connect", {"host": host, "port": port})
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert result.stats.violations[0].startswith("socket.__new__")
    assert_still_serving(hostile, badges)


def test_writing_outside_scratch_is_refused_and_inside_works(pools, tmp_path):
    hostile, badges = pools
    outside = tmp_path / f"escape-{uuid.uuid4().hex}.txt"
    for path in (outside, PLUGINS_SRC / "hostile" / "planted.py"):
        result = run(hostile, "write_file", {"path": str(path)})
        assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
        assert result.stats.violations == (f"write {path}",)
        assert not path.exists()
    inside = run(hostile, "write_file", {"path": "notes.txt"})
    assert (inside.ok, inside.value) == (True, {"written": "notes.txt"})
    assert (hostile.bundle.scratch / "notes.txt").read_text() == "written by a plugin"
    assert_still_serving(hostile, badges)


@pytest.mark.parametrize("site_packages", ["", sysconfig.get_paths()["purelib"]])
def test_importing_django_to_reach_the_orm_fails(pools, site_packages):
    hostile, badges = pools
    result = run(hostile, "import_django", {"site_packages": site_packages})
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert "import django" in result.stats.violations
    assert_still_serving(hostile, badges)


def test_signalling_another_process_is_refused(pools):
    hostile, badges = pools
    victim = subprocess.Popen(["sleep", "30"])
    try:
        result = run(hostile, "signal_host", {"pid": victim.pid})
        assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
        assert result.stats.violations == (f"os.kill {victim.pid}",)
        assert victim.poll() is None
    finally:
        victim.kill()
        victim.wait()
    assert_still_serving(hostile, badges)


def test_signalling_the_parent_through_any_signal_system_call_is_refused(pools):
    hostile, badges = pools
    result = run(hostile, "signal_parent_raw", {"pid": os.getpid()})
    assert result.ok is True, result.error_message
    assert result.value == {
        "kill": errno.EPERM,
        "tkill": errno.EPERM,
        "tgkill": errno.EPERM,
        "rt_sigqueueinfo": errno.EPERM,
        "rt_tgsigqueueinfo": errno.EPERM,
        "pidfd_send_signal": errno.EPERM,
    }
    assert_still_serving(hostile, badges)


@pytest.mark.parametrize(
    ("hook", "message"),
    [("crash", "the worker exited with code 3"), ("segfault", "the worker died from signal SIGSEGV")],
)
def test_a_crash_mid_call_is_reported_and_the_worker_replaced(pools, hook, message):
    hostile, badges = pools
    result = run(hostile, hook)
    assert (result.ok, result.error_kind, result.error_message) == (False, ErrorKind.CRASHED, message)
    assert hostile.restarts == 1
    assert_still_serving(hostile, badges)


def test_an_unknown_host_function_is_denied(pools):
    hostile, badges = pools
    host = RecordingHost()
    result = run(hostile, "call_unknown", host=host)
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert host.calls == [("db.query", {"sql": "SELECT * FROM users_account"})]
    assert result.stats.denials == 1
    assert result.error_message.endswith("(host refused: db.query)")
    assert_still_serving(hostile, badges)


def test_a_swallowed_denial_still_shows_in_the_stats(pools):
    hostile, badges = pools
    result = run(hostile, "swallow_denial")
    assert (result.ok, result.value) == (True, {"refused": "denied: db.query is not granted"})
    assert result.stats.denials == 1
    assert_still_serving(hostile, badges)


@pytest.mark.parametrize(
    ("hook", "error_kind", "message"),
    [
        ("forge_malformed", ErrorKind.INVALID_RESPONSE, "the plugin sent a line that is not JSON"),
        ("forge_wrong_id", ErrorKind.INVALID_RESPONSE, "the plugin answered id 987654"),
        ("forge_not_rpc", ErrorKind.INVALID_RESPONSE, "the plugin sent a message that is not JSON-RPC 2.0"),
        (
            "forge_call_without_id",
            ErrorKind.INVALID_RESPONSE,
            "the plugin sent a host call without a string id and method",
        ),
        ("forge_huge_line", ErrorKind.OUTPUT_EXCEEDED, "a message from the plugin exceeds 100000 bytes"),
    ],
)
def test_forged_protocol_messages_are_refused(pools, hook, error_kind, message):
    hostile, badges = pools
    host = RecordingHost()
    result = run(hostile, hook, host=host)
    assert (result.ok, result.error_kind, result.error_message) == (False, error_kind, message)
    assert host.calls == []
    assert_still_serving(hostile, badges)


def test_a_result_that_is_not_an_object_is_a_plugin_error(pools):
    hostile, badges = pools
    result = run(hostile, "returns_list")
    assert (result.ok, result.error_kind) == (False, ErrorKind.PLUGIN_ERROR)
    assert result.error_message == "the hook returned list, not an object"
    assert_still_serving(hostile, badges)


def test_an_unknown_hook_is_a_plugin_error(pools):
    hostile, badges = pools
    result = run(hostile, "no.such.hook")
    assert (result.ok, result.error_kind) == (False, ErrorKind.PLUGIN_ERROR)
    assert result.error_message == "LookupError: the plugin has no hook 'no.such.hook'"
    assert_still_serving(hostile, badges)


def test_the_kernel_refuses_each_attempt(pools, kind, tmp_path):
    if landlock_abi() < 1:
        pytest.skip("this kernel has no Landlock: files are refused by DAC and the container only")
    hostile, _ = pools
    victim = subprocess.Popen(["sleep", "30"])
    try:
        result = run(
            hostile,
            "probe",
            {
                "project_file": str(PROJECT_FILE),
                "host_pid": os.getpid(),
                "outside_file": str(tmp_path / "outside.txt"),
                "victim_pid": victim.pid,
            },
        )
    finally:
        victim.kill()
        victim.wait()
    assert result.ok is True, result.error_message
    # In the container the host's files are not even there; in the worker Landlock refuses them.
    hidden = errno.ENOENT if kind is SandboxKind.CONTAINER else errno.EACCES
    assert result.value == {
        "read_shadow": hidden,
        "read_project": hidden,
        "read_proc_environ": errno.ENOENT if kind is SandboxKind.CONTAINER else errno.EACCES,
        "read_stdlib": 0,
        "write_outside": errno.EACCES,  # the container has its parents (from binding scratch)
        "write_scratch": 0,
        "socket_inet": errno.EPERM,
        "socket_unix": errno.EPERM,
        "fork": errno.EPERM,
        "signal_host": errno.EPERM,
    }
    assert not (tmp_path / "outside.txt").exists()


def test_the_pids_cgroup_caps_threads(make_pool, kind):
    support = cgroup_support()
    if support.pids is None:
        pytest.skip(f"no pids cgroup on this host: {support.reason}")
    # Address space for 16 thread stacks (8 MiB each), so that the pids limit is the one that holds.
    hostile = make_pool("hostile", "plugin", kind, limits=Limits(memory_mb=512, max_procs=16))
    result = run(hostile, "thread_bomb")
    assert result.ok is True, result.error_message
    # pids.max = 16 counts the main thread and the host watcher, and in the container the two
    # bubblewrap processes.
    started = 12 if kind is SandboxKind.CONTAINER else 14
    assert result.value == {"started": started, "error": "can't start new thread"}
    assert "cgroup v1 memory and pids" in hostile.applied or "cgroup v2 memory and pids" in hostile.applied
    assert run(hostile, "ok").ok is True


def landlock_abi() -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return int(libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)))


def test_landlock_is_applied_whenever_the_kernel_has_it(pools):
    abi = landlock_abi()
    if abi < 1:
        pytest.skip("this kernel has no Landlock")
    hostile, _ = pools
    assert run(hostile, "ok").ok is True
    assert any(line.startswith(f"landlock ABI {abi} (") for line in hostile.applied)


def test_the_pool_serves_many_threads_with_at_most_size_workers(make_pool):
    import threading

    pool = make_pool("hostile", "plugin", SandboxKind.WORKER, limits=HOSTILE_LIMITS, size=2)
    results: list[object] = []
    lock = threading.Lock()

    def caller(index: int) -> None:
        for n in range(10):
            result = pool.call("ok", {"n": index * 100 + n}, host=RecordingHost())
            with lock:
                results.append((result.ok, result.value))

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=repr) == sorted(
        [(True, {"pong": i * 100 + n}) for i in range(6) for n in range(10)], key=repr
    )
    assert pool.restarts == 0
    assert len(pool._idle) == 2


def test_a_kind_that_cannot_run_reports_unavailable_and_runs_nothing(tmp_path, monkeypatch):
    from apps.plugins.sandbox import PluginBundle, availability

    monkeypatch.setattr("apps.plugins.sandbox.probes.BWRAP", "/nonexistent/bwrap")
    monkeypatch.setattr("apps.plugins.sandbox.probes._cache", {})
    state = availability(SandboxKind.CONTAINER)
    assert state == type(state)(False, "bubblewrap is not installed at /nonexistent/bwrap")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    bundle = PluginBundle("hostile", "1", PLUGINS_SRC / "hostile", "plugin", SandboxKind.CONTAINER, scratch)
    with SandboxPool(bundle) as pool:
        result = pool.call("write_file", {"path": "proof.txt"}, host=RecordingHost())
    assert (result.ok, result.error_kind) == (False, ErrorKind.UNAVAILABLE)
    assert result.error_message == "bubblewrap is not installed at /nonexistent/bwrap"
    assert not (scratch / "proof.txt").exists()


def test_backoff_grows_with_consecutive_failures_and_resets_after_success(make_pool):
    hostile = make_pool("hostile", "plugin", SandboxKind.WORKER, limits=HOSTILE_LIMITS)
    for expected in (1, 2, 3):
        assert run(hostile, "crash").error_kind is ErrorKind.CRASHED
        assert hostile.consecutive_failures == expected
    assert run(hostile, "ok").ok is True
    assert hostile.consecutive_failures == 0


def test_a_call_that_cannot_wait_for_the_backoff_is_unavailable(tmp_path):
    from apps.plugins.sandbox import PluginBundle

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    bundle = PluginBundle("hostile", "1", PLUGINS_SRC / "hostile", "plugin", SandboxKind.WORKER, scratch)
    with SandboxPool(bundle, limits=HOSTILE_LIMITS, backoff_base_s=60) as pool:
        assert run(pool, "crash").error_kind is ErrorKind.CRASHED
        result = run(pool, "ok")
    assert (result.ok, result.error_kind) == (False, ErrorKind.UNAVAILABLE)
    assert result.error_message.startswith("restarting after 1 failures; next start in ")


def test_the_scratch_folder_is_the_only_writable_place_in_the_container(make_pool):
    hostile = make_pool("hostile", "plugin", SandboxKind.CONTAINER, limits=HOSTILE_LIMITS)
    result = run(hostile, "write_file", {"path": "/usr/planted"})
    assert (result.ok, result.error_kind) == (False, ErrorKind.DENIED)
    assert not Path("/usr/planted").exists()


def test_a_plugin_that_stops_reading_cannot_block_the_host(pools):
    hostile, badges = pools
    host = RecordingHost(granted={"big": lambda args: {"blob": "x" * 1_000_000}})
    result = hostile.call("call_and_stall", {}, host=host, limits=Limits(wall_ms=500, cpu_ms=400))
    assert (result.ok, result.error_kind, result.error_message) == (
        False,
        ErrorKind.TIMEOUT,
        "wall time limit reached",
    )
    assert host.calls == [("big", {})]
    assert_still_serving(hostile, badges)


def test_a_payload_that_is_not_json_raises_and_frees_the_worker(make_pool):
    pool = make_pool("hostile", "plugin", SandboxKind.WORKER, limits=HOSTILE_LIMITS, size=1)
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        pool.call("ok", {"n": {1, 2}}, host=RecordingHost())
    again = pool.call("ok", {"n": 2}, host=RecordingHost())
    assert (again.ok, again.value) == (True, {"pong": 2})
    assert pool.consecutive_failures == 0


def test_ping_reports_a_worker_that_no_longer_answers(make_pool):
    pool = make_pool("hostile", "plugin", SandboxKind.WORKER, limits=HOSTILE_LIMITS)
    assert pool.ping().ok is True
    worker = pool._idle[0]
    os.kill(worker._pid, signal.SIGSTOP)  # type: ignore[attr-defined]
    try:
        result = pool.ping(limits=Limits(wall_ms=200))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker._pid, signal.SIGCONT)  # type: ignore[attr-defined]
    assert (result.ok, result.error_kind, result.error_message) == (
        False,
        ErrorKind.TIMEOUT,
        "wall time limit reached",
    )
    assert pool.restarts == 1
    assert pool.ping().ok is True


def _child_without_landlock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The worker bootstrap, loaded in this process, on a kernel whose Landlock call fails."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "sandbox" / "child" / "sandbox_child.py"
    spec = importlib.util.spec_from_file_location("sandbox_child_under_test", path)
    assert spec is not None
    assert spec.loader is not None
    child = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(child)

    class NoLandlock:
        def syscall(self, number: int, *args: Any) -> int:
            assert number == child.SYS_LANDLOCK_CREATE_RULESET
            return -1

    monkeypatch.setattr(child, "_libc", NoLandlock())
    return child


def test_without_landlock_a_bare_worker_refuses_to_start(monkeypatch, tmp_path):
    child = _child_without_landlock(monkeypatch)
    with pytest.raises(child.SandboxSetupError, match="landlock unavailable in this kernel"):
        child.apply_landlock([], [], str(tmp_path), contained=False)


def test_without_landlock_a_worker_in_the_container_kind_runs_on_bubblewraps_isolation(monkeypatch, tmp_path):
    child = _child_without_landlock(monkeypatch)
    assert child.apply_landlock([], [], str(tmp_path), contained=True) == (
        "landlock unavailable in this kernel (the container's file isolation holds)"
    )
