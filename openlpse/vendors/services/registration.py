"""Vendor self-registration online (LT 25(1)a.1-2, LT 25(6)), after the e-mail confirmation
(services.signup):

1. `registration_save`: company identity and the first administrator, saved as a draft (what is
   entered must be valid) or completed ("Continue"), with the duplicate and blacklist checks.
2. `registration_submit`: the complete registration with its documents goes to the Unit
   Registrasi dan Verifikasi of the chosen LPSE as a VerificationRequest.

The documents themselves are uploaded by services.documents. Every write is audited; an attempt
on another vendor's registration is audited as "vendor.access_refused" and answered NotFound.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.accounts.permissions import today
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.core.portal import active_lpses
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, selectors, validators
from openlpse.vendors import selectors_registration as reads
from openlpse.vendors.enums import (
    BusinessForm,
    BusinessScale,
    DocumentType,
    VendorStatus,
    VerificationKind,
    VerificationStatus,
)
from openlpse.vendors.errors import Blacklisted, DuplicateVendor, mask_email
from openlpse.vendors.models import Vendor, VerificationRequest
from openlpse.vendors.services.form_pdf import identity_snapshot, reference_code, snapshot_sha256

# Shared helpers, and the sign-up names re-exported for callers that import them from here.
from openlpse.vendors.services.signup import SignupClaim as SignupClaim
from openlpse.vendors.services.signup import normalise_email
from openlpse.vendors.services.signup import signup_claim as signup_claim
from openlpse.vendors.services.signup import signup_confirm as signup_confirm
from openlpse.vendors.services.signup import signup_request as signup_request
from openlpse.vendors.services.signup import signup_token as signup_token

_POSTAL_CODE = re.compile(r"^\d{5}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{6,40}$")
_MAX_LENGTHS = {
    "name": 200,
    "address": 1000,
    "province": 100,
    "city": 100,
    "postal_code": 10,
    "phone": 40,
    "email": 254,
    "website": 200,
    "admin_name": 200,
    "admin_position": 120,
}


# --- helpers -------------------------------------------------------------------------------------


def _safe_url(name: str, *args: Any) -> str:
    """The URL of a page another part of the app may not have yet ("" until it exists)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _mask_nik(value: str) -> str:
    return f"{value[:6]}******{value[-4:]}" if len(value) == 16 else value


def _audit_value(name: str, value: Any) -> Any:
    if name == "admin_nik" and isinstance(value, str):
        return _mask_nik(value)
    if isinstance(value, Lpse):
        return value.slug
    return value


