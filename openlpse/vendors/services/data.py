"""Writes on the vendor's data after activation: the SPSE "Data Penyedia" tabs (issue 3
item 5; spse-reference §4.3) and the identity fields that need no verification.

Only the vendor's administrator and staff write, and only once the vendor is verified; the
identity fields are the administrator's. Each service locks the vendor row first, so that
checks over several rows (the owners' shares) are decided one request after the other, and
records one audit event `vendor.data.<name>.create|update|delete` as its last statement.

A row id that belongs to another vendor is "not found", and the attempt is audited on that
vendor as `vendor.access_refused` (issue 3, bad input: "a form posted with another vendor's
id").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from openlpse.accounts.models.user import User
from openlpse.accounts.permissions import today
from openlpse.core import audit, clock, errors
from openlpse.core.storage import file_store
from openlpse.vendors import permissions, selectors_data, validators
from openlpse.vendors.data_tabs import tab_for_model
from openlpse.vendors.enums import BusinessScale, TaxReportKind, VendorStatus
from openlpse.vendors.models import (
    BusinessLicence,
    Deed,
    Equipment,
    Experience,
    Expert,
    Officer,
    Owner,
    TaxReport,
    Vendor,
)
from openlpse.vendors.models.data import VendorRecord
from openlpse.vendors.services.licence_expiry import licence_expiry_schedule

R = TypeVar("R", bound=VendorRecord)
Problems = dict[str, list[Any]]

# Identity fields the administrator changes directly; name, NPWP, NIB and e-mail go through
# verification instead (enums.VERIFIED_IDENTITY_FIELDS, services.identity).
PROFILE_FIELDS: tuple[str, ...] = (
    "address",
    "province",
    "city",
    "postal_code",
    "phone",
    "website",
    "business_scale",
)
_RECORD_META_FIELDS = ["vendor", "file", "created_at", "updated_at", "expiry_notified_on"]
_TAX_MONTHLY = frozenset({TaxReportKind.SPT_MASA_PPH, TaxReportKind.SPT_MASA_PPN})


# --- helpers ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    return value


def _raise_problems(problems: Problems) -> None:
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems)


def _refuse_unknown_fields(values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise errors.ValidationError(
            _(
                "These fields cannot be changed here: %(fields)s. Leave them out and send only "
                "the fields of this tab."
            )
            % {"fields": ", ".join(sorted(unknown))}
        )


def _strip(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _full_clean(obj: Model, *, exclude: list[str]) -> None:
    """The model's own field checks (required, lengths, choices, types) as a domain error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        _raise_problems({name: list(messages) for name, messages in exc.message_dict.items()})


def _percent(value: Decimal) -> str:
    return number_format(value.normalize() if value == value.to_integral() else value, None)


def _require_member(actor: Any, vendor: Vendor) -> None:
    if not permissions.is_vendor_member(actor, vendor):
        raise errors.PermissionDenied(
            _(
                "Only the administrator and staff of %(company)s may change its data. Sign in "
                "with an account of the company, or ask its administrator to add you as staff."
            )
            % {"company": vendor.name}
        )
    _require_verified(vendor)


def _require_admin(actor: Any, vendor: Vendor) -> None:
    if not permissions.is_vendor_admin(actor, vendor):
        raise errors.PermissionDenied(
            _(
                "Only the administrator of %(company)s may change its identity data. Ask the "
                "administrator to make the change."
            )
            % {"company": vendor.name}
        )
    _require_verified(vendor)


def _require_verified(vendor: Vendor) -> None:
    if vendor.status != VendorStatus.VERIFIED:
        raise errors.PermissionDenied(
            _(
                "%(company)s is not verified yet. Complete the registration and wait for the "
                "LPSE's verification; the company data tabs open after that."
            )
            % {"company": vendor.name},
            code="vendor_not_verified",
        )


def _lock_vendor(vendor: Vendor) -> Vendor:
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    _require_verified(locked)
    return locked


def _touch_vendor(vendor: Vendor, now: dt.datetime) -> None:
    Vendor.objects.filter(pk=vendor.pk).update(updated_at=now)
    vendor.updated_at = now


