"""PostgreSQL-only guarantees of the audit chain: triggers, grants, concurrent appends."""

from __future__ import annotations

import threading
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from openlpse.core import audit
from openlpse.core.models import AuditEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="triggers, roles and concurrent connections need PostgreSQL",
    ),
]


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.append", changes={"i": i})


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _rows() -> list[tuple[int, str]]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", "action"))


# --- triggers ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'forged' WHERE seq = 2",
        "DELETE FROM core_auditevent WHERE seq = 2",
        "TRUNCATE core_auditevent",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_database_refuses_to_change_audit_rows_even_for_a_superuser(sql):
    _append(3)
    with pytest.raises(DatabaseError, match="audit events are append-only"), transaction.atomic():
        _execute(sql)
    assert _rows() == [(1, "test.append"), (2, "test.append"), (3, "test.append")]


@pytest.mark.django_db
def test_the_truncate_trigger_fires_for_a_role_that_holds_the_truncate_privilege():
    _append(1)
    role = f"openlpse_test_truncator_{uuid.uuid4().hex[:8]}"
    _execute(f"CREATE ROLE {role} NOLOGIN")
    _execute(f"GRANT TRUNCATE ON core_auditevent TO {role}")
    _execute(f"SET LOCAL ROLE {role}")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _execute("TRUNCATE core_auditevent")
    _execute("RESET ROLE")
    assert AuditEvent.objects.count() == 1


# --- grants (audit_harden) --------------------------------------------------------------------


def _make_app_role() -> str:
    """A role with every privilege on the audit table, as Django's own role has."""
    role = f"openlpse_test_app_{uuid.uuid4().hex[:8]}"
    _execute(f"CREATE ROLE {role} NOLOGIN")
    _execute(f"GRANT ALL ON core_auditevent TO {role}")
    return role


@pytest.mark.django_db
def test_hardened_app_role_may_insert_but_not_update_delete_or_truncate():
    _append(2)
    role = _make_app_role()
    out = StringIO()
    call_command("audit_harden", "--app-role", role, stdout=out, stderr=StringIO())
    assert out.getvalue() == (
        f"{role} may now only SELECT and INSERT audit events (table owner: postgres).\n"
    )
    _execute(f"SET LOCAL ROLE {role}")
    for sql in (
        "UPDATE core_auditevent SET action = 'forged' WHERE seq = 1",
        "DELETE FROM core_auditevent WHERE seq = 1",
        "TRUNCATE core_auditevent",
    ):
        denied = pytest.raises(DatabaseError, match="permission denied for table core_auditevent")
        with denied, transaction.atomic():
            _execute(sql)
    with transaction.atomic():
        event = audit.record(actor=None, action="test.as_app_role")
    _execute("RESET ROLE")
    assert event.seq == 3
    assert _rows() == [(1, "test.append"), (2, "test.append"), (3, "test.as_app_role")]
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_with_a_separate_owner_the_app_role_cannot_disable_the_triggers():
    _append(1)
    role = _make_app_role()
    owner = f"openlpse_test_owner_{uuid.uuid4().hex[:8]}"
    out = StringIO()
    call_command("audit_harden", "--app-role", role, "--owner-role", owner, stdout=out)
    assert out.getvalue() == (
        f"{role} may now only SELECT and INSERT audit events (table owner: {owner}).\n"
    )
    _execute(f"SET LOCAL ROLE {role}")
    refused = pytest.raises(DatabaseError, match="must be owner of table core_auditevent")
    with refused, transaction.atomic():
        _execute("ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
    with transaction.atomic():
        audit.record(actor=None, action="test.as_app_role")
    _execute("RESET ROLE")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_harden_warns_when_the_app_role_still_owns_the_table():
    err = StringIO()
    call_command("audit_harden", "--app-role", "postgres", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("Warning: postgres owns the audit table")


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_their_own_connections_build_one_gap_free_chain():
    writers, per_writer = 8, 25
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit.record(
                        actor=None, action="test.concurrent", changes={"w": number, "i": i}
                    )
        except BaseException as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    # No fork: every event's prev_hash is a distinct predecessor.
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == writers * per_writer
    report = audit.verify_chain(chunk_size=50)
    assert (report.ok, report.count) == (True, writers * per_writer)
    per_thread = {
        w: sorted(e.changes["i"] for e in AuditEvent.objects.all() if e.changes["w"] == w)
        for w in range(writers)
    }
    assert per_thread == {w: list(range(per_writer)) for w in range(writers)}


@pytest.mark.django_db(transaction=True)
def test_flush_after_a_transactional_test_empties_the_audit_table_of_a_test_database():
    _append(2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