def refuse_access(*, actor: Any, vendor: Vendor | None, attempted: str) -> errors.NotFound:
    """Record an attempt on another vendor's registration (committed even though the caller
    fails) and return the NotFound to raise: the answer does not reveal that it exists."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="vendor.access_refused",
            obj=vendor,
            changes={"attempted": attempted},
        )
    return errors.NotFound()


def _require_editor(actor: Any, vendor: Vendor, attempted: str) -> None:
    if not permissions.can_edit_registration(actor, vendor):
        raise refuse_access(actor=actor, vendor=vendor, attempted=attempted)


def access_vendor_for_registration(*, actor: Any, vendor_id: int) -> Vendor:
    """The vendor whose registration the actor may edit; otherwise NotFound (and the attempt
    on an existing vendor is audited)."""
    vendor = Vendor.objects.filter(pk=vendor_id).select_related("registration_lpse").first()
    if vendor is None:
        raise errors.NotFound()
    _require_editor(actor, vendor, "registration.read")
    return vendor


def _refuse_if_blacklisted(
    *, actor: Any, vendor: Vendor | None, npwp: str, nib: str, stage: str
) -> None:
    """A blacklisted NPWP or NIB cannot proceed (issue 3 item 4); the attempt is audited."""
    entry = selectors.blacklist_entry_for(npwp=npwp, nib=nib, vendor=vendor)
    if entry is None:
        return
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="vendor.registration_blocked",
            obj=vendor,
            changes={"stage": stage, "blacklist_entry": entry.pk, "npwp": npwp, "nib": nib},
            lpse_id=vendor.registration_lpse_id if vendor is not None else None,
        )
    raise Blacklisted(entry)


def _refuse_duplicates(*, vendor: Vendor, npwp: str, nib: str) -> None:
    """One user ID per vendor: another vendor with this NPWP or NIB is the same company."""
    held = selectors.vendor_holding_number(vendor=vendor, npwp=npwp, nib=nib)
    if held is not None:
        field, existing = held
        address = existing.created_by.email or existing.email
        raise DuplicateVendor(field=field, masked_email=mask_email(address))


def require_editable(vendor: Vendor) -> None:
    if vendor.status in reads.EDITABLE_STATUSES:
        return
    if vendor.status == VendorStatus.SUBMITTED:
        raise errors.Conflict(
            _(
                "Your registration was sent for verification and cannot be changed while it "
                "waits. To correct something, withdraw it first, correct it and send it again."
            ),
            code="registration_submitted",
        )
    raise errors.Conflict(
        _(
            "Your company is already verified. Contact details can still be changed; a change "
            "of name, NPWP, NIB or e-mail goes through an identity change request."
        ),
        code="registration_verified",
    )


# --- 2. identity and first administrator ---------------------------------------------------------


def _clean_identity(values: Mapping[str, Any]) -> dict[str, Any]:
    """Each given value valid (empty allowed: a draft may be partial); every problem at once."""
    cleaned: dict[str, Any] = {}
    problems: dict[str, list[Any]] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    for name, raw in values.items():
        if name == "registration_lpse":
            if not isinstance(raw, Lpse) or not active_lpses().filter(pk=raw.pk).exists():
                refuse(name, _("Choose the LPSE where your company will be verified."))
            else:
                cleaned[name] = raw
            continue
        value = " ".join(str(raw or "").split()) if name != "address" else str(raw or "").strip()
        limit = _MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            refuse(name, _("Use at most %(limit)d characters.") % {"limit": limit})
            continue
        try:
            if not value:
                if name == "business_scale":
                    value = BusinessScale.KECIL
            elif name == "npwp":
                value = validators.clean_npwp(value)
            elif name == "nib":
                value = validators.clean_nib(value)
            elif name == "admin_nik":
                value = validators.clean_nik(value, field="admin_nik")
            elif name == "business_form" and value not in BusinessForm.values:
                refuse(name, _("Choose PT, CV, Firma, Koperasi or perorangan."))
                continue
            elif name == "business_scale" and value not in BusinessScale.values:
                refuse(name, _("Choose small or non-small business."))
                continue
            elif name == "email":
                value = normalise_email(value)
            elif name == "website":
                if "://" not in value:
                    value = f"https://{value}"
                URLValidator(schemes=["http", "https"])(value)
            elif name == "postal_code" and not _POSTAL_CODE.match(value):
                refuse(name, _("The postal code has 5 digits, for example 34111."))
                continue
            elif name == "phone" and (
                not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6
            ):
                refuse(
                    name,
                    _("Enter a phone number with its area code, for example 0725-123456."),
                )
                continue
        except errors.ValidationError as exc:
            for messages in exc.fields.values():
                for message in messages:
                    refuse(name, str(message))
            continue
        except DjangoValidationError:
            refuse(name, _("Enter the website address, for example https://www.company.co.id."))
            continue
        cleaned[name] = value
    if problems:
        raise errors.ValidationError(fields=problems)
    return cleaned


def _refuse_unknown(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise errors.ValidationError(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )


def _require_complete(vendor: Vendor) -> None:
    missing = reads.missing_identity_fields(vendor)
    if missing:
        message = _("Fill in this field to continue.")
        raise errors.ValidationError(
            _(
                "The registration is not complete yet. Fill in the marked fields; you can also "
                "save it as a draft and finish later."
            ),
            code="registration_incomplete",
            fields={name: [message] for name in missing},
        )


def vendor_version(vendor: Vendor) -> str:
    """The version a form was opened on (optimistic concurrency): the last change time."""
    return vendor.updated_at.isoformat() if vendor.updated_at else ""


def _stale() -> errors.Conflict:
    return errors.Conflict(
        _(
            "This registration was changed in another window or by another person after you "
            "opened this page. Your entries are still shown: check them and save again to keep "
            "them."
        ),
        code="stale_version",
    )


def _save_changes(
    *, locked: Vendor, cleaned: Mapping[str, Any], now: dt.datetime
) -> dict[str, list[Any]]:
    diff: dict[str, list[Any]] = {}
    for name, value in cleaned.items():
        old = getattr(locked, name)
        if old != value:
            diff[name] = [_audit_value(name, old), _audit_value(name, value)]
            setattr(locked, name, value)
    if diff:
        locked.updated_at = now
        fields = [name for name in diff] + ["updated_at"]
        try:
            with transaction.atomic():
                locked.save(update_fields=fields)
        except IntegrityError:
            # Lost a race with another registration of the same NPWP or NIB.
            _refuse_duplicates(vendor=locked, npwp=locked.npwp, nib=locked.nib)
            raise
    return diff


def registration_save(
    *,
    actor: Any,
    vendor: Vendor,
    values: Mapping[str, Any],
    complete: bool = False,
    version: str | None = None,
) -> Vendor:
    """Save the identity as a draft (partial, each value valid) or, with `complete`, require
    every field ("Continue"). Refuses a duplicate or blacklisted NPWP/NIB and a stale form.

    Editable while the registration is a draft or was returned for correction."""
    _require_editor(actor, vendor, "registration.save")
    _refuse_unknown(values, (*reads.IDENTITY_FIELDS, "registration_lpse"))
    require_editable(vendor)
    cleaned = _clean_identity(values)
    npwp = cleaned.get("npwp", "")
    nib = cleaned.get("nib", "")
    if npwp or nib:
        _refuse_duplicates(vendor=vendor, npwp=npwp, nib=nib)
        _refuse_if_blacklisted(
            actor=actor, vendor=vendor, npwp=npwp, nib=nib, stage="registration_save"
        )
    now = clock.now()
    with transaction.atomic():
        locked = (
            Vendor.objects.select_for_update(of=("self",))
            .select_related("registration_lpse")
            .get(pk=vendor.pk)
        )
        require_editable(locked)
        unchanged = all(getattr(locked, name) == value for name, value in cleaned.items())
        if version and version != vendor_version(locked) and not unchanged:
            raise _stale()
        diff = _save_changes(locked=locked, cleaned=cleaned, now=now)
        if complete:
            _require_complete(locked)
        if diff:
            audit.record(
                actor=actor,
                action="vendor.registration_save",
                obj=locked,
                changes={**diff, "complete": complete},
                lpse_id=locked.registration_lpse_id,
            )
    return locked


def vendor_update_contact(
    *, actor: Any, vendor: Vendor, values: Mapping[str, Any], version: str | None = None
) -> Vendor:
    """Address, phone and website: changed by the vendor's administrator (a role it holds from
    the verification on) without a new verification: they are not verified identity data.
    Before verification the registrant changes them with `registration_save`."""
    if not permissions.is_vendor_admin(actor, vendor):
        if permissions.is_vendor_member(actor, vendor):
            # Its staff know the company: tell them who can, instead of "not found".
            raise errors.PermissionDenied(
                _(
                    "Only the company's administrator can change its contact details. Ask your "
                    "administrator to change them."
                ),
                code="not_vendor_admin",
            )
        raise refuse_access(actor=actor, vendor=vendor, attempted="contact.update")
    if set(values) - set(reads.CONTACT_FIELDS):
        raise errors.ValidationError(
            _(
                "Only the address, province, city, postal code, phone and website can be changed "
                "here. A change of name, NPWP, NIB or e-mail goes through an identity change "
                "request."
            ),
            code="not_contact_field",
        )
    cleaned = _clean_identity(values)
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        unchanged = all(getattr(locked, name) == value for name, value in cleaned.items())
        if version and version != vendor_version(locked) and not unchanged:
            raise _stale()
        diff = _save_changes(locked=locked, cleaned=cleaned, now=clock.now())
        if diff:
            audit.record(
                actor=actor,
                action="vendor.contact_update",
                obj=locked,
                changes=diff,
                lpse_id=locked.registration_lpse_id,
            )
    return locked


# --- 3. submission -------------------------------------------------------------------------------


def _already_submitted(request: VerificationRequest | None) -> errors.Conflict:
    if request is None:
        return errors.Conflict(
            _(
                "Your registration was already sent and is waiting for verification. You do "
                "not need to send it again."
            ),
            code="already_submitted",
        )
    return errors.Conflict(
        _(
            "Your registration was already sent on %(date)s and is waiting for verification by "
            "%(lpse)s. You do not need to send it again."
        )
        % {
            "date": date_format(request.submitted_at.date(), "DATE_FORMAT"),
            "lpse": request.lpse.name,
        },
        code="already_submitted",
    )


def _require_documents(vendor: Vendor) -> dict[str, Any]:
    """Every required document current and, when it has a validity, still valid today."""
    current = reads.current_documents(vendor=vendor)
    missing: list[str] = []
    expired: list[str] = []
    day = today()
    for kind in reads.required_documents(vendor):
        doc = current.get(kind)
        if doc is None:
            missing.append(kind)
        elif doc.valid_until is not None and doc.valid_until < day:
            expired.append(kind)
    if missing or expired:
        labels = [str(DocumentType(k).label) for k in missing + expired]
        message = _("Upload these documents before sending the registration: %(documents)s.") % {
            "documents": "; ".join(labels)
        }
        if expired:
            message = _(
                "%(message)s A document past its validity must be replaced by the one in force."
            ) % {"message": message}
        fields: dict[str, list[Any]] = {
            kind: [_("Upload this document on the documents page.")] for kind in missing
        }
        for kind in expired:
            fields[kind] = [_("This document has expired. Upload the one in force now.")]
        raise errors.ValidationError(message, code="documents_missing", fields=fields)
    return {
        kind: {"id": doc.pk, "version": doc.version, "sha256": doc.file.sha256}
        for kind, doc in sorted(current.items())
    }


def registration_submit(*, actor: Any, vendor: Vendor) -> VerificationRequest:
    """Send the registration to the Unit Registrasi dan Verifikasi of the chosen LPSE
    (LT 12(2), KA 12(2)). A resubmission after a rejection is a new request; the history stays.
    A second submit while one waits (double click) is refused and changes nothing."""
    _require_editor(actor, vendor, "registration.submit")
    pending = reads.pending_request(vendor=vendor)
    if pending is not None or vendor.status == VendorStatus.SUBMITTED:
        raise _already_submitted(pending)
    require_editable(vendor)
    _refuse_if_blacklisted(
        actor=actor, vendor=vendor, npwp=vendor.npwp, nib=vendor.nib, stage="registration_submit"
    )
    now = clock.now()
    with transaction.atomic():
        locked = (
            Vendor.objects.select_for_update(of=("self",))
            .select_related("registration_lpse")
            .get(pk=vendor.pk)
        )
        if locked.status == VendorStatus.SUBMITTED:
            raise _already_submitted(reads.pending_request(vendor=locked))
        require_editable(locked)
        _require_complete(locked)
        _refuse_duplicates(vendor=locked, npwp=locked.npwp, nib=locked.nib)
        lpse = locked.registration_lpse
        if lpse is None or not lpse.is_active:
            raise errors.field_error(
                "registration_lpse",
                _("Choose the LPSE where your company will be verified."),
                code="invalid",
            )
        documents = _require_documents(locked)
        snapshot = identity_snapshot(locked)
        data = {
            "identity": snapshot,
            "identity_sha256": snapshot_sha256(snapshot),
            "reference": reference_code(locked),
            "documents": documents,
        }
        try:
            with transaction.atomic():
                request = VerificationRequest.objects.create(
                    vendor=locked,
                    kind=VerificationKind.REGISTRATION,
                    lpse=lpse,
                    status=VerificationStatus.PENDING,
                    data=data,
                    submitted_by=actor,
                    submitted_at=now,
                )
        except IntegrityError:  # vendors_verification_one_pending: a request is already waiting
            raise _already_submitted(reads.pending_request(vendor=locked)) from None
        previous = locked.status
        locked.status = VendorStatus.SUBMITTED
        locked.submitted_at = now
        locked.updated_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        _notify_submitted(vendor=locked, request=request, actor=actor)
        audit.record(
            actor=actor,
            action="vendor.registration_submit",
            obj=locked,
            changes={
                "status": [previous, VendorStatus.SUBMITTED],
                "request": request.pk,
                "lpse": lpse.slug,
                "reference": data["reference"],
                "documents": {k: v["version"] for k, v in documents.items()},
            },
            lpse_id=lpse.pk,
        )
    return request


def _notify_submitted(*, vendor: Vendor, request: VerificationRequest, actor: Any) -> None:
    lpse = request.lpse
    company, lpse_name = vendor.name, lpse.name
    notify(
        users=list(selectors.verifikators_of(lpse)),
        message=Message(
            topic="vendor.registration_submitted",
            subject=lambda: (
                _("New vendor registration to verify: %(company)s") % {"company": company}
            ),
            body=lambda: (
                _(
                    "%(company)s sent its registration to %(lpse)s. Check its data and documents "
                    "in the verification queue."
                )
                % {"company": company, "lpse": lpse_name}
            ),
            url=_safe_url("vendors:verification_queue"),
        ),
        lpse=lpse,
    )
    notify(
        users=[actor, vendor.created_by],
        message=Message(
            topic="vendor.registration_submitted",
            subject=lambda: _("Your registration was sent for verification"),
            body=lambda: (
                _(
                    "The registration of %(company)s was sent to the Registration and Verification "
                    "Unit of %(lpse)s. You will be notified when it is decided."
                )
                % {"company": company, "lpse": lpse_name}
            ),
            url=reverse("vendors:home"),
        ),
        lpse=lpse,
    )


def registration_withdraw(*, actor: Any, vendor: Vendor) -> VerificationRequest:
    """Take back a waiting registration to correct it (it becomes a draft again)."""
    _require_editor(actor, vendor, "registration.withdraw")
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        request = (
            VerificationRequest.objects.select_for_update()
            .filter(
                vendor_id=locked.pk,
                kind=VerificationKind.REGISTRATION,
                status=VerificationStatus.PENDING,
            )
            .first()
        )
        if request is None or locked.status != VendorStatus.SUBMITTED:
            raise errors.Conflict(
                _(
                    "No registration of yours is waiting for verification, so there is nothing to withdraw."
                ),
                code="nothing_to_withdraw",
            )
        request.status = VerificationStatus.WITHDRAWN
        request.save(update_fields=["status"])
        locked.status = VendorStatus.DRAFT
        locked.updated_at = clock.now()
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="vendor.registration_withdraw",
            obj=locked,
            changes={"status": [VendorStatus.SUBMITTED, VendorStatus.DRAFT], "request": request.pk},
            lpse_id=request.lpse_id,
        )
    return request
