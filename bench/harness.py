"""Shared machinery of the benchmarks: environment, database, servers, load generators, stats.

Everything here is bounded: every loop has a count or a deadline, every server it starts is
stopped by its own process id, and traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
UVICORN = str(ROOT / ".venv" / "bin" / "uvicorn")
LOOPBACK = "127.0.0.1"
BENCH_DB = "gym_bench"
DEFAULT_DATABASE_URL = f"postgresql://postgres@{LOOPBACK}:5432/{BENCH_DB}"
DEFAULT_REDIS_URL = f"redis://{LOOPBACK}:6379/0"
DEFAULT_CACHE_PREFIX = "gymbench"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- environment -------------------------------------------------------------------------


def _services_env() -> dict[str, str]:
    """What `make services` wrote to .data/services.env (embedded PostgreSQL and Redis)."""
    path = ROOT / ".data" / "services.env"
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip():
                values[key.strip()] = value.strip()
    return values


def bench_database_url() -> str:
    """``BENCH_DATABASE_URL`` as is; otherwise the server of ``DATABASE_URL`` (or of the
    embedded one `make services` started) with the database ``gym_bench``; otherwise
    PostgreSQL on 127.0.0.1:5432."""
    from psycopg.conninfo import make_conninfo

    explicit = os.environ.get("BENCH_DATABASE_URL", "")
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL", "") or _services_env().get("DATABASE_URL", "")
    if not base:
        return DEFAULT_DATABASE_URL
    return make_conninfo(base, dbname=BENCH_DB)


def bench_env(**overrides: str) -> dict[str, str]:
    """The environment of every process the benchmarks start (and of this one)."""
    env = dict(os.environ)
    env["DATABASE_URL"] = bench_database_url()
    env["REDIS_URL"] = os.environ.get("REDIS_URL", "") or _services_env().get("REDIS_URL", DEFAULT_REDIS_URL)
    env["CACHE_KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "") or DEFAULT_CACHE_PREFIX
    # Sign-ups and memberships nudge the outbox relay through Celery after commit. No worker
    # runs here, so keep those messages in process instead of queueing them on a shared broker.
    env["CELERY_BROKER_URL"] = os.environ.get("BENCH_CELERY_BROKER_URL", "") or "memory://"
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["DJANGO_DEBUG"] = "false"
    env.setdefault("LOG_LEVEL", "INFO")  # the access log line per request is part of the cost
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(overrides)
    return env


def setup_django() -> None:
    """Point this process at the bench database and settings, then ``django.setup()``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(bench_env())
    import django

    django.setup()


# --- database and Redis ------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """Drop and create the bench database, so every run starts from the same state."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(url).get("dbname") or "")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    log(f"database {name} created afresh")


