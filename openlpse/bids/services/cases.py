"""Bids that cannot be opened (issue 5 item 8; LT 27(2)-(3); security-reference §1.6).

The Pokja sends an unopenable bid to the LPSE for a statement: the LPSE's administrators or
staff review the evidence bundle (`case_review`, their finding), make the witness report,
the berita acara kesaksian (`case_witness_report`), and may escalate to LKPP
(`case_escalate`). Only after the report may the Pokja declare the bid non-compliant
(`case_declare_noncompliant`); it may not reject a bid at the opening for any other reason.

A storage fault (the stored bytes differ from the receipt's SHA-256) is not the bidder's: the
LPSE restores the file from the backup and re-checks it (`case_recheck`); when the bytes match
the receipt again the Pokja re-opens that bid with its shares (`case_reopen`, then the usual
share offers on the new session).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.bids import (
    documents_kinds,  # noqa: F401  (registers the document kinds)
    witness_report,
)
from openlpse.bids import permissions_opening as perms
from openlpse.bids.enums import CaseStatus, SessionStatus
from openlpse.bids.models import OpeningSession, UnopenableCase
from openlpse.bids.services.opening import E_STORAGE, _ready_keys
from openlpse.core import audit, clock, errors
from openlpse.core.storage import file_store
from openlpse.tenders.permissions import is_committee_member

_CLOSED = (CaseStatus.DECLARED, CaseStatus.RESTORED)


def _lock(case: UnopenableCase) -> UnopenableCase:
    return (
        UnopenableCase.objects.select_for_update(of=("self",))
        .select_related(
            "opened_bid",
            "opened_bid__submission",
            "opened_bid__submission__vendor",
            "opened_bid__session",
            "opened_bid__session__tender",
            "opened_bid__session__tender__lpse",
            "opened_bid__session__tender__package",
        )
        .get(pk=case.pk)
    )


def _tender(case: UnopenableCase) -> Any:
    return case.opened_bid.session.tender


def _require_handler(actor: Any, case: UnopenableCase) -> None:
    if not perms.can_handle_case(actor, case):
        if perms.can_view_case(actor, case):
            raise errors.PermissionDenied(
                _(
                    "Only the LPSE's administrators and staff review unopenable bids and make "
                    "the witness report."
                ),
                code="not_lpse_staff",
            )
        raise errors.NotFound()


def _require_open(case: UnopenableCase) -> None:
    if case.status in _CLOSED:
        raise errors.Conflict(
            _("This case is closed (%(status)s); nothing more can be recorded in it.")
            % {"status": CaseStatus(case.status).label},
            code="case_closed",
        )


def _record(actor: Any, action: str, case: UnopenableCase, changes: dict[str, Any]) -> None:
    tender = _tender(case)
    submission = case.opened_bid.submission
    audit.record(
        actor=actor,
        action=action,
        obj=case,
        changes={
            "tender": tender.code,
            "receipt_number": submission.receipt_number,
            "error_class": case.opened_bid.error_class,
            **changes,
        },
        lpse_id=tender.lpse_id,
    )


def case_review(*, actor: Any, case: UnopenableCase, finding: str) -> UnopenableCase:
    """The LPSE's finding on the evidence (may be revised until the case closes)."""
    with transaction.atomic():
        _require_handler(actor, case)
        locked = _lock(case)
        _require_open(locked)
        finding = (finding or "").strip()
        if not finding:
            raise errors.field_error(
                "finding",
                _("Write what the LPSE found when it examined the evidence."),
                code="finding_required",
            )
        before = locked.finding
        locked.finding = finding
        locked.reviewed_by = actor
        locked.reviewed_at = clock.now()
        locked.save(update_fields=["finding", "reviewed_by", "reviewed_at"])
        _record(actor, "bids.case_review", locked, {"finding": [before, finding]})
    return locked


def case_witness_report(*, actor: Any, case: UnopenableCase) -> UnopenableCase:
    """Generate the berita acara kesaksian (a new version replaces the case's current one)."""
    with transaction.atomic():
        _require_handler(actor, case)
        locked = _lock(case)
        _require_open(locked)
        if not locked.finding:
            raise errors.Conflict(
                _("Record the LPSE's finding first; the witness report states it."),
                code="review_first",
            )
        now = clock.now()
        pdf = witness_report.report_pdf(case=locked, actor=actor, at=now)
        submission = locked.opened_bid.submission
        tender = _tender(locked)
        stored = file_store(
            upload=ContentFile(
                pdf, name=f"BA-Kesaksian-{tender.code}-{submission.receipt_number}.pdf"
            ),
            kind="opening_minutes",
            owner=actor,
            purpose=f"BA kesaksian {tender.code} {submission.receipt_number}",
            lpse=tender.lpse,
        )
        locked.witness_report = stored
        if locked.status == CaseStatus.REPORTED:
            locked.status = CaseStatus.WITNESSED
        locked.save(update_fields=["witness_report", "status"])
        _record(actor, "bids.case_witness_report", locked, {"sha256": stored.sha256})
    return locked


