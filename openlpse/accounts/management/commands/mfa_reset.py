"""Reset a person's two-factor authentication (lost phone and recovery codes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openlpse.accounts.models import User
from openlpse.accounts.services.mfa import mfa_reset_by_admin
from openlpse.core import errors


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator and recovery codes after checking their identity. "
        "--by names the administrator who acts (an operator, or an LPSE admin of an LPSE where "
        "the person holds a role); the reason goes into the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="user name of the acting administrator")
        parser.add_argument("--reason", required=True, help="why (kept in the audit chain)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username__iexact=options["username"])
            actor = User.objects.get(username__iexact=options["by"])
        except User.DoesNotExist as exc:
            raise CommandError("No such user.") from exc
        try:
            mfa_reset_by_admin(actor=actor, user=user, reason=options["reason"])
        except errors.DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Two-factor authentication of {user.username} was reset; they enrol again at sign-in."
        )
