"""`manage.py audit_verify`: prove that no audit event was altered, removed, inserted or moved.

Exit status 0 and `OK: N events, head <hash>` when the chain is intact; exit status 1 and
`FAILED: event #seq: why` naming the first event that is not original otherwise. Rows are
streamed, so memory stays constant whatever the length of the chain. `--export FILE.jsonl`
also writes seq, canon (base64), prev_hash and row_hash for auditors to verify offline;
`--checkpoint NOTE --public-key FILE.pem` also checks a signed checkpoint (audit_checkpoint),
which catches removal of the last events and a rewrite with recomputed hashes
(docs/audit-chain.md).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.core import audit, merkle


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
        parser.add_argument(
            "--checkpoint",
            metavar="NOTE",
            help="Also check a signed checkpoint (audit_checkpoint) against the database.",
        )
        parser.add_argument(
            "--key-name", default="openlpse-audit", help="The checkpoint key's name."
        )
        parser.add_argument("--public-key", metavar="FILE.pem", help="The checkpoint key (PEM).")
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
        if report.ok and options["checkpoint"] and not options["from_export"]:
            report = self._check_checkpoint(report, options)
        if report.ok:
            self.stdout.write(f"OK: {report.count} events, head {report.head_hash}")
            return
        where = f"event #{report.first_bad_seq}: " if report.first_bad_seq is not None else ""
        self.stderr.write(f"FAILED: {where}{report.reason}")
        self.stderr.write(
            "Events before it verify. Compare with a published checkpoint or an earlier "
            "export to see what changed, and restore the audit table from backup."
        )
        sys.exit(1)

    def _check_checkpoint(
        self, report: audit.ChainReport, options: dict[str, Any]
    ) -> audit.ChainReport:
        if not options["public_key"]:
            raise CommandError("Give --public-key FILE.pem to check a checkpoint.")
        key = load_pem_public_key(Path(options["public_key"]).read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise CommandError("The checkpoint key must be an Ed25519 key.")
        note = Path(options["checkpoint"]).read_text(encoding="utf-8")
        try:
            checkpoint = merkle.open_checkpoint(note, key_name=options["key_name"], public_key=key)
        except ValueError as exc:
            raise CommandError(f"The checkpoint is not valid: {exc}") from exc
        if checkpoint.size > report.count:
            return replace(
                report,
                ok=False,
                first_bad_seq=report.count + 1,
                reason=f"the log has {report.count} events but the checkpoint signed "
                f"{checkpoint.size}: events were removed from the end",
            )
        size, root = audit.merkle_root(size=checkpoint.size, chunk_size=options["chunk_size"])
        if root != checkpoint.root:
            return replace(
                report,
                ok=False,
                first_bad_seq=None,
                reason=f"events #1 to #{size} no longer have the Merkle root of the signed "
                "checkpoint: some were rewritten and the chain recomputed after it (compare "
                "with an export of that time to find which)",
            )
        self.stdout.write(f"Checkpoint of {size} events matches.")
        return report
