"""`manage.py verify_receipt FILE [--public-key PEM]`: check a receipt document's signature.

Prints VALID or INVALID with the reason and the receipt's fields; exit status 0 when valid,
1 when not (or when the file cannot be read). With --public-key the check uses that PEM file
instead of this portal's key, for offline use (the key is published at /api/v1/keys).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.bids import receipts


class Command(BaseCommand):
    help = "Verify a bid receipt (JSON): prints VALID or INVALID; exit status 0 or 1."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The receipt document (JSON) to check.")
        parser.add_argument(
            "--public-key",
            metavar="PEM",
            help="Check against this Ed25519 public key (PEM) instead of this portal's key.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        public = None
        if options["public_key"]:
            try:
                public = receipts.load_public_pem(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError) as exc:
                raise CommandError(
                    f"Cannot use {options['public_key']} as an Ed25519 public key: {exc}",
                    returncode=1,
                ) from exc
        try:
            document = json.loads(Path(options["file"]).read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(
                f"Cannot read {options['file']} as JSON: {exc}", returncode=1
            ) from exc
        check = receipts.verify_document(document, public_key=public)
        if check.valid:
            self.stdout.write(self.style.SUCCESS("VALID"))
        else:
            self.stdout.write(self.style.ERROR("INVALID"))
        self.stdout.write(f"reason: {check.reason} ({check.code})")
        if isinstance(document, dict) and isinstance(document.get("key_id"), str):
            self.stdout.write(f"key_id: {document['key_id']}")
        for name, value in (check.receipt or {}).items():
            self.stdout.write(f"{name}: {value}")
        if not check.valid:
            raise SystemExit(1)
