"""`python manage.py demo`: load the demo data (idempotent) and print the demo logins.

`--if-empty` loads only when the database has no LPSE yet (what `make run` uses), and prints
the logins in every case.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.core.demo import data, loader


@contextlib.contextmanager
def _keyservice_for_load(command: BaseCommand) -> Iterator[None]:
    from openlpse.bids import keyclient
    from openlpse.ops.management.commands.serve import (
        keyservice_listen_address,
        start_keyservice,
        stop_child,
    )

    listen = keyservice_listen_address()
    if listen is None or _reachable(keyclient):
        yield
        return
    if _answers(keyclient):
        raise CommandError(
            f"Another key service answers at {listen} but refuses this installation's token "
            f"({settings.OPENLPSE_KEYSERVICE_TOKEN_FILE}): it belongs to another OpenLPSE data "
            "folder. Stop it, or set OPENLPSE_KEYSERVICE_URL to a free address."
        )
    child = start_keyservice(listen)
    try:
        deadline = time.monotonic() + 15
        while not _reachable(keyclient):
            if child.poll() is not None or time.monotonic() > deadline:
                raise CommandError(
                    f"The key service did not start at {listen}; the demo tenders need it. "
                    "Run `python -m openlpse.keyservice --help` to check its settings."
                )
            time.sleep(0.2)
        command.stdout.write(f"Key service started at {listen} for loading the demo data.")
        yield
    finally:
        stop_child(child)


def _reachable(keyclient: Any) -> bool:
    """The key service answers and accepts this installation's token."""
    try:
        return bool(keyclient.authenticated())
    except keyclient.KeyServiceError:
        return False


def _answers(keyclient: Any) -> bool:
    try:
        keyclient.health()
    except keyclient.KeyServiceError:
        return False
    return True


class Command(BaseCommand):
    help = "Load the demo LPSEs (Lampung Timur, Karangasem) with one login per role, and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when no LPSE exists yet; print the demo logins in every case.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from openlpse.organizations.models import Lpse

        if options["if_empty"] and Lpse.objects.exists():
            self.stdout.write("LPSEs already exist: demo data not loaded.")
        else:
            # Announcing a demo tender asks the key service for its system keys (ADR 0010).
            # `make run` loads the demo before `serve` starts the service, so start it here
            # for the load when it is not running yet.
            with _keyservice_for_load(self):
                loader.load()
            self.stdout.write("Demo data loaded (running it again changes nothing).")
        rows = loader.logins()
        if not rows:
            self.stdout.write("No demo logins exist in this database.")
            return
        self.stdout.write("")
        self.stdout.write(loader.format_table(rows))
        self.stdout.write("")
        self.stdout.write(f"Every demo login uses the password: {data.DEMO_PASSWORD}")
        self.stdout.write(
            "Officials, LPSE staff and auditors sign in with a second factor: add the TOTP secret above to an "
            "authenticator app. DEMO ONLY: these secrets are derived from the user names and are not secret."
        )
        self.stdout.write(
            "Vendors: vendor.admin (PT Karya Lestari Nusantara, verified by Lampung Timur); vendor.hitam "
            "(CV Sinar Abadi Konstruksi, blacklisted: its sign-in is refused, see /daftar-hitam/); vendor.baru "
            "(PT Baru Mandiri Teknik, waiting for ka.verifikator at /verifikasi/). New vendors register at /daftar/; "
            "e-mail goes to var/mail/."
        )
        from openlpse.bids import demo_keys

        key_lines = demo_keys.key_lines()
        if key_lines:
            self.stdout.write(
                "Demo Pokja personal key files (DEMO ONLY: the passphrases are derived from the "
                "user names):"
            )
            for line in key_lines:
                self.stdout.write(f"  {line}")
        self.stdout.write(
            "The holiday calendars hold the national holidays of 2026 (SKB) and the fixed-date ones of 2027; "
            "an LPSE administrator must confirm them and add regional holidays."
        )
