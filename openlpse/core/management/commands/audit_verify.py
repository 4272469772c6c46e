"""`manage.py audit_verify`: prove that no audit event was altered, removed, inserted or moved.

Exit status 0 and `OK: N events, head <hash>` when the chain is intact; exit status 1 and
`FAILED: event #seq: why` naming the first event that is not original otherwise. Rows are
streamed, so memory stays constant whatever the length of the chain. `--export FILE.jsonl`
also writes seq, canon (base64), prev_hash and row_hash for auditors to verify offline
(docs/audit-chain.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openlpse.core import audit


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exit status 1 names the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--export",
            metavar="FILE.jsonl",
            help="Also write every event's seq, canon (base64), prev_hash and row_hash to FILE.",
        )
        parser.add_argument(
            "--from-export",
            metavar="FILE.jsonl",
            help="Verify an export file instead of the database (no database access).",
        )
        parser.add_argument("--chunk-size", type=int, default=2000, help="Rows per fetch.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["from_export"]:
            with Path(options["from_export"]).open(encoding="utf-8") as stream:
                report = audit.verify_export(stream)
        else:
            if options["export"]:
                with Path(options["export"]).open("w", encoding="utf-8") as stream:
                    written = audit.export_chain(stream, chunk_size=options["chunk_size"])
                self.stdout.write(f"Exported {written} events to {options['export']}")
            report = audit.verify_chain(chunk_size=options["chunk_size"])
        if report.ok:
            self.stdout.write(f"OK: {report.count} events, head {report.head_hash}")
            return
        self.stderr.write(f"FAILED: event #{report.first_bad_seq}: {report.reason}")
        self.stderr.write(
            "Events before it verify. Compare with a published checkpoint or an earlier "
            "export to see what changed, and restore the audit table from backup."
        )
        sys.exit(1)