def _refuse_foreign_row(
    *, actor: Any, vendor: Vendor, model: type[VendorRecord], record_id: int, operation: str
) -> NoReturn:
    """A row id of another vendor: audit the attempt on that vendor's data (in its own
    transaction, which commits although the request is refused), then answer "not found"
    exactly as for a missing row."""
    owner = (
        model._default_manager.filter(pk=record_id)
        .exclude(vendor_id=vendor.pk)
        .values_list("vendor_id", flat=True)
        .first()
    )
    if owner is not None:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="vendor.access_refused",
                obj=Vendor.objects.get(pk=owner),
                changes={
                    "attempted": f"data.{tab_for_model(model).audit_name}.{operation}",
                    "record": record_id,
                    "actor_vendor": vendor.pk,
                },
            )
    raise errors.NotFound()


def _locate(*, vendor: Vendor, model: type[R], record_id: int) -> R:
    record = (
        model._default_manager.select_for_update(of=("self",))
        .filter(pk=record_id, vendor_id=vendor.pk)
        .first()
    )
    if record is None:
        raise errors.NotFound()
    return record


def vendor_record_access(
    *, actor: Any, vendor: Vendor, model: type[R], record_id: int, operation: str = "read"
) -> R:
    """The vendor's own row, for a page or an endpoint that is about to show or change it.
    Another vendor's row id is audited as an attempt on that vendor's data (`operation` says
    what was attempted) and answers NotFound, like a missing row."""
    try:
        return selectors_data.access_record(vendor=vendor, model=model, record_id=record_id)
    except errors.NotFound:
        _refuse_foreign_row(
            actor=actor, vendor=vendor, model=model, record_id=record_id, operation=operation
        )


# --- per-model rules ------------------------------------------------------------------------------


def _normalise_numbers(model: type[VendorRecord], values: dict[str, Any]) -> None:
    """Identity numbers as digits, before the model checks their length."""
    if model is Officer and "nik" in values:
        values["nik"] = validators.clean_nik(values["nik"] or "", field="nik")
    if model is Expert and "npwp" in values:
        values["npwp"] = validators.clean_npwp(values["npwp"] or "", field="npwp")
    if model is Owner and "id_number" in values:
        values["id_number"] = _clean_owner_id(values["id_number"] or "")


def _clean_owner_id(value: str) -> str:
    """An owner is a person (NIK, 16 digits) or a company (NPWP, 15 or 16 digits)."""
    for clean in (validators.clean_nik, validators.clean_npwp):
        try:
            return clean(value, field="id_number")
        except errors.ValidationError:
            continue
    raise errors.field_error(
        "id_number",
        _(
            "Enter the owner's NIK (16 digits, for a person) or NPWP (15 or 16 digits, for a "
            "company), as printed on the KTP or NPWP card."
        ),
    )


def _check_licence(record: BusinessLicence, vendor: Vendor, problems: Problems) -> None:
    if record.issued_on and record.valid_until and record.valid_until < record.issued_on:
        problems["valid_until"] = [
            _(
                "The licence cannot end before it was issued. Enter a “valid until” date on or "
                "after the date of issue, or leave it empty for a licence without end."
            )
        ]
    if record.issued_on and record.issued_on > today():
        problems["issued_on"] = [_("The date of issue is in the future. Check the date.")]


def _check_deed(record: Deed, vendor: Vendor, problems: Problems) -> None:
    if record.deed_date and record.deed_date > today():
        problems["deed_date"] = [_("The date of the deed is in the future. Check the date.")]


def _check_owner(record: Owner, vendor: Vendor, problems: Problems) -> None:
    share = record.share_percent
    if share is None:
        return
    if share <= 0 or share > 100:
        problems["share_percent"] = [_("Enter a share greater than 0 % and at most 100 %.")]
        return
    others = Owner.objects.filter(vendor_id=vendor.pk).exclude(pk=record.pk)
    current = others.aggregate(total=Sum("share_percent"))["total"] or Decimal(0)
    if current + share > 100:
        problems["share_percent"] = [
            _(
                "The owners' shares may add up to at most 100 %%. The other owners already "
                "hold %(current)s %%, so this owner can hold at most %(left)s %%. Correct the "
                "shares so that the total is not more than 100 %%."
            )
            % {"current": _percent(current), "left": _percent(Decimal(100) - current)}
        ]


def _check_officer(record: Officer, vendor: Vendor, problems: Problems) -> None:
    if record.starts_on and record.ends_on and record.ends_on < record.starts_on:
        problems["ends_on"] = [
            _("The end of the term is before its start. Enter an end date on or after the start.")
        ]


