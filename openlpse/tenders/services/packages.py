"""Packages (paket) by the PPK: made from an announced RUP item, given an itemised HPS,
KAK and draft contract, locations, then sent to the ULP/UKPBJ (whose head assigns a Pokja,
services.pokja) or to a Pejabat Pengadaan for pengadaan langsung; the ULP head may return it
with a reason (domain.md step 4; LT 8(2)b, KA 15(2)a-b).

Every service: permission first, then the package row locked, then the state checks, the
write, and the audit event last in the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.enums import Role
from openlpse.accounts.models import User
from openlpse.accounts.permissions import has_active_role, may_write_procurement, today
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.core.storage import file_store
from openlpse.core.templatetags.openlpse import rupiah
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.plans.enums import SELECTION_METHODS, RupStatus
from openlpse.plans.models import RupItem
from openlpse.tenders import permissions, permissions_packages, rules
from openlpse.tenders.enums import (
    BusinessQualification,
    ContractType,
    PackageStatus,
    SelectionUnit,
)
from openlpse.tenders.models import HpsItem, Package, PackageLocation
from openlpse.tenders.permissions import holds_role_in_agency
from openlpse.tenders.selectors_packages import ppk_work_units, ulp_heads_of
from openlpse.tenders.services.common import required_text

NAME_MAX = 300
HPS_ROWS_MAX = 500
LOCATIONS_MAX = 50
RETURN_REASON_MAX = 500
CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.0001")
# DecimalField(max_digits=20, decimal_places=2): the largest amount a column holds.
AMOUNT_LIMIT = Decimal("1e18")
DOCUMENTS = {"kak": "kak_file", "draft_contract": "draft_contract_file"}
EDITABLE = (PackageStatus.DRAFT, PackageStatus.RETURNED)


# --- shared -------------------------------------------------------------------------------------


def lock_package(package: Package | int) -> Package:
    """Re-read the package with its row locked. NotFound if it vanished."""
    pk = package if isinstance(package, int) else package.pk
    locked = (
        Package.objects.select_for_update(of=("self",))
        .select_related("lpse", "agency", "work_unit", "rup_item", "ulp_agency")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise errors.NotFound()
    return locked


def package_url(package: Package) -> str:
    return reverse("tenders:package_detail", args=[package.pk])


def _require_ppk(actor: Any, package: Package) -> None:
    if not permissions.is_ppk_of(actor, package):
        raise errors.PermissionDenied(
            _(
                "Only the PPK of package %(code)s can change or send it. Ask the PPK named on "
                "the package."
            )
            % {"code": package.code}
        )


def _require_editable(package: Package) -> None:
    if package.status not in EDITABLE:
        raise errors.Conflict(
            _(
                "Package %(code)s is %(status)s and can no longer be changed. Ask the head of "
                "the procurement unit to return it to you if something must change."
            )
            % {"code": package.code, "status": package.get_status_display().lower()},
            code="package_not_editable",
        )


def _clean_details(
    *, name: str, contract_type: str, business_qualification: str, description: str
) -> dict[str, str]:
    name = " ".join((name or "").split())
    problems: dict[str, list[Any]] = {}
    if not name:
        problems["name"] = [_("Enter the name of the package.")]
    elif len(name) > NAME_MAX:
        problems["name"] = [_("Use at most %(max)d characters.") % {"max": NAME_MAX}]
    if contract_type not in ContractType.values:
        problems["contract_type"] = [_("Choose the contract type from the list.")]
    if business_qualification not in BusinessQualification.values:
        problems["business_qualification"] = [_("Choose the business qualification from the list.")]
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems)
    return {
        "name": name,
        "contract_type": contract_type,
        "business_qualification": business_qualification,
        "description": (description or "").strip(),
    }


def _next_code(rup_item: RupItem) -> str:
    prefix = f"P{rup_item.fiscal_year}{rup_item.lpse_id:03d}"
    taken = Package.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{taken + 1:05d}"


# --- create and update ----------------------------------------------------------------------


def package_create(
    *,
    actor: User,
    rup_item: RupItem,
    name: str | None = None,
    contract_type: str,
    business_qualification: str,
    description: str = "",
    work_unit: WorkUnit | None = None,
) -> Package:
    """Make a draft package from an ANNOUNCED RUP item (Perpres 16/2018 Pasal 50(8): no
    RUP, no selection). The pagu, year and procurement type come from the RUP item; the code
    is generated. Only a PPK whose role covers the item's agency or work unit may do it."""
    refusal = errors.PermissionDenied(
        _(
            "Only a PPK of %(agency)s (or of the RUP item's work unit) can make a package "
            "from RUP item %(code)s. If you are its PPK, choose the work unit where your "
            "PPK role is registered."
        )
        % {"agency": rup_item.agency.name, "code": rup_item.code}
    )
    # Who is acting comes first: a stranger learns nothing about the agency's work units.
    if not may_write_procurement(actor) or not holds_role_in_agency(
        actor, Role.PPK, rup_item.agency
    ):
        raise refusal
    if work_unit is not None and work_unit.agency_id != rup_item.agency_id:
        raise errors.field_error(
            "work_unit",
            _("Choose a work unit of %(agency)s, the agency of the RUP item.")
            % {"agency": rup_item.agency.name},
        )
    if (
        work_unit is not None
        and rup_item.work_unit_id is not None
        and work_unit.pk != rup_item.work_unit_id
    ):
        raise errors.field_error(
            "work_unit",
            _("The RUP item belongs to %(unit)s; the package must belong to the same work unit.")
            % {"unit": rup_item.work_unit.name if rup_item.work_unit else ""},
        )
    if (
        work_unit is None
        and rup_item.work_unit_id is None
        and not has_active_role(actor, Role.PPK, agency=rup_item.agency)
    ):
        # A PPK of one work unit makes the agency's package for that unit.
        units = ppk_work_units(user=actor, agency=rup_item.agency)
        if len(units) == 1:
            work_unit = units[0]
    if not permissions_packages.is_ppk_for(actor, rup_item, work_unit):
        raise refusal
    details = _clean_details(
        name=name if name is not None else rup_item.name,
        contract_type=contract_type,
        business_qualification=business_qualification,
        description=description,
    )
    with transaction.atomic():
        # The RUP row is the lock that makes a double click create one package.
        item = (
            RupItem.objects.select_for_update(of=("self",))
            .select_related("lpse", "agency", "work_unit")
            .get(pk=rup_item.pk)
        )
        if item.status != RupStatus.ANNOUNCED:
            raise errors.Conflict(
                _(
                    "RUP item %(code)s is not announced (%(status)s). A package can only be made "
                    "from an announced RUP item: ask the PA/KPA to announce it first."
                )
                % {"code": item.code, "status": item.get_status_display().lower()},
                code="rup_not_announced",
            )
        if item.planned_method not in SELECTION_METHODS:
            raise errors.Conflict(
                _(
                    "RUP item %(code)s is planned as %(method)s, which is not a selection run "
                    "in the LPSE. Ask the PA/KPA to change the planned method if a tender or "
                    "pengadaan langsung is intended."
                )
                % {"code": item.code, "method": item.get_planned_method_display()},
                code="rup_method_not_selection",
            )
        existing = (
            Package.objects.filter(rup_item_id=item.pk)
            .exclude(status=PackageStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            raise errors.Conflict(
                _(
                    "RUP item %(rup)s already has package %(code)s (%(name)s). Open that package "
                    "instead of making a second one."
                )
                % {"rup": item.code, "code": existing.code, "name": existing.name},
                code="rup_has_package",
            )
        now = clock.now()
        package: Package | None = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    package = Package.objects.create(
                        lpse=item.lpse,
                        agency=item.agency,
                        work_unit=work_unit or item.work_unit,
                        rup_item=item,
                        code=_next_code(item),
                        fiscal_year=item.fiscal_year,
                        procurement_type=item.procurement_type,
                        pagu=item.pagu,
                        ppk=actor,
                        status=PackageStatus.DRAFT,
                        created_at=now,
                        updated_at=now,
                        **details,
                    )
                break
            except IntegrityError:
                continue  # another package took the code meanwhile: count again
        if package is None:
            raise errors.Conflict(code="package_code_busy")
        audit.record(
            actor=actor,
            action="package.create",
            obj=package,
            changes={"rup_item": item.code, "pagu": item.pagu, **details},
            lpse_id=item.lpse_id,
        )
    return package


def package_update(
    *,
    actor: User,
    package: Package,
    name: str,
    contract_type: str,
    business_qualification: str,
    description: str,
) -> Package:
    """Change the package's name, contract type, business qualification and description,
    while it is a draft or returned to the PPK."""
    _require_ppk(actor, package)
    details = _clean_details(
        name=name,
        contract_type=contract_type,
        business_qualification=business_qualification,
        description=description,
    )
    with transaction.atomic():
        locked = lock_package(package)
        _require_editable(locked)
        changes = {
            field: [getattr(locked, field), value]
            for field, value in details.items()
            if getattr(locked, field) != value
        }
        for field, value in details.items():
            setattr(locked, field, value)
        locked.updated_at = clock.now()
        locked.save(update_fields=[*details, "updated_at"])
        audit.record(
            actor=actor,
            action="package.update",
            obj=locked,
            changes=changes,
            lpse_id=locked.lpse_id,
        )
    return locked


# --- HPS ---------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _clean_hps_row(
    index: int, row: Mapping[str, Any], problems: dict[str, list[Any]]
) -> dict[str, Any] | None:
    number = index + 1
    name = " ".join(str(row.get("name") or "").split())
    unit = " ".join(str(row.get("unit") or "").split())
    notes = " ".join(str(row.get("notes") or "").split())
    quantity = _decimal(row.get("quantity"))
    unit_price = _decimal(row.get("unit_price"))
    key = f"items.{index}."
    before = len(problems)
    if not name:
        problems[key + "name"] = [_("Row %(n)d: enter the item.") % {"n": number}]
    elif len(name) > 300:
        problems[key + "name"] = [_("Row %(n)d: use at most 300 characters.") % {"n": number}]
    if not unit:
        problems[key + "unit"] = [
            _("Row %(n)d: enter the unit, for example m3, unit or paket.") % {"n": number}
        ]
    elif len(unit) > 40:
        problems[key + "unit"] = [_("Row %(n)d: use at most 40 characters.") % {"n": number}]
    if len(notes) > 300:
        problems[key + "notes"] = [_("Row %(n)d: use at most 300 characters.") % {"n": number}]
    if quantity is None or quantity <= 0:
        problems[key + "quantity"] = [
            _("Row %(n)d: enter a quantity greater than zero.") % {"n": number}
        ]
    elif quantity != quantity.quantize(QUANTITY_STEP) or quantity >= AMOUNT_LIMIT:
        problems[key + "quantity"] = [
            _("Row %(n)d: use at most 4 decimals and 16 digits for the quantity.") % {"n": number}
        ]
    if unit_price is None or unit_price < 0:
        problems[key + "unit_price"] = [
            _("Row %(n)d: enter a unit price of zero or more, in rupiah.") % {"n": number}
        ]
    elif unit_price != unit_price.quantize(CENT) or unit_price >= AMOUNT_LIMIT:
        problems[key + "unit_price"] = [
            _("Row %(n)d: use at most 2 decimals (sen) for the unit price.") % {"n": number}
        ]
    if len(problems) > before:
        return None
    assert quantity is not None and unit_price is not None
    total = (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "name": name,
        "unit": unit,
        "quantity": quantity.quantize(QUANTITY_STEP),
        "unit_price": unit_price.quantize(CENT),
        "total": total,
        "notes": notes,
    }


def hps_rows(items: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], Decimal]:
    """Clean the HPS rows and compute each line's total (quantity times unit price, rounded to
    the sen) and the HPS total. ValidationError naming every bad row otherwise."""
    if not items:
        raise errors.field_error(
            "items", _("Enter at least one HPS item with its unit, quantity and unit price.")
        )
    if len(items) > HPS_ROWS_MAX:
        raise errors.field_error(
            "items",
            _("An HPS has at most %(max)d rows. Group similar items into one row.")
            % {"max": HPS_ROWS_MAX},
        )
    problems: dict[str, list[Any]] = {}
    rows = [_clean_hps_row(index, row, problems) for index, row in enumerate(items)]
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems)
    cleaned = [row for row in rows if row is not None]
    return cleaned, sum((row["total"] for row in cleaned), Decimal("0"))


