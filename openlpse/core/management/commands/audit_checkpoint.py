"""`manage.py audit_checkpoint`: a signed checkpoint of the audit log's current head.

Prints a C2SP tlog-checkpoint (origin, number of events, base64 RFC 6962 root over the events'
`row_hash`) signed as a note with an Ed25519 key. Publish it outside the server (Berita Acara,
the Transparansi page, a witness); `audit_verify --checkpoint FILE` later proves the log still
holds exactly those events. `--new-key FILE.pem` writes a fresh private key (and prints its
public key) instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.core import audit, merkle


class Command(BaseCommand):
    help = "Print a signed checkpoint (size and Merkle root) of the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--origin", default="openlpse.audit", help="The log's name (line 1).")
        parser.add_argument("--key-name", default="openlpse-audit", help="The signing key's name.")
        parser.add_argument("--private-key", metavar="FILE.pem", help="Ed25519 private key (PEM).")
        parser.add_argument("--new-key", metavar="FILE.pem", help="Write a new Ed25519 key here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            key = Ed25519PrivateKey.generate()
            path = Path(options["new_key"])
            path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
            path.chmod(0o600)
            public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            self.stdout.write(public.decode("ascii"), ending="")
            return
        if not options["private_key"]:
            raise CommandError("Give --private-key FILE.pem (or make one with --new-key FILE.pem).")
        loaded = load_pem_private_key(Path(options["private_key"]).read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise CommandError("The checkpoint key must be an Ed25519 key.")
        report = audit.verify_chain()
        if not report.ok:
            raise CommandError(
                f"The audit chain does not verify (event #{report.first_bad_seq}: "
                f"{report.reason}); no checkpoint is signed over it."
            )
        size, root = audit.merkle_root(size=report.count)
        checkpoint = merkle.Checkpoint(origin=options["origin"], size=size, root=root)
        note = merkle.sign_checkpoint(checkpoint, key_name=options["key_name"], private_key=loaded)
        self.stdout.write(note, ending="")
