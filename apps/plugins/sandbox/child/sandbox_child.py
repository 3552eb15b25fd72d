"""Bootstrap of a sandboxed worker process: ``python -I -S sandbox_child.py RFD WFD``.

Stdlib only; it runs outside the project (no site-packages, clean environment). It reads one
JSON-RPC 2.0 request per line on RFD and writes one message per line on WFD; the plugin's own
stdout and stderr go to a separate pipe the host counts.

1. ``init`` (params: mode, bundle_root, entry, scratch, read_paths, limits) applies, in order:
   rlimits (CORE=0, NOFILE, FSIZE, CPU, and AS for Python plugins), a new network namespace
   (verified: a TCP connect to 127.0.0.1 must fail), no_new_privs, an empty capability set, a
   Landlock allow-list (read: stdlib, bundle, this folder; read-write: scratch; no TCP; signals and
   abstract sockets scoped) and a seccomp filter (no socket, exec, process creation, ptrace,
   mount, namespaces, kernel keyring, bpf...). Only then is plugin code loaded. The reply lists
   what was applied.
2. ``hook`` (params: hook, payload, wall_ms, memory_mb) runs one hook. While it runs, the plugin's
   host function calls go to the host as requests (ids ``c1``, ``c2``...), answered before the hook
   continues. The reply is ``{"value": ..., "violations": [...]}`` or an error whose
   ``data.kind`` is plugin_error, memory_exceeded or denied.
3. ``ping`` answers ``{"value": {}}`` without running plugin code; ``shutdown`` exits.
"""

from __future__ import annotations

import ctypes
import errno
import importlib
import importlib.util
import json
import os
import resource
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
CLONE_THREAD = 0x00010000
PR_SET_NO_NEW_PRIVS = 38
SYS_CAPSET = 126
SYS_SECCOMP = 317
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_KILL_PROCESS = 0x80000000
AF_UNIX = 1

# x86_64 system calls refused with EPERM (clone3 with ENOSYS so that libc falls back to clone,
# which is allowed only for threads).
DENIED_SYSCALLS = {
    "socket": 41,
    "connect": 42,
    "accept": 43,
    "bind": 49,
    "listen": 50,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "tkill": 200,
    "ptrace": 101,
    "syslog": 103,
    "personality": 135,
    "uselib": 134,
    "modify_ldt": 154,
    "pivot_root": 155,
    "chroot": 161,
    "acct": 163,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "execveat": 322,
    "userfaultfd": 323,
    "pidfd_send_signal": 424,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "mount_setattr": 442,
}
SYS_CLONE = 56
SYS_CLONE3 = 435
SYS_SOCKETPAIR = 53
SYS_KILL = 62
SYS_TGKILL = 234
SYS_RT_SIGQUEUEINFO = 129
SYS_RT_TGSIGQUEUEINFO = 297

# Landlock access rights
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REFER = 1 << 13
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

FORBIDDEN_IMPORTS = frozenset({"django", "rest_framework", "apps", "config", "psycopg", "psycopg2", "redis"})

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class SandboxSetupError(Exception):
    pass


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise SandboxSetupError(f"{what}: {os.strerror(code)} ({errno.errorcode.get(code, code)})")
    return result


# --- wire ------------------------------------------------------------------------------------


class Wire:
    def __init__(self, rfd: int, wfd: int) -> None:
        self.reader = open(rfd, "rb", buffering=65536, closefd=False)  # noqa: SIM115 - lives as long as the process
        self.wfd = wfd
        self.lock = threading.Lock()
        self.counter = 0

    def send(self, message: JSON) -> None:
        data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                written = os.write(self.wfd, view)
                view = view[written:]

    def receive(self) -> JSON:
        line = self.reader.readline()
        if not line:
            raise SystemExit(0)
        message = json.loads(line)
        if not isinstance(message, dict):
            raise SystemExit(3)
        return message

    def host_call(self, name: str, args: JSON) -> JSON:
        from gymplugin import HostError  # type: ignore[import-not-found]

        if not isinstance(name, str) or not isinstance(args, dict):
            raise TypeError("call_host(name: str, args: dict)")
        with self.lock:
            self.counter += 1
            call_id = f"c{self.counter}"
        self.send({"jsonrpc": "2.0", "id": call_id, "method": name, "params": args})
        reply = self.receive()
        if reply.get("id") != call_id:
            raise SystemExit(4)
        if "error" in reply:
            error = reply["error"]
            raise HostError(int(error.get("code", -32603)), str(error.get("message", "")))
        result = reply.get("result")
        return result if isinstance(result, dict) else {}


