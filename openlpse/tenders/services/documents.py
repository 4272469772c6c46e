"""Tender documents: the dokumen pemilihan and the dokumen kualifikasi, each stored with its
SHA-256, which is published so anyone can check a downloaded copy (issue 4 item 6).

- Before the announcement the committee uploads (and may replace) the draft of each document;
  a replacement changes what the members approve, so it bumps the set-up version and the
  approvals of the old version no longer count (kolektif kolegial).
- After the announcement a document changes only through an addendum (services.addenda): the
  new version is attached to the addendum and becomes public, superseding the old one, when
  the addendum is published. Every public version stays public.
- Downloads are for the committee, the package's PPK and the people of joined vendors, and
  each one is logged (DocumentDownload) with the vendor it was made for.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.http import FileResponse
from django.utils.translation import gettext as _

from openlpse.core import audit, clock, errors
from openlpse.core.storage import file_response, file_store
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.enums import (
    PREQUALIFICATION_METHODS,
    PUBLIC_TENDER_STATUSES,
    AddendumStatus,
    DocumentKind,
    TenderStatus,
)
from openlpse.tenders.models import Addendum, DocumentDownload, Tender, TenderDocument
from openlpse.tenders.permissions import is_committee_member, is_ppk_of
from openlpse.tenders.selectors_documents import PUBLIC_DOCUMENT_Q
from openlpse.tenders.services.common import lock_tender
from openlpse.vendors.permissions import vendor_ids_of

STORED_KIND = "tender_document"
TITLE_MAX = 300
EDITABLE_ADDENDUM = (AddendumStatus.DRAFT, AddendumStatus.REJECTED)


def _not_committee() -> errors.PermissionDenied:
    return errors.PermissionDenied(
        _(
            "Only the members of this tender's committee (Pokja or Pejabat Pengadaan) can "
            "change its documents. Ask the committee if a document needs to change."
        ),
        code="not_committee",
    )


def check_kind(tender: Tender, kind: str) -> None:
    if kind not in DocumentKind.values:
        raise errors.field_error(
            "kind", _("Choose which document this is: selection or qualification document.")
        )
    # Only prakualifikasi has a separate dokumen kualifikasi (spse-reference §2.2 C-D); in
    # pascakualifikasi and pengadaan langsung the qualification is part of the dokumen pemilihan.
    if kind == DocumentKind.DOKUMEN_KUALIFIKASI and tender.method not in PREQUALIFICATION_METHODS:
        raise errors.field_error(
            "kind",
            _(
                "Only a pre-qualification tender has a separate qualification document. Put "
                "the qualification requirements in the selection document (dokumen pemilihan)."
            ),
            code="kind_not_in_method",
        )


def check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise errors.field_error("title", _("Enter the document's title, e.g. its number."))
    if len(title) > TITLE_MAX:
        raise errors.field_error(
            "title",
            _("The title is too long: use at most %(max)d characters.") % {"max": TITLE_MAX},
        )
    return title


def lock_addendum(addendum: Addendum | int, tender: Tender) -> Addendum:
    """Re-read the addendum of `tender` with its row locked (after the tender's)."""
    pk = addendum if isinstance(addendum, int) else addendum.pk
    locked = Addendum.objects.select_for_update().filter(pk=pk, tender=tender).first()
    if locked is None:
        raise errors.NotFound()
    locked.tender = tender
    return locked


def store_version(
    *,
    actor: Any,
    tender: Tender,
    kind: str,
    title: str,
    upload: Any,
    addendum: Addendum | None,
) -> tuple[TenderDocument, str | None]:
    """Store `upload` as the draft (addendum None) or as the addendum's version of `kind`.
    Replaces an earlier upload of the same draft or addendum in place (never public, so the
    public versions stay 1, 2, 3...). Returns the row and the SHA-256 it replaced, if any.
    The caller holds the tender lock (and the addendum's) and checked permission."""
    existing = TenderDocument.objects.filter(tender=tender, kind=kind, addendum=addendum)
    if addendum is None:
        existing = existing.filter(published_at__isnull=True)
    previous = existing.select_related("file").first()
    stored = file_store(
        upload=upload,
        kind=STORED_KIND,
        owner=actor,
        purpose=f"tender {tender.code} {kind}",
        lpse=tender.lpse,
    )
    now = clock.now()
    if previous is not None:
        replaced = previous.file.sha256
        previous.file = stored
        previous.title = title
        previous.uploaded_by = actor
        previous.uploaded_at = now
        previous.save(update_fields=["file", "title", "uploaded_by", "uploaded_at"])
        return previous, replaced
    last = TenderDocument.objects.filter(tender=tender, kind=kind).aggregate(v=Max("version"))["v"]
    document = TenderDocument.objects.create(
        tender=tender,
        kind=kind,
        version=(last or 0) + 1,
        title=title,
        file=stored,
        addendum=addendum,
        uploaded_by=actor,
        uploaded_at=now,
    )
    return document, None


def document_upload(
    *,
    actor: Any,
    tender: Tender,
    kind: str,
    title: str,
    upload: Any,
    addendum: Addendum | None = None,
) -> TenderDocument:
    """Upload the dokumen pemilihan or dokumen kualifikasi of `tender`.

    Before the announcement: the draft (replacing an earlier draft of the same kind; the
    set-up version grows). After it: only as the new version in an addendum that is still
    being written (`addendum`), before the bid upload deadline."""
    if not is_committee_member(actor, tender):
        raise _not_committee()
    with transaction.atomic():
        tender = lock_tender(tender)
        check_kind(tender, kind)
        title = check_title(title)
        if tender.status == TenderStatus.DRAFT:
            if addendum is not None:
                raise errors.Conflict(
                    _(
                        "A tender that is not announced yet has no addenda. Upload the document "
                        "directly."
                    ),
                    code="addendum_before_announcement",
                )
        elif tender.status == TenderStatus.ANNOUNCED:
            if addendum is None:
                raise errors.Conflict(
                    _(
                        "The tender is announced: its documents change only through an "
                        "addendum. Create an addendum, attach the new version to it and "
                        "publish it."
                    ),
                    code="addendum_required",
                )
            from openlpse.tenders.services.addenda import assert_before_bid_deadline

            addendum = lock_addendum(addendum, tender)
            if addendum.status not in EDITABLE_ADDENDUM:
                raise errors.Conflict(
                    _(
                        "Addendum %(number)s can no longer be changed (%(status)s). Documents "
                        "can be attached to an addendum only while it is a draft or after the "
                        "PPK rejected it."
                    )
                    % {"number": addendum.number, "status": addendum.get_status_display()},
                    code="addendum_not_editable",
                )
            assert_before_bid_deadline(tender)
        else:
            raise errors.Conflict(
                _("The tender is %(status)s: its documents can no longer change.")
                % {"status": tender.get_status_display()},
                code="tender_closed",
            )
        document, replaced = store_version(
            actor=actor, tender=tender, kind=kind, title=title, upload=upload, addendum=addendum
        )
        if addendum is None:
            # The members approve the set-up together with its documents (kolektif kolegial):
            # a changed draft needs their approval again.
            Tender.objects.filter(pk=tender.pk).update(
                setup_version=F("setup_version") + 1, updated_at=clock.now()
            )
        else:
            # A changed addendum needs the PPK's approval again; a rejected one goes back to
            # the draft the committee works on.
            addendum.status = AddendumStatus.DRAFT
            addendum.ppk_decided_by = None
            addendum.ppk_decided_at = None
            addendum.save(update_fields=["status", "ppk_decided_by", "ppk_decided_at"])
        audit.record(
            actor=actor,
            action="tender.document_upload",
            obj=document,
            changes={
                "tender": tender.code,
                "kind": kind,
                "version": document.version,
                "title": title,
                "sha256": document.file.sha256,
                "size": document.file.size,
                "addendum": addendum.number if addendum else None,
                "replaced_sha256": replaced,
            },
            lpse_id=tender.lpse_id,
        )
    return document


def _downloading_vendor_id(user: Any, tender: Tender) -> int | None:
    ids = vendor_ids_of(user)
    if not ids:
        return None
    return (
        tender.participants.filter(vendor_id__in=ids)
        .order_by("vendor_id")
        .values_list("vendor_id", flat=True)
        .first()
    )


def document_download(
    *, user: Any, document: TenderDocument, ip: str | None = None
) -> FileResponse:
    """The file of one version, for the committee, the PPK or a participant, logged."""
    tender = document.tender
    committee = is_committee_member(user, tender) or is_ppk_of(user, tender.package)
    visible = committee or (
        tender.status in PUBLIC_TENDER_STATUSES
        and TenderDocument.objects.filter(PUBLIC_DOCUMENT_Q, pk=document.pk).exists()
    )
    if not visible:
        raise errors.NotFound()
    vendor_id = None if committee else _downloading_vendor_id(user, tender)
    if not committee and vendor_id is None:
        if tender.status != TenderStatus.ANNOUNCED:
            raise tender_errors.not_announced()
        raise errors.PermissionDenied(
            _(
                "Only the participants of this tender can download its documents. Join the "
                "tender (ikut tender) first; anyone can check a copy against the SHA-256 shown."
            ),
            code="not_participant",
        )
    with transaction.atomic():
        DocumentDownload.objects.create(
            document=document,
            vendor_id=vendor_id,
            user=user if getattr(user, "is_authenticated", False) else None,
            downloaded_at=clock.now(),
            ip=ip or None,
        )
    return file_response(stored_file=document.file)
