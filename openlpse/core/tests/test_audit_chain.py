"""The audit chain on every backend: what record() stores, what audit_verify proves, and the
tamper cases of issue 2 (edit, delete, insert, reorder). PostgreSQL-only behaviour (triggers,
grants, concurrent writers) is in test_audit_postgres.py."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import audit, clock, request_context
from openlpse.core.models import AppendOnlyError, AuditEvent
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=dt.UTC)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "audit-chain.md"


def run_verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def first_line(text: str) -> str:
    return text.splitlines()[0]


@contextmanager
def as_attacker() -> Iterator[None]:
    """A superuser-level attacker: on PostgreSQL the append-only triggers are skipped for this
    transaction (as `ALTER TABLE ... DISABLE TRIGGER` would); SQLite has no triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


def raw(sql: str, params: list[object] | None = None) -> None:
    with as_attacker(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def json_param(value: object) -> str:
    return json.dumps(value)


def jsonb(placeholder: str = "%s") -> str:
    return f"{placeholder}::jsonb" if connection.vendor == "postgresql" else placeholder


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Five events with every column filled in differently."""
    lpse = LpseFactory()
    alice = UserFactory(username="alice")
    events = []
    metas = [
        request_context.RequestMeta(ip="10.1.2.3", user_agent="Firefox/140", request_id="req-1"),
        request_context.RequestMeta(ip="2001:DB8::1", user_agent="curl/8", request_id="req-2"),
        request_context.RequestMeta(),
        request_context.RequestMeta(ip="192.0.2.7", user_agent="Chromium", request_id="req-4"),
        request_context.RequestMeta(ip="not-an-ip", user_agent="", request_id=""),
    ]
    changes = [
        {"name": ["Lama", "Baru"]},
        {"hps": Decimal("1500000.00"), "when": T0},
        {},
        {"nested": {"b": [1, 2.5, None, True], "a": "ü€𝄞"}},
        {"count": 3},
    ]
    with clock.frozen(T0):
        for i, (meta, change) in enumerate(zip(metas, changes, strict=True)):
            with request_context.bound(meta), transaction.atomic():
                events.append(
                    audit.record(
                        actor=alice if i % 2 == 0 else None,
                        action=f"test.action{i + 1}",
                        obj=lpse,
                        changes=change,
                        lpse_id=lpse.pk if i != 2 else None,
                    )
                )
            clock.advance(dt.timedelta(seconds=1))
    return events


# --- what record() stores --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=None, action="test.x")
    assert AuditEvent.objects.count() == 0


def test_record_chains_events_from_the_genesis_hash(chain):
    first, second = chain[0], chain[1]
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5]
    assert first.prev_hash == "00" * 32
    assert second.prev_hash == first.row_hash
    assert first.row_hash == hashlib.sha256(bytes(32) + bytes(first.canon)).hexdigest()


def test_canonical_bytes_cover_every_stored_column(chain):
    event = AuditEvent.objects.get(seq=1)
    recorded = json.loads(bytes(event.canon))
    columns = {f.attname for f in AuditEvent._meta.concrete_fields} - {"id", "canon", "row_hash"}
    assert set(recorded) == columns | {"v"}
    assert recorded == {
        "v": 1,
        "seq": 1,
        "occurred_at": "2026-03-02T01:02:03.456789Z",
        "actor_id": event.actor_id,
        "actor_label": "alice",
        "action": "test.action1",
        "object_type": "organizations.lpse",
        "object_id": str(event.object_id),
        "object_label": event.object_label,
        "lpse_id": event.lpse_id,
        "changes": {"name": ["Lama", "Baru"]},
        "ip": "10.1.2.3",
        "user_agent": "Firefox/140",
        "request_id": "req-1",
        "prev_hash": "00" * 32,
    }


def test_record_stores_values_as_the_database_returns_them(chain):
    second = AuditEvent.objects.get(seq=2)
    assert second.ip == "2001:db8::1"
    assert second.actor_id is None
    assert second.actor_label == "system"
    assert second.changes == {"hps": "1500000.00", "when": "2026-03-02T01:02:03.456Z"}
    assert AuditEvent.objects.get(seq=5).ip is None


def test_record_truncates_long_labels_to_their_columns():
    meta = request_context.RequestMeta(user_agent="x" * 1000)
    with request_context.bound(meta), transaction.atomic():
        event = audit.record(actor=None, action="test.long", actor_label="y" * 500)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (len(stored.actor_label), len(stored.user_agent)) == (200, 400)
    assert run_verify()[0] == 0


def test_record_refuses_an_action_code_longer_than_its_column():
    with pytest.raises(ValueError, match="1 to 80"), transaction.atomic():
        audit.record(actor=None, action="a" * 81)
    assert AuditEvent.objects.count() == 0


# --- the model refuses changes -----------------------------------------------------------------


def test_saving_an_existing_event_is_refused(chain):
    event = AuditEvent.objects.get(seq=2)
    event.action = "forged"
    with pytest.raises(AppendOnlyError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(seq=2).action == "test.action2"


def test_deleting_an_event_is_refused(chain):
    with pytest.raises(AppendOnlyError, match="append-only"):
        AuditEvent.objects.get(seq=2).delete()
    assert AuditEvent.objects.count() == 5


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(action="forged"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: qs.bulk_create([AuditEvent(seq=99)]),
        lambda qs: qs.update_or_create(seq=1, defaults={"action": "forged"}),
    ],
    ids=["update", "delete", "bulk_update", "bulk_create", "update_or_create"],
)
def test_bulk_writes_through_the_queryset_are_refused(chain, operation):
    with pytest.raises(AppendOnlyError, match="append-only"):
        operation(AuditEvent.objects.all())
    assert list(AuditEvent.objects.values_list("seq", "action")) == [
        (i, f"test.action{i}") for i in range(1, 6)
    ]
    assert run_verify()[0] == 0


def test_harden_prints_the_sql_and_refuses_odd_role_names():
    out = StringIO()
    call_command("audit_harden", "--app-role", "openlpse", "--print", stdout=out)
    assert out.getvalue().splitlines() == [
        'REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON "core_auditevent" FROM "openlpse";',
        'GRANT SELECT, INSERT ON "core_auditevent" TO "openlpse";',
    ]
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("audit_harden", "--app-role", 'x"; DROP TABLE y; --', "--print")


# --- audit_verify: intact ---------------------------------------------------------------------


def test_verify_of_an_intact_chain_exits_0_and_prints_the_head(chain):
    code, out, err = run_verify()
    assert code == 0
    assert out == f"OK: 5 events, head {chain[-1].row_hash}\n"
    assert err == ""


def test_verify_of_an_empty_log_is_ok():
    assert run_verify() == (0, f"OK: 0 events, head {'00' * 32}\n", "")


def test_verify_streams_in_small_chunks(chain):
    assert run_verify("--chunk-size", "2")[:2] == (0, f"OK: 5 events, head {chain[-1].row_hash}\n")


# --- audit_verify: tampering ------------------------------------------------------------------


def _edited_value(column: str) -> tuple[str, object]:
    """(SQL expression, parameter) that changes `column` of one row."""
    values: dict[str, tuple[str, object]] = {
        "occurred_at": (
            "%s",
            connection.ops.adapt_datetimefield_value(T0 + dt.timedelta(hours=1)),
        ),
        "actor_id": ("%s", 424242),
        "actor_label": ("%s", "bob"),
        "action": ("%s", "test.innocent"),
        "object_type": ("%s", "accounts.user"),
        "object_id": ("%s", "999"),
        "object_label": ("%s", "Another object"),
        "lpse_id": ("%s", 424242),
        "changes": (jsonb(), json_param({"nested": {"a": "ü€𝄞", "b": [1, 2.5, None, False]}})),
        "ip": ("%s", "10.9.9.9"),
        "user_agent": ("%s", "Safari"),
        "request_id": ("%s", "req-forged"),
    }
    return values[column]


@pytest.mark.parametrize(
    "column",
    [
        "occurred_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "lpse_id",
        "changes",
        "ip",
        "user_agent",
        "request_id",
    ],
)
def test_editing_any_column_of_one_row_names_that_event(chain, column):
    expression, param = _edited_value(column)
    raw(f"UPDATE core_auditevent SET {column} = {expression} WHERE seq = 4", [param])  # noqa: S608
    code, out, err = run_verify()
    assert (code, out) == (1, "")
    assert first_line(err) == (
        f"FAILED: event #4: field differs from the canonical bytes: {column} (row was edited)"
    )


def test_editing_prev_hash_names_that_event(chain):
    raw("UPDATE core_auditevent SET prev_hash = %s WHERE seq = 3", ["ab" * 32])
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #3: field differs from the canonical bytes: prev_hash (row was edited)"
    )


def test_editing_row_hash_is_a_hash_mismatch(chain):
    raw("UPDATE core_auditevent SET row_hash = %s WHERE seq = 3", ["ab" * 32])
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #3: hash mismatch: row_hash is not SHA-256(prev_hash || canon) "
        "(row was edited)"
    )


def test_editing_a_column_and_its_canonical_bytes_together_is_a_hash_mismatch(chain):
    event = AuditEvent.objects.get(seq=3)
    fields = audit.canonical_fields(event) | {"action": "test.innocent"}
    raw(
        "UPDATE core_auditevent SET action = %s, canon = %s WHERE seq = 3",
        ["test.innocent", audit.canonical_bytes(fields)],
    )
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err).startswith("FAILED: event #3: hash mismatch")


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_link_of_the_next_event(chain):
    event = AuditEvent.objects.get(seq=3)
    fields = audit.canonical_fields(event) | {"action": "test.innocent"}
    canon = audit.canonical_bytes(fields)
    raw(
        "UPDATE core_auditevent SET action = %s, canon = %s, row_hash = %s WHERE seq = 3",
        ["test.innocent", canon, audit.chain_hash(event.prev_hash, canon)],
    )
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #4: event #4 does not follow event #3: its prev_hash is not that "
        "event's hash (a row was inserted or moved here, or the one before was rewritten)"
    )


def test_garbage_canonical_bytes_are_reported(chain):
    raw("UPDATE core_auditevent SET canon = %s WHERE seq = 2", [b"\xff not json"])
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #2: its canonical bytes are not valid JSON (canon was edited)"
    )


def test_deleting_a_row_is_a_gap_naming_the_missing_event(chain):
    raw("DELETE FROM core_auditevent WHERE seq = 3")
    code, out, err = run_verify()
    assert (code, out) == (1, "")
    assert first_line(err) == (
        "FAILED: event #3: gap in sequence: event #3 is missing, #2 is followed by #4 "
        "(a row was removed)"
    )


def test_deleting_a_row_and_renumbering_the_rest_names_the_removed_position(chain):
    raw("DELETE FROM core_auditevent WHERE seq = 3")
    raw("UPDATE core_auditevent SET seq = seq - 1 WHERE seq > 3")
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #3: the event stored at #3 was recorded as #4 (rows were reordered, "
        "or rows before it were removed and the rest renumbered)"
    )


def test_deleting_the_first_row_is_detected(chain):
    raw("DELETE FROM core_auditevent WHERE seq = 1")
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err).startswith("FAILED: event #1: gap in sequence: event #1 is missing")


def _insert_forged(seq: int, prev_hash: str, *, good_hash: bool) -> None:
    event = AuditEvent(
        seq=seq,
        occurred_at=T0,
        actor_label="system",
        action="bid.withdraw",
        changes={"forged": True},
        prev_hash=prev_hash,
    )
    canon = audit.canonical_bytes(audit.canonical_fields(event))
    row_hash = (
        audit.chain_hash(prev_hash, canon) if good_hash else hashlib.sha256(canon).hexdigest()
    )
    values = f"%s, %s, 'system', 'bid.withdraw', '', '', '', {jsonb()}, '', '', %s, %s, %s"
    raw(
        "INSERT INTO core_auditevent (seq, occurred_at, actor_label, action, object_type, "  # noqa: S608
        "object_id, object_label, changes, user_agent, request_id, canon, prev_hash, row_hash) "
        "VALUES (" + values + ")",
        [
            seq,
            connection.ops.adapt_datetimefield_value(T0),
            json_param({"forged": True}),
            canon,
            prev_hash,
            row_hash,
        ],
    )


def test_appending_a_forged_row_without_the_right_hash_names_it(chain):
    _insert_forged(6, chain[-1].row_hash, good_hash=False)
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err).startswith("FAILED: event #6: hash mismatch")


def test_appending_a_forged_row_with_a_wrong_link_names_it(chain):
    _insert_forged(6, chain[1].row_hash, good_hash=True)
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err).startswith("FAILED: event #6: event #6 does not follow event #5")


def test_inserting_a_well_formed_forged_row_in_the_middle_names_the_forged_row(chain):
    # The attacker knows the algorithm: makes room after #2 and inserts a correct-looking #3.
    raw("UPDATE core_auditevent SET seq = seq + 100 WHERE seq > 2")
    raw("UPDATE core_auditevent SET seq = seq - 99 WHERE seq > 100")
    _insert_forged(3, chain[1].row_hash, good_hash=True)
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #3: event #3 is not the original: the event recorded as #3 is now "
        "stored at #4 (a row was inserted before it, or rows were reordered)"
    )


def test_swapping_two_rows_seq_names_the_first_moved_event(chain):
    raw("UPDATE core_auditevent SET seq = -2 WHERE seq = 2")
    raw("UPDATE core_auditevent SET seq = 2 WHERE seq = 4")
    raw("UPDATE core_auditevent SET seq = 4 WHERE seq = -2")
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err) == (
        "FAILED: event #2: the event stored at #2 was recorded as #4 (rows were reordered, "
        "or rows before it were removed and the rest renumbered)"
    )


def test_swapping_adjacent_rows_is_detected_at_the_first(chain):
    raw("UPDATE core_auditevent SET seq = -4 WHERE seq = 4")
    raw("UPDATE core_auditevent SET seq = 4 WHERE seq = 5")
    raw("UPDATE core_auditevent SET seq = 5 WHERE seq = -4")
    code, _out, err = run_verify()
    assert code == 1
    assert first_line(err).startswith("FAILED: event #4: the event stored at #4 was recorded as #5")


def test_a_row_with_seq_before_one_is_reported(chain):
    raw("UPDATE core_auditevent SET seq = 0 WHERE seq = 1")
    code, _out, err = run_verify()
    assert code == 1
    assert (
        first_line(err) == "FAILED: event #0: event #0 is out of sequence (inserted row before #1)"
    )


def test_verification_continues_to_work_after_new_events_are_appended(chain):
    with transaction.atomic():
        audit.record(actor=None, action="test.more")
    assert run_verify()[:2] == (0, f"OK: 6 events, head {AuditEvent.objects.get(seq=6).row_hash}\n")


# --- export and offline verification -----------------------------------------------------------


def test_export_writes_one_line_per_event_and_verifies_offline(chain, tmp_path):
    export = tmp_path / "audit.jsonl"
    code, out, _err = run_verify("--export", str(export))
    assert code == 0
    assert out.splitlines() == [
        f"Exported 5 events to {export}",
        f"OK: 5 events, head {chain[-1].row_hash}",
    ]
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5]
    assert base64.b64decode(lines[2]["canon"]) == bytes(chain[2].canon)
    assert (lines[4]["prev_hash"], lines[4]["row_hash"]) == (chain[4].prev_hash, chain[4].row_hash)
    assert run_verify("--from-export", str(export))[:2] == (
        0,
        f"OK: 5 events, head {chain[-1].row_hash}\n",
    )


def test_offline_verification_detects_an_edited_export(chain, tmp_path):
    export = tmp_path / "audit.jsonl"
    run_verify("--export", str(export))
    lines = export.read_text().splitlines()
    third = json.loads(lines[2])
    canon = json.loads(base64.b64decode(third["canon"]))
    canon["action"] = "test.innocent"
    third["canon"] = base64.b64encode(audit.canonical_bytes(canon)).decode()
    lines[2] = json.dumps(third)
    export.write_text("\n".join(lines) + "\n")
    code, _out, err = run_verify("--from-export", str(export))
    assert code == 1
    assert first_line(err) == "FAILED: event #3: hash mismatch"


def _documented_verifier() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- offline-verifier -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/audit-chain.md must hold the offline verifier"
    return match.group(1)


def test_the_documented_offline_recipe_verifies_an_export_and_catches_a_removed_line(
    chain, tmp_path
):
    script = tmp_path / "verify_audit_export.py"
    script.write_text(_documented_verifier())
    export = tmp_path / "audit.jsonl"
    run_verify("--export", str(export))
    ok = subprocess.run(
        [sys.executable, str(script), str(export)], capture_output=True, text=True, check=False
    )
    assert (ok.returncode, ok.stdout) == (0, f"OK: 5 events, head {chain[-1].row_hash}\n")
    lines = export.read_text().splitlines()
    export.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    bad = subprocess.run(
        [sys.executable, str(script), str(export)], capture_output=True, text=True, check=False
    )
    assert (bad.returncode, bad.stdout) == (1, "FAILED at event #2: expected #2, found #3\n")
