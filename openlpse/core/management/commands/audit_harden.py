"""`manage.py audit_harden --app-role ROLE`: the grants that make the audit table append-only
for the application's PostgreSQL role (security-reference §2.2, docs/audit-chain.md).

Run it as a superuser (or the table's owner) after `migrate`. It revokes UPDATE, DELETE,
TRUNCATE, TRIGGER and REFERENCES on the audit table from ROLE and grants it SELECT and INSERT
only. With `--owner-role OWNER` it also hands the table to a separate NOLOGIN role: the owner of
a table can always re-grant itself privileges and disable triggers, so only then is ROLE truly
limited (later migrations that alter the audit table must then run as OWNER). `--print` shows
the SQL without running it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from openlpse.core.models import AuditEvent

_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
TRIGGER_FUNCTION = "core_auditevent_append_only()"


def _role(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise CommandError(
            f"“{name}” is not a plain role name: use letters, digits and underscores only."
        )
    return f'"{name}"'


def harden_sql(*, app_role: str, owner_role: str | None = None) -> list[str]:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    app = _role(app_role)
    statements: list[str] = []
    if owner_role:
        owner = _role(owner_role)
        statements += [
            f"DO $$ BEGIN CREATE ROLE {owner} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
            f"ALTER TABLE {table} OWNER TO {owner}",
            f"ALTER FUNCTION {TRIGGER_FUNCTION} OWNER TO {owner}",
        ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} FROM {app}",
        f"GRANT SELECT, INSERT ON {table} TO {app}",
    ]
    return statements


class Command(BaseCommand):
    help = "Revoke UPDATE, DELETE and TRUNCATE on the audit table from the application's role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--app-role", required=True, help="The role the application logs in as."
        )
        parser.add_argument(
            "--owner-role",
            help="Give the audit table to this NOLOGIN role (created if missing).",
        )
        parser.add_argument("--print", action="store_true", help="Print the SQL, run nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql" and not options["print"]:
            raise CommandError("audit_harden applies to PostgreSQL only; SQLite has no roles.")
        statements = harden_sql(app_role=options["app_role"], owner_role=options["owner_role"])
        if options["print"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass",
                [AuditEvent._meta.db_table],
            )
            owner = cursor.fetchone()[0]
        self.stdout.write(
            f"{options['app_role']} may now only SELECT and INSERT audit events "
            f"(table owner: {owner})."
        )
        if owner == options["app_role"]:
            self.stderr.write(
                f"Warning: {owner} owns the audit table and can grant itself the privileges "
                "back or disable its triggers. Run again with --owner-role audit_owner."
            )
