"""Vendor data endpoints of the JSON API (issue 3 items 4, 5 and 10): the company data tabs,
the change of verified identity data and the staff accounts, for the administrator and staff
of a verified vendor (their own company only: "me").

One set of endpoints per tab, generated from `data_tabs.TABS`, so the OpenAPI document shows
each tab's own fields: `GET/POST /vendors/me/data/<tab>`, `PATCH/DELETE
/vendors/me/data/<tab>/{record_id}`. Supporting files are uploaded through the web pages.
"""

# No `from __future__ import annotations` here: django-ninja reads the annotations of the
# endpoints generated in a loop, whose schemas are local variables.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.orm import create_schema

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.organizations.models import Lpse
from openlpse.vendors import selectors_data
from openlpse.vendors.data_tabs import IDENTITY, RECORD_TABS, DataTab
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor, VerificationRequest
from openlpse.vendors.models.data import VendorRecord
from openlpse.vendors.services import data as data_services
from openlpse.vendors.services import identity as identity_services
from openlpse.vendors.services import staff as staff_services

router = Router(auth=token_auth, tags=["Vendor data"])

# Identity numbers may be sent formatted (dots, dashes); the services keep the digits.
_NUMBER_FIELDS = ("nik", "npwp", "id_number")


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _vendor(request: HttpRequest) -> Vendor:
    """The caller's vendor: they must be its administrator or staff, and it must be verified."""
    vendor = selectors_data.vendor_of_member(_user(request))
    if vendor is None:
        raise errors.PermissionDenied(
            _("These endpoints are for the administrator and staff of a verified vendor."),
            code="not_vendor_member",
        )
    if vendor.status != VendorStatus.VERIFIED:
        raise errors.PermissionDenied(
            _(
                "%(company)s is not verified yet. The company data opens after the LPSE's "
                "verification."
            )
            % {"company": vendor.name},
            code="vendor_not_verified",
        )
    return vendor


# --- the record tabs ------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    name: str
    sha256: str
    size: int


class RecordOutBase(Schema):
    document: DocumentOut | None = Field(
        None, description="The supporting document, if one was uploaded (web pages)."
    )

    @staticmethod
    def resolve_document(obj: VendorRecord) -> dict[str, Any] | None:
        stored = obj.file
        if stored is None:
            return None
        return {
            "id": stored.pk,
            "name": stored.original_name,
            "sha256": stored.sha256,
            "size": stored.size,
        }


def _schemas(tab: DataTab) -> tuple[type[Schema], type[Schema], type[Schema]]:
    assert tab.model is not None
    name = tab.model.__name__
    numbers = [(f, str, ...) for f in tab.fields if f in _NUMBER_FIELDS]
    out = create_schema(
        tab.model,
        name=f"{name}Out",
        fields=["id", *tab.fields, "created_at", "updated_at"],
        base_class=RecordOutBase,
    )
    create = create_schema(
        tab.model,
        name=f"{name}In",
        fields=[f for f in tab.fields if f not in _NUMBER_FIELDS],
        custom_fields=numbers,
        base_class=InputSchema,
    )
    patch = create_schema(
        tab.model,
        name=f"{name}Patch",
        fields=[f for f in tab.fields if f not in _NUMBER_FIELDS],
        optional_fields="__all__",  # type: ignore[arg-type]
        custom_fields=[(f, str | None, None) for f, _t, _d in numbers],
        base_class=InputSchema,
    )
    return out, create, patch


