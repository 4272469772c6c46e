"""Changing verified identity data (issue 3 item 5): the company name, NPWP, NIB and e-mail
were checked by the Unit Registrasi dan Verifikasi (LT 12(2), KA 12(2)), so a change goes back
to it as a VerificationRequest of kind "identity_change". The verified values stay in force
until a verifikator approves (the verification services apply `data["proposed"]`), so the
rest of the account keeps working meanwhile. One pending request per vendor at a time
(the constraint `vendors_verification_one_pending`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from openlpse.accounts.models.user import User
from openlpse.core import audit, clock, errors, timezones
from openlpse.core.notifications import Message, notify
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, selectors, validators
from openlpse.vendors.enums import (
    VERIFIED_IDENTITY_FIELDS,
    VendorStatus,
    VerificationKind,
    VerificationStatus,
)
from openlpse.vendors.errors import Blacklisted, DuplicateVendor, mask_email
from openlpse.vendors.models import Vendor, VendorDocument, VerificationRequest

NAME_MAX_LENGTH = 200


def _require_admin(actor: Any, vendor: Vendor) -> None:
    if not permissions.is_vendor_admin(actor, vendor):
        raise errors.PermissionDenied(
            _(
                "Only the administrator of %(company)s may change its identity data. Ask the "
                "administrator to make the change."
            )
            % {"company": vendor.name}
        )
    if vendor.status != VendorStatus.VERIFIED:
        raise errors.PermissionDenied(
            _(
                "%(company)s is not verified yet: correct the identity data in the registration "
                "instead, before you submit it."
            )
            % {"company": vendor.name},
            code="vendor_not_verified",
        )


def _clean_proposed(proposed: Mapping[str, Any]) -> dict[str, str]:
    unknown = set(proposed) - set(VERIFIED_IDENTITY_FIELDS)
    if unknown:
        raise errors.ValidationError(
            _(
                "Only the company name, NPWP, NIB and e-mail go through verification; these "
                "fields cannot be part of the request: %(fields)s."
            )
            % {"fields": ", ".join(sorted(unknown))}
        )
    cleaned: dict[str, str] = {}
    problems: dict[str, list[Any]] = {}
    for name, raw in proposed.items():
        value = (raw or "").strip() if isinstance(raw, str) else ""
        try:
            if name == "name":
                if not value:
                    raise errors.field_error("name", _("Enter the company name."))
                if len(value) > NAME_MAX_LENGTH:
                    raise errors.field_error(
                        "name", _("The company name is too long: use at most 200 characters.")
                    )
                cleaned[name] = value
            elif name == "npwp":
                cleaned[name] = validators.clean_npwp(value)
            elif name == "nib":
                cleaned[name] = validators.clean_nib(value)
            else:
                try:
                    validate_email(value)
                except DjangoValidationError:
                    raise errors.field_error(
                        "email",
                        _("Enter a valid e-mail address, such as kantor@perusahaan.co.id."),
                    ) from None
                cleaned[name] = value.lower()
        except errors.ValidationError as exc:
            for field, messages in exc.fields.items():
                problems.setdefault(field, []).extend(messages)
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems)
    return cleaned


def _pending_conflict(pending: VerificationRequest) -> errors.Conflict:
    if pending.kind == VerificationKind.IDENTITY_CHANGE:
        message = _(
            "A change of identity data sent on %(date)s is still waiting for %(lpse)s. Wait for "
            "its decision, or withdraw it, before you ask for another change."
        )
    else:
        message = _(
            "A request sent on %(date)s is still waiting for %(lpse)s. Wait for its decision "
            "before you ask for a change of identity data."
        )
    return errors.Conflict(
        message
        % {
            "date": timezones.local_date_label(
                pending.submitted_at, timezones.zone_of(pending.lpse)
            ),
            "lpse": pending.lpse.name,
        },
        code="verification_pending",
    )


def _check_duplicates(vendor: Vendor, changed: Mapping[str, str]) -> None:
    """One user ID per vendor: a number already used by another company is refused and
    pointed to that account (issue 3 item 4)."""
    held = selectors.vendor_holding_number(
        vendor=vendor, npwp=changed.get("npwp", ""), nib=changed.get("nib", "")
    )
    if held is not None:
        field, other = held
        raise DuplicateVendor(
            field=field, masked_email=mask_email(other.email or other.created_by.email)
        )


def _queue_url() -> str:
    try:
        return reverse("vendors:verification_queue")
    except NoReverseMatch:  # the verification pages are not installed
        return ""


def _field_labels(fields: list[str]) -> str:
    return ", ".join(str(getattr(Vendor._meta.get_field(f), "verbose_name", f)) for f in fields)


def identity_change_request(
    *,
    actor: User,
    vendor: Vendor,
    proposed: Mapping[str, Any],
    lpse: Lpse | None = None,
) -> VerificationRequest:
    """Ask the LPSE that verified the vendor (or `lpse`) to verify new identity data.

    `proposed` holds some of name, npwp, nib, email; only the values that differ from the
    verified ones are kept. `data` also records the vendor's current documents ({kind: id}).
    Refused: unknown fields, invalid numbers, nothing changed, a number another company uses
    (DuplicateVendor), a blacklisted number (Blacklisted), or a request still pending
    (Conflict)."""
    _require_admin(actor, vendor)
    cleaned = _clean_proposed(proposed)
    changed = {k: v for k, v in cleaned.items() if v != getattr(vendor, k)}
    if not changed:
        raise errors.ValidationError(
            _(
                "The data you entered is the same as the verified data. Change at least one of "
                "the company name, NPWP, NIB or e-mail."
            ),
            code="nothing_changed",
        )
    target = lpse or vendor.verified_lpse
    if target is None or not target.is_active:
        raise errors.field_error(
            "lpse", _("Choose an active LPSE to verify the change of identity data.")
        )
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        pending = (
            VerificationRequest.objects.filter(
                vendor_id=locked.pk, status=VerificationStatus.PENDING
            )
            .select_related("lpse")
            .first()
        )
        if pending is not None:
            raise _pending_conflict(pending)
        entry = selectors.blacklist_entry_for(
            npwp=changed.get("npwp", ""), nib=changed.get("nib", "")
        )
        if entry is not None:
            raise Blacklisted(entry)
        _check_duplicates(locked, changed)
        current = {f: getattr(locked, f) for f in VERIFIED_IDENTITY_FIELDS}
        # The documents in force, so the verifikator checks the new data against them.
        documents = dict(
            VendorDocument.objects.filter(vendor_id=locked.pk, is_current=True).values_list(
                "kind", "pk"
            )
        )
        try:
            with transaction.atomic():
                request = VerificationRequest.objects.create(
                    vendor=locked,
                    kind=VerificationKind.IDENTITY_CHANGE,
                    lpse=target,
                    data={"current": current, "proposed": changed, "documents": documents},
                    submitted_by=actor,
                    submitted_at=clock.now(),
                )
        except IntegrityError:
            # Lost a race with another request of the same vendor: the same clear answer.
            pending = VerificationRequest.objects.filter(
                vendor_id=locked.pk, status=VerificationStatus.PENDING
            ).first()
            if pending is None:
                raise
            raise _pending_conflict(pending) from None
        company, lpse_name, fields = locked.name, target.name, list(changed)
        notify(
            users=selectors.verifikators_of(target),
            message=Message(
                "vendors.identity_change",
                subject=lambda: (
                    _("%(company)s asks to change its verified identity data")
                    % {"company": company}
                ),
                body=lambda: (
                    _(
                        "%(company)s asks %(lpse)s to verify a change of: %(fields)s. The verified "
                        "data stays in force until you decide. Check the new data against the "
                        "documents, then approve or reject the change in the verification queue."
                    )
                    % {"company": company, "lpse": lpse_name, "fields": _field_labels(fields)}
                ),
                url=_queue_url(),
            ),
            lpse=target,
        )
        audit.record(
            actor=actor,
            action="vendor.identity_change.request",
            obj=request,
            lpse_id=target.pk,
            changes={
                "vendor": locked.pk,
                "current": {k: current[k] for k in changed},
                "proposed": changed,
            },
        )
    return request


def identity_change_withdraw(*, actor: User, vendor: Vendor) -> VerificationRequest:
    """Withdraw the vendor's pending change of identity data (the verified data stays)."""
    _require_admin(actor, vendor)
    with transaction.atomic():
        request = (
            VerificationRequest.objects.select_for_update()
            .filter(
                vendor_id=vendor.pk,
                kind=VerificationKind.IDENTITY_CHANGE,
                status=VerificationStatus.PENDING,
            )
            .first()
        )
        if request is None:
            raise errors.Conflict(
                _(
                    "No change of identity data is waiting for verification, so there is "
                    "nothing to withdraw. Reload the identity tab to see its current state."
                ),
                code="nothing_pending",
            )
        request.status = VerificationStatus.WITHDRAWN
        request.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="vendor.identity_change.withdraw",
            obj=request,
            lpse_id=request.lpse_id,
            changes={"vendor": vendor.pk, "status": ["pending", "withdrawn"]},
        )
    return request
