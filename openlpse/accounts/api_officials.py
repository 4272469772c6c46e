"""JSON API of the inbox, officials and auditors (issue 3 items 7, 9 and 10).

- `/me/notifications`: the signed-in user's inbox (cursor paginated) and marking read.
- `/agencies/{id}/officials`: an agency's officials; registering one with the SK file
  (multipart), and `/officials/{id}/end-term`.
- `/lpses/{slug}/auditor-requests`: anyone requests auditor access with the surat tugas
  (multipart, no token); `/auditor-requests`: the LPSE's verifikators and administrators list,
  approve and reject them.

The rules are the services' (accounts.services.officials, .auditors); errors are theirs too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from openlpse.accounts import selectors_auditors, selectors_officials
from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.registrations import AuditorRegistration
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.services import auditors as auditor_services
from openlpse.accounts.services import officials as official_services
from openlpse.core import errors, notifications
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.models import Notification
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.organizations.models import Lpse, WorkUnit

router = Router()
inbox_router = Router(auth=token_auth, tags=["Inbox"])
officials_router = Router(auth=token_auth, tags=["Officials"])
auditors_router = Router(auth=token_auth, tags=["Auditors"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _refuse_unknown_fields(request: HttpRequest, schema: type[InputSchema]) -> None:
    """Multipart bodies get the same rule as JSON ones: unknown fields are refused."""
    unknown = sorted(
        set(request.POST) - set(schema.model_fields) | set(request.FILES) - {"letter_file"}
    )
    if unknown:
        message = _("This field is not accepted here. Remove it.")
        raise errors.ValidationError(fields={name: [message] for name in unknown})


def _status_error(expected: str) -> errors.ValidationError:
    return errors.field_error(
        "status",
        _("This status filter is not known. Use one of: %(expected)s.") % {"expected": expected},
    )


# --- inbox -------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    topic: str
    subject: str
    body: str
    url: str = Field(description="A path on this site the message is about; may be empty.")
    lpse: str | None = Field(description="Slug of the LPSE the message is about, if any.")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_lpse(obj: Notification) -> str | None:
        return obj.lpse.slug if obj.lpse is not None else None


class NotificationParams(PageParams):
    unread: bool = Field(False, description="Only the messages not read yet.")


class MarkedOut(Schema):
    marked: int = Field(description="How many messages were marked as read.")


@inbox_router.get(
    "/me/notifications",
    response={200: CursorPage[NotificationOut], **error_responses(400, 401)},
    summary="Your inbox",
)
def notification_list(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    """Newest first. Every message was also e-mailed."""
    messages = notifications.inbox(user=_user(request)).select_related("lpse")
    if params.unread:
        messages = messages.filter(read_at__isnull=True)
    page = paginate(messages, order_by="-created_at", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@inbox_router.post(
    "/me/notifications/{notification_id}/read",
    response={200: NotificationOut, **error_responses(401, 404)},
    summary="Mark one message as read",
)
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    user = _user(request)
    item = notifications.access_notification(user=user, notification_id=notification_id)
    notifications.notification_mark_read(user=user, notification_id=item.pk)
    item.refresh_from_db(fields=["read_at"])
    return item


@inbox_router.post(
    "/me/notifications/read",
    response={200: MarkedOut, **error_responses(401)},
    summary="Mark every message as read",
)
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notifications.notification_mark_read(user=_user(request))}


# --- officials ---------------------------------------------------------------------------------


class OfficialOut(Schema):
    id: int = Field(description="Id of the appointment (role assignment).")
    username: str
    full_name: str
    email: str
    nip: str
    role: str
    role_label: str
    agency: int | None
    work_unit: int | None
    starts_on: dt.date
    ends_on: dt.date | None
    letter_number: str
    letter_date: dt.date
    status: str = Field(description="in_force, upcoming, ended or revoked.")
    revoke_reason: str

    @staticmethod
    def resolve_username(obj: RoleAssignment) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj: RoleAssignment) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_email(obj: RoleAssignment) -> str:
        return obj.user.email

    @staticmethod
    def resolve_nip(obj: RoleAssignment) -> str:
        profile = getattr(obj.user, "official_profile", None)
        return profile.nip if profile is not None else ""

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_agency(obj: RoleAssignment) -> int | None:
        return obj.agency_id

    @staticmethod
    def resolve_work_unit(obj: RoleAssignment) -> int | None:
        return obj.work_unit_id

    @staticmethod
    def resolve_status(obj: RoleAssignment) -> str:
        return selectors_officials.appointment_status(obj)


class OfficialParams(PageParams):
    role: str = Field("", description="Only this role (pa, kpa, ppk, ulp_head, ...).")
    status: str = Field("active", description="active (default), ended or all.")


class OfficialIn(InputSchema):
    role: str = Field(description="pa, kpa, ppk, ulp_head, pokja_member or pejabat_pengadaan.")
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    username: str = Field("", max_length=150, description="For a new account.")
    nip: str = Field("", max_length=30)
    nik: str = Field("", max_length=30)
    work_unit: int | None = Field(None, description="Id of a work unit of the agency.")
    letter_number: str = Field(max_length=120, description="Number of the SK.")
    letter_date: dt.date
    starts_on: dt.date
    ends_on: dt.date


class EndTermIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)


def _official_agency(request: HttpRequest, agency_id: int) -> Any:
    return selectors_officials.access_official_agency(user=_user(request), agency_id=agency_id)


@officials_router.get(
    "/agencies/{agency_id}/officials",
    response={200: CursorPage[OfficialOut], **error_responses(400, 401, 404)},
    summary="The officials of an agency",
)
def official_list(
    request: HttpRequest, agency_id: int, params: Query[OfficialParams]
) -> dict[str, Any]:
    """For the agency's administrator and the LPSE's administrator; latest terms first."""
    agency = _official_agency(request, agency_id)
    if params.status not in selectors_officials.STATUSES:
        raise _status_error("active, ended, all")
    qs = selectors_officials.official_list(agency=agency, role=params.role, status=params.status)
    page = paginate(qs, order_by="-starts_on", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@officials_router.post(
    "/agencies/{agency_id}/officials",
    response={201: OfficialOut, **error_responses(400, 401, 403, 404, 409, 413, 415)},
    summary="Register an official with the SK",
)
def official_register(
    request: HttpRequest,
    agency_id: int,
    payload: Form[OfficialIn],
    letter_file: File[UploadedFile],
) -> Status[Any]:
    """Multipart form: the fields and `letter_file` (the SK: PDF, JPEG or PNG). An existing
    account with the e-mail address gets the appointment; otherwise a new account is made and
    its holder receives an e-mail to choose a password."""
    _refuse_unknown_fields(request, OfficialIn)
    agency = _official_agency(request, agency_id)
    work_unit = None
    if payload.work_unit is not None:
        work_unit = WorkUnit.objects.filter(pk=payload.work_unit, agency=agency).first()
        if work_unit is None:
            raise errors.field_error(
                "work_unit",
                _(
                    "This agency has no work unit with this id. Give the id of one of its work "
                    "units, or leave the field out for the whole agency."
                ),
            )
    data = payload.dict(exclude={"work_unit"})
    registered = official_services.official_register(
        actor=_user(request),
        agency=agency,
        work_unit=work_unit,
        letter_upload=letter_file,
        **data,
    )
    return Status(201, registered.assignment)


@officials_router.post(
    "/officials/{assignment_id}/end-term",
    response={200: OfficialOut, **error_responses(400, 401, 403, 404, 409)},
    summary="End an official's term today",
)
def official_end_term(request: HttpRequest, assignment_id: int, payload: EndTermIn) -> Any:
    user = _user(request)
    assignment = selectors_officials.access_official_assignment(
        user=user, assignment_id=assignment_id
    )
    return official_services.official_end_term(
        actor=user, assignment=assignment, reason=payload.reason
    )


# --- auditors ----------------------------------------------------------------------------------


class AuditorRequestIn(InputSchema):
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    institution: str = Field(description="apip, bpk, bpkp, aph or other.")
    institution_name: str = Field(max_length=200)
    letter_number: str = Field(max_length=120, description="Number of the surat tugas.")
    letter_date: dt.date
    starts_on: dt.date
    ends_on: dt.date
    package_codes: str = Field(
        "", max_length=1000, description="Comma-separated codes; empty: every package."
    )
    nip: str = Field("", max_length=30)
    phone: str = Field("", max_length=40)


class AuditorReceiptOut(Schema):
    id: int
    lpse: str
    status: str
    created_at: dt.datetime

    @staticmethod
    def resolve_lpse(obj: AuditorRegistration) -> str:
        return obj.lpse.slug


class AuditorRequestOut(AuditorReceiptOut):
    full_name: str
    nip: str
    email: str
    phone: str
    institution: str
    institution_name: str
    letter_number: str
    letter_date: dt.date
    package_codes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    decided_at: dt.datetime | None
    decision_note: str
    username: str | None = Field(description="The account, once approved.")

    @staticmethod
    def resolve_package_codes(obj: AuditorRegistration) -> list[str]:
        return obj.package_code_list

    @staticmethod
    def resolve_username(obj: AuditorRegistration) -> str | None:
        return obj.user.username if obj.user is not None else None


class AuditorRequestParams(PageParams):
    lpse: str = Field("", description="Slug of one LPSE you decide for.")
    status: str = Field("pending", description="pending (default), decided or all.")


class ApproveIn(InputSchema):
    note: str = Field("", max_length=1000)


class RejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=1000)


@auditors_router.post(
    "/lpses/{slug}/auditor-requests",
    auth=None,
    response={201: AuditorReceiptOut, **error_responses(400, 404, 409, 413, 415, 429)},
    summary="Request auditor access with a surat tugas",
)
def auditor_request_submit(
    request: HttpRequest,
    slug: str,
    payload: Form[AuditorRequestIn],
    letter_file: File[UploadedFile],
) -> Status[Any]:
    """No token needed. Multipart form: the fields and `letter_file` (the surat tugas: PDF,
    JPEG or PNG). The LPSE's decision is e-mailed to `email`."""
    _refuse_unknown_fields(request, AuditorRequestIn)
    lpse = Lpse.objects.filter(slug=slug, is_active=True).first()
    if lpse is None:
        raise errors.NotFound()
    registration = auditor_services.auditor_request_submit(
        actor=None, lpse=lpse, letter_upload=letter_file, **payload.dict()
    )
    return Status(201, registration)