def _register(tab: DataTab) -> None:
    assert tab.model is not None
    model = tab.model
    out, create, patch = _schemas(tab)
    key = tab.slug.replace("-", "_")
    base = f"/vendors/me/data/{tab.slug}"
    label = str(tab.model._meta.verbose_name_plural)

    def record_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
        vendor = _vendor(request)
        page = paginate(
            model._default_manager.filter(vendor_id=vendor.pk).select_related("file"),
            order_by="created_at",
            cursor=params.cursor,
            limit=params.limit,
        )
        return {"items": page.items, "next_cursor": page.next_cursor}

    record_list.__annotations__ = {
        "request": HttpRequest,
        "params": Query[PageParams],
        "return": dict[str, Any],
    }
    router.get(
        base,
        response={200: CursorPage[out], **error_responses(400, 401, 403)},  # type: ignore[valid-type]
        summary=f"List your company's {label}",
        operation_id=f"vendor_data_{key}_list",
        url_name=f"vendor_data_{key}_list",
    )(record_list)

    def record_create(request: HttpRequest, payload: Any) -> Status[Any]:
        vendor = _vendor(request)
        record = data_services.vendor_record_create(
            actor=_user(request),
            vendor=vendor,
            model=model,
            values=payload.model_dump(),
        )
        return Status(201, record)

    record_create.__annotations__ = {
        "request": HttpRequest,
        "payload": create,
        "return": Status[Any],
    }
    router.post(
        base,
        response={201: out, **error_responses(400, 401, 403, 409)},
        summary=f"Add to your company's {label}",
        operation_id=f"vendor_data_{key}_create",
        url_name=f"vendor_data_{key}_create",
    )(record_create)

    def record_update(request: HttpRequest, record_id: int, payload: Any) -> VendorRecord:
        vendor = _vendor(request)
        return data_services.vendor_record_update(
            actor=_user(request),
            vendor=vendor,
            model=model,
            record_id=record_id,
            values=payload.model_dump(exclude_unset=True),
        )

    record_update.__annotations__ = {
        "request": HttpRequest,
        "record_id": int,
        "payload": patch,
        "return": VendorRecord,
    }
    router.patch(
        f"{base}/{{record_id}}",
        response={200: out, **error_responses(400, 401, 403, 404, 409)},
        summary=f"Change one of your company's {label}",
        operation_id=f"vendor_data_{key}_update",
        url_name=f"vendor_data_{key}_update",
    )(record_update)

    def record_delete(request: HttpRequest, record_id: int) -> Status[Any]:
        vendor = _vendor(request)
        data_services.vendor_record_delete(
            actor=_user(request), vendor=vendor, model=model, record_id=record_id
        )
        return Status(204, None)

    router.delete(
        f"{base}/{{record_id}}",
        response={204: None, **error_responses(401, 403, 404)},
        summary=f"Delete one of your company's {label}",
        operation_id=f"vendor_data_{key}_delete",
        url_name=f"vendor_data_{key}_delete",
    )(record_delete)


# --- identity -------------------------------------------------------------------------------------


class LpseRef(Schema):
    slug: str
    name: str


class IdentityChangeOut(Schema):
    id: int
    status: str
    lpse: LpseRef
    submitted_at: dt.datetime
    current: dict[str, str] = Field(description="The verified values when the change was sent.")
    proposed: dict[str, str] = Field(description="The changed fields with their new values.")

    @staticmethod
    def resolve_current(obj: VerificationRequest) -> dict[str, str]:
        return dict(obj.data.get("current", {}))

    @staticmethod
    def resolve_proposed(obj: VerificationRequest) -> dict[str, str]:
        return dict(obj.data.get("proposed", {}))


class IdentityOut(Schema):
    name: str
    business_form: str
    business_scale: str
    npwp: str
    nib: str
    email: str
    address: str
    province: str
    city: str
    postal_code: str
    phone: str
    website: str
    verified_lpse: LpseRef | None = Field(description="The LPSE that verified the company.")
    verified_at: dt.datetime | None
    pending_change: IdentityChangeOut | None = Field(
        None, description="A change of verified identity data waiting for verification."
    )

    @staticmethod
    def resolve_pending_change(obj: Vendor) -> VerificationRequest | None:
        return selectors_data.pending_identity_change(vendor=obj)


class ProfilePatch(InputSchema):
    """Identity fields that need no verification; the others go through identity-change."""

    address: str | None = None
    province: str | None = None
    city: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    website: str | None = None
    business_scale: str | None = Field(None, description="kecil or non_kecil.")


