"""Generate an Ed25519 publisher key pair for signing plugins."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.plugins.signing import keypair_generate


class Command(BaseCommand):
    help = "Write a new private signing key to --out (mode 0600) and print its public half."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="file for the private key (must not exist)")
        parser.add_argument("--key-id", required=True, help="the name platforms will trust it under")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists; refusing to overwrite a key")
        private, public = keypair_generate()
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(private + "\n")
        self.stdout.write(f"Private key written to {out}. Ask the platform to trust:")
        self.stdout.write(f'PLUGINS_TRUSTED_KEYS=\'{{"{options["key_id"]}": "{public}"}}\'')
