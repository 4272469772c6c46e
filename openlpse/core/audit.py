"""The audit chain: `record()` appends one hash-chained event in the caller's transaction.

Call it last in a service's transaction (the append lock is held until commit):

    audit.record(actor=actor, action="lpse.update", obj=lpse, changes={"name": [old, new]})

Each event stores `canon`, the RFC 8785 canonical JSON of every other column but `row_hash`,
and row_hash = SHA-256(prev_hash || canon). `verify_chain()` (`manage.py audit_verify`) walks
the rows in `seq` order, re-derives the canonical bytes from the columns and compares them with
`canon`, then checks the links, so an edit of any column, a removed, inserted or moved row is
reported with the first event that is not original. docs/audit-chain.md has the details and the
offline verification recipe for auditors.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import rfc8785
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils.ipv6 import clean_ipv6_address

from openlpse.core import clock, merkle, request_context
from openlpse.core.models import AuditEvent

GENESIS_HASH = "00" * 32
# Version of the canonical form; bump it (and keep the old derivation) if the fields change.
CANON_VERSION = 1
# Arbitrary constant key of the PostgreSQL advisory lock that serialises appends.
_ADVISORY_LOCK_KEY = 4_242_001
# Columns limited in length; record() truncates to them so that what is stored (and read back
# by verification) is exactly what was hashed, on SQLite (no limit) and PostgreSQL alike.
_MAX_LENGTHS = {
    "actor_label": 200,
    "object_type": 80,
    "object_id": 80,
    "object_label": 300,
    "user_agent": 400,
    "request_id": 64,
}


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so writers are already serialised.


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return rfc8785.dumps(fields)


def chain_hash(prev_hash: str, canon: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canon).hexdigest()


def format_time(value: dt.datetime) -> str:
    """The canonical time: UTC, microseconds, `Z` (the same text whatever the DB returns)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_fields(event: AuditEvent) -> dict[str, Any]:
    """Every stored column except `canon` and `row_hash`, in the form that is hashed.

    record() hashes what this returns for the new row, and verification calls it on the row
    read back from the database, so the two must agree on every backend.
    """
    return {
        "v": CANON_VERSION,
        "seq": event.seq,
        "occurred_at": format_time(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "lpse_id": event.lpse_id,
        "changes": event.changes,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }


def _describe(obj: Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)


def _normalise_ip(value: str | None) -> str | None:
    """The text the database gives back for this address; None for anything that is not one
    (a malformed X-Forwarded-For must not make the business transaction fail)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(value)
    return str(address)


def _normalise_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    """JSON as it comes back from the JSON column: Decimal, datetime, UUID become strings,
    tuples become lists, keys become strings."""
    if not changes:
        return {}
    normalised = json.loads(json.dumps(changes, cls=DjangoJSONEncoder))
    if not isinstance(normalised, dict):
        raise TypeError("audit changes must be a JSON object")
    return normalised


def record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    changes: dict[str, Any] | None = None,
    lpse_id: int | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction that made the change, as its last
    statement: on PostgreSQL the append lock is then held only until the commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the transaction of the change")
    if not action or len(action) > 80:
        raise ValueError("audit action codes are 1 to 80 characters long")
    meta = request_context.current()
    object_type, object_id, object_label = _describe(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = getattr(actor, "pk", None) if authenticated else None
    label = str(actor_label or (getattr(actor, "username", "") if actor_id else "system"))
    values: dict[str, str] = {
        "actor_label": label,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "user_agent": meta.user_agent or "",
        "request_id": meta.request_id or "",
    }
    values = {name: value[: _MAX_LENGTHS[name]] for name, value in values.items()}
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=actor_id,
        action=action,
        lpse_id=lpse_id,
        changes=_normalise_changes(changes),
        ip=_normalise_ip(meta.ip),
        **values,
    )
    _lock_chain()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash").first()
    event.seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    canon = canonical_bytes(canonical_fields(event))
    event.canon = canon
    event.row_hash = chain_hash(event.prev_hash, canon)
    event.save(force_insert=True)
    return event


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a verification: `ok`, how many events were checked and the head, or the
    first event that is not original (`first_bad_seq`) and why."""

    ok: bool
    count: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class _Problem:
    seq: int
    reason: str


def _canonical_or_none(value: Any) -> bytes | None:
    try:
        return canonical_bytes(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return None


def _compare_canon(event: AuditEvent, stored: bytes) -> _Problem | None:
    derived_fields = canonical_fields(event)
    if _canonical_or_none(derived_fields) == stored:
        return None
    try:
        recorded = json.loads(stored)
    except ValueError:
        return _Problem(event.seq, "its canonical bytes are not valid JSON (canon was edited)")
    if not isinstance(recorded, dict):
        return _Problem(event.seq, "its canonical bytes are not a JSON object (canon was edited)")
    missing = object()
    differing = sorted(
        name
        for name in set(recorded) | set(derived_fields)
        if recorded.get(name, missing) is missing
        or derived_fields.get(name, missing) is missing
        or _canonical_or_none(recorded[name]) != _canonical_or_none(derived_fields[name])
        or _canonical_or_none(recorded[name]) is None
    )
    recorded_seq = recorded.get("seq")
    if "seq" in differing and isinstance(recorded_seq, int):
        if recorded_seq < event.seq:
            # The original #recorded_seq sits further down, so the row now at #recorded_seq
            # (which we already passed) was put there: that is the first bad event.
            return _Problem(
                recorded_seq,
                f"event #{recorded_seq} is not the original: the event recorded as "
                f"#{recorded_seq} is now stored at #{event.seq} "
                "(a row was inserted before it, or rows were reordered)",
            )
        return _Problem(
            event.seq,
            f"the event stored at #{event.seq} was recorded as #{recorded_seq} "
            "(rows were reordered, or rows before it were removed and the rest renumbered)",
        )
    if not differing:
        return _Problem(event.seq, "its canonical bytes were edited (not in canonical form)")
    names = ", ".join(differing)
    return _Problem(event.seq, f"field differs from the canonical bytes: {names} (row was edited)")


def _check_event(event: AuditEvent, expected_seq: int, prev_hash: str) -> _Problem | None:
    if event.seq > expected_seq:
        return _Problem(
            expected_seq,
            f"gap in sequence: event #{expected_seq} is missing, #{expected_seq - 1} is "
            f"followed by #{event.seq} (a row was removed)",
        )
    if event.seq < expected_seq:
        return _Problem(
            event.seq, f"event #{event.seq} is out of sequence (inserted row before #1)"
        )
    stored = bytes(event.canon)
    problem = _compare_canon(event, stored)
    if problem is not None:
        return problem
    if event.prev_hash != prev_hash:
        return _Problem(
            event.seq,
            f"event #{event.seq} does not follow event #{event.seq - 1}: its prev_hash is not "
            "that event's hash (a row was inserted or moved here, or the one before was rewritten)",
        )
    if event.row_hash != chain_hash(prev_hash, stored):
        return _Problem(
            event.seq, "hash mismatch: row_hash is not SHA-256(prev_hash || canon) (row was edited)"
        )
    return None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in `seq` order with a streaming cursor (constant memory)."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)
    for event in rows:
        problem = _check_event(event, expected_seq, prev_hash)
        if problem is not None:
            return ChainReport(
                ok=False,
                count=expected_seq - 1,
                head_seq=expected_seq - 1,
                head_hash=prev_hash,
                first_bad_seq=problem.seq,
                reason=problem.reason,
            )
        expected_seq += 1
        prev_hash = event.row_hash
    return ChainReport(
        ok=True, count=expected_seq - 1, head_seq=expected_seq - 1, head_hash=prev_hash
    )


# --- export for auditors --------------------------------------------------------------------


def export_lines(*, chunk_size: int = 2000) -> Iterator[str]:
    """One JSON line per event: seq, canon (base64), prev_hash, row_hash, in `seq` order.

    An auditor verifies it without access to the server (docs/audit-chain.md).
    """
    rows = (
        AuditEvent.objects.order_by("seq")
        .values_list("seq", "canon", "prev_hash", "row_hash")
        .iterator(chunk_size=chunk_size)
    )
    for seq, canon, prev_hash, row_hash in rows:
        line = {
            "seq": seq,
            "canon": base64.b64encode(bytes(canon)).decode("ascii"),
            "prev_hash": prev_hash,
            "row_hash": row_hash,
        }
        yield json.dumps(line, separators=(",", ":")) + "\n"


def export_chain(stream: IO[str], *, chunk_size: int = 2000) -> int:
    count = 0
    for line in export_lines(chunk_size=chunk_size):
        stream.write(line)
        count += 1
    return count


def verify_export(lines: Iterable[str]) -> ChainReport:
    """Verify an export file offline: the same checks an auditor's script makes."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for raw in lines:
        if not raw.strip():
            continue
        line = json.loads(raw)
        seq = line["seq"]
        canon = base64.b64decode(line["canon"])
        recorded = json.loads(canon)
        reason = ""
        if seq != expected_seq:
            reason = f"expected event #{expected_seq}, found #{seq}"
        elif recorded.get("seq") != seq or recorded.get("prev_hash") != line["prev_hash"]:
            reason = "seq or prev_hash differ from the canonical bytes"
        elif line["prev_hash"] != prev_hash:
            reason = "prev_hash is not the previous event's hash"
        elif line["row_hash"] != chain_hash(prev_hash, canon):
            reason = "hash mismatch"
        if reason:
            return ChainReport(
                ok=False,
                count=expected_seq - 1,
                head_seq=expected_seq - 1,
                head_hash=prev_hash,
                first_bad_seq=min(seq, expected_seq),
                reason=reason,
            )
        expected_seq += 1
        prev_hash = line["row_hash"]
    return ChainReport(
        ok=True, count=expected_seq - 1, head_seq=expected_seq - 1, head_hash=prev_hash
    )


# --- Merkle root for checkpoints -------------------------------------------------------------


def merkle_root(*, size: int | None = None, chunk_size: int = 2000) -> tuple[int, bytes]:
    """(size, RFC 6962 root) over the `row_hash` bytes of events 1..size (all by default),
    streamed. Published in signed checkpoints; a later recompute that differs, or a log shorter
    than a checkpoint, shows rewriting that the chain alone cannot."""
    rows = AuditEvent.objects.order_by("seq").values_list("row_hash", flat=True)
    if size is not None:
        rows = rows.filter(seq__lte=size)
    return merkle.root(bytes.fromhex(h) for h in rows.iterator(chunk_size=chunk_size))