@auditors_router.get(
    "/auditor-requests",
    response={200: CursorPage[AuditorRequestOut], **error_responses(400, 401)},
    summary="Auditor requests you decide",
)
def auditor_request_list(
    request: HttpRequest, params: Query[AuditorRequestParams]
) -> dict[str, Any]:
    """For the LPSE's verifikators and administrators; newest first."""
    user = _user(request)
    lpse = None
    if params.lpse:
        lpse = next(
            (
                item
                for item in selectors_auditors.deciding_lpses(user=user)
                if item.slug == params.lpse
            ),
            None,
        )
        if lpse is None:
            return {"items": [], "next_cursor": None}
    if params.status not in selectors_auditors.STATUSES:
        raise _status_error("pending, decided, all")
    qs = selectors_auditors.auditor_request_list(user=user, lpse=lpse, status=params.status)
    page = paginate(qs, order_by="-created_at", cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@auditors_router.get(
    "/auditor-requests/{registration_id}",
    response={200: AuditorRequestOut, **error_responses(401, 404)},
    summary="One auditor request",
)
def auditor_request_detail(request: HttpRequest, registration_id: int) -> AuditorRegistration:
    return selectors_auditors.access_auditor_request(
        user=_user(request), registration_id=registration_id
    )


@auditors_router.post(
    "/auditor-requests/{registration_id}/approve",
    response={200: AuditorRequestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Approve an auditor request",
)
def auditor_request_approve(
    request: HttpRequest, registration_id: int, payload: ApproveIn
) -> AuditorRegistration:
    user = _user(request)
    registration = selectors_auditors.access_auditor_request(
        user=user, registration_id=registration_id
    )
    return auditor_services.auditor_request_approve(
        actor=user, registration=registration, note=payload.note
    )


@auditors_router.post(
    "/auditor-requests/{registration_id}/reject",
    response={200: AuditorRequestOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Reject an auditor request, with the reason",
)
def auditor_request_reject(
    request: HttpRequest, registration_id: int, payload: RejectIn
) -> AuditorRegistration:
    user = _user(request)
    registration = selectors_auditors.access_auditor_request(
        user=user, registration_id=registration_id
    )
    return auditor_services.auditor_request_reject(
        actor=user, registration=registration, reason=payload.reason
    )


router.add_router("", inbox_router)
router.add_router("", officials_router)
router.add_router("", auditors_router)
