"""Medical record read: the cost of field encryption and access logging (docs/performance.md,
"Medical").

Runs in process against its own database (``gym_medical_bench`` on the server of
``DATABASE_URL``, or ``BENCH_DATABASE_URL`` as is), dropped and created afresh, with one gym
signed up through the real services and one member's full record written through the real
services (a screening, 5 conditions, 3 injuries, 3 medications, 2 clearances with restrictions).
Three variants of the same read (``selectors.record_full``: every row of the record), timed in
interleaved rounds in one run:

* ``bare``: the rows fetched, every encrypted column's stored text touched but left sealed
  (what the read costs without decryption and without an audit entry);
* ``decrypted``: the same, every encrypted value decrypted (AES-256-GCM, AAD per field);
* ``decrypted + logged``: the same, plus one access entry per row (``trail.read``, what the
  API's record view writes), each read in its own transaction as a request would be.

Every loop is bounded. Usage: ``.venv/bin/python bench/medical_bench.py [--reads N]
[--rounds N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

MEDICAL_BENCH_DB = "gym_medical_bench"


def _own_database() -> None:
    if os.environ.get("BENCH_DATABASE_URL"):
        return
    from psycopg.conninfo import make_conninfo

    base = os.environ.get("DATABASE_URL", "") or harness.DEFAULT_DATABASE_URL
    os.environ["BENCH_DATABASE_URL"] = make_conninfo(base, dbname=MEDICAL_BENCH_DB)
    os.environ.setdefault("CACHE_KEY_PREFIX", "gymmedicalbench")


def _fill(member: Any, clinician: Any) -> None:
    from django.utils import timezone

    from apps.medical import services
    from apps.medical.audit.api import system_meta
    from apps.medical.models import RestrictionSource

    meta = system_meta(label="bench")
    answers: dict[str, Any] = {f"g{i}": False for i in range(1, 8)} | {"d1": False, "d2": False, "d3": False}
    answers |= {"g6": True, "g6_regions": ["knee", "shoulder"], "f1": True, "f1a": False, "f1b": True}
    answers |= {"f1c": False} | {f"f{i}": False for i in range(2, 11)}
    services.screening_submit(
        member_id=member,
        answers=answers,
        signed_name="Bench Member",
        date_of_birth=date(1990, 1, 1),
        meta=meta,
    )
    for i in range(5):
        services.condition_create(
            member_id=member,
            description=f"Condition {i}",
            severity="mild",
            notes="Recorded for the benchmark. " * 4,
            source=RestrictionSource.SELF_REPORT,
            author_id=member,
            meta=meta,
        )
    for i in range(3):
        services.injury_create(
            member_id=member,
            region="knee",
            severity="moderate",
            onset=date(2026, 1, 1 + i),
            expected_recovery=date(2026, 3, 1),
            notes="Twisted on a landing.",
            source=RestrictionSource.SELF_REPORT,
            author_id=member,
            meta=meta,
        )
        services.medication_create(
            member_id=member,
            text=f"Medication {i}, 10 mg daily",
            source=RestrictionSource.SELF_REPORT,
            author_id=member,
            meta=meta,
        )
    for _ in range(2):
        services.clearance_create(
            member_id=member,
            clinician_id=clinician,
            decision="cleared_with_restrictions",
            text="Cleared with restrictions after review. " * 5,
            expires_at=timezone.now() + timedelta(days=180),
            restrictions=[
                services.RestrictionSpec(
                    region="knee", avoid=["jump"], action="exclude", severity="moderate"
                ),
                services.RestrictionSpec(
                    region="shoulder", avoid=["overhead"], action="exclude", severity="mild"
                ),
            ],
            meta=meta,
        )


def _touch(rows: list[Any], decrypt: bool) -> int:
    from apps.common.fields import encrypted_fields

    total = 0
    for row in rows:
        for field in encrypted_fields(type(row)):
            if decrypt:
                total += len(str(getattr(row, field.attname)))
            else:
                total += len(str(getattr(row.__dict__.get(field.attname), "text", "")))
    return total


def run(reads: int, rounds: int) -> dict[str, Any]:
    from bench import world

    _own_database()
    world.build_database()
    harness.setup_django()
    gym = world.seed_gym(subdomain="medical-bench", members=3)

    from django.db import transaction
    from django.utils import timezone

    from apps.common.tenancy import tenant_connection
    from apps.medical import selectors, trail
    from apps.organizations.facade import api as organizations
    from apps.users.facade import api as users

    route = organizations.route_for_host_uncached(host=gym.host)
    assert route is not None
    tenant_connection().set_tenant(route)
    owner = users.user_by_email(email=world.OWNER_EMAIL)
    member = users.user_by_email(email="member-0000@bench-gym.test")
    assert owner is not None
    assert member is not None
    with transaction.atomic():
        _fill(member.id, owner.id)
    meta = trail.AuditMeta(actor_id=owner.id, actor_label="bench", ip_address="10.0.0.1", request_id="bench")

    def bare() -> None:
        with transaction.atomic():
            record = selectors.record_full(member_id=member.id, now=timezone.now())
            _touch(record.rows(), decrypt=False)

    def decrypted() -> None:
        with transaction.atomic():
            record = selectors.record_full(member_id=member.id, now=timezone.now())
            _touch(record.rows(), decrypt=True)

    def logged() -> None:
        with transaction.atomic():
            record = selectors.record_full(member_id=member.id, now=timezone.now())
            rows = record.rows()
            _touch(rows, decrypt=True)
            trail.read(meta=meta, rows=rows, action=trail.AccessAction.VIEW, purpose=trail.Purpose.TREATMENT)

    variants = {"bare": bare, "decrypted": decrypted, "decrypted + logged": logged}
    with transaction.atomic():
        rows_in_record = len(selectors.record_full(member_id=member.id, now=timezone.now()).rows())
    for fn in variants.values():  # warm-up
        for _ in range(20):
            fn()
    per_round: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(rounds):
        for name, fn in variants.items():
            started = time.perf_counter()
            for _ in range(reads):
                fn()
            per_round[name].append((time.perf_counter() - started) / reads * 1000)
        harness.log(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.2f} ms" for n, v in per_round.items()))
    med = {name: statistics.median(v) for name, v in per_round.items()}
    results: dict[str, Any] = {
        "machine": {"nproc": os.cpu_count(), "load": os.getloadavg()[0]},
        "rows_in_record": rows_in_record,
        "reads_per_round": reads,
        "rounds": rounds,
        "ms_per_read": med,
        "ratio_decrypted": med["decrypted"] / med["bare"],
        "ratio_logged": med["decrypted + logged"] / med["bare"],
    }
    tenant_connection().set_schema_to_public()
    return results


def markdown(r: dict[str, Any]) -> str:
    bare = r["ms_per_read"]["bare"]
    lines = [
        "| variant of the same record read | ms per read (median of rounds) | ratio to bare |",
        "|---|---:|---:|",
    ]
    for name, ms in r["ms_per_read"].items():
        lines.append(f"| {name} | {ms:.2f} | {ms / bare:.2f}x |")
    lines.append("")
    lines.append(
        f"{r['rows_in_record']} rows a record, {r['reads_per_round']} reads per variant per round, "
        f"{r['rounds']} rounds interleaved; nproc {r['machine']['nproc']}, load average "
        f"{r['machine']['load']:.2f}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(max(1, min(args.reads, 10_000)), max(1, min(args.rounds, 50)))
    sys.stdout.write((json.dumps(results, indent=2) if args.json else markdown(results)) + "\n")


if __name__ == "__main__":
    main()
