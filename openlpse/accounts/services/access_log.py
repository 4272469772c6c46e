"""Writing the access log: one entry plus its audit event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openlpse.accounts.models.access_log import AccessEvent, AccessLogEntry
from openlpse.accounts.models.user import User
from openlpse.core import audit, clock, request_context

# The event is an action of the user themselves only when they proved who they are.
_ACTED_BY_USER = frozenset(
    {
        AccessEvent.LOGIN,
        AccessEvent.LOGOUT,
        AccessEvent.MFA_VERIFIED,
        AccessEvent.MFA_ENABLED,
        AccessEvent.MFA_DISABLED,
        AccessEvent.PASSWORD_CHANGED,
    }
)


def normalize_identifier(identifier: str) -> str:
    return identifier.strip().lower()[:254]


def access_log_record(
    *,
    event: AccessEvent,
    user: User | None,
    username_attempted: str = "",
    detail: str = "",
    lpse_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Append one access-log entry and its audit event (auth.<event>) atomically.

    IP and user agent come from the request context. `username_attempted` is kept in lower
    case so that throttling counts "Budi" and "budi" as one name.
    """
    meta = request_context.current()
    with transaction.atomic():
        entry = AccessLogEntry.objects.create(
            user=user,
            username_attempted=normalize_identifier(
                username_attempted or (user.username if user else "")
            ),
            event=event,
            detail=detail[:200],
            ip=meta.ip,
            user_agent=meta.user_agent,
            lpse_id=lpse_id,
            created_at=clock.now(),
        )
        acted = user if (user is not None and event in _ACTED_BY_USER) else None
        audit_changes: dict[str, Any] = {"access_log_id": entry.pk, "event": str(event)}
        if user is None and entry.username_attempted:
            audit_changes["username_attempted"] = entry.username_attempted
        if detail:
            audit_changes["detail"] = entry.detail
        audit_changes.update(changes or {})
        label = None
        if acted is None:
            label = "system" if event == AccessEvent.SESSION_EXPIRED else "anonymous"
        audit.record(
            actor=acted,
            action=f"auth.{event}",
            obj=user,
            changes=audit_changes,
            lpse_id=lpse_id,
            actor_label=label,
        )
    return entry
