"""Run every benchmark and print the results as Markdown (`make bench`).

    .venv/bin/python bench/run_all.py [--quick] [--rounds 3] [--duration 10] [--only http,micro,signup]

It builds its own database (``gym_bench`` on the server of ``DATABASE_URL``, or of the embedded
one `make services` started, or 127.0.0.1:5432; ``BENCH_DATABASE_URL`` overrides), dropping and
recreating it each run, and uses Redis keys under ``CACHE_KEY_PREFIX`` (default ``gymbench``).
Progress goes to stderr, the Markdown report to stdout. Server logs stay in a temporary folder
whose path is printed. Benchmarks are not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness, http_bench, micro_bench, signup_bench, world


def _machine() -> dict[str, str]:
    info = harness.versions()

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=harness.ROOT, capture_output=True, text=True, timeout=10)
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
        info["commit"] = f"{head} (tracked files modified)" if dirty else head
    except OSError:
        pass
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")
        )
        release = Path("/etc/os-release").read_text().splitlines()
        info["os"] = next(x.split("=", 1)[1].strip('"') for x in release if x.startswith("PRETTY_NAME="))
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0]
        info["memory"] = f"{int(meminfo.split()[1]) // 1024} MiB"
    except (OSError, StopIteration, ValueError):
        pass
    return info


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def _delta_us(rps_slow: float, rps_fast: float) -> str:
    """Extra machine time per request (whole machine saturated: 1/throughput)."""
    if not rps_slow or not rps_fast:
        return "n/a"
    return f"{(1 / rps_slow - 1 / rps_fast) * 1e6:+.0f} µs"


def http_markdown(results: list[http_bench.CaseResult], args: argparse.Namespace) -> list[str]:
    by = {r.case.key: r for r in results}
    labels = {v.key: v.label for v in http_bench.VARIANTS}
    tool = results[0].samples[0].load.tool if results and results[0].samples else "?"
    lines = [
        f"### HTTP: GET on a gym host, {args.workers} uvicorn workers, {tool} with {args.connections} "
        f"connections, {args.rounds} x {args.duration:.0f} s per case (median of rounds)",
        "",
        "| case | server variant | path | req/s (min-max) | p50 ms | p99 ms | new PG conns/req | "
        "new Redis conns/req | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lo, hi = r.rps_range
        lines.append(
            f"| {r.case.key} | {labels[r.case.variant]} | `{r.case.path}` | "
            f"{r.rps:.0f} ({lo:.0f}-{hi:.0f}) | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.pg_per_request:.2f} | {r.redis_per_request:.2f} | {r.errors} |"
        )
    rows: list[tuple[str, str, str]] = []

    def both(name: str, a: str, b: str) -> None:
        if a in by and b in by:
            ra, rb = by[a], by[b]
            ratio = f"{_ratio(ra.rps, rb.rps)} (p50 {_ratio(ra.p50_ms, rb.p50_ms)}x)"
            rows.append((name, ratio, _delta_us(ra.rps, rb.rps)))

    both("API / bare view, as configured", "as-is/api", "as-is/bare")
    both("bare view: full middleware / no middleware", "as-is/bare", "floor/bare")
    both("bare view: cached / uncached routing, as configured", "as-is/bare", "uncached/bare")
    both("API: cached / uncached routing, as configured", "as-is/api", "uncached/api")
    both("bare view: cached / uncached routing, before the fixes", "before/bare", "before-uncached/bare")
    both("bare view: as configured / before the fixes", "as-is/bare", "before/bare")
    both("API: as configured / before the fixes", "as-is/api", "before/api")
    both("API: + search_path once / as configured", "once/api", "as-is/api")
    lines += [
        "",
        "| comparison (A / B) | throughput ratio (p50 latency ratio) | machine time per request, A - B |",
        "|---|---:|---:|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    return lines


def micro_markdown(results: list[micro_bench.MicroResult]) -> list[str]:
    lines = [
        "### Single steps, in process, one call after another",
        "",
        "| step | calls | p50 µs | p99 µs | mean µs |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.calls} | {r.p50_us:.0f} | {r.p99_us:.0f} | {r.mean_us:.0f} |" for r in results
    ]
    return lines


def signup_markdown(results: list[signup_bench.SignUpResult], extra: dict[str, Any]) -> list[str]:
    rows = {r.mode: r.as_dict() for r in results}
    base = rows.get("pool", {}).get("p50_ms") or 0
    lines = [
        f"### Gym sign-up (`gym_sign_up`), {rows['pool']['n'] if 'pool' in rows else 0} of each, interleaved",
        "",
        "| schema from | p50 ms | p95 ms | mean ms | max ms | p50 / pool | tables in the new schema |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {
        "pool": "spare from the pool (SKIP LOCKED claim)",
        "clone": "template cloned during sign-up (pool empty)",
        "migrate": "migrate_schemas into an empty schema",
    }
    for mode, row in rows.items():
        lines.append(
            f"| {names[mode]} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['mean_ms']:.0f} | "
            f"{row['max_ms']:.0f} | {_ratio(row['p50_ms'], base)} | {row['tables_in_new_schema']} |"
        )
    lines += [
        "",
        f"Tenant migrations: {extra['tenant_migrations']}; tables in `public`: {extra['public_tables']}; "
        f"Argon2 hash of one password (paid by every mode): p50 {extra['password_hash_p50_ms']:.0f} ms.",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1 round of 5 s, 3 sign-ups each: a smoke run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per case")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--members", type=int, default=50, help="memberships of the benchmarked gym")
    parser.add_argument("--signups", type=int, default=20, help="sign-ups per mode")
    parser.add_argument("--micro-calls", type=int, default=500)
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default="http,micro,signup", help="comma list of http, micro, signup")
    parser.add_argument("--cases", default="", help="comma list of HTTP case keys (default: all)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60.0,
        help="seconds to wait at most for the 1-minute load average to fall below 1.0",
    )
    args = parser.parse_args(argv)
    if args.quick:  # smaller defaults; flags given explicitly still win
        quick = {"rounds": 1, "duration": 5.0, "warmup": 2.0, "signups": 3, "micro_calls": 200}
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    args.rounds = max(1, min(args.rounds, 20))
    args.duration = max(1.0, min(args.duration, 120.0))
    args.connections = max(1, min(args.connections, 256))
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    load = harness.Load(connections=args.connections, threads=args.threads)
    if args.loadgen != "auto":
        load.tool = args.loadgen
    logdir = Path(tempfile.mkdtemp(prefix="gym-bench-"))
    harness.log(f"logs in {logdir}")

    started = time.perf_counter()
    load_before = harness.wait_quiet(args.wait_quiet, 1.0)
    world.build_database()
    harness.setup_django()
    gym = world.seed_gym(members=args.members)
    from django.db import connections

    connections.close_all()
    machine = _machine()
    machine["load average at start (1 min)"] = f"{load_before:.2f}"
    out: list[str] = ["## Results", "", "| machine | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in machine.items()]
    machine_rows_end = len(out)
    raw: dict[str, Any] = {"machine": machine, "args": {k: str(v) for k, v in vars(args).items()}}

    if "http" in only:
        wanted = {x.strip() for x in args.cases.split(",") if x.strip()}
        cases = [c for c in http_bench.CASES if not wanted or c.key in wanted]
        http = http_bench.run(
            gym,
            rounds=args.rounds,
            duration=args.duration,
            warmup=args.warmup,
            load=load,
            workers=args.workers,
            logdir=logdir,
            cases=cases,
        )
        out += ["", *http_markdown(http, args)]
        raw["http"] = [r.as_dict() for r in http]
    if "micro" in only:
        micro = micro_bench.routing(gym.host, args.micro_calls)
        micro += micro_bench.throttles(gym.host, args.micro_calls)
        micro += micro_bench.api_requests(gym.host, gym.token, max(20, args.micro_calls // 5))
        out += ["", *micro_markdown(micro)]
        raw["micro"] = [r.as_dict() for r in micro]
    if "signup" in only:
        signups, extra = signup_bench.run(args.signups)
        out += ["", *signup_markdown(signups, extra)]
        raw["signup"] = {"modes": [r.as_dict() for r in signups], **extra}
    connections.close_all()
    load_after = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    out[machine_rows_end:machine_rows_end] = [f"| load average at end (1/5/15 min) | {load_after} |"]
    out += ["", f"Total run time: {time.perf_counter() - started:.0f} s."]
    print("\n".join(out))
    env = harness.bench_env()
    harness.clear_redis(env["REDIS_URL"], f"{env['CACHE_KEY_PREFIX']}:*")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=2))
        harness.log(f"raw results in {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