def case_escalate(*, actor: Any, case: UnopenableCase, reference: str, note: str) -> UnopenableCase:
    """Record the escalation of the case to LKPP (its reference and a note)."""
    with transaction.atomic():
        _require_handler(actor, case)
        locked = _lock(case)
        _require_open(locked)
        reference = (reference or "").strip()
        if not reference:
            raise errors.field_error(
                "reference",
                _("Give the reference of the letter or ticket sent to LKPP."),
                code="reference_required",
            )
        locked.escalated_at = clock.now()
        locked.escalation_reference = reference[:100]
        locked.escalation_note = (note or "").strip()
        locked.status = CaseStatus.ESCALATED
        locked.save(
            update_fields=["escalated_at", "escalation_reference", "escalation_note", "status"]
        )
        _record(
            actor,
            "bids.case_escalate",
            locked,
            {"reference": locked.escalation_reference, "note": locked.escalation_note},
        )
    return locked


def case_declare_noncompliant(*, actor: Any, case: UnopenableCase, reason: str) -> UnopenableCase:
    """The Pokja declares the unopenable bid non-compliant: only after the LPSE's witness
    report (LT 27(3); LKPP procedure 4.2.6)."""
    with transaction.atomic():
        tender = _tender(case)
        if not is_committee_member(actor, tender):
            if perms.can_view_case(actor, case):
                raise errors.PermissionDenied(
                    _("Only the tender's Pokja declares a bid non-compliant."),
                    code="not_committee",
                )
            raise errors.NotFound()
        locked = _lock(case)
        _require_open(locked)
        if locked.witness_report_id is None:
            raise errors.Conflict(
                _(
                    "The bid can be declared non-compliant only after the LPSE's witness report "
                    "(berita acara kesaksian). Send the case to the LPSE and wait for it."
                ),
                code="witness_report_required",
            )
        reason = (reason or "").strip()
        if not reason:
            raise errors.field_error(
                "reason",
                _("Give the reason, citing the witness report."),
                code="reason_required",
            )
        locked.declared_by = actor
        locked.declared_at = clock.now()
        locked.declaration_reason = reason
        locked.status = CaseStatus.DECLARED
        locked.save(update_fields=["declared_by", "declared_at", "declaration_reason", "status"])
        _record(actor, "bids.case_declare", locked, {"reason": reason})
    return locked


def _stored_sha(case: UnopenableCase) -> str | None:
    name = case.opened_bid.submission.storage_name
    hasher = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as stream:
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                hasher.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return hasher.hexdigest()


def case_recheck(*, actor: Any, case: UnopenableCase) -> bool:
    """After a restore: do the stored bytes match the receipt again? Audited either way."""
    with transaction.atomic():
        _require_handler(actor, case)
        locked = _lock(case)
        now_sha = _stored_sha(locked)
        expected = locked.opened_bid.submission.sha256
        _record(
            actor,
            "bids.case_recheck",
            locked,
            {"stored_sha256": now_sha, "receipt_sha256": expected, "match": now_sha == expected},
        )
    return now_sha == expected


def case_reopen(*, actor: Any, case: UnopenableCase) -> OpeningSession:
    """Start the re-opening of a bid whose stored file was restored (storage fault only): the
    stored bytes must match the receipt again. Pokja only; the members then offer their shares
    on the returned session as at the opening."""
    with transaction.atomic():
        tender = _tender(case)
        if not is_committee_member(actor, tender):
            if perms.can_view_case(actor, case):
                raise errors.PermissionDenied(
                    _("Only the tender's Pokja re-opens a bid."), code="not_committee"
                )
            raise errors.NotFound()
        locked = _lock(case)
        _require_open(locked)
        opened = locked.opened_bid
        if opened.error_class != E_STORAGE:
            raise errors.Conflict(
                _(
                    "Only a bid whose stored file was damaged or lost (storage fault) can be "
                    "opened again; this one failed for a reason in the file itself."
                ),
                code="not_storage_fault",
            )
        live = OpeningSession.objects.filter(
            reopen_of=locked, status=SessionStatus.COLLECTING
        ).first()
        if live is not None:
            return live
        now_sha = _stored_sha(locked)
        if now_sha != opened.submission.sha256:
            raise errors.Conflict(
                _(
                    "The stored file still differs from the receipt's SHA-256 (or is missing). "
                    "The LPSE must restore it from the backup first."
                ),
                code="still_damaged",
            )
        keys = _ready_keys(tender, opened.session.envelope)
        session = OpeningSession.objects.create(
            tender=tender,
            envelope=opened.session.envelope,
            keys=keys,
            started_by=actor,
            started_at=clock.now(),
            reopen_of=locked,
        )
        _record(actor, "bids.case_reopen", locked, {"session": session.pk})
    return session