# --- protections -----------------------------------------------------------------------------


def apply_rlimits(limits: JSON, *, python_heap: bool) -> list[str]:
    applied = []
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    applied.append("RLIMIT_CORE=0")
    nofile = int(limits["max_open_files"])
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    applied.append(f"RLIMIT_NOFILE={nofile}")
    fsize = int(limits["max_file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    applied.append(f"RLIMIT_FSIZE={fsize}")
    cpu = int(limits["worker_cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    applied.append(f"RLIMIT_CPU={cpu}")
    if python_heap:
        # Never around V8 (it reserves address space far beyond what it uses).
        with open("/proc/self/statm") as statm:
            size_pages = int(statm.read().split()[0])
        limit = size_pages * resource.getpagesize() + int(limits["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        applied.append(f"RLIMIT_AS={limit}")
    return applied


def enter_network_namespace() -> str:
    if _libc.unshare(CLONE_NEWNET) != 0:
        first = ctypes.get_errno()
        if first != errno.EPERM or _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            raise SandboxSetupError(f"unshare(CLONE_NEWNET): {os.strerror(first)}")
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        code = probe.connect_ex(("127.0.0.1", 5432))
    finally:
        probe.close()
    if code not in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.EADDRNOTAVAIL):
        raise SandboxSetupError(f"network namespace check: connect gave {code}")
    interfaces = sorted(name for _, name in socket.if_nameindex())
    if interfaces != ["lo"]:
        raise SandboxSetupError(f"network namespace has interfaces {interfaces}")
    return f"netns (interfaces {interfaces}, connect 127.0.0.1:5432 -> {errno.errorcode[code]})"


def drop_privileges() -> list[str]:
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")

    class CapHeader(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class CapData(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header = CapHeader(0x20080522, 0)
    data = (CapData * 2)()
    _check(_libc.syscall(SYS_CAPSET, ctypes.byref(header), ctypes.byref(data)), "capset")
    return ["no_new_privs", "capabilities dropped"]


def apply_landlock(read_paths: list[str], list_paths: list[str], scratch: str, *, contained: bool) -> str:
    """Landlock's file (and TCP, signal, socket) allow-list. Without Landlock, only a worker
    inside the container kind runs (bubblewrap's read-only view isolates its files); a bare
    worker refuses to start, so that its kind reports itself unavailable (never weaker isolation)."""
    abi = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if abi < 1:
        if not contained:
            raise SandboxSetupError(
                "landlock unavailable in this kernel: a worker outside the container kind needs it"
            )
        return "landlock unavailable in this kernel (the container's file isolation holds)"

    class RulesetAttr(ctypes.Structure):
        _fields_ = [
            ("handled_access_fs", ctypes.c_uint64),
            ("handled_access_net", ctypes.c_uint64),
            ("scoped", ctypes.c_uint64),
        ]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    handled = (1 << 13) - 1
    if abi >= 2:
        handled |= FS_REFER
    if abi >= 3:
        handled |= FS_TRUNCATE
    if abi >= 5:
        handled |= FS_IOCTL_DEV
    attr = RulesetAttr(handled, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    ruleset = _check(
        _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0),
        "landlock_create_ruleset",
    )
    try:
        read = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        rules = [(path, FS_READ_DIR) for path in list_paths]
        rules += [(path, read) for path in read_paths] + [(scratch, handled)]
        for path, access in rules:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                if not os.path.isdir(path):
                    access &= FILE_RIGHTS
                rule = PathBeneath(access & handled, fd)
                _check(
                    _libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, 1, ctypes.byref(rule), 0),
                    f"landlock_add_rule({path})",
                )
            finally:
                os.close(fd)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return f"landlock ABI {abi} ({len(read_paths)} read-only paths, scratch read-write)"


class SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(SockFilter))]


def seccomp_program(pid: int) -> list[tuple[int, int, int, int]]:
    load, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    eperm = SECCOMP_RET_ERRNO | errno.EPERM
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (jeq, 1, 0, AUDIT_ARCH_X86_64),
        (ret, 0, 0, SECCOMP_RET_KILL_PROCESS),
        (load, 0, 0, 0),  # seccomp_data.nr
        (jge, 0, 1, 0x40000000),  # x32 system calls
        (ret, 0, 0, eperm),
        (jeq, 0, 1, SYS_CLONE3),
        (ret, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
    ]
    for number in sorted(DENIED_SYSCALLS.values()):
        program += [(jeq, 0, 1, number), (ret, 0, 0, eperm)]

    def on_first_argument(number: int, mask_or_value: int, *, bit_test: bool) -> None:
        program.extend(
            [
                (jeq, 0, 4, number),
                (load, 0, 0, 16),  # low 32 bits of args[0]
                (jset if bit_test else jeq, 0, 1, mask_or_value),
                (ret, 0, 0, SECCOMP_RET_ALLOW),
                (ret, 0, 0, eperm),
            ]
        )

    on_first_argument(SYS_CLONE, CLONE_THREAD, bit_test=True)  # threads only
    on_first_argument(SYS_SOCKETPAIR, AF_UNIX, bit_test=False)  # asyncio's self-pipe
    on_first_argument(SYS_KILL, pid, bit_test=False)  # signals to itself only
    on_first_argument(SYS_TGKILL, pid, bit_test=False)
    # sigqueue and its thread form signal too; tkill and pidfd_send_signal are refused outright.
    on_first_argument(SYS_RT_SIGQUEUEINFO, pid, bit_test=False)
    on_first_argument(SYS_RT_TGSIGQUEUEINFO, pid, bit_test=False)
    program.append((ret, 0, 0, SECCOMP_RET_ALLOW))
    return program


def apply_seccomp() -> str:
    program = seccomp_program(os.getpid())
    filters = (SockFilter * len(program))(*[SockFilter(c, t, f, k) for c, t, f, k in program])
    fprog = SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(SockFilter)))
    _check(
        _libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)),
        "seccomp",
    )
    return f"seccomp ({len(program)} instructions, {len(DENIED_SYSCALLS)} system calls refused)"


