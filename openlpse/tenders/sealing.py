"""The seam between announcing a tender and the sealed-bid keys (architecture §5).

The announcement is the moment the sealed-bid keys are created: per envelope, the committee
key (made in the Pokja chair's browser, split among the members) and the system key (made by
the key service). The bids work registers a `Preparer` here; `tender_announce` calls
`prepare_sealing` inside its transaction, after every check and before the status changes, so
a failure to make keys leaves the tender unannounced. Until a preparer is registered the
announcement records that no keys exist yet (`sealing_prepared` False in the audit event).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openlpse.tenders.models import Tender

Preparer = Callable[..., dict[str, Any]]

_preparers: list[Preparer] = []


def register(preparer: Preparer) -> Preparer:
    """Register a function `preparer(*, tender, actor, envelopes) -> dict` (summary for the
    audit event). Import time only."""
    if preparer not in _preparers:
        _preparers.append(preparer)
    return preparer


def envelopes_of(tender: Tender) -> list[str]:
    from openlpse.tenders.enums import PREQUALIFICATION_METHODS, TWO_FILE_METHODS, Envelope

    envelopes = [Envelope.QUALIFICATION] if tender.method in PREQUALIFICATION_METHODS else []
    if tender.method in TWO_FILE_METHODS:
        envelopes += [Envelope.FILE_1, Envelope.FILE_2]
    else:
        envelopes.append(Envelope.SINGLE)
    return [str(e) for e in envelopes]


def prepare_sealing(*, tender: Tender, actor: Any) -> dict[str, Any]:
    summary: dict[str, Any] = {"sealing_prepared": bool(_preparers)}
    for preparer in _preparers:
        summary.update(preparer(tender=tender, actor=actor, envelopes=envelopes_of(tender)))
    return summary


# A change of the schedule after the announcement may move an envelope's opening time: the
# bids work registers a hook that tells the key service (issue 5).
_schedule_hooks: list[Preparer] = []


def register_schedule_change(hook: Preparer) -> Preparer:
    """Register `hook(*, tender, changed: list[str]) -> dict` (summary for the audit event),
    called inside the schedule change's transaction. Import time only."""
    if hook not in _schedule_hooks:
        _schedule_hooks.append(hook)
    return hook


def schedule_changed(*, tender: Tender, changed: list[str]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for hook in _schedule_hooks:
        summary.update(hook(tender=tender, changed=changed))
    return summary


Readiness = Callable[[Any], list[str]]
_readiness: list[Readiness] = []


def register_readiness(check: Readiness) -> Readiness:
    """Register `check(tender) -> list of sentences` saying why the sealing keys are not ready
    for the announcement (the set-up page lists them with the other blockers). Import time only."""
    if check not in _readiness:
        _readiness.append(check)
    return check


def readiness(tender: Tender) -> list[str]:
    problems: list[str] = []
    for check in _readiness:
        problems.extend(check(tender))
    return problems
