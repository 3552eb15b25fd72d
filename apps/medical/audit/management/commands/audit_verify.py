"""``manage.py audit_verify [--schema S]``: verify the audit hash chain of every gym (or one).

Exits non-zero, naming every defective entry, when any chain was edited, cut or reordered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.medical.audit.verify import audited_schemas, chain_verify


class Command(BaseCommand):
    help = "Verify the health-data audit hash chain of every gym schema, or of one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="Verify only this gym schema.")

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = audited_schemas()
        wanted = options.get("schema")
        if wanted:
            if wanted not in schemas:
                raise CommandError(f"Schema {wanted!r} has no audit trail.")
            schemas = [wanted]
        failed = 0
        for schema in schemas:
            report = chain_verify(schema_name=schema)
            if report.ok:
                self.stdout.write(f"{schema}: OK, {report.entries} entries, head {report.head_hash}")
                continue
            failed += 1
            self.stdout.write(
                f"{schema}: TAMPERED, {len(report.problems)} problem(s) in {report.entries} entries"
            )
            for p in report.problems:
                self.stdout.write(f"  {schema}: {p.message}")
        if failed:
            raise CommandError(f"Audit chain verification failed in {failed} of {len(schemas)} schema(s).")
        self.stdout.write(self.style.SUCCESS(f"Audit chains verified in {len(schemas)} schema(s)."))
