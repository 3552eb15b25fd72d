"""`make run`: migrate, seed demo data (`seed_demo_all`), then run web (uvicorn), Celery worker and beat.

Ctrl-C stops everything it started. PORT (default 8000) and HOST (default 127.0.0.1) are
read from the environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = os.environ.get("PORT", "8000")
HOST = os.environ.get("HOST", "127.0.0.1")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
}
ADMIN_EMAIL = "admin@platform.demo"
ADMIN_PASSWORD = "Barbell-Ledger-7731"  # noqa: S105 - published demo credentials


def manage(*args: str, capture: bool = False) -> str:
    print(f"[run] manage.py {' '.join(args)}", flush=True)
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if done.returncode != 0:
        print(done.stdout or "", end="")
        raise SystemExit(f"[run] manage.py {args[0]} failed with exit code {done.returncode}")
    return done.stdout or ""


def main() -> int:
    manage("migrate_schemas", "--shared", "--noinput", "-v", "0")
    manage("bootstrap_platform")
    manage("migrate_schemas", "--tenant", "--executor=parallel", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("create_platform_admin", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD)
    demo = manage("seed_demo_all", "--port", PORT, capture=True)
    data = ROOT / ".data"
    data.mkdir(exist_ok=True)
    commands = {
        "web": [
            str(BIN / "uvicorn"),
            "config.asgi:application",
            "--host",
            HOST,
            "--port",
            PORT,
            "--proxy-headers",
            "--no-access-log",
        ],
        "worker": [str(BIN / "celery"), "-A", "config", "worker", "-l", "warning", "-c", "2"],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "config",
            "beat",
            "-l",
            "warning",
            "-s",
            str(data / "celerybeat-schedule"),
        ],
    }
    procs = {name: subprocess.Popen(cmd, cwd=ROOT, env=ENV) for name, cmd in commands.items()}
    time.sleep(2)
    print("\n" + demo, end="", flush=True)
    print(
        f"  Platform staff admin: http://localhost:{PORT}/admin/ ({ADMIN_EMAIL} / {ADMIN_PASSWORD})\n"
        f"  API docs on any gym host: /api/docs/ (Swagger UI), /api/redoc/, schema at /api/schema/\n"
        "[run] Web, Celery worker and beat are running. Ctrl-C stops them.\n",
        flush=True,
    )

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"[run] {name} exited with {proc.returncode}; stopping.", flush=True)
                exit_code = proc.returncode or 1
                stopping = True
        time.sleep(0.5)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