def hps_over_pagu(total: Decimal, pagu: Decimal) -> errors.ValidationError:
    # Perpres 16/2018 Pasal 26(1)-(5): the HPS is the ceiling of the bids; it may not exceed
    # the budget (pagu) of the RUP item.
    return errors.ValidationError(
        _(
            "The HPS total of %(total)s is more than the pagu of %(pagu)s, by %(excess)s. "
            "Lower the quantities or unit prices so that the total is at most the pagu."
        )
        % {"total": rupiah(total), "pagu": rupiah(pagu), "excess": rupiah(total - pagu)},
        code="hps_over_pagu",
        fields={
            "items": [
                _("The HPS total (%(total)s) may not exceed the pagu (%(pagu)s).")
                % {"total": rupiah(total), "pagu": rupiah(pagu)}
            ]
        },
    )


def package_set_hps(
    *, actor: User, package: Package, items: Sequence[Mapping[str, Any]]
) -> Package:
    """Replace the itemised HPS: rows of name, unit, quantity, unit_price and notes. The
    total may not exceed the pagu (the refusal names both amounts); nothing is saved then."""
    _require_ppk(actor, package)
    rows, total = hps_rows(items)
    with transaction.atomic():
        locked = lock_package(package)
        _require_editable(locked)
        if total > locked.pagu:
            raise hps_over_pagu(total, locked.pagu)
        old_total = locked.hps_total
        old_count = HpsItem.objects.filter(package_id=locked.pk).count()
        HpsItem.objects.filter(package_id=locked.pk).delete()
        HpsItem.objects.bulk_create(
            [
                HpsItem(package=locked, position=position, **row)
                for position, row in enumerate(rows, start=1)
            ]
        )
        locked.hps_total = total
        locked.updated_at = clock.now()
        locked.save(update_fields=["hps_total", "updated_at"])
        audit.record(
            actor=actor,
            action="package.set_hps",
            obj=locked,
            changes={"hps_total": [old_total, total], "rows": [old_count, len(rows)]},
            lpse_id=locked.lpse_id,
        )
    return locked


