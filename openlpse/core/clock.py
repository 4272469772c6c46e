"""The one clock of OpenLPSE.

Every "now" in domain code comes from `clock.now()`, so tests can move time
(`with clock.frozen(dt): ...`) instead of sleeping. The override lives in a context variable,
not in module state, so concurrent requests and threads never see each other's time.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "openlpse_clock_override", default=None
)


def now() -> dt.datetime:
    """Aware UTC datetime: the frozen test time if one is set, else the real time."""
    frozen = _override.get()
    return frozen if frozen is not None else timezone.now()


def db_now() -> dt.datetime:
    """The database server's clock (deadline decisions are made by the database, not the app).

    Uses clock_timestamp() on PostgreSQL (the statement's real time, not the transaction's
    start). A frozen test clock wins so tests stay deterministic.
    """
    frozen = _override.get()
    if frozen is not None:
        return frozen
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            value: dt.datetime = cursor.fetchone()[0]
        return value.astimezone(dt.UTC)
    return timezone.now()


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        raise ValueError("clock.frozen() needs an aware datetime")
    token = _override.set(at.astimezone(dt.UTC))
    try:
        yield
    finally:
        _override.reset(token)


def advance(delta: dt.timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    current = _override.get()
    if current is None:
        raise RuntimeError("clock.advance() needs clock.frozen() first")
    _override.set(current + delta)
