"""Import a member's training history from a Strong or Hevy CSV, or export it as CSV.

    ./manage.py workouts_history import --host ironworks.localhost --member member@ironworks.demo \
        --format strong --file strong.csv [--mode good_rows] [--unit lb] [--timezone Europe/Berlin]
    ./manage.py workouts_history export --host ironworks.localhost --member member@ironworks.demo \
        [--output history.csv]

Every bad row is printed with its line number; with ``--mode all_or_nothing`` (the default) a bad
row imports nothing and the command fails.
"""

from __future__ import annotations

import sys
import zoneinfo
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.organizations.facade import api as organizations
from apps.users.facade import api as users
from apps.workouts import engine
from apps.workouts.importers import MAX_FILE_BYTES, HistoryFormat
from apps.workouts.services import imports


class Command(BaseCommand):
    help = "Import a Strong or Hevy history CSV for a member, or export a member's history as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("import", "export"):
            action = sub.add_parser(name)
            action.add_argument("--host", required=True, help="The gym's host, e.g. ironworks.localhost.")
            action.add_argument("--member", required=True, help="The member's email.")
            if name == "import":
                action.add_argument("--file", required=True, type=Path)
                action.add_argument("--format", required=True, choices=[f.value for f in HistoryFormat])
                action.add_argument(
                    "--mode",
                    default=imports.ImportMode.ALL_OR_NOTHING,
                    choices=[imports.ImportMode.ALL_OR_NOTHING, imports.ImportMode.GOOD_ROWS],
                )
                action.add_argument("--unit", choices=[u.value for u in engine.Unit])
                action.add_argument("--timezone", default="UTC")
            else:
                action.add_argument("--output", type=Path, help="Write here instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        route = organizations.route_for_host(host=options["host"].lower())
        if route is None or route.is_public:
            raise CommandError(f"No gym is served at {options['host']}.")
        person = users.user_by_email(email=options["member"])
        if person is None or organizations.active_membership(gym_id=route.id, user_id=person.id) is None:
            raise CommandError(f"{options['member']} is not an active member of {route.name}.")
        with schema_context(route.schema_name):
            if options["action"] == "import":
                self._import(person.id, options)
            else:
                self._export(person.id, options)

    def _import(self, member_id: Any, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is not a file of at most 5 MiB.")
        try:
            tz = zoneinfo.ZoneInfo(options["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown time zone {options['timezone']!r}.") from None
        try:
            report = imports.history_import(
                member_id=member_id,
                text=path.read_text(encoding="utf-8-sig"),
                fmt=HistoryFormat(options["format"]),
                mode=options["mode"],
                tz=tz,
                unit=engine.Unit(options["unit"]) if options["unit"] else None,
            )
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except ValidationError as exc:
            for line in exc.message_dict.get("file", exc.messages):
                self.stderr.write(line)
            raise CommandError("Nothing was imported.") from None
        for error in report.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        self.stdout.write(
            f"Imported {report.imported_sets} sets in {report.imported_sessions} sessions; "
            f"{len(report.errors)} bad rows, {len(report.skipped)} rows skipped."
        )

    def _export(self, member_id: Any, options: dict[str, Any]) -> None:
        output: Path | None = options["output"]
        if output is None:
            for chunk in imports.history_export_rows(member_id=member_id):
                sys.stdout.write(chunk)
            return
        with output.open("w", encoding="utf-8", newline="") as handle:
            for chunk in imports.history_export_rows(member_id=member_id):
                handle.write(chunk)
        self.stdout.write(f"Wrote {output}.")