# --- attempts the sandbox refuses, reported with the result -----------------------------------


class Observer:
    """A Python audit hook that records what a plugin tried and the sandbox refuses.

    It only reports; the kernel (namespace, seccomp, Landlock) is what refuses.
    """

    def __init__(self, read_roots: list[str], scratch: str) -> None:
        self.read_roots = tuple(os.path.join(path, "") for path in read_roots) + tuple(read_roots)
        self.scratch = scratch
        self.violations: list[str] = []
        self.active = False

    def _outside(self, path: str, *, write: bool) -> bool:
        full = os.path.abspath(path)
        if full == self.scratch or full.startswith(os.path.join(self.scratch, "")):
            return False
        return write or not full.startswith(self.read_roots)

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active or len(self.violations) >= 20:
            return
        if event == "open" and isinstance(args[0], str | bytes):
            path = os.fsdecode(args[0])
            mode = args[1] if isinstance(args[1], str) else ""
            flags = args[2] if isinstance(args[2], int) else 0
            write = any(c in mode for c in "wax+") or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if self._outside(path, write=write):
                self.violations.append(f"{'write' if write else 'read'} {path}")
        elif event in ("socket.__new__", "socket.connect", "socket.bind"):
            self.violations.append(f"{event} {args[1:]!r}"[:200])
        elif event in ("os.fork", "os.forkpty", "os.posix_spawn", "os.exec", "os.spawn", "os.system"):
            self.violations.append(event)
        elif event == "subprocess.Popen":
            self.violations.append(f"subprocess {args[1]!r}"[:200])
        elif event == "import" and isinstance(args[0], str):
            top = args[0].partition(".")[0]
            if top in FORBIDDEN_IMPORTS:
                self.violations.append(f"import {args[0]}")
        elif event in ("os.kill", "os.killpg") and args[0] != os.getpid():
            self.violations.append(f"{event} {args[0]}")


