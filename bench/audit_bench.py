"""Health-data audit trail: append and verify throughput (docs/performance.md, "Health-data audit").

Runs in process against its own database (``gym_audit_bench`` on the server of ``DATABASE_URL``,
or ``BENCH_DATABASE_URL`` as is), dropped and created afresh, with one gym signed up through the
real services. Measured, one after another in one run:

* single appends: ``access_record`` called one entry at a time, each in its own transaction
  (what a detail read costs the trail): advisory lock, read of the chain head, one INSERT;
* the same inside one surrounding transaction (the commit's share of the cost);
* list appends: ``access_record_many`` with 50 records per call (one list page);
* contended single appends: ``--threads`` threads appending at once to the same gym's chain,
  each on its own connection (appends per gym are serialised by the chain lock);
* verification: ``chain_verify`` over the whole chain (entries per second).

Every loop is bounded by its count. Usage: ``.venv/bin/python bench/audit_bench.py [--single N]
[--batches N] [--threads N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

AUDIT_BENCH_DB = "gym_audit_bench"


def _own_database() -> None:
    """Use ``gym_audit_bench`` unless BENCH_DATABASE_URL says otherwise, so this benchmark never
    drops the database of the edge benchmarks while they run."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return
    from psycopg.conninfo import make_conninfo

    base = os.environ.get("DATABASE_URL", "") or harness.DEFAULT_DATABASE_URL
    os.environ["BENCH_DATABASE_URL"] = make_conninfo(base, dbname=AUDIT_BENCH_DB)
    os.environ.setdefault("CACHE_KEY_PREFIX", "gymauditbench")


def _record(gym: Any, subject: Any, actor: Any, i: int) -> None:
    from apps.medical.audit import api

    api.access_record(
        actor_id=actor,
        ip="10.0.0.1",
        request_id=f"bench-{i:08d}",
        subject_id=subject,
        object_type="medical.condition",
        object_id=str(i),
        action="view",
        purpose="treatment",
    )


def _enter_gym(host: str) -> None:
    from apps.common.tenancy import tenant_connection
    from apps.organizations.facade import api as organizations

    route = organizations.route_for_host_uncached(host=host)
    assert route is not None
    tenant_connection().set_tenant(route)


def run(single: int, batches: int, threads: int, per_thread: int) -> dict[str, Any]:
    from bench import world

    _own_database()
    world.build_database()
    harness.setup_django()
    gym = world.seed_gym(subdomain="audit-bench", members=3)

    from django.db import connection

    from apps.medical.audit import api
    from apps.medical.audit.verify import chain_verify
    from apps.users.facade import api as users

    _enter_gym(gym.host)
    owner = users.user_by_email(email=world.OWNER_EMAIL)
    assert owner is not None
    subject = owner.id
    results: dict[str, Any] = {"machine": {"nproc": os.cpu_count(), "load_start": os.getloadavg()[0]}}

    for i in range(50):  # warm-up
        _record(gym, subject, owner.id, i)
    durations = []
    started = time.perf_counter()
    for i in range(single):
        t0 = time.perf_counter()
        _record(gym, subject, owner.id, i)
        durations.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    durations.sort()
    results["single"] = {
        "entries": single,
        "entries_per_s": single / elapsed,
        "p50_ms": statistics.median(durations) * 1000,
        "p99_ms": durations[int(len(durations) * 0.99) - 1] * 1000,
    }
    harness.log(f"single appends: {single / elapsed:.0f}/s")

    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        for i in range(single):
            _record(gym, subject, owner.id, i)
    elapsed = time.perf_counter() - started
    results["in_transaction"] = {"entries": single, "entries_per_s": single / elapsed}
    harness.log(f"appends inside one transaction: {single / elapsed:.0f}/s")

    objects = [api.AccessedObject(object_id=str(i), subject_id=subject) for i in range(50)]
    started = time.perf_counter()
    for _ in range(batches):
        api.access_record_many(
            actor_id=owner.id,
            objects=objects,
            object_type="medical.condition",
            action="list",
            purpose="treatment",
        )
    elapsed = time.perf_counter() - started
    results["list"] = {
        "entries": batches * 50,
        "entries_per_s": batches * 50 / elapsed,
        "ms_per_page": elapsed / batches * 1000,
    }
    harness.log(f"list appends: {batches * 50 / elapsed:.0f}/s")

    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def worker(offset: int) -> None:
        try:
            _enter_gym(gym.host)
            barrier.wait(timeout=60)
            for i in range(per_thread):
                _record(gym, subject, owner.id, offset + i)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    pool = [threading.Thread(target=worker, args=(n * per_thread,)) for n in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=600)
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    results["contended"] = {
        "threads": threads,
        "entries": threads * per_thread,
        "entries_per_s": threads * per_thread / elapsed,
    }
    harness.log(f"contended appends ({threads} threads): {threads * per_thread / elapsed:.0f}/s")

    started = time.perf_counter()
    report = chain_verify(schema_name=gym.schema_name)
    elapsed = time.perf_counter() - started
    assert report.ok, report.problems
    results["verify"] = {
        "entries": report.entries,
        "entries_per_s": report.entries / elapsed,
        "seconds": elapsed,
    }
    harness.log(f"verify: {report.entries / elapsed:.0f} entries/s over {report.entries}")
    results["machine"]["load_end"] = os.getloadavg()[0]
    connection.set_schema_to_public()
    return results


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "| measurement | entries | throughput | per call |",
        "|---|---:|---:|---:|",
        f"| single appends (`access_record`, own transaction each) | {r['single']['entries']} | "
        f"{r['single']['entries_per_s']:.0f} entries/s | p50 {r['single']['p50_ms']:.2f} ms, "
        f"p99 {r['single']['p99_ms']:.2f} ms |",
        f"| single appends inside one caller's transaction (no commit each) | "
        f"{r['in_transaction']['entries']} | {r['in_transaction']['entries_per_s']:.0f} entries/s | |",
        f"| list appends (`access_record_many`, 50 per call) | {r['list']['entries']} | "
        f"{r['list']['entries_per_s']:.0f} entries/s | {r['list']['ms_per_page']:.2f} ms a page |",
        f"| contended single appends, {r['contended']['threads']} threads, one gym | "
        f"{r['contended']['entries']} | {r['contended']['entries_per_s']:.0f} entries/s | |",
        f"| `chain_verify` of the whole chain | {r['verify']['entries']} | "
        f"{r['verify']['entries_per_s']:.0f} entries/s | {r['verify']['seconds']:.2f} s in all |",
        "",
        f"nproc {r['machine']['nproc']}, load average {r['machine']['load_start']:.2f} at start, "
        f"{r['machine']['load_end']:.2f} at end.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--per-thread", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    bounded = [min(max(v, 1), 100_000) for v in (args.single, args.batches, args.threads, args.per_thread)]
    results = run(*bounded)
    sys.stdout.write((json.dumps(results, indent=2) if args.json else markdown(results)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
