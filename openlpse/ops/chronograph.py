"""The chronograph's handler registry.

A handler is a plain function registered for one kind of due check::

    @chronograph.handler("tenders.close_submissions")
    def close_submissions(check: DueCheck) -> datetime | None:
        ...

It runs inside a transaction (its own savepoint) with the check's row locked. It must be
idempotent: it may run early, or twice after a crash, and must then do nothing harmful. It
returns None when the work is finished, or the next time it should run again.

Handlers live in `<app>/chronograph_handlers.py`; `OpsConfig.ready()` imports those modules.
The registry is filled at import time only and never changes while requests run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from openlpse.ops.models import DueCheck

Handler: TypeAlias = "Callable[[DueCheck], dt.datetime | None]"

_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `func` as the handler of due checks of `kind`."""

    def register(func: Handler) -> Handler:
        existing = _handlers.get(kind)
        if existing is not None and existing is not func:
            raise ValueError(f"a chronograph handler for {kind!r} is already registered")
        _handlers[kind] = func
        return func

    return register


def get_handler(kind: str) -> Handler | None:
    return _handlers.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


@contextmanager
def registered(kind: str, func: Handler) -> Iterator[None]:
    """Tests: register a handler for the duration of a `with` block."""
    if kind in _handlers:
        raise ValueError(f"a chronograph handler for {kind!r} is already registered")
    _handlers[kind] = func
    try:
        yield
    finally:
        del _handlers[kind]
