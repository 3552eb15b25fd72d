"""``manage.py rotate_encryption_keys``: re-encrypt every encrypted value under the current key.

Run it after putting a new key first in ``GYM_ENCRYPTION_KEYS`` (or naming it in
``GYM_ENCRYPTION_CURRENT_KEY``) and keeping the old keys in the ring; remove an old key only
after a run that exits 0: it fails (exit 1, with counts) when any row could not be decrypted or
is still under an old key at the end. Safe to interrupt and run again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.common import crypto
from apps.common.key_rotation import Progress, RotationCounts, rotate_all

_BAR = 30


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field of every row, in every schema, under the current key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = int(options["batch_size"])
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            current = crypto.current_key_id()
        except crypto.KeyRingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Re-encrypting under key {current!r}, {batch_size} rows per batch.")
        results = rotate_all(batch_size=batch_size, on_progress=self._progress)
        self._report(results)
        left = [(r.label, schema, n) for r in results for schema, n in sorted(r.remaining.items())]
        if left:
            where = ", ".join(f"{label} in {schema}: {n}" for label, schema, n in left)
            raise CommandError(
                f"{sum(n for _, _, n in left)} rows are still under an old key after the run ({where}); "
                "they were written or held during it. Keep the old keys in GYM_ENCRYPTION_KEYS and run again."
            )
        if any(r.failed for r in results):
            raise CommandError(
                f"{sum(r.failed for r in results)} rows could not be decrypted with the configured keys; "
                "they were left unchanged. Keep their old key in GYM_ENCRYPTION_KEYS and run again."
            )

    def _progress(self, p: Progress) -> None:
        share = 1.0 if p.total == 0 else p.done / p.total
        filled = round(share * _BAR)
        bar = "#" * filled + "-" * (_BAR - filled)
        end = "\n" if p.done >= p.total else ""
        self.stdout.write(
            f"\r[{bar}] {100 * share:5.1f}% {p.done}/{p.total} {p.label} in {p.schema}", ending=end
        )
        self.stdout.flush()

    def _report(self, results: list[RotationCounts]) -> None:
        width = max([len("model"), *(len(r.label) for r in results)])
        self.stdout.write(f"{'model':<{width}}  re-encrypted  already current  failed")
        for r in results:
            self.stdout.write(f"{r.label:<{width}}  {r.reencrypted:>12}  {r.current:>15}  {r.failed:>6}")
        total = RotationCounts(
            label="total",
            reencrypted=sum(r.reencrypted for r in results),
            current=sum(r.current for r in results),
            failed=sum(r.failed for r in results),
        )
        self.stdout.write(
            f"{total.label:<{width}}  {total.reencrypted:>12}  {total.current:>15}  {total.failed:>6}"
        )