# --- runners ---------------------------------------------------------------------------------


class PythonRunner:
    def __init__(self, entry: str, wire: Wire) -> None:
        sdk = importlib.import_module("gymplugin")
        sdk._transport.append(wire.host_call)
        importlib.import_module(entry)
        self.hooks: dict[str, Callable[[JSON], Any]] = sdk.HOOKS

    def run(self, hook: str, payload: JSON, wall_ms: int, memory_mb: int) -> Any:
        function = self.hooks.get(hook)
        if function is None:
            raise LookupError(f"the plugin has no hook {hook!r}")
        return function(payload)


V8_INVOKER = """
(async (name, payload, host) => {
  const hooks = globalThis.hooks || {};
  const fn = hooks[name];
  if (typeof fn !== "function") { throw new Error("the plugin has no hook " + name); }
  const callHost = async (fname, args) => JSON.parse(await host(fname, JSON.stringify(args || {})));
  const value = await fn(JSON.parse(payload), callHost);
  return JSON.stringify(value === undefined ? null : value);
})
"""


def load_mini_racer(mini_racer_dir: str) -> Any:
    """Import py_mini_racer by path (site-packages stays off sys.path); V8 is not started yet."""
    import asyncio  # noqa: F401 - with its C extensions, before Landlock closes the file system

    spec = importlib.util.spec_from_file_location(
        "py_mini_racer",
        os.path.join(mini_racer_dir, "__init__.py"),
        submodule_search_locations=[mini_racer_dir],
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["py_mini_racer"] = module
    spec.loader.exec_module(module)
    return module


class V8Runner:
    """A V8 isolate driven from this thread's own asyncio loop (the one mini-racer runs on)."""

    def __init__(self, entry_path: str, wire: Wire) -> None:
        import asyncio

        module = sys.modules["py_mini_racer"]
        self.module = module
        self.wire = wire
        self.loop = asyncio.new_event_loop()
        self.memory_mb = 0
        self.context = module.mini_racer(self.loop)
        with open(entry_path, encoding="utf-8") as source:
            code = source.read()

        async def setup() -> None:
            self.racer = self.context.__enter__()
            self.racer.eval(code)
            self.invoker = self.racer.eval(V8_INVOKER)
            # One wrapper for the worker's life: wrapping per call costs about 10 ms.
            self.host_wrapper = self.racer.wrap_py_function(self.host)
            self.js_host = await self.host_wrapper.__aenter__()

        self.loop.run_until_complete(setup())

    async def host(self, name: Any, args: Any) -> str:
        from gymplugin import HostError

        try:
            return json.dumps(self.wire.host_call(str(name), json.loads(str(args))))
        except HostError as error:
            raise RuntimeError(f"host refused {name}: {error}") from None

    def run(self, hook: str, payload: JSON, wall_ms: int, memory_mb: int) -> Any:
        import asyncio

        # Answer before the host's own wall clock runs out, so the worker can report it.
        timeout = max(10, min(wall_ms - 100, wall_ms * 0.8)) / 1000

        async def main() -> Any:
            if memory_mb != self.memory_mb:
                self.racer.set_hard_memory_limit(memory_mb * 1024 * 1024)
                self.memory_mb = memory_mb
            deadline = self.loop.time() + timeout
            call = self.invoker.cancelable()(hook, json.dumps(payload), self.js_host)
            promise = await asyncio.wait_for(call, timeout)
            return await asyncio.wait_for(promise, max(0.0, deadline - self.loop.time()))

        try:
            text = self.loop.run_until_complete(main())
        except (TimeoutError, self.module.JSTimeoutException):
            raise PluginTimeout(f"JavaScript ran past its {wall_ms} ms wall time") from None
        except Exception:
            if self.racer.was_hard_memory_limit_reached():
                raise MemoryError(f"the V8 heap reached its {memory_mb} MiB limit") from None
            raise
        return json.loads(str(text))


class PluginTimeout(Exception):  # noqa: N818 - reads as what happened
    pass


# --- main loop -------------------------------------------------------------------------------


def handle_init(wire: Wire, params: JSON) -> tuple[PythonRunner | V8Runner, Observer, list[str]]:
    mode = params["mode"]
    scratch = os.path.realpath(params["scratch"])
    bundle_root = os.path.realpath(params["bundle_root"])
    child_dir = os.path.dirname(os.path.realpath(__file__))
    read_paths = [os.path.realpath(p) for p in params["read_paths"]] + [bundle_root, child_dir]
    list_paths = [os.path.realpath(p) for p in params["list_paths"]]
    sys.path[:] = [p for p in sys.path if p] + [bundle_root, child_dir]
    applied = apply_rlimits(params["limits"], python_heap=mode == "python")
    applied.append(enter_network_namespace())
    importlib.import_module("gymplugin")
    if mode == "v8":
        # Loaded (with the system libraries it links) while the file system is still open; V8
        # itself starts only after every protection is in place, so its threads inherit them.
        ctypes.CDLL(os.path.join(params["mini_racer_dir"], "libmini_racer.so"))
        load_mini_racer(params["mini_racer_dir"])
    applied += drop_privileges()
    applied.append(apply_landlock(read_paths, list_paths, scratch, contained=params.get("contained") is True))
    applied.append(apply_seccomp())
    os.chdir(scratch)
    observer = Observer(read_paths, scratch)
    sys.addaudithook(observer)
    runner: PythonRunner | V8Runner
    if mode == "python":
        runner = PythonRunner(params["entry"], wire)
    else:
        runner = V8Runner(os.path.join(bundle_root, params["entry"]), wire)
    return runner, observer, applied


def watch_host(rfd: int) -> None:
    """Exit as soon as the host closes its end of the pipe, even in the middle of a hook."""
    import select

    poller = select.poll()
    poller.register(rfd, 0)  # POLLHUP and POLLERR are always reported

    def watch() -> None:
        while True:
            if poller.poll(1000):
                os._exit(0)

    threading.Thread(target=watch, name="host-watch", daemon=True).start()


def run_hook(runner: PythonRunner | V8Runner, observer: Observer, params: JSON) -> JSON:
    observer.violations = []
    observer.active = True
    try:
        value = runner.run(
            params["hook"], params["payload"], int(params["wall_ms"]), int(params["memory_mb"])
        )
        json.dumps(value)
    except MemoryError as error:
        return _error("memory_exceeded", f"MemoryError: {error}", observer)
    except PluginTimeout as error:
        return _error("timeout", str(error), observer)
    except BaseException as error:  # everything the plugin raises is reported
        kind = "denied" if observer.violations else "plugin_error"
        return _error(kind, f"{type(error).__name__}: {error}"[:2000], observer)
    finally:
        observer.active = False
    if not isinstance(value, dict):
        return _error("plugin_error", f"the hook returned {type(value).__name__}, not an object", observer)
    return {"result": {"value": value, "violations": observer.violations}}


def _error(kind: str, message: str, observer: Observer) -> JSON:
    return {
        "error": {
            "code": -32000,
            "message": message,
            "data": {"kind": kind, "violations": observer.violations},
        }
    }


def main() -> int:
    wire = Wire(int(sys.argv[1]), int(sys.argv[2]))
    request = wire.receive()
    if request.get("method") != "init":
        return 2
    try:
        runner, observer, applied = handle_init(wire, request["params"])
    except Exception as error:  # the host is told why the sandbox could not start
        wire.send(
            {
                "jsonrpc": "2.0",
                "id": request.get("id"),
                "error": {"code": -32002, "message": f"{type(error).__name__}: {error}"},
            }
        )
        return 1
    watch_host(int(sys.argv[1]))
    wire.send({"jsonrpc": "2.0", "id": request.get("id"), "result": {"applied": applied}})
    while True:
        request = wire.receive()
        method = request.get("method")
        if method == "shutdown":
            return 0
        if method == "ping":
            reply: JSON = {"result": {"value": {}, "violations": []}}
        elif method == "hook":
            reply = run_hook(runner, observer, request["params"])
        else:
            reply = {"error": {"code": -32601, "message": f"unknown method {method!r}"}}
        wire.send({"jsonrpc": "2.0", "id": request.get("id"), **reply})


if __name__ == "__main__":
    sys.exit(main())
