"""`flush` that copes with the audit table's TRUNCATE trigger (migration 0100).

On PostgreSQL the audit table refuses TRUNCATE, so Django's flush (which TransactionTestCase
runs after every `transaction=True` test) would fail. A superuser flushing a *test* database
(name starting with Django's test prefix) runs the flush with
`session_replication_role = replica`, which skips ordinary triggers for this session only; a
superuser can disable triggers anyway, so this grants nothing new. Any other flush keeps the
protection and fails with an explanation: the audit log of a real database is never wiped.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX


def _may_bypass_audit_trigger(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    if not str(connection.settings_dict["NAME"]).startswith(TEST_DATABASE_PREFIX):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        alias = options.get("database") or DEFAULT_DB_ALIAS
        if not _may_bypass_audit_trigger(alias):
            try:
                super().handle(**options)
            except CommandError as exc:
                if "append-only" in str(exc.__cause__ or ""):
                    raise CommandError(
                        "The database was not flushed: the audit table is append-only and "
                        "refuses TRUNCATE (docs/audit-chain.md). Drop and recreate the "
                        "database instead if you really mean to lose its audit log."
                    ) from exc
                raise
            return
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
