"""Benchmarks 1 and 2: the members API against a bare view, and cached against uncached routing.

Every server runs ``config.asgi:application`` under uvicorn with the bench settings and one
variant (bench/settings.py). All servers are started first and stay up; each round then loads
every case in turn (the order rotates from round to round), so the cases share the machine's
state and ratios are taken side by side. Each case reports the median over the rounds.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import harness
from bench.world import BenchGym

API_PATH = "/api/v1/members/"
BARE_PATH = "/api/bench/bare/"  # same middleware branches as the API (see bench/urls_tenant.py)
FLOOR_PATH = "/bench/bare/"


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    env: dict[str, str]


_AS_IS: dict[str, str] = {}  # psycopg pool, one Redis client per process, search_path per query
_BEFORE = {"BENCH_DB": "close", "BENCH_REDIS": "context"}  # the settings before the fixes
_ONCE = {"BENCH_SEARCH_PATH": "once"}

VARIANTS = [
    Variant("floor", "no middleware", {"BENCH_MIDDLEWARE": "minimal"}),
    Variant("as-is", "as configured (pool, one Redis client per process)", _AS_IS),
    Variant("uncached", "as configured, routing from the database", {**_AS_IS, "BENCH_ROUTING": "uncached"}),
    Variant("before", "a connection and a Redis client per request", _BEFORE),
    Variant("before-uncached", "before, routing from the database", {**_BEFORE, "BENCH_ROUTING": "uncached"}),
    Variant("once", "as configured + search_path once per connection", _ONCE),
]


@dataclass(frozen=True)
class Case:
    key: str
    variant: str
    endpoint: str  # "bare" or "api"

    @property
    def path(self) -> str:
        if self.endpoint == "api":
            return API_PATH
        return FLOOR_PATH if self.variant == "floor" else BARE_PATH


CASES = [
    Case("floor/bare", "floor", "bare"),
    Case("as-is/bare", "as-is", "bare"),
    Case("as-is/api", "as-is", "api"),
    Case("uncached/bare", "uncached", "bare"),
    Case("uncached/api", "uncached", "api"),
    Case("before/bare", "before", "bare"),
    Case("before/api", "before", "api"),
    Case("before-uncached/bare", "before-uncached", "bare"),
    Case("once/api", "once", "api"),
]


@dataclass
class Sample:
    load: harness.LoadResult
    pg_sessions: int
    redis_connections: int


@dataclass
class CaseResult:
    case: Case
    samples: list[Sample] = field(default_factory=list)

    def _median(self, values: list[float]) -> float:
        return statistics.median(values) if values else 0.0

    @property
    def rps(self) -> float:
        return self._median([s.load.rps for s in self.samples])

    @property
    def rps_range(self) -> tuple[float, float]:
        values = [s.load.rps for s in self.samples]
        return (min(values), max(values)) if values else (0.0, 0.0)

    @property
    def p50_ms(self) -> float:
        return self._median([s.load.p50_ms for s in self.samples])

    @property
    def p99_ms(self) -> float:
        return self._median([s.load.p99_ms for s in self.samples])

    @property
    def errors(self) -> int:
        return sum(s.load.errors for s in self.samples)

    @property
    def requests(self) -> int:
        return sum(s.load.requests for s in self.samples)

    @property
    def pg_per_request(self) -> float:
        return sum(s.pg_sessions for s in self.samples) / max(1, self.requests)

    @property
    def redis_per_request(self) -> float:
        return sum(s.redis_connections for s in self.samples) / max(1, self.requests)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case.key,
            "path": self.case.path,
            "rps": round(self.rps, 1),
            "rps_min": round(self.rps_range[0], 1),
            "rps_max": round(self.rps_range[1], 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "requests": self.requests,
            "errors": self.errors,
            "pg_sessions_per_request": round(self.pg_per_request, 3),
            "redis_connections_per_request": round(self.redis_per_request, 3),
            "tool": self.samples[0].load.tool if self.samples else "",
        }


class Counters:
    """New PostgreSQL sessions on the bench database (pg_stat_database.sessions) and new Redis
    connections (INFO stats; server-wide, so other clients of a shared Redis add noise)."""

    def __init__(self, database_url: str, redis_url: str, dbname: str) -> None:
        import psycopg
        import redis

        self._pg = psycopg.connect(database_url, autocommit=True, connect_timeout=10)
        self._redis = redis.Redis.from_url(redis_url)
        self._dbname = dbname

    def read(self) -> tuple[int, int]:
        row = self._pg.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", [self._dbname]
        ).fetchone()
        stats = self._redis.info("stats")
        return int(row[0]) if row else 0, int(stats.get("total_connections_received", 0))

    def connection_headroom(self) -> int:
        row = self._pg.execute(
            "SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity"
        ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._pg.close()
        self._redis.close()


def _check(server: harness.Server, case: Case, gym: BenchGym, headers: dict[str, str]) -> None:
    status, body = harness.http_get(
        server.port, case.path, gym.host, headers={**headers, "Accept-Encoding": ""}
    )
    if status != 200:
        raise RuntimeError(f"{case.key}: GET {case.path} answered {status}: {body[:300]!r}")
    if case.endpoint == "api":
        count = json.loads(body)["count"]
        if count != gym.members:
            raise RuntimeError(f"{case.key}: the API lists {count} members, expected {gym.members}")


def run(
    gym: BenchGym,
    *,
    rounds: int,
    duration: float,
    warmup: float,
    load: harness.Load,
    workers: int,
    logdir: Path,
    cases: list[Case] | None = None,
) -> list[CaseResult]:
    env = harness.bench_env()
    from psycopg.conninfo import conninfo_to_dict

    dbname = str(conninfo_to_dict(env["DATABASE_URL"]).get("dbname"))
    counters = Counters(env["DATABASE_URL"], env["REDIS_URL"], dbname)
    cases = cases or CASES
    needed = {c.variant for c in cases}
    variants = [v for v in VARIANTS if v.key in needed]
    headroom = counters.connection_headroom()
    # At worst: every connection of the load generator holds a database connection, plus
    # two pools of 2 workers x 10 connections.
    if headroom < load.connections * 2 + 40:
        counters.close()
        raise RuntimeError(f"PostgreSQL has only {headroom} free connection slots; not loading it")
    headers = {**gym.auth, "Accept": "application/json", "Accept-Encoding": "gzip"}
    results = {c.key: CaseResult(c) for c in cases}
    specs = [harness.Server(v.key, v.env, workers, logdir) for v in variants]
    try:
        with harness.servers(specs, ready_host=gym.host) as started:
            by_key = {s.name: s for s in started}
            for case in cases:
                _check(by_key[case.variant], case, gym, headers)
            harness.log(f"warming up {len(cases)} cases, {warmup:.0f} s each")
            for case in cases:
                load.run(by_key[case.variant].port, case.path, gym.host, headers, warmup)
            for r in range(rounds):
                order = cases[r % len(cases) :] + cases[: r % len(cases)]
                for case in order:
                    before = counters.read()
                    sample = load.run(by_key[case.variant].port, case.path, gym.host, headers, duration)
                    time.sleep(0.5)  # let exiting backends report their session statistics
                    after = counters.read()
                    results[case.key].samples.append(
                        Sample(sample, after[0] - before[0], after[1] - before[1])
                    )
                    harness.log(
                        f"round {r + 1}/{rounds} {case.key:22s} {sample.rps:8.1f} req/s "
                        f"p50 {sample.p50_ms:7.2f} ms p99 {sample.p99_ms:7.2f} ms errors {sample.errors}"
                    )
    finally:
        counters.close()
    return [results[c.key] for c in cases]
