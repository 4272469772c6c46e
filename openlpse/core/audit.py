"""The audit chain: `record()` appends one hash-chained event in the caller's transaction.

Call it last in a service's transaction (the append lock is held until commit):

    audit.record(actor=actor, action="lpse.update", obj=lpse, changes={"name": [old, new]})
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.query import QuerySet

from openlpse.core import clock, request_context
from openlpse.core.models import AuditEvent

GENESIS_HASH = "00" * 32
# Arbitrary constant key of the PostgreSQL advisory lock that serialises appends.
_ADVISORY_LOCK_KEY = 4_242_001


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    # SQLite: transactions start IMMEDIATE (settings), so writers are already serialised.


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return rfc8785.dumps(fields)


def chain_hash(prev_hash: str, canon: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canon).hexdigest()


def _describe(obj: Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:300]


def record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    changes: dict[str, Any] | None = None,
    lpse_id: int | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the transaction of the change")
    meta = request_context.current()
    object_type, object_id, object_label = _describe(obj)
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label or (getattr(actor, "username", "") if actor_id else "system")
    _lock_chain()
    last: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash")  # type: ignore[assignment]
    head = last.first()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)  # type: ignore[index]
    occurred_at = clock.now()
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "lpse_id": lpse_id,
        "changes": changes or {},
        "ip": meta.ip,
        "user_agent": meta.user_agent,
        "request_id": meta.request_id,
        "prev_hash": prev_hash,
    }
    canon = canonical_bytes(fields)
    return AuditEvent.objects.create(
        seq=seq,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        lpse_id=lpse_id,
        changes=changes or {},
        ip=meta.ip,
        user_agent=meta.user_agent,
        request_id=meta.request_id,
        canon=canon,
        prev_hash=prev_hash,
        row_hash=chain_hash(prev_hash, canon),
    )
