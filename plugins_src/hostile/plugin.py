"""A hostile plugin for the containment suite: every hook attacks the sandbox a different way.

Never install it anywhere: it exists to prove the sandbox holds (apps/plugins/tests/sandbox).
"""

import os
import signal
import socket
import subprocess
import sys
import time

from gymplugin import call_host, hook

WIRE_FD = int(sys.argv[2])


@hook("ok")
def ok(payload):
    return {"pong": payload.get("n", 0)}


@hook("spin")
def spin(payload):
    while True:
        pass


@hook("sleep")
def sleep(payload):
    time.sleep(3600)
    return {}


@hook("allocate")
def allocate(payload):
    chunks = []
    while True:
        chunks.append(bytearray(8 * 1024 * 1024))


@hook("fork_bomb")
def fork_bomb(payload):
    while True:
        os.fork()


@hook("spawn")
def spawn(payload):
    return {"out": subprocess.check_output(["/bin/sh", "-c", "id"]).decode()}


@hook("print_forever")
def print_forever(payload):
    chunk = "x" * 65536
    while True:
        sys.stdout.write(chunk)
        sys.stdout.flush()


@hook("read_file")
def read_file(payload):
    with open(payload["path"], "rb") as handle:
        return {"data": handle.read(100).hex()}


@hook("environment")
def environment(payload):
    return {"env": dict(os.environ), "cwd": os.getcwd()}


@hook("connect")
def connect(payload):
    with socket.create_connection((payload["host"], payload["port"]), timeout=1):
        return {"connected": True}


@hook("write_file")
def write_file(payload):
    with open(payload["path"], "w") as handle:
        handle.write("written by a plugin")
    return {"written": payload["path"]}


@hook("import_django")
def import_django(payload):
    if payload.get("site_packages"):
        sys.path.append(payload["site_packages"])
    import django  # noqa: F401
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"orm": True}


@hook("signal_host")
def signal_host(payload):
    os.kill(payload["pid"], signal.SIGTERM)
    return {"signalled": True}


@hook("crash")
def crash(payload):
    os._exit(3)


@hook("segfault")
def segfault(payload):
    os.kill(os.getpid(), signal.SIGSEGV)
    return {}


@hook("call_unknown")
def call_unknown(payload):
    return call_host("db.query", {"sql": "SELECT * FROM users_account"})


@hook("swallow_denial")
def swallow_denial(payload):
    try:
        call_host("db.query", {"sql": "SELECT 1"})
    except Exception as error:
        return {"refused": str(error)}
    return {"refused": ""}


def _raw(line: bytes) -> None:
    os.write(WIRE_FD, line)


@hook("forge_malformed")
def forge_malformed(payload):
    _raw(b"{this is not json\n")
    time.sleep(5)
    return {}


@hook("forge_wrong_id")
def forge_wrong_id(payload):
    _raw(b'{"jsonrpc":"2.0","id":987654,"result":{"value":{"forged":true}}}\n')
    time.sleep(5)
    return {}


@hook("forge_not_rpc")
def forge_not_rpc(payload):
    _raw(b"[1, 2, 3]\n")
    time.sleep(5)
    return {}


@hook("forge_call_without_id")
def forge_call_without_id(payload):
    _raw(b'{"jsonrpc":"2.0","method":"badges.award","params":{"badge":"x"}}\n')
    time.sleep(5)
    return {}


@hook("forge_huge_line")
def forge_huge_line(payload):
    _raw(b"[" + b"1," * 2_000_000)
    time.sleep(5)
    return {}


@hook("returns_list")
def returns_list(payload):
    return [1, 2, 3]


def _errno(action) -> int:
    try:
        action()
    except OSError as error:
        return error.errno or -1
    return 0


def _read(path: str) -> None:
    with open(path, "rb") as handle:
        handle.read(1)


def _write(path: str) -> None:
    with open(path, "w") as handle:
        handle.write("x")


@hook("probe")
def probe(payload):
    """What the kernel answers to each attempt (0 when it succeeded); nothing is caught above."""
    return {
        "read_shadow": _errno(lambda: _read("/etc/shadow")),
        "read_project": _errno(lambda: _read(payload["project_file"])),
        "read_proc_environ": _errno(lambda: _read(f"/proc/{payload['host_pid']}/environ")),
        "read_stdlib": _errno(lambda: _read(os.__file__)),
        "write_outside": _errno(lambda: _write(payload["outside_file"])),
        "write_scratch": _errno(lambda: _write("inside.txt")),
        "socket_inet": _errno(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()),
        "socket_unix": _errno(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()),
        "fork": _errno(_fork_and_reap),
        "signal_host": _errno(lambda: os.kill(payload["victim_pid"], 0)),
    }


def _fork_and_reap() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


@hook("thread_bomb")
def thread_bomb(payload):
    import threading

    started = 0
    stop = threading.Event()
    try:
        for _ in range(1000):
            threading.Thread(target=stop.wait, daemon=True).start()
            started += 1
    except RuntimeError as error:
        stop.set()
        return {"started": started, "error": str(error)}
    stop.set()
    return {"started": started, "error": ""}


@hook("call_and_stall")
def call_and_stall(payload):
    # Asks for a large host result, then never reads the answer.
    _raw(b'{"jsonrpc":"2.0","id":"c1","method":"big","params":{}}\n')
    time.sleep(5)
    return {}


@hook("signal_parent_raw")
def signal_parent_raw(payload):
    """Signal 0 (harmless) to another process through every signal system call; errno each."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    pid = payload["pid"]
    # siginfo_t (128 bytes): si_signo, si_errno, si_code = SI_QUEUE (-1), which the kernel would
    # accept from a same-user process.
    info = (ctypes.c_int * 32)(0, 0, -1)

    def raw(number, *args):
        if libc.syscall(number, *args) == 0:
            return 0
        return ctypes.get_errno()

    return {
        "kill": raw(62, pid, 0),
        "tkill": raw(200, pid, 0),
        "tgkill": raw(234, pid, pid, 0),
        "rt_sigqueueinfo": raw(129, pid, 0, ctypes.byref(info)),
        "rt_tgsigqueueinfo": raw(297, pid, pid, 0, ctypes.byref(info)),
        "pidfd_send_signal": raw(424, 0, 0, None, 0),
    }