# --- documents and locations ------------------------------------------------------------------


def package_upload_document(*, actor: User, package: Package, which: str, upload: Any) -> Package:
    """Store the KAK/specifications (`which="kak"`) or the draft contract
    (`which="draft_contract"`); a new upload replaces the previous one (the audit keeps both
    hashes)."""
    _require_ppk(actor, package)
    if which not in DOCUMENTS:
        raise errors.field_error("which", _("Choose the KAK/specifications or the draft contract."))
    if upload is None:
        raise errors.field_error("file", _("Choose the file to upload."))
    with transaction.atomic():
        locked = lock_package(package)
        _require_editable(locked)
        field = DOCUMENTS[which]
        previous = getattr(locked, field)
        stored = file_store(
            upload=upload,
            kind="package_document",
            owner=actor,
            purpose=f"package {locked.code}: {which}",
            lpse=locked.lpse,
        )
        setattr(locked, field, stored)
        locked.updated_at = clock.now()
        locked.save(update_fields=[field, "updated_at"])
        audit.record(
            actor=actor,
            action="package.upload_document",
            obj=locked,
            changes={
                "which": which,
                "sha256": stored.sha256,
                "size": stored.size,
                "replaces": previous.sha256 if previous is not None else None,
            },
            lpse_id=locked.lpse_id,
        )
    return locked


