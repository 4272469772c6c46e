"""`manage.py token_create USERNAME --name NAME`: give an integrator an API token.

The token is printed once and never stored; only its SHA-256 is kept. The creation is written
to the audit chain with the operator as "system".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.accounts.models.user import User
from openlpse.accounts.services import tokens
from openlpse.core import errors


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="User name (or e-mail address) of the token's owner.")
        parser.add_argument(
            "--name", required=True, help="What the token is for, e.g. the integrating system."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identifier = options["username"].strip()
        field = "email__iexact" if "@" in identifier else "username__iexact"
        user = User.objects.filter(**{field: identifier}).first()
        if user is None:
            raise CommandError(
                f"No user named {identifier!r}. Check the spelling, or create the account first."
            )
        try:
            issued = tokens.token_create(user=user, name=options["name"], actor=None)
        except errors.DomainError as exc:
            details = "; ".join(str(m) for messages in exc.fields.values() for m in messages)
            raise CommandError(details or str(exc)) from exc
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token {issued.token.prefix}… ({issued.token.name}) for {user.username}, "
            f"valid until {issued.token.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only once: store it now."
        )
