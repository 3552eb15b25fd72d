"""Re-seed the exercise catalogue in every gym schema (or one), keeping staff tag corrections."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import get_tenant_model, schema_context

from apps.workouts.services.catalogue import catalogue_seed


class Command(BaseCommand):
    help = "Insert new catalogue exercises and re-derive tags; corrected tag fields are kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="Only this schema (default: every gym schema).")

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = (
            [options["schema"]]
            if options["schema"]
            else list(
                get_tenant_model().objects.exclude(schema_name="public").values_list("schema_name", flat=True)
            )
        )
        for schema in schemas:
            with schema_context(schema):
                counts = catalogue_seed()
            self.stdout.write(f"{schema}: {counts['created']} created, {counts['updated']} updated")