def package_set_locations(
    *, actor: User, package: Package, locations: Sequence[Mapping[str, Any]]
) -> Package:
    """Replace the work locations (province, city or regency, detail); at least one."""
    _require_ppk(actor, package)
    if not locations:
        raise errors.field_error(
            "locations", _("Enter at least one location with its province and city or regency.")
        )
    if len(locations) > LOCATIONS_MAX:
        raise errors.field_error(
            "locations", _("Enter at most %(max)d locations.") % {"max": LOCATIONS_MAX}
        )
    problems: dict[str, list[Any]] = {}
    rows: list[dict[str, str]] = []
    for index, raw in enumerate(locations):
        row = {k: " ".join(str(raw.get(k) or "").split()) for k in ("province", "city", "detail")}
        key = f"locations.{index}."
        if not row["province"]:
            problems[key + "province"] = [
                _("Location %(n)d: enter the province.") % {"n": index + 1}
            ]
        if not row["city"]:
            problems[key + "city"] = [
                _("Location %(n)d: enter the city or regency.") % {"n": index + 1}
            ]
        for name, limit in (("province", 100), ("city", 100), ("detail", 300)):
            if len(row[name]) > limit:
                problems[key + name] = [
                    _("Location %(n)d: use at most %(max)d characters.")
                    % {"n": index + 1, "max": limit}
                ]
        rows.append(row)
    if problems:
        raise errors.ValidationError(next(iter(problems.values()))[0], fields=problems)
    with transaction.atomic():
        locked = lock_package(package)
        _require_editable(locked)
        old = list(
            PackageLocation.objects.filter(package_id=locked.pk).values_list("city", flat=True)
        )
        PackageLocation.objects.filter(package_id=locked.pk).delete()
        PackageLocation.objects.bulk_create([PackageLocation(package=locked, **r) for r in rows])
        locked.updated_at = clock.now()
        locked.save(update_fields=["updated_at"])
        audit.record(
            actor=actor,
            action="package.set_locations",
            obj=locked,
            changes={"cities": [old, [r["city"] for r in rows]]},
            lpse_id=locked.lpse_id,
        )
    return locked