def _check_expert(record: Expert, vendor: Vendor, problems: Problems) -> None:
    if record.birth_date and record.birth_date >= today():
        problems["birth_date"] = [_("The date of birth must be in the past. Check the date.")]


def _check_equipment(record: Equipment, vendor: Vendor, problems: Problems) -> None:
    if record.quantity is not None and record.quantity < 1:
        problems["quantity"] = [_("Enter a quantity of at least 1.")]
    if record.year_made is not None and not 1900 <= record.year_made <= today().year:
        problems["year_made"] = [
            _("Enter the year the equipment was made, from 1900 to this year.")
        ]


def _check_experience(record: Experience, vendor: Vendor, problems: Problems) -> None:
    if record.value is not None and record.value < 0:
        problems["value"] = [_("The contract value cannot be negative. Enter 0 or more.")]
    if record.progress_percent is not None and not 0 <= record.progress_percent <= 100:
        problems["progress_percent"] = [_("Enter the progress as a percentage from 0 to 100.")]
    start = record.contract_date
    if start and start > today():
        problems["contract_date"] = [
            _("The contract date is in the future. Enter contracts already signed.")
        ]
    for name, label in (
        ("completed_on", _("The completion date")),
        ("handover_on", _("The handover (BAST) date")),
    ):
        day = getattr(record, name)
        if start and day and day < start:
            problems[name] = [
                _("%(what)s is before the contract date. Enter a date on or after %(date)s.")
                % {"what": label, "date": start.isoformat()}
            ]
    if record.completed_on and record.handover_on and record.handover_on < record.completed_on:
        problems.setdefault("handover_on", []).append(
            _("The handover (BAST) date is before the completion date. Check both dates.")
        )


def _check_tax(record: TaxReport, vendor: Vendor, problems: Problems) -> None:
    if record.month is not None and not 1 <= record.month <= 12:
        problems["month"] = [_("Enter the tax month as a number from 1 (January) to 12.")]
    elif record.kind in _TAX_MONTHLY and record.month is None:
        problems["month"] = [_("A monthly tax return (SPT Masa) needs its tax month (1 to 12).")]
    if record.year is not None and not 1980 <= record.year <= today().year:
        problems["year"] = [_("Enter the tax year, from 1980 to this year.")]
    if record.filed_on and record.filed_on > today():
        problems["filed_on"] = [_("The filing date is in the future. Check the date.")]


_CHECKS: dict[type[VendorRecord], Callable[[Any, Vendor, Problems], None]] = {
    BusinessLicence: _check_licence,
    Deed: _check_deed,
    Owner: _check_owner,
    Officer: _check_officer,
    Expert: _check_expert,
    Equipment: _check_equipment,
    Experience: _check_experience,
    TaxReport: _check_tax,
}


def _validate(record: VendorRecord, vendor: Vendor) -> None:
    _full_clean(record, exclude=_RECORD_META_FIELDS)
    problems: Problems = {}
    _CHECKS[type(record)](record, vendor, problems)
    _raise_problems(problems)


def _snapshot(record: VendorRecord, fields: tuple[str, ...]) -> dict[str, Any]:
    data = {name: _jsonable(getattr(record, name)) for name in fields}
    data["file"] = record.file_id
    return data


def _store(actor: User, vendor: Vendor, upload: Any, audit_name: str) -> Any:
    return file_store(
        upload=upload,
        kind="vendor_document",
        owner=actor,
        purpose=f"vendor {vendor.pk} {audit_name}",
    )


# --- services -------------------------------------------------------------------------------------


def vendor_record_create(
    *,
    actor: User,
    vendor: Vendor,
    model: type[R],
    values: Mapping[str, Any],
    upload: Any | None = None,
) -> R:
    """Add a row to one of the vendor's data tabs, with an optional supporting file."""
    tab = tab_for_model(model)
    _require_member(actor, vendor)
    _refuse_unknown_fields(values, tab.fields)
    clean = _strip(values)
    _normalise_numbers(model, clean)
    with transaction.atomic():
        locked = _lock_vendor(vendor)
        now = clock.now()
        record = model(vendor=locked, created_at=now, updated_at=now, **clean)
        _validate(record, locked)
        if upload is not None:
            record.file = _store(actor, locked, upload, tab.audit_name)
        record.save()
        _touch_vendor(vendor, now)
        if isinstance(record, BusinessLicence):
            licence_expiry_schedule(valid_until=record.valid_until)
        audit.record(
            actor=actor,
            action=f"vendor.data.{tab.audit_name}.create",
            obj=record,
            changes={"vendor": vendor.pk, **_snapshot(record, tab.fields)},
        )
    return record


