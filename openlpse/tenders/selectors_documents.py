"""Reads about tender documents and addenda that depend on who asks.

Visibility of a document version:
- before the announcement, only the committee (and the package's PPK) sees the draft;
- after it, everyone sees the versions uploaded before the announcement and those of
  published addenda (name, version, size, SHA-256, dates): the public version history;
- versions attached to an addendum that is not published yet stay with the committee and
  the PPK.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from openlpse.core import errors
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders.enums import PUBLIC_TENDER_STATUSES, AddendumStatus
from openlpse.tenders.models import Addendum, DocumentDownload, Tender, TenderDocument
from openlpse.tenders.permissions import is_committee_member, is_ppk_of

PUBLIC_DOCUMENT_Q = Q(addendum__isnull=True) | Q(published_at__isnull=False)


def _tenders() -> QuerySet[Tender]:
    return Tender.objects.select_related("lpse", "package", "package__agency")


def access_tender_for_documents(*, user: Any, tender_id: int) -> Tender:
    """The tender for its committee or its package's PPK; NotFound otherwise (no leak)."""
    tender = _tenders().filter(pk=tender_id).first()
    if tender is None or not (is_committee_member(user, tender) or is_ppk_of(user, tender.package)):
        raise errors.NotFound()
    return tender


def access_addendum(*, user: Any, addendum_id: int) -> Addendum:
    addendum = (
        Addendum.objects.select_related("tender", "tender__lpse", "tender__package")
        .filter(pk=addendum_id)
        .first()
    )
    if addendum is None or not perms.can_view_addendum(user, addendum):
        raise errors.NotFound()
    return addendum


def documents_for_committee(*, tender: Tender) -> QuerySet[TenderDocument]:
    """Every version, drafts of unpublished addenda included."""
    return (
        TenderDocument.objects.filter(tender=tender)
        .select_related("file", "addendum", "uploaded_by")
        .annotate(download_count=Count("downloads"))
        .order_by("kind", "-version")
    )


def public_documents(*, tender: Tender) -> QuerySet[TenderDocument]:
    """The public version history (every public version, newest first per kind); empty for a
    tender that is not public."""
    if tender.status not in PUBLIC_TENDER_STATUSES:
        return TenderDocument.objects.none()
    return (
        TenderDocument.objects.filter(PUBLIC_DOCUMENT_Q, tender=tender)
        .select_related("file", "addendum")
        .order_by("kind", "-version")
    )


def current_documents(*, tender: Tender) -> list[TenderDocument]:
    """The public version in force of each kind."""
    return [d for d in public_documents(tender=tender) if d.superseded_at is None]


def access_document(*, tender: Tender, document_id: int, committee: bool) -> TenderDocument:
    """A version of the tender's documents: any for the committee, public ones otherwise."""
    rows = TenderDocument.objects.filter(pk=document_id, tender=tender).select_related("file")
    if not committee:
        rows = rows.filter(PUBLIC_DOCUMENT_Q)
    document = rows.first()
    if document is None:
        raise errors.NotFound()
    return document


def addenda_for(*, tender: Tender, public: bool = False) -> QuerySet[Addendum]:
    rows = Addendum.objects.filter(tender=tender)
    if public:
        rows = rows.filter(status=AddendumStatus.PUBLISHED)
    return rows.prefetch_related("documents__file").order_by("-number")


def open_addendum(*, tender: Tender) -> Addendum | None:
    return (
        Addendum.objects.filter(tender=tender, status__in=perms.OPEN_ADDENDUM_STATUSES)
        .order_by("-number")
        .first()
    )


def addenda_awaiting_ppk(*, user: Any) -> list[Addendum]:
    """Addenda waiting for this user's decision as PPK of their packages."""
    rows = (
        Addendum.objects.filter(
            status=AddendumStatus.AWAITING_PPK, tender__package__ppk_id=getattr(user, "pk", None)
        )
        .select_related("tender", "tender__lpse", "tender__package")
        .order_by("created_at")
    )
    return [a for a in rows if perms.can_decide_addendum(user, a)]


def downloads_for(*, tender: Tender) -> QuerySet[DocumentDownload]:
    """The download log of a tender's documents (committee, auditors)."""
    return (
        DocumentDownload.objects.filter(document__tender=tender)
        .select_related("document", "vendor", "user")
        .order_by("-downloaded_at", "-pk")
    )