# --- send and return --------------------------------------------------------------------------


def _check_ready(package: Package) -> None:
    problems: dict[str, list[Any]] = {}
    if package.hps_total <= 0 or not HpsItem.objects.filter(package_id=package.pk).exists():
        problems["hps"] = [_("Enter the itemised HPS first.")]
    if package.kak_file_id is None:
        problems["kak"] = [_("Upload the KAK/specifications first.")]
    if problems:
        raise errors.ValidationError(
            _("Package %(code)s is not complete: %(missing)s")
            % {
                "code": package.code,
                "missing": " ".join(str(m[0]) for m in problems.values()),
            },
            code="package_incomplete",
            fields=problems,
        )
    if package.rup_item.status != RupStatus.ANNOUNCED:
        raise errors.Conflict(
            _(
                "RUP item %(code)s is no longer announced (%(status)s), so the package cannot "
                "be sent. Ask the PA/KPA about the RUP item."
            )
            % {"code": package.rup_item.code, "status": package.rup_item.get_status_display()},
            code="rup_not_announced",
        )


def _check_ulp(package: Package, ulp_agency: Agency) -> list[User]:
    if ulp_agency.lpse_id != package.lpse_id or not ulp_agency.is_active:
        raise errors.field_error(
            "ulp_agency",
            _("Choose a procurement unit (ULP/UKPBJ) of %(lpse)s.") % {"lpse": package.lpse.name},
        )
    heads = ulp_heads_of(ulp_agency)
    if not heads:
        raise errors.field_error(
            "ulp_agency",
            _(
                "%(unit)s has no head of the procurement unit registered, so nobody could "
                "assign a Pokja. Choose another unit, or ask the agency admin to register the "
                "head."
            )
            % {"unit": ulp_agency.name},
            code="ulp_without_head",
        )
    return heads


def _check_pejabat_pengadaan(package: Package, user: User) -> None:
    if user.pk == package.ppk_id:
        # Separation of duties (architecture §3): the PPK does not also choose the provider.
        # [UNVERIFIED] whether the rules let a PA/KPA give the PPK the Pejabat Pengadaan's
        # tasks in some cases; OpenLPSE keeps the two apart.
        raise errors.SeparationOfDuties(
            _(
                "You are the PPK of this package, so you cannot also be its Pejabat "
                "Pengadaan. Choose another Pejabat Pengadaan."
            ),
            code="pejabat_is_ppk",
            fields={"pejabat_pengadaan": [_("The PPK cannot be the Pejabat Pengadaan.")]},
        )
    if not may_write_procurement(user) or not holds_role_in_agency(
        user, Role.PEJABAT_PENGADAAN, package.agency
    ):
        raise errors.field_error(
            "pejabat_pengadaan",
            _(
                "%(name)s is not a Pejabat Pengadaan of %(agency)s with a role in force. "
                "Choose one from the list."
            )
            % {"name": user.display_name, "agency": package.agency.name},
            code="not_pejabat_pengadaan",
        )
    ceiling = rules.pengadaan_langsung_ceiling(package.procurement_type, today())
    if ceiling is None or package.hps_total > ceiling:
        raise errors.ValidationError(
            _(
                "The HPS of %(hps)s is more than %(ceiling)s, the most a pengadaan langsung of "
                "%(type)s may be worth (Perpres 16/2018 Pasal 38 as amended). Send the package "
                "to the procurement unit (ULP/UKPBJ) for a tender instead."
            )
            % {
                "hps": rupiah(package.hps_total),
                "ceiling": rupiah(ceiling or Decimal("0")),
                "type": package.get_procurement_type_display(),
            },
            code="over_pengadaan_langsung_ceiling",
            fields={"pejabat_pengadaan": [_("Too large for a pengadaan langsung.")]},
        )