def clear_redis(redis_url: str, pattern: str) -> int:
    """Delete the keys matching ``pattern`` (always under this benchmark's prefix) from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deleted = 0
    try:
        for _ in range(10_000):  # bounded: at most 10k batches of 1000
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    break
            if not batch:
                break
            deleted += int(client.delete(*batch))
    finally:
        client.close()
    return deleted


def manage(*args: str, timeout: float = 900) -> None:
    """Run ``manage.py`` with the bench settings; fail loudly."""
    started = time.perf_counter()
    subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=bench_env(), check=True, timeout=timeout, stdout=sys.stderr
    )
    log(f"manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s")


def versions() -> dict[str, str]:
    """Versions of the pieces the numbers depend on (for docs/performance.md)."""
    import django
    import psycopg
    import redis

    out = {"python": sys.version.split()[0], "django": django.get_version()}
    env = bench_env()
    try:
        with psycopg.connect(env["DATABASE_URL"], connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            out["postgresql"] = str(row[0]) if row else "?"
    except psycopg.Error as exc:
        out["postgresql"] = f"unreachable ({type(exc).__name__})"
    try:
        client = redis.Redis.from_url(env["REDIS_URL"])
        out["redis"] = str(client.info("server").get("redis_version", "?"))
        client.close()
    except redis.RedisError as exc:
        out["redis"] = f"unreachable ({type(exc).__name__})"
    try:
        out["uvicorn"] = (
            subprocess.run([UVICORN, "--version"], capture_output=True, text=True, timeout=30, check=False)
            .stdout.split(" with ")[0]
            .removeprefix("Running ")
        )
    except OSError:
        out["uvicorn"] = "?"
    wrk = shutil.which("wrk")
    out["wrk"] = (
        subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10, check=False)
        .stdout.splitlines()[0]
        .split(" [")[0]
        if wrk
        else "not installed"
    )
    out["nproc"] = str(os.cpu_count())
    out["kernel"] = os.uname().release
    return out


def wait_quiet(max_seconds: float, threshold: float) -> float:
    """Wait (at most ``max_seconds``) until the 1-minute load average is below ``threshold``, so
    that other work on a shared machine disturbs the numbers less. Returns the load average."""
    deadline = time.monotonic() + max(0.0, max_seconds)
    load = os.getloadavg()[0]
    while load >= threshold and time.monotonic() < deadline:
        log(f"load average {load:.2f} >= {threshold:.2f}; waiting for a quieter machine")
        time.sleep(min(10.0, max(0.1, deadline - time.monotonic())))
        load = os.getloadavg()[0]
    return load


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def http_get(port: int, path: str, host: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET to 127.0.0.1 with a ``Host`` header (the C library does not resolve *.localhost)."""
    import http.client

    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """A uvicorn serving config.asgi with the bench settings and the given variant."""

    name: str
    variant: dict[str, str]
    workers: int
    logdir: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    def start(self, ready_host: str, timeout: float = 90) -> None:
        self.port = free_port()
        logfile = (self.logdir / f"uvicorn-{self.name}.log").open("wb")
        command = [
            UVICORN,
            "config.asgi:application",
            "--host",
            LOOPBACK,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-access-log",  # the app writes its own access line (RequestIdMiddleware)
            "--log-level",
            "warning",
        ]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=bench_env(**self.variant),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped by its id with its workers
        )
        logfile.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn {self.name} exited; see {self.logdir}/uvicorn-{self.name}.log")
            with contextlib.suppress(OSError):
                if http_get(self.port, "/healthz", ready_host)[0] == 200:
                    log(
                        f"server {self.name} on 127.0.0.1:{self.port} ({self.workers} workers) {self.variant}"
                    )
                    return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"uvicorn {self.name} did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the id of the process we started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def servers(specs: list[Server], ready_host: str) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for spec in specs:
            spec.start(ready_host)
            started.append(spec)
        yield started
    finally:
        for spec in reversed(started):
            spec.stop()


# --- load generation ---------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    errors: int  # socket errors, timeouts and non-2xx/3xx answers
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nWRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,'
    .. '"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass
class Load:
    """How to load a server: wrk when installed, else a small asyncio client."""

    connections: int = 16
    threads: int = 1
    tool: str = field(default_factory=lambda: "wrk" if shutil.which("wrk") else "python")

    def run(self, port: int, path: str, host: str, headers: dict[str, str], seconds: float) -> LoadResult:
        seconds = max(1.0, min(seconds, 300.0))  # bounded whatever the caller asks
        if self.tool == "wrk":
            return self._wrk(port, path, host, headers, seconds)
        return asyncio.run(_python_load(port, path, host, headers, seconds, self.connections))

    def _wrk(self, port: int, path: str, host: str, headers: dict[str, str], seconds: float) -> LoadResult:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_WRK_REPORT)
        try:
            command = [
                "wrk",
                f"-t{self.threads}",
                f"-c{self.connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                "-H",
                f"Host: {host}",
            ]
            for key, value in headers.items():
                command += ["-H", f"{key}: {value}"]
            command.append(f"http://{LOOPBACK}:{port}{path}")
            out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
        finally:
            os.unlink(script.name)
        line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
        data = json.loads(line.removeprefix("WRKJSON "))
        return LoadResult(
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            mean_ms=data["mean_us"] / 1000,
            errors=data["errors"],
            tool="wrk",
        )


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked); return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        for _ in range(1_000_000):
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _python_load(
    port: int, path: str, host: str, headers: dict[str, str], seconds: float, connections: int
) -> LoadResult:
    """Closed-loop keep-alive load like wrk's: each connection sends its next request when the
    previous answer is in. Latencies are kept in full (a few hundred thousand floats at most)."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    ).encode("latin-1")
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            while time.perf_counter() < deadline and len(latencies) < 5_000_000:
                started = time.perf_counter()
                writer.write(request)
                status = await asyncio.wait_for(_read_response(reader), timeout=10)
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    errors += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    stats = percentiles(latencies)
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=stats["p50"] * 1000,
        p99_ms=stats["p99"] * 1000,
        mean_ms=stats["mean"] * 1000,
        errors=errors,
        tool="python-asyncio",
    )


# --- statistics --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0, "min": 0.0, "max": 0.0}
    return {
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "mean": statistics.fmean(values),
        "min": min(values),
        "max": max(values),
    }
