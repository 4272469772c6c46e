"""Reading sealed submissions: the effective bids of an envelope (for the opening), a
vendor's own versions, and access to one submission (the owner's people; the Pokja only
after the envelope was opened, LT 31(3))."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openlpse.bids.models import EnvelopeKeys, OpeningSession, Submission, Upload
from openlpse.bids.permissions_submissions import own_vendor_ids
from openlpse.core import errors
from openlpse.tenders.enums import PUBLIC_TENDER_STATUSES
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_member
from openlpse.vendors.models import Vendor


def effective_submissions(*, tender: Tender, envelope: str) -> QuerySet[Submission]:
    """The bids in force of one envelope: one per vendor, the newest not withdrawn."""
    return (
        Submission.objects.filter(tender=tender, envelope=envelope, is_effective=True)
        .select_related("vendor", "upload")
        .order_by("received_at", "pk")
    )


def vendor_submissions(*, tender: Tender, vendor: Vendor) -> QuerySet[Submission]:
    """Every version the vendor submitted in the tender, newest first per envelope."""
    return Submission.objects.filter(tender=tender, vendor=vendor).order_by("envelope", "-version")


def vendor_open_uploads(*, tender: Tender, vendor: Vendor) -> QuerySet[Upload]:
    return Upload.objects.filter(tender=tender, vendor=vendor, status="receiving").order_by(
        "-created_at"
    )


def envelope_keys(*, tender: Tender) -> list[EnvelopeKeys]:
    return list(EnvelopeKeys.objects.filter(tender=tender).order_by("envelope"))


def access_tender_by_code(*, user: Any, code: str) -> Tender:
    """A public tender by its code for a signed-in user; NotFound otherwise."""
    tender = (
        Tender.objects.filter(
            code=code, status__in=PUBLIC_TENDER_STATUSES, announced_at__isnull=False
        )
        .select_related("lpse", "package")
        .prefetch_related("stages")
        .first()
    )
    if tender is None or not getattr(user, "is_authenticated", False):
        raise errors.NotFound()
    return tender


def _opened(submission: Submission) -> bool:
    return OpeningSession.objects.filter(
        tender_id=submission.tender_id, envelope=submission.envelope, status="opened"
    ).exists()


def access_submission(*, user: Any, submission_id: int) -> Submission:
    """A submission for its vendor's people, or for the Pokja once its envelope was opened;
    NotFound for everyone else (and for a missing one)."""
    submission = (
        Submission.objects.select_related("tender", "tender__lpse", "tender__package", "vendor")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not getattr(user, "is_authenticated", False):
        raise errors.NotFound()
    if submission.vendor_id in own_vendor_ids(user):
        return submission
    if is_committee_member(user, submission.tender) and _opened(submission):
        return submission
    raise errors.NotFound()


def access_own_submission(*, user: Any, submission_id: int) -> Submission:
    """The owner's people only (the sealed bytes, the withdraw action)."""
    submission = (
        Submission.objects.select_related("tender", "tender__lpse", "vendor")
        .filter(pk=submission_id, vendor_id__in=own_vendor_ids(user))
        .first()
    )
    if submission is None:
        raise errors.NotFound()
    return submission