class IdentityChangeIn(InputSchema):
    name: str | None = None
    npwp: str | None = None
    nib: str | None = None
    email: str | None = None
    lpse: str | None = Field(
        None, description="Slug of the LPSE to verify it; by default the one that verified you."
    )


@router.get(
    f"/vendors/me/data/{IDENTITY}",
    response={200: IdentityOut, **error_responses(401, 403)},
    summary="Your company's identity",
)
def identity_read(request: HttpRequest) -> Vendor:
    return _vendor(request)


@router.patch(
    f"/vendors/me/data/{IDENTITY}",
    response={200: IdentityOut, **error_responses(400, 401, 403)},
    summary="Change your company's address and contact details",
)
def identity_update(request: HttpRequest, payload: ProfilePatch) -> Vendor:
    vendor = _vendor(request)
    return data_services.vendor_profile_update(
        actor=_user(request), vendor=vendor, values=payload.model_dump(exclude_unset=True)
    )


@router.post(
    "/vendors/me/identity-change",
    response={201: IdentityChangeOut, **error_responses(400, 401, 403, 409)},
    summary="Ask for verification of a new company name, NPWP, NIB or e-mail",
)
def identity_change(request: HttpRequest, payload: IdentityChangeIn) -> Status[Any]:
    vendor = _vendor(request)
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    slug = values.pop("lpse", None)
    lpse = None
    if slug is not None:
        lpse = Lpse.objects.filter(slug=slug, is_active=True).first()
        if lpse is None:
            raise errors.field_error(
                "lpse",
                _(
                    "No active LPSE has the slug “%(slug)s”. Check it, or leave the field out "
                    "to ask the LPSE that verified your company."
                )
                % {"slug": slug},
            )
    request_ = identity_services.identity_change_request(
        actor=_user(request), vendor=vendor, proposed=values, lpse=lpse
    )
    return Status(201, request_)


# --- staff ----------------------------------------------------------------------------------------


class StaffOut(Schema):
    id: int = Field(description="The role assignment's id (used to remove the person).")
    role: str
    username: str
    full_name: str
    email: str
    starts_on: dt.date

    @staticmethod
    def resolve_username(obj: RoleAssignment) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj: RoleAssignment) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_email(obj: RoleAssignment) -> str:
        return obj.user.email


class StaffIn(InputSchema):
    full_name: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=254)
    username: str = Field(min_length=1, max_length=150)
    preferred_language: str = Field("id", description="id or en: the invitation's language.")


class StaffRemoveIn(InputSchema):
    reason: str = Field(min_length=1, max_length=300)


@router.get(
    "/vendors/me/staff",
    response={200: CursorPage[StaffOut], **error_responses(400, 401, 403)},
    summary="The people who act for your company",
)
def staff_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    vendor = _vendor(request)
    page = paginate(
        selectors_data.vendor_staff_list(vendor=vendor),
        order_by="granted_at",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post(
    "/vendors/me/staff",
    response={201: StaffOut, **error_responses(400, 401, 403, 409)},
    summary="Add a staff member (administrator only); they get an e-mail to set a password",
)
def staff_add(request: HttpRequest, payload: StaffIn) -> Status[Any]:
    vendor = _vendor(request)
    assignment = staff_services.staff_add(actor=_user(request), vendor=vendor, **payload.dict())
    return Status(201, assignment)


@router.post(
    "/vendors/me/staff/{assignment_id}/remove",
    response={200: StaffOut, **error_responses(400, 401, 403, 404)},
    summary="Remove a staff member (administrator only)",
)
def staff_remove(
    request: HttpRequest, assignment_id: int, payload: StaffRemoveIn
) -> RoleAssignment:
    vendor = _vendor(request)
    return staff_services.staff_remove(
        actor=_user(request), vendor=vendor, assignment_id=assignment_id, reason=payload.reason
    )


for _tab in RECORD_TABS:
    _register(_tab)
