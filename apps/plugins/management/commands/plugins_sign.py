"""Hash a plugin folder's artifacts into its manifest and sign it (for plugin authors)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.plugins.manifest import ManifestError, manifest_validate
from apps.plugins.signing import manifest_sign, public_key_of, trusted_keys_from

SKIP = {"manifest.json"}


class Command(BaseCommand):
    help = "Set the sha256 of every file in FOLDER into its manifest.json, sign it, and validate it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--key-id", required=True)
        parser.add_argument("--key-file", required=True, help="the private key from plugins_keygen")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        path = folder / "manifest.json"
        try:
            manifest = json.loads(path.read_text())
            private = Path(options["key_file"]).read_text().strip()
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        files = {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if p.is_file() and p.name not in SKIP and not p.name.startswith(".")
        }
        manifest["artifacts"] = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
        signed = manifest_sign(manifest, key_id=options["key_id"], private_b64=private)
        keys = trusted_keys_from({options["key_id"]: public_key_of(private)})
        try:
            manifest_validate(signed, files=files, trusted_keys=keys)
        except ManifestError as exc:
            raise CommandError("the manifest is not valid:\n  " + "\n  ".join(exc.reasons)) from exc
        path.write_text(json.dumps(signed, indent=2) + "\n")
        self.stdout.write(
            f"Signed {signed['id']} {signed['version']} with {options['key_id']} ({len(files)} artifacts)."
        )
