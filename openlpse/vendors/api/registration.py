"""Vendor self-registration over the JSON API (LT 25(1)a.1-2, LT 25(6); issue 3 item 10):
sign-up by e-mail, confirmation (which returns an API token for the new account), the
identity as a draft, the documents, submission and status. The same services as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.accounts.services.tokens import token_create
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.core.portal import find_lpse
from openlpse.vendors import selectors
from openlpse.vendors import selectors_registration as reads
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import DocumentReview, Vendor, VendorDocument, VerificationRequest
from openlpse.vendors.services import documents as document_services
from openlpse.vendors.services import registration as services
from openlpse.vendors.services import signup as signup_services
from openlpse.vendors.validators import format_npwp

router = Router(auth=token_auth, tags=["Vendor registration"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _own_vendor(request: HttpRequest) -> Vendor:
    vendor = selectors.vendor_for_user(_user(request))
    if vendor is None:
        raise errors.NotFound(
            _(
                "Your account has no company registration. Start one with "
                "POST /api/v1/vendors/registrations."
            )
        )
    return vendor


# --- sign-up -------------------------------------------------------------------------------------


class SignupIn(InputSchema):
    email: str = Field(max_length=254, description="Becomes the account's e-mail address.")
    lpse: str = Field(max_length=60, description="Slug of the LPSE that verifies the company.")
    language: Literal["id", "en"] = Field("id", description="Language of e-mail and pages.")


class AcceptedOut(Schema):
    detail: str


@router.post(
    "/vendors/registrations",
    auth=None,
    response={202: AcceptedOut, **error_responses(400, 409)},
    summary="Start a vendor registration: mail a confirmation link",
)
def signup(request: HttpRequest, payload: SignupIn) -> Status[Any]:
    """Sends a link valid for 48 hours to `email`. Its last part is the `token` for
    `POST /vendors/registrations/confirm`. The answer is the same whether or not a mail went
    out (a few mails per address and hour at most). An address already used by an account is
    refused with `email_in_use`."""
    lpse = find_lpse(payload.lpse)
    if lpse is None:
        raise errors.field_error(
            "lpse",
            _("No active LPSE has this slug. Choose one from the list at GET /api/v1/lpses."),
        )
    signup_services.signup_request(email=payload.email, lpse=lpse, language=payload.language)
    return Status(
        202,
        {
            "detail": _(
                "If the address can be used, a confirmation link was sent to it. Open it within "
                "48 hours."
            )
        },
    )


class ConfirmIn(InputSchema):
    token: str = Field(max_length=2000, description="The token from the confirmation link.")
    username: str = Field(max_length=150, description="The user ID to sign in with.")
    password: str = Field(max_length=4096)
    admin_name: str = Field(max_length=200, description="Full name as on the KTP.")


class ConfirmedOut(Schema):
    vendor_id: int
    username: str
    status: str
    token: str = Field(description="An API token for the new account. Shown only here.")
    token_expires_at: dt.datetime


@router.post(
    "/vendors/registrations/confirm",
    auth=None,
    response={201: ConfirmedOut, **error_responses(400, 409)},
    summary="Confirm the e-mail address: create the account and the draft registration",
)
def signup_confirm(request: HttpRequest, payload: ConfirmIn) -> Status[Any]:
    vendor = signup_services.signup_confirm(
        token=payload.token,
        username=payload.username,
        password=payload.password,
        admin_name=payload.admin_name,
    )
    user = vendor.created_by
    issued = token_create(user=user, name=_("Vendor registration"), actor=user)
    return Status(
        201,
        {
            "vendor_id": vendor.pk,
            "username": user.username,
            "status": vendor.status,
            "token": issued.secret,
            "token_expires_at": issued.token.expires_at,
        },
    )


# --- identity ------------------------------------------------------------------------------------


class VendorOut(Schema):
    id: int
    status: str
    status_label: str
    version: str = Field(description="Send it back with PATCH to refuse a stale change.")
    registration_lpse: str | None
    name: str
    business_form: str
    business_scale: str
    npwp: str
    npwp_formatted: str
    nib: str
    address: str
    province: str
    city: str
    postal_code: str
    phone: str
    email: str
    website: str
    admin_name: str
    admin_nik: str
    admin_position: str
    missing_fields: list[str] = Field(description="What submission still needs.")
    submitted_at: dt.datetime | None
    verified_lpse: str | None
    verified_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Vendor) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_version(obj: Vendor) -> str:
        return services.vendor_version(obj)

    @staticmethod
    def resolve_registration_lpse(obj: Vendor) -> str | None:
        return obj.registration_lpse.slug if obj.registration_lpse else None

    @staticmethod
    def resolve_verified_lpse(obj: Vendor) -> str | None:
        return obj.verified_lpse.slug if obj.verified_lpse else None

    @staticmethod
    def resolve_npwp_formatted(obj: Vendor) -> str:
        return format_npwp(obj.npwp)

    @staticmethod
    def resolve_missing_fields(obj: Vendor) -> list[str]:
        return reads.missing_identity_fields(obj)


class VendorPatchIn(InputSchema):
    """Only the fields sent are changed; each must be valid, none is required (a draft)."""

    version: str | None = Field(None, max_length=64)
    registration_lpse: str | None = Field(None, max_length=60, description="LPSE slug.")
    name: str | None = None
    business_form: str | None = None
    business_scale: str | None = None
    npwp: str | None = None
    nib: str | None = None
    address: str | None = None
    province: str | None = None
    city: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    admin_name: str | None = None
    admin_nik: str | None = None
    admin_position: str | None = None


def _save(request: HttpRequest, vendor: Vendor, payload: VendorPatchIn) -> Vendor:
    values: dict[str, Any] = {
        name: ("" if value is None else value)
        for name, value in payload.model_dump(exclude_unset=True).items()
    }
    version = values.pop("version", "") or None
    if "registration_lpse" in values:
        lpse = find_lpse(values["registration_lpse"])
        if lpse is None:
            raise errors.field_error(
                "registration_lpse",
                _("No active LPSE has this slug. Choose one from the list at GET /api/v1/lpses."),
            )
        values["registration_lpse"] = lpse
    if vendor.status == VendorStatus.VERIFIED:
        return services.vendor_update_contact(
            actor=_user(request), vendor=vendor, values=values, version=version
        )
    return services.registration_save(
        actor=_user(request), vendor=vendor, values=values, version=version
    )


_VENDOR_ERRORS = error_responses(400, 401, 403, 404, 409)


@router.get("/vendors/me", response={200: VendorOut, **_VENDOR_ERRORS}, summary="My company")
def me(request: HttpRequest) -> Vendor:
    return _own_vendor(request)


@router.patch(
    "/vendors/me",
    response={200: VendorOut, **_VENDOR_ERRORS},
    summary="Save my company's identity (draft; contact details after verification)",
)
def me_update(request: HttpRequest, payload: VendorPatchIn) -> Vendor:
    """Refuses an invalid NPWP/NIB/NIK (`invalid`), a company already registered
    (`vendor_already_registered`), a blacklisted one (`blacklisted`), a stale `version`
    (`stale_version`) and changes while the registration waits (`registration_submitted`)."""
    return _save(request, _own_vendor(request), payload)


@router.get(
    "/vendors/registrations/{vendor_id}",
    response={200: VendorOut, **_VENDOR_ERRORS},
    summary="One registration, by id (its registrant or administrator only)",
)
def registration_detail(request: HttpRequest, vendor_id: int) -> Vendor:
    return services.access_vendor_for_registration(actor=_user(request), vendor_id=vendor_id)


@router.patch(
    "/vendors/registrations/{vendor_id}",
    response={200: VendorOut, **_VENDOR_ERRORS},
    summary="Save a registration, by id (its registrant or administrator only)",
)
def registration_update(request: HttpRequest, vendor_id: int, payload: VendorPatchIn) -> Vendor:
    vendor = services.access_vendor_for_registration(actor=_user(request), vendor_id=vendor_id)
    return _save(request, vendor, payload)


# --- documents -----------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    version: int
    is_current: bool
    number: str
    issuer: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    uploaded_at: dt.datetime
    file_name: str
    content_type: str
    size: int
    sha256: str

    @staticmethod
    def resolve_kind_label(obj: VendorDocument) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_file_name(obj: VendorDocument) -> str:
        return obj.file.original_name

    @staticmethod
    def resolve_content_type(obj: VendorDocument) -> str:
        return obj.file.content_type

    @staticmethod
    def resolve_size(obj: VendorDocument) -> int:
        return obj.file.size

    @staticmethod
    def resolve_sha256(obj: VendorDocument) -> str:
        return obj.file.sha256


@router.post(
    "/vendors/me/documents",
    response={201: DocumentOut, **error_responses(400, 401, 404, 409, 413, 415)},
    summary="Upload a registration document (multipart/form-data)",
)
def document_upload(
    request: HttpRequest,
    kind: Form[str],
    file: File[UploadedFile],
    number: Form[str] = "",
    issuer: Form[str] = "",
    issued_on: Form[dt.date | None] = None,
    valid_until: Form[dt.date | None] = None,
) -> Status[Any]:
    """`kind`: ktp, akta_pendirian, akta_perubahan, npwp, izin_usaha or formulir (the signed
    form from the registration pages). The business licence needs `number`, `issuer` and a
    `valid_until` that is not past. PDF, JPEG or PNG up to 10 MB. Each upload is a new version."""
    document = document_services.document_upload(
        actor=_user(request),
        vendor=_own_vendor(request),
        kind=kind,
        upload=file,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        valid_until=valid_until,
    )
    return Status(201, document)


@router.get(
    "/vendors/me/documents",
    response={200: CursorPage[DocumentOut], **error_responses(400, 401, 404)},
    summary="My company's documents, every version, newest first",
)
def document_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    page = paginate(
        reads.document_history(vendor=_own_vendor(request)),
        order_by="-uploaded_at",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


# --- submission and status -----------------------------------------------------------------------


class ReviewOut(Schema):
    item: str = Field(description="A document kind, or `identity`.")
    accepted: bool
    reason: str


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    lpse: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_lpse(obj: VerificationRequest) -> str:
        return obj.lpse.slug

    @staticmethod
    def resolve_reviews(obj: VerificationRequest) -> list[DocumentReview]:
        return list(obj.reviews.all())


class StatusOut(Schema):
    vendor_id: int
    status: str
    status_label: str
    registration_lpse: str | None
    identity_complete: bool
    missing_fields: list[str]
    missing_documents: list[str]
    form_matches: bool = Field(description="The signed form matches the current data.")
    submitted_at: dt.datetime | None
    pending_request: RequestOut | None
    last_decision: RequestOut | None
    verified_lpse: str | None
    verified_lpse_name: str | None
    verified_at: dt.datetime | None


@router.post(
    "/vendors/me/submit",
    response={201: RequestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Send my registration for verification",
)
def submit(request: HttpRequest) -> Status[Any]:
    """Needs the complete identity and every required document. A second call while one
    waits is refused with `already_submitted` and creates nothing."""
    verification = services.registration_submit(actor=_user(request), vendor=_own_vendor(request))
    return Status(201, verification)


@router.get(
    "/vendors/me/status",
    response={200: StatusOut, **error_responses(401, 404)},
    summary="Where my registration stands",
)
def status(request: HttpRequest) -> dict[str, Any]:
    vendor = _own_vendor(request)
    checklist = reads.registration_checklist(vendor=vendor)
    verified = vendor.verified_lpse
    return {
        "vendor_id": vendor.pk,
        "status": vendor.status,
        "status_label": str(vendor.get_status_display()),
        "registration_lpse": vendor.registration_lpse.slug if vendor.registration_lpse else None,
        "identity_complete": checklist.identity_complete,
        "missing_fields": checklist.missing_fields,
        "missing_documents": checklist.missing_documents,
        "form_matches": checklist.form_matches,
        "submitted_at": vendor.submitted_at,
        "pending_request": checklist.pending,
        "last_decision": checklist.decision,
        "verified_lpse": verified.slug if verified else None,
        "verified_lpse_name": verified.name if verified else None,
        "verified_at": vendor.verified_at,
    }
