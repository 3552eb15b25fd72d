"""Field encryption costs: per value, per record read, and key rotation throughput (ADR 0013).

Runs in process against its own database (``gym_cryptobench`` on the server of ``DATABASE_URL``,
dropped and created afresh) with the test settings, whose test-only ``crypto_test`` app has a
real tenant table with encrypted fields. Prints a Markdown report to stdout.

    .venv/bin/python bench/crypto_bench.py [--rows 5000] [--repeats 5]

Measured, one after another in one process (no concurrency):

* ``encrypt_text``/``decrypt_text`` of a 32-byte and a 1 KiB value (AES-256-GCM, fresh nonce,
  base64), against ``json.dumps``/``json.loads`` of the same value as a yardstick;
* reading ``--rows`` records through the ORM and touching two encrypted fields (a 200-character
  note and a small JSON object: decryption happens) against the same read touching only a plain
  column (no decryption): the ratio is the cost of decryption on a record read;
* ``rotate_model`` of all rows to a new key with batch sizes 100, 500 and 2000: rows per second.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import log, recreate_database  # noqa: E402


def _database_url() -> str:
    from psycopg.conninfo import make_conninfo

    base = os.environ.get("DATABASE_URL", "") or "postgresql://postgres@127.0.0.1:5432/postgres"
    return make_conninfo(base, dbname="gym_cryptobench")


def _setup() -> None:
    url = _database_url()
    recreate_database(url)
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        CELERY_BROKER_URL="memory://",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        GYM_SPARE_POOL_SIZE="0",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--shared", "-v", "0"],
        cwd=ROOT,
        check=True,
        stdout=sys.stderr,
    )
    import django

    django.setup()


def _paired_medians(a: Callable[[], object], b: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Medians of ``a`` and ``b`` timed alternately, so load from other work hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for fn, bucket in ((a, times[0]), (b, times[1])):
            started = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


LOOPS = 2000
AAD = b'["gymstack.field.v1","gym_x","medical","condition","notes","6f1c"]'


def per_value(repeats: int) -> list[tuple[str, float, float]]:
    from apps.common import crypto

    def encrypt(p: bytes) -> None:
        for _ in range(LOOPS):
            crypto.encrypt_text(p, aad=AAD)

    def decrypt(t: str) -> None:
        for _ in range(LOOPS):
            crypto.decrypt_text(t, aad=AAD)

    def dumps(t: str) -> None:
        for _ in range(LOOPS):
            json.dumps(t)

    def loads(d: str) -> None:
        for _ in range(LOOPS):
            json.loads(d)

    rows = []
    loops = LOOPS
    for label, size in (("32 B", 32), ("1 KiB", 1024)):
        plain = os.urandom(size // 2).hex().encode()
        token = crypto.encrypt_text(plain, aad=AAD)
        text = plain.decode()
        dumped = json.dumps(text)
        enc, jd = _paired_medians(lambda p=plain: encrypt(p), lambda t=text: dumps(t), repeats)
        dec, jl = _paired_medians(lambda t=token: decrypt(t), lambda d=dumped: loads(d), repeats)
        rows.append((f"encrypt {label}", enc / loops * 1e6, jd / loops * 1e6))
        rows.append((f"decrypt {label}", dec / loops * 1e6, jl / loops * 1e6))
    return rows


def _gym_schema() -> str:
    from apps.organizations.services import gym_sign_up, platform_bootstrap

    platform_bootstrap()
    gym = gym_sign_up(
        name="Crypto Bench",
        subdomain="crypto-bench",
        owner_email="owner@cryptobench.test",
        owner_password="a-long-bench-password-1",
    )
    return str(gym.schema_name)


def record_reads(schema: str, rows: int, repeats: int) -> tuple[float, float]:
    from django_tenants.utils import schema_context

    from apps.common.tests.crypto_app.models import Secret

    note = "x" * 200
    with schema_context(schema):
        Secret.objects.bulk_create(
            [Secret(label=f"row {i}", note=note, data={"i": i, "ok": False}) for i in range(rows)],
            batch_size=1000,
        )

        def plain() -> None:
            for s in Secret.objects.all():
                _ = s.label

        def decrypted() -> None:
            for s in Secret.objects.all():
                _ = (s.note, s.data)

        plain()
        decrypted()  # warm up both
        return _paired_medians(plain, decrypted, repeats)


def rotation(schema: str, rows: int, repeats: int) -> list[tuple[int, float]]:
    from django.conf import settings
    from django.test import override_settings

    from apps.common.key_rotation import rotate_model
    from apps.common.tests.crypto_app.models import Secret

    ring = [settings.ENCRYPTION_KEYS]
    results = []
    generation = 0
    for batch in (100, 500, 2000):
        samples = []
        for _ in range(max(1, repeats // 2)):
            generation += 1
            key = f"b{generation}:" + base64.b64encode(os.urandom(32)).decode()
            ring.insert(0, key)
            with override_settings(ENCRYPTION_KEYS=",".join(ring), ENCRYPTION_CURRENT_KEY=""):
                started = time.perf_counter()
                counts = rotate_model(Secret, batch_size=batch)
                elapsed = time.perf_counter() - started
            assert counts.reencrypted == rows, counts
            assert counts.failed == 0, counts
            samples.append(rows / elapsed)
        results.append((batch, statistics.median(samples)))
    del schema
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    _setup()
    log("per-value costs")
    values = per_value(args.repeats)
    log("creating a gym")
    schema = _gym_schema()
    log(f"reading {args.rows} records")
    plain, decrypted = record_reads(schema, args.rows, args.repeats)
    log("rotating keys")
    rotated = rotation(schema, args.rows, args.repeats)

    load = os.getloadavg()[0]
    print(f"### Field encryption ({args.rows} rows, median of {args.repeats}, load average {load:.1f})\n")
    print("| operation | AES-256-GCM, µs | json yardstick, µs | ratio |")
    print("|---|---:|---:|---:|")
    for name, ours, yard in values:
        print(f"| {name} | {ours:.2f} | {yard:.2f} | {ours / yard:.1f}x |")
    print()
    print("| record read through the ORM | ms for all rows | µs per row | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| plain column only | {plain * 1000:.1f} | {plain / args.rows * 1e6:.1f} | 1.00x |")
    print(
        f"| plus two encrypted fields decrypted | {decrypted * 1000:.1f} | "
        f"{decrypted / args.rows * 1e6:.1f} | {decrypted / plain:.2f}x |"
    )
    print()
    print("| key rotation, batch size | rows/s |")
    print("|---:|---:|")
    for batch, rate in rotated:
        print(f"| {batch} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