def package_send(
    *,
    actor: User,
    package: Package,
    ulp_agency: Agency | None = None,
    pejabat_pengadaan: User | None = None,
) -> Package:
    """Send the complete package (HPS and KAK) to the ULP/UKPBJ, whose heads are notified
    (status "sent"), or to one Pejabat Pengadaan for pengadaan langsung, who becomes its
    committee at once (status "assigned"; HPS within the ceilings of `tenders.rules`)."""
    _require_ppk(actor, package)
    if (ulp_agency is None) == (pejabat_pengadaan is None):
        raise errors.field_error(
            "ulp_agency",
            _(
                "Choose either the procurement unit (ULP/UKPBJ) for a tender, or a Pejabat "
                "Pengadaan for a pengadaan langsung: one of the two."
            ),
            code="send_target",
        )
    with transaction.atomic():
        locked = lock_package(package)
        _require_editable(locked)
        _check_ready(locked)
        now = clock.now()
        recipients: list[User]
        if ulp_agency is not None:
            recipients = _check_ulp(locked, ulp_agency)
            locked.selection_unit = SelectionUnit.ULP
            locked.ulp_agency = ulp_agency
            locked.pejabat_pengadaan = None
            locked.status = PackageStatus.SENT
        else:
            assert pejabat_pengadaan is not None
            _check_pejabat_pengadaan(locked, pejabat_pengadaan)
            recipients = [pejabat_pengadaan]
            locked.selection_unit = SelectionUnit.PEJABAT_PENGADAAN
            locked.pejabat_pengadaan = pejabat_pengadaan
            locked.ulp_agency = None
            locked.status = PackageStatus.ASSIGNED
        locked.sent_at = now
        locked.return_reason = ""
        locked.updated_at = now
        locked.save(
            update_fields=[
                "selection_unit",
                "ulp_agency",
                "pejabat_pengadaan",
                "status",
                "sent_at",
                "return_reason",
                "updated_at",
            ]
        )
        code, name, url = locked.code, locked.name, package_url(locked)
        to_pp = pejabat_pengadaan is not None
        notify(
            users=recipients,
            message=Message(
                "package.assigned_pp" if to_pp else "package.sent",
                subject=lambda: (
                    (
                        _("Pengadaan langsung assigned to you: %(code)s")
                        if to_pp
                        else _("New package for your procurement unit: %(code)s")
                    )
                    % {"code": code}
                ),
                body=lambda: (
                    (
                        _(
                            "The PPK assigned you package %(code)s (%(name)s) as its Pejabat "
                            "Pengadaan. Open it to set up the pengadaan langsung."
                        )
                        if to_pp
                        else _(
                            "The PPK sent package %(code)s (%(name)s). Open it to assign its Pokja "
                            "or return it to the PPK."
                        )
                    )
                    % {"code": code, "name": name}
                ),
                url=url,
            ),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="package.send",
            obj=locked,
            changes={
                "status": locked.status,
                "selection_unit": locked.selection_unit,
                "ulp_agency": ulp_agency.pk if ulp_agency else None,
                "pejabat_pengadaan": pejabat_pengadaan.pk if pejabat_pengadaan else None,
                "hps_total": locked.hps_total,
            },
            lpse_id=locked.lpse_id,
        )
    return locked


def package_return(*, actor: User, package: Package, reason: str) -> Package:
    """The head of the ULP/UKPBJ returns a sent package to its PPK with a reason (for
    example an incomplete KAK), before any Pokja is assigned."""
    if not permissions.is_ulp_head_for(actor, package):
        raise errors.PermissionDenied(
            _("Only the head of the procurement unit the package was sent to can return it.")
        )
    reason = required_text(
        reason,
        field="reason",
        max_length=RETURN_REASON_MAX,
        missing=_("Say why the package goes back to the PPK and what to change."),
    )
    with transaction.atomic():
        locked = lock_package(package)
        if locked.status != PackageStatus.SENT:
            raise errors.Conflict(
                _(
                    "Package %(code)s is %(status)s, so it cannot be returned. Only a package "
                    "waiting for its Pokja can go back to the PPK."
                )
                % {"code": locked.code, "status": locked.get_status_display().lower()},
                code="package_not_returnable",
            )
        locked.status = PackageStatus.RETURNED
        locked.return_reason = reason
        locked.updated_at = clock.now()
        locked.save(update_fields=["status", "return_reason", "updated_at"])
        code, url = locked.code, package_url(locked)
        notify(
            users=[locked.ppk],
            message=Message(
                "package.returned",
                subject=lambda: _("Package %(code)s was returned to you") % {"code": code},
                body=lambda: (
                    _(
                        "The procurement unit returned package %(code)s: %(reason)s Change it and "
                        "send it again."
                    )
                    % {"code": code, "reason": reason}
                ),
                url=url,
            ),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="package.return",
            obj=locked,
            changes={"status": [PackageStatus.SENT, PackageStatus.RETURNED], "reason": reason},
            lpse_id=locked.lpse_id,
        )
    return locked
