"""Who sees qualification submissions (issue 5 item 5), decided here only:

- the vendor that submitted (its administrator and staff): every version, always;
- the tender's committee (Pokja, or the Pejabat Pengadaan): the effective submissions, and only
  after the submission window closed by the server's clock;
- nobody else, never the public. Missing and hidden answer the same NotFound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from openlpse.bids.models import QualificationSubmission
from openlpse.bids.services.qualification import acting_vendor, qualification_action
from openlpse.core import clock, errors
from openlpse.core.models import StoredFile
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.windows import window_for
from openlpse.vendors.models import Vendor

VISIBLE_STATUSES = (TenderStatus.ANNOUNCED,)


def qualification_window(tender: Tender) -> tuple[dt.datetime, dt.datetime] | None:
    return window_for(tender, qualification_action(tender))


def window_closed(tender: Tender, at: dt.datetime | None = None) -> bool:
    window = qualification_window(tender)
    return window is not None and (at or clock.now()) >= window[1]


def window_open(tender: Tender, at: dt.datetime | None = None) -> bool:
    window = qualification_window(tender)
    at = at or clock.now()
    return window is not None and window[0] <= at < window[1]


def tender_by_code(code: str) -> Tender:
    """An announced (or later) tender by its code; NotFound otherwise."""
    tender = (
        Tender.objects.filter(code=code, announced_at__isnull=False)
        .select_related("lpse", "package")
        .prefetch_related("stages")
        .first()
    )
    if tender is None:
        raise errors.NotFound()
    return tender


def vendor_for_page(*, user: Any) -> Vendor:
    """The vendor the user acts for; NotFound for anyone else (officials included)."""
    return acting_vendor(user)


def vendor_versions(*, vendor: Vendor, tender: Tender) -> QuerySet[QualificationSubmission]:
    """Every version the vendor sent for the tender, newest first."""
    return (
        QualificationSubmission.objects.filter(tender=tender, vendor=vendor)
        .select_related("submitted_by")
        .prefetch_related("documents")
        .order_by("-version")
    )


def committee_qualifications(*, user: Any, tender: Tender) -> QuerySet[QualificationSubmission]:
    """The effective submissions for the tender's committee: none before the window closed,
    NotFound for anyone who is not on the committee."""
    if not is_committee_member(user, tender):
        raise errors.NotFound()
    if not window_closed(tender):
        return QualificationSubmission.objects.none()
    return (
        QualificationSubmission.objects.filter(tender=tender, is_effective=True)
        .select_related("vendor", "submitted_by")
        .prefetch_related("documents")
        .order_by("vendor__name", "vendor_id")
    )


def access_qualification(*, user: Any, submission_id: int) -> QualificationSubmission:
    """One submission for its vendor (any version) or, after the close, for the committee
    (the effective one); NotFound otherwise."""
    submission = (
        QualificationSubmission.objects.filter(pk=submission_id)
        .select_related("tender", "tender__package", "tender__lpse", "vendor")
        .first()
    )
    if submission is None or not getattr(user, "is_authenticated", False):
        raise errors.NotFound()
    from openlpse.tenders.permissions_documents import may_act_for_vendor

    if may_act_for_vendor(user, submission.vendor):
        return submission
    tender = submission.tender
    if submission.is_effective and is_committee_member(user, tender) and window_closed(tender):
        return submission
    raise errors.NotFound()


def access_qualification_document(*, user: Any, submission_id: int, document_id: int) -> StoredFile:
    submission = access_qualification(user=user, submission_id=submission_id)
    document = submission.documents.filter(pk=document_id).first()
    if document is None:
        raise errors.NotFound()
    return document
