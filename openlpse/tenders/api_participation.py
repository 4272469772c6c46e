"""Tender documents, addenda and participation in the JSON API (issue 4 items 6 and 8). Every
endpoint needs an API token; the rules are those of tenders.services.documents / .addenda /
.participation.

Vendors (`/vendor/...`): the open tenders that match the company, its tenders, "ikut tender"
(idempotent) and document downloads (logged). The committee and the PPK (`/committee/...`):
documents with their SHA-256, uploads, addenda and the PPK's decision, the download log.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.core.request_context import client_ip
from openlpse.organizations.models import Lpse
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders import selectors_documents, selectors_vendor
from openlpse.tenders.enums import DocumentKind
from openlpse.tenders.models import Addendum, DocumentDownload, Participant, Tender, TenderDocument
from openlpse.tenders.services import addenda as addenda_services
from openlpse.tenders.services import documents as document_services
from openlpse.tenders.services import participation
from openlpse.vendors.models import Vendor

router = Router(tags=["Tender documents and participation"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _vendor(user: User) -> Vendor:
    vendor_id = perms.acting_vendor_id(user)
    vendor = Vendor.objects.filter(pk=vendor_id).first() if vendor_id else None
    if vendor is None:
        raise errors.PermissionDenied(
            _(
                "Only the administrator or staff of a registered vendor can use this. Use a "
                "token of your company's account."
            ),
            code="not_vendor",
        )
    return vendor


# --- schemas -----------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str = Field(description="dokumen_pemilihan or dokumen_kualifikasi.")
    version: int
    title: str
    name: str
    size: int
    sha256: str = Field(description="SHA-256 of the file, hex: check a downloaded copy with it.")
    addendum: int | None = Field(description="The addendum's number that brought this version.")
    uploaded_at: dt.datetime
    published_at: dt.datetime | None
    superseded_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj: TenderDocument) -> str:
        return obj.file.original_name

    @staticmethod
    def resolve_size(obj: TenderDocument) -> int:
        return obj.file.size

    @staticmethod
    def resolve_sha256(obj: TenderDocument) -> str:
        return obj.file.sha256

    @staticmethod
    def resolve_addendum(obj: TenderDocument) -> int | None:
        return obj.addendum.number if obj.addendum_id and obj.addendum else None


class AddendumOut(Schema):
    id: int
    tender_code: str
    number: int
    reason: str
    changes_hps: bool
    changes_specifications: bool
    changes_contract: bool
    status: str = Field(description="draft, awaiting_ppk, rejected or published.")
    approved_by_ppk: bool
    ppk_note: str
    created_at: dt.datetime
    ppk_decided_at: dt.datetime | None
    published_at: dt.datetime | None
    documents: list[DocumentOut]

    @staticmethod
    def resolve_tender_code(obj: Addendum) -> str:
        return obj.tender.code

    @staticmethod
    def resolve_approved_by_ppk(obj: Addendum) -> bool:
        return addenda_services.is_approved(obj)

    @staticmethod
    def resolve_documents(obj: Addendum) -> list[Any]:
        return list(obj.documents.select_related("file", "addendum").order_by("kind"))


class OpenTenderOut(Schema):
    id: int
    code: str
    name: str
    method: str
    lpse: str
    agency: str
    procurement_type: str
    hps: Decimal
    business_qualification: str
    join_closes: dt.datetime | None
    joined: bool

    @staticmethod
    def resolve_lpse(obj: Tender) -> str:
        return obj.lpse.slug

    @staticmethod
    def resolve_agency(obj: Tender) -> str:
        return obj.package.agency.name

    @staticmethod
    def resolve_procurement_type(obj: Tender) -> str:
        return obj.package.procurement_type

    @staticmethod
    def resolve_hps(obj: Tender) -> Decimal:
        return obj.package.hps_total

    @staticmethod
    def resolve_business_qualification(obj: Tender) -> str:
        return obj.package.business_qualification


class ParticipationOut(Schema):
    tender_id: int
    tender_code: str
    tender_name: str
    tender_status: str
    vendor_id: int
    joined_at: dt.datetime

    @staticmethod
    def resolve_tender_code(obj: Participant) -> str:
        return obj.tender.code

    @staticmethod
    def resolve_tender_name(obj: Participant) -> str:
        return obj.tender.name

    @staticmethod
    def resolve_tender_status(obj: Participant) -> str:
        return obj.tender.status


class DownloadOut(Schema):
    document_id: int
    kind: str
    version: int
    vendor_id: int | None
    vendor_name: str | None
    downloaded_at: dt.datetime

    @staticmethod
    def resolve_kind(obj: DocumentDownload) -> str:
        return obj.document.kind

    @staticmethod
    def resolve_version(obj: DocumentDownload) -> int:
        return obj.document.version

    @staticmethod
    def resolve_vendor_name(obj: DocumentDownload) -> str | None:
        return obj.vendor.name if obj.vendor else None


class OpenTenderFilter(PageParams):
    q: str | None = Field(None, max_length=100, description="Name, code or agency contains.")
    lpse: str | None = Field(None, description="Only tenders of this LPSE (slug).")
    method: str | None = Field(None, description="pasca_1_file, pra_2_file, ...")
    procurement_type: str | None = None


# --- vendors -----------------------------------------------------------------------------------


@router.get(
    "/vendor/tenders",
    response={200: CursorPage[OpenTenderOut], **error_responses(400, 401, 403)},
    summary="Open tenders my company can join",
    auth=token_auth,
)
def vendor_open_tenders(request: HttpRequest, params: Query[OpenTenderFilter]) -> dict[str, Any]:
    """Announced tenders whose joining period is open now by the server clock, whose licence
    requirements the company meets (valid today) and whose business qualification fits;
    newest first."""
    vendor = _vendor(_user(request))
    lpse = None
    if params.lpse:
        lpse = Lpse.objects.filter(slug=params.lpse, is_active=True).first()
        if lpse is None:
            raise errors.ValidationError(
                fields={"lpse": [_("No LPSE of this portal has this slug. See /api/v1/lpses.")]}
            )
    rows = selectors_vendor.open_tenders_for_vendor(
        vendor=vendor,
        query=params.q or "",
        lpse=lpse,
        method=params.method or "",
        procurement_type=params.procurement_type or "",
    )
    page = paginate(rows, order_by="-created_at", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/vendor/participations",
    response={200: CursorPage[ParticipationOut], **error_responses(400, 401, 403)},
    summary="Tenders my company joined",
    auth=token_auth,
)
def vendor_participations(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    vendor = _vendor(_user(request))
    page = paginate(
        selectors_vendor.my_tenders(vendor=vendor),
        order_by="-joined_at",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/vendor/tenders/{tender_id}/join",
    response={200: ParticipationOut, **error_responses(401, 403, 404, 409)},
    summary="Join a tender (ikut tender)",
    auth=token_auth,
)
def vendor_join(request: HttpRequest, tender_id: int) -> Participant:
    """Join for the company of the token's user: verified, not blacklisted, inside the joining
    period by the server clock. Calling it again returns the same participation."""
    user = _user(request)
    tender = selectors_vendor.access_tender_for_vendor(user=user, tender_id=tender_id)
    return participation.tender_join(actor=user, tender=tender, ip=client_ip(request))


@router.get(
    "/vendor/tenders/{tender_id}/documents",
    response={200: list[DocumentOut], **error_responses(401, 404)},
    summary="The public versions of a tender's documents",
    auth=token_auth,
)
def vendor_documents(request: HttpRequest, tender_id: int) -> list[TenderDocument]:
    tender = selectors_vendor.access_tender_for_vendor(user=_user(request), tender_id=tender_id)
    return list(selectors_documents.public_documents(tender=tender))


@router.get(
    "/vendor/tenders/{tender_id}/documents/{document_id}/file",
    response={200: None, **error_responses(401, 403, 404)},
    summary="Download a document version (participants; logged)",
    auth=token_auth,
)
def vendor_document_file(request: HttpRequest, tender_id: int, document_id: int) -> FileResponse:
    user = _user(request)
    tender = selectors_vendor.access_tender_for_vendor(user=user, tender_id=tender_id)
    document = selectors_documents.access_document(
        tender=tender, document_id=document_id, committee=False
    )
    document.tender = tender
    return document_services.document_download(user=user, document=document, ip=client_ip(request))


# --- committee and PPK -------------------------------------------------------------------------


@router.get(
    "/committee/tenders/{tender_id}/documents",
    response={200: list[DocumentOut], **error_responses(401, 404)},
    summary="Every version of a tender's documents (committee, PPK)",
    auth=token_auth,
)
def manage_documents(request: HttpRequest, tender_id: int) -> list[TenderDocument]:
    tender = selectors_documents.access_tender_for_documents(
        user=_user(request), tender_id=tender_id
    )
    return list(selectors_documents.documents_for_committee(tender=tender))


class DocumentIn(InputSchema):
    kind: DocumentKind
    title: str = Field(min_length=1, max_length=300)
    addendum_id: int | None = Field(
        None, description="After the announcement: the open addendum to attach the version to."
    )


@router.post(
    "/committee/tenders/{tender_id}/documents",
    response={201: DocumentOut, **error_responses(400, 401, 403, 404, 409, 413, 415)},
    summary="Upload a tender document",
    auth=token_auth,
)
def manage_document_upload(
    request: HttpRequest, tender_id: int, payload: Form[DocumentIn], file: File[UploadedFile]
) -> Status[Any]:
    """multipart/form-data: `kind`, `title`, `file`, and after the announcement `addendum_id`.
    Before the announcement a new upload replaces the draft of that kind."""
    user = _user(request)
    tender = selectors_documents.access_tender_for_documents(user=user, tender_id=tender_id)
    addendum = None
    if payload.addendum_id is not None:
        addendum = selectors_documents.access_addendum(user=user, addendum_id=payload.addendum_id)
        if addendum.tender_id != tender.pk:
            raise errors.NotFound()
    document = document_services.document_upload(
        actor=user,
        tender=tender,
        kind=payload.kind,
        title=payload.title,
        upload=file,
        addendum=addendum,
    )
    return Status(201, document)


class AddendumIn(InputSchema):
    reason: str = Field(min_length=1, max_length=addenda_services.REASON_MAX)
    changes_hps: bool = False
    changes_specifications: bool = False
    changes_contract: bool = False


@router.post(
    "/committee/tenders/{tender_id}/addenda",
    response={201: AddendumOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Start an addendum",
    auth=token_auth,
)
def manage_addendum_create(
    request: HttpRequest, tender_id: int, payload: AddendumIn
) -> Status[Any]:
    """Attach the new versions with POST /committee/tenders/{id}/documents and `addendum_id`."""
    user = _user(request)
    tender = selectors_documents.access_tender_for_documents(user=user, tender_id=tender_id)
    addendum = addenda_services.addendum_create(
        actor=user,
        tender=tender,
        reason=payload.reason,
        changes_hps=payload.changes_hps,
        changes_specifications=payload.changes_specifications,
        changes_contract=payload.changes_contract,
    )
    return Status(201, addendum)


@router.get(
    "/committee/addenda/{addendum_id}",
    response={200: AddendumOut, **error_responses(401, 404)},
    summary="An addendum (committee, PPK)",
    auth=token_auth,
)
def manage_addendum(request: HttpRequest, addendum_id: int) -> Addendum:
    return selectors_documents.access_addendum(user=_user(request), addendum_id=addendum_id)


@router.post(
    "/committee/addenda/{addendum_id}/submit",
    response={200: AddendumOut, **error_responses(401, 403, 404, 409)},
    summary="Send an addendum to the PPK",
    auth=token_auth,
)
def manage_addendum_submit(request: HttpRequest, addendum_id: int) -> Addendum:
    user = _user(request)
    addendum = selectors_documents.access_addendum(user=user, addendum_id=addendum_id)
    return addenda_services.addendum_submit(actor=user, addendum=addendum)


class AddendumDecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=addenda_services.NOTE_MAX, description="Required to reject.")


@router.post(
    "/committee/addenda/{addendum_id}/decision",
    response={200: AddendumOut, **error_responses(400, 401, 403, 404, 409)},
    summary="The PPK approves or rejects an addendum",
    auth=token_auth,
)
def manage_addendum_decide(
    request: HttpRequest, addendum_id: int, payload: AddendumDecisionIn
) -> Addendum:
    user = _user(request)
    addendum = selectors_documents.access_addendum(user=user, addendum_id=addendum_id)
    return addenda_services.addendum_decide(
        actor=user, addendum=addendum, approve=payload.approve, note=payload.note
    )


@router.post(
    "/committee/addenda/{addendum_id}/publish",
    response={200: AddendumOut, **error_responses(401, 403, 404, 409)},
    summary="Publish an addendum (notifies the participants)",
    auth=token_auth,
)
def manage_addendum_publish(request: HttpRequest, addendum_id: int) -> Addendum:
    user = _user(request)
    addendum = selectors_documents.access_addendum(user=user, addendum_id=addendum_id)
    return addenda_services.addendum_publish(actor=user, addendum=addendum)


@router.delete(
    "/committee/addenda/{addendum_id}",
    response={204: None, **error_responses(401, 403, 404, 409)},
    summary="Discard an unpublished addendum",
    auth=token_auth,
)
def manage_addendum_discard(request: HttpRequest, addendum_id: int) -> Status[None]:
    user = _user(request)
    addendum = selectors_documents.access_addendum(user=user, addendum_id=addendum_id)
    addenda_services.addendum_discard(actor=user, addendum=addendum)
    return Status(204, None)


@router.get(
    "/committee/tenders/{tender_id}/downloads",
    response={200: CursorPage[DownloadOut], **error_responses(400, 401, 404)},
    summary="The download log of a tender's documents",
    auth=token_auth,
)
def manage_downloads(
    request: HttpRequest, tender_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    tender = selectors_documents.access_tender_for_documents(
        user=_user(request), tender_id=tender_id
    )
    page = paginate(
        selectors_documents.downloads_for(tender=tender),
        order_by="-downloaded_at",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}