def vendor_record_update(
    *,
    actor: User,
    vendor: Vendor,
    model: type[R],
    record_id: int,
    values: Mapping[str, Any],
    upload: Any | None = None,
    remove_file: bool = False,
) -> R:
    """Change a row of the vendor's data (only the fields given), replace or remove its file."""
    tab = tab_for_model(model)
    _require_member(actor, vendor)
    vendor_record_access(
        actor=actor, vendor=vendor, model=model, record_id=record_id, operation="update"
    )
    _refuse_unknown_fields(values, tab.fields)
    clean = _strip(values)
    _normalise_numbers(model, clean)
    with transaction.atomic():
        locked = _lock_vendor(vendor)
        record = _locate(vendor=locked, model=model, record_id=record_id)
        before = _snapshot(record, tab.fields)
        for name, value in clean.items():
            setattr(record, name, value)
        _validate(record, locked)
        if upload is not None:
            record.file = _store(actor, locked, upload, tab.audit_name)
        elif remove_file:
            record.file = None
        after = _snapshot(record, tab.fields)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if not diff:
            return record
        now = clock.now()
        record.updated_at = now
        if isinstance(record, BusinessLicence) and "valid_until" in diff:
            # A new validity starts the warnings over (services.licence_expiry).
            record.expiry_notified_on = None
            licence_expiry_schedule(valid_until=record.valid_until)
        record.save()
        _touch_vendor(vendor, now)
        audit.record(
            actor=actor,
            action=f"vendor.data.{tab.audit_name}.update",
            obj=record,
            changes={"vendor": vendor.pk, **diff},
        )
    return record


def vendor_record_delete(
    *, actor: User, vendor: Vendor, model: type[VendorRecord], record_id: int
) -> None:
    """Remove a row of the vendor's data. Its supporting file stays in storage (history)."""
    tab = tab_for_model(model)
    _require_member(actor, vendor)
    vendor_record_access(
        actor=actor, vendor=vendor, model=model, record_id=record_id, operation="delete"
    )
    with transaction.atomic():
        locked = _lock_vendor(vendor)
        record = _locate(vendor=locked, model=model, record_id=record_id)
        snapshot = _snapshot(record, tab.fields)
        # A queryset delete keeps record.pk for the audit event.
        model._default_manager.filter(pk=record.pk).delete()
        _touch_vendor(vendor, clock.now())
        audit.record(
            actor=actor,
            action=f"vendor.data.{tab.audit_name}.delete",
            obj=record,
            changes={"vendor": vendor.pk, **snapshot},
        )


def vendor_profile_update(*, actor: User, vendor: Vendor, values: Mapping[str, Any]) -> Vendor:
    """Change the identity fields that need no verification (address, phone, website,
    business scale...). Name, NPWP, NIB and e-mail go through `identity_change_request`."""
    _require_admin(actor, vendor)
    _refuse_unknown_fields(values, PROFILE_FIELDS)
    clean = _strip(values)
    postal = clean.get("postal_code")
    if postal and not (postal.isdigit() and len(postal) == 5):
        raise errors.field_error(
            "postal_code", _("The postal code has 5 digits (for example 34111). Check it.")
        )
    if "business_scale" in clean and clean["business_scale"] not in BusinessScale.values:
        raise errors.field_error("business_scale", _("Choose small or non-small business."))
    with transaction.atomic():
        locked = _lock_vendor(vendor)
        diff: dict[str, list[Any]] = {}
        for name, value in clean.items():
            old = getattr(locked, name)
            if old != value:
                diff[name] = [old, value]
                setattr(locked, name, value)
        if not diff:
            return locked
        _full_clean(locked, exclude=[f.name for f in Vendor._meta.fields if f.name not in diff])
        locked.updated_at = clock.now()
        locked.save(update_fields=[*diff, "updated_at"])
        audit.record(actor=actor, action="vendor.data.identity.update", obj=locked, changes=diff)
    for name in diff:
        setattr(vendor, name, getattr(locked, name))
    vendor.updated_at = locked.updated_at
    return locked
