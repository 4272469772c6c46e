"""The file II gate of 2-file tenders (issue 5 item 6; spse-reference §2.2 B and C): file II
(price) is opened only for bids that passed file I (administration and technical). The
evaluation (issue 6) records each result here; the opening ceremony asks `file_two_may_open`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import FileOneResult, OpeningSession
from openlpse.core import audit, clock, errors
from openlpse.tenders.enums import TWO_FILE_METHODS, Envelope
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.services.common import lock_tender


def record_file_one_result(
    *, actor: Any, tender: Tender, vendor: Any, passed: bool, reason: str
) -> FileOneResult:
    """Record (or change, until file II is opened) whether `vendor` passed file I. Pokja of
    the tender only; audited."""
    with transaction.atomic():
        if not is_committee_member(actor, tender):
            raise errors.PermissionDenied(
                _("Only the tender's Pokja records the result of file I."), code="not_committee"
            )
        locked = lock_tender(tender)
        if locked.method not in TWO_FILE_METHODS:
            raise errors.Conflict(
                _("This tender has one file; there is no file I result to record."),
                code="not_two_file",
            )
        if OpeningSession.objects.filter(
            tender=locked, envelope=Envelope.FILE_2, status=SessionStatus.OPENED
        ).exists():
            raise errors.Conflict(
                _(
                    "File II of this tender is already opened; the file I results can no "
                    "longer change."
                ),
                code="file_two_opened",
            )
        reason = (reason or "").strip()
        if not passed and not reason:
            raise errors.field_error(
                "reason",
                _("Give the reason why the bid did not pass file I."),
                code="reason_required",
            )
        now = clock.now()
        previous = FileOneResult.objects.filter(tender=locked, vendor=vendor).first()
        before = None if previous is None else previous.passed
        if previous is None:
            result = FileOneResult.objects.create(
                tender=locked,
                vendor=vendor,
                passed=passed,
                reason=reason,
                decided_by=actor,
                decided_at=now,
            )
        else:
            result = previous
            result.passed, result.reason = passed, reason
            result.decided_by, result.decided_at = actor, now
            result.save(update_fields=["passed", "reason", "decided_by", "decided_at"])
        audit.record(
            actor=actor,
            action="bids.file_one_result",
            obj=result,
            changes={
                "tender": locked.code,
                "vendor": str(vendor.pk),
                "passed": passed,
                "reason": reason,
                "previous": before,
            },
            lpse_id=locked.lpse_id,
        )
    return result


def file_two_may_open(*, tender: Tender, vendor: Any) -> bool:
    """True only when the vendor's file I result is recorded as passed."""
    vendor_id = getattr(vendor, "pk", vendor)
    return FileOneResult.objects.filter(tender=tender, vendor_id=vendor_id, passed=True).exists()
