"""The RUP (Rencana Umum Pengadaan) of an agency: create, change, announce and withdraw plan
items (LT 8(2)a, KA 6(1)a; issue 4 item 1).

- A PA or KPA writes the items of its agency or work unit (plans.permissions.is_planner).
- A draft is private. `rup_announce` makes it public as revision 1.
- A change to an announced item does not touch the public columns: it waits in
  `pending_changes` until the PA/KPA announces it again WITH A REASON; the announcement
  writes the next `RupRevision` (full snapshot and reason), so the history stays public.
- `rup_withdraw` takes an announced item out of the plan, with a public reason, while no
  live package is made from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.accounts.permissions import today
from openlpse.core import audit, clock, errors
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.plans import permissions
from openlpse.plans.enums import FundingSource, PlannedMethod, ProcurementType, RupStatus
from openlpse.plans.models import RupItem, RupRevision

CODE_MAX = 40
NAME_MAX = 300
LOCATION_MAX = 300
REASON_MAX = 500
DESCRIPTION_MAX = 5000
# The largest amount a DecimalField(max_digits=20, decimal_places=2) holds.
PAGU_MAX = Decimal("999999999999999999.99")
# Fiscal years accepted: from 2000 up to two years ahead of today (an RUP is drawn up in the
# year before the budget year at the earliest).
FIRST_FISCAL_YEAR = 2000
YEARS_AHEAD = 2


@dataclass(frozen=True)
class RupFields:
    """The fields of an RUP item that its PA/KPA writes (and that are announced)."""

    code: str
    name: str
    fiscal_year: int
    pagu: Decimal
    funding_source: str
    procurement_type: str
    planned_method: str
    selection_start_month: int
    selection_end_month: int
    contract_start_month: int
    contract_end_month: int
    location: str
    description: str = ""

    def cleaned(self) -> RupFields:
        return replace(
            self,
            pagu=_cents(self.pagu),
            code=self.code.strip(),
            name=" ".join(self.name.split()),
            location=self.location.strip(),
            description=self.description.strip(),
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["pagu"] = str(self.pagu)
        return data


def _cents(value: Decimal) -> Decimal:
    """1500000000 and 1500000000.00 are the same pagu (so that re-entering an amount is not a
    change); an amount with more decimals is left for the validation to refuse."""
    try:
        cents = value.quantize(Decimal("0.01"))
    except (InvalidOperation, AttributeError):
        return value
    return cents if cents == value else value


FIELD_NAMES = tuple(f.name for f in fields(RupFields))


def fields_of(item: RupItem) -> RupFields:
    """What the item holds now: its pending (not yet announced) changes over its columns."""
    data = {name: getattr(item, name) for name in FIELD_NAMES}
    data.update(item.pending_changes or {})
    data["pagu"] = Decimal(str(data["pagu"]))
    return RupFields(**data)


def _announced_fields_of(item: RupItem) -> RupFields:
    return RupFields(**{name: getattr(item, name) for name in FIELD_NAMES})


def snapshot_of(item: RupItem) -> dict[str, Any]:
    """The public snapshot written with each revision: what the public saw at that time."""
    data = _announced_fields_of(item).as_json()
    data["agency"] = item.agency.name
    data["work_unit"] = item.work_unit.name if item.work_unit is not None else ""
    return data


# --- validation ----------------------------------------------------------------------------


def _add(problems: dict[str, list[Any]], field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def _check_month(problems: dict[str, list[Any]], field: str, value: Any) -> bool:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        _add(problems, field, _("Enter a month from 1 (January) to 12 (December)."))
        return False
    return True


def _check_choice(
    problems: dict[str, list[Any]], field: str, value: str, choices: Any, what: str
) -> None:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        _add(
            problems,
            field,
            _("“%(value)s” is not a %(what)s. Use one of: %(allowed)s.")
            % {"value": value, "what": what, "allowed": allowed},
        )


def rup_problems(data: RupFields) -> dict[str, list[Any]]:
    """Everything wrong with the fields alone (not the code's uniqueness), field by field,
    each as a sentence that says what to do. Used by the services and the import."""
    problems: dict[str, list[Any]] = {}
    if not data.code:
        _add(problems, "code", _("Enter the RUP code."))
    elif len(data.code) > CODE_MAX:
        _add(
            problems,
            "code",
            _("Use at most %(max)d characters for the RUP code.") % {"max": CODE_MAX},
        )
    if not data.name:
        _add(problems, "name", _("Enter the name of the package."))
    elif len(data.name) > NAME_MAX:
        _add(
            problems, "name", _("Use at most %(max)d characters for the name.") % {"max": NAME_MAX}
        )
    last_year = today().year + YEARS_AHEAD
    if (
        not isinstance(data.fiscal_year, int)
        or not FIRST_FISCAL_YEAR <= data.fiscal_year <= last_year
    ):
        _add(
            problems,
            "fiscal_year",
            _("Enter a fiscal year from %(first)d to %(last)d.")
            % {"first": FIRST_FISCAL_YEAR, "last": last_year},
        )
    # Perpres 16/2018 Pasal 18: the pagu is the budget available for the package.
    if not isinstance(data.pagu, Decimal) or not data.pagu.is_finite() or data.pagu <= 0:
        _add(problems, "pagu", _("The pagu must be more than Rp 0. Enter the budget of the item."))
    elif data.pagu > PAGU_MAX or data.pagu != data.pagu.quantize(Decimal("0.01")):
        _add(
            problems,
            "pagu",
            _("Enter the pagu in rupiah with at most two decimals and at most 18 digits."),
        )
    _check_choice(
        problems, "funding_source", data.funding_source, FundingSource, _("source of funds")
    )
    _check_choice(
        problems, "procurement_type", data.procurement_type, ProcurementType, _("procurement type")
    )
    _check_choice(problems, "planned_method", data.planned_method, PlannedMethod, _("method"))
    months = {
        name: _check_month(problems, name, getattr(data, name))
        for name in (
            "selection_start_month",
            "selection_end_month",
            "contract_start_month",
            "contract_end_month",
        )
    }
    if (
        months["selection_start_month"]
        and months["selection_end_month"]
        and data.selection_end_month < data.selection_start_month
    ):
        _add(
            problems,
            "selection_end_month",
            _(
                "The selection cannot end (month %(end)d) before it starts (month %(start)d). "
                "Choose an end month on or after the start month."
            )
            % {"end": data.selection_end_month, "start": data.selection_start_month},
        )
    if (
        months["contract_start_month"]
        and months["contract_end_month"]
        and data.contract_end_month < data.contract_start_month
    ):
        _add(
            problems,
            "contract_end_month",
            _(
                "The contract cannot end (month %(end)d) before it starts (month %(start)d). "
                "Choose an end month on or after the start month."
            )
            % {"end": data.contract_end_month, "start": data.contract_start_month},
        )
    # A contract is signed once the selection is over (Perpres 16/2018 Pasal 52).
    if (
        months["selection_end_month"]
        and months["contract_start_month"]
        and data.contract_start_month < data.selection_end_month
    ):
        _add(
            problems,
            "contract_start_month",
            _(
                "The contract cannot start (month %(start)d) before the selection ends (month "
                "%(end)d). Choose a contract start on or after the end of the selection."
            )
            % {"start": data.contract_start_month, "end": data.selection_end_month},
        )
    if not data.location:
        _add(problems, "location", _("Enter where the work takes place."))
    elif len(data.location) > LOCATION_MAX:
        _add(
            problems,
            "location",
            _("Use at most %(max)d characters for the location.") % {"max": LOCATION_MAX},
        )
    if len(data.description) > DESCRIPTION_MAX:
        _add(
            problems,
            "description",
            _("Use at most %(max)d characters for the description.") % {"max": DESCRIPTION_MAX},
        )
    return problems


def parse_pagu(value: Any) -> Decimal | None:
    """A pagu typed the Indonesian way (1.500.000.000,50), the English way (1,500,000,000.50)
    or plain (1500000000.5), with or without "Rp"; None when it is not an amount."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float, not its binary value
    text = str(value or "").strip().replace("Rp", "").replace("IDR", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        tail = text.rpartition(",")[2]
        decimal_mark = "," if text.count(",") == 1 and len(tail) != 3 else ""
    elif "." in text:
        tail = text.rpartition(".")[2]
        decimal_mark = "." if text.count(".") == 1 and len(tail) != 3 else ""
    else:
        decimal_mark = ""
    thousands = {",", "."} - {decimal_mark}
    for mark in thousands:
        text = text.replace(mark, "")
    if decimal_mark:
        text = text.replace(decimal_mark, ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def code_taken(*, lpse_id: int, code: str, exclude_pk: int | None = None) -> RupItem | None:
    qs = RupItem.objects.filter(lpse_id=lpse_id, code=code).select_related("agency")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def code_taken_message(existing: RupItem) -> str:
    return _(
        "RUP code %(code)s is already used by “%(name)s” (%(agency)s, fiscal year %(year)d). "
        "Each RUP code is used once: enter another code, or open that item to change it."
    ) % {
        "code": existing.code,
        "name": existing.name,
        "agency": existing.agency.name,
        "year": existing.fiscal_year,
    }


def _refuse_duplicate(*, lpse_id: int, code: str, exclude_pk: int | None = None) -> None:
    existing = code_taken(lpse_id=lpse_id, code=code, exclude_pk=exclude_pk)
    if existing is not None:
        message = code_taken_message(existing)
        raise errors.Conflict(message, code="rup_code_taken", fields={"code": [message]})


@contextmanager
def _code_guard(*, lpse_id: int, code: str, exclude_pk: int | None = None) -> Iterator[None]:
    """The unique constraint is the last word: when another request took the code between
    our check and our write, its item is named like any duplicate (a savepoint keeps the
    transaction usable)."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        existing = code_taken(lpse_id=lpse_id, code=code, exclude_pk=exclude_pk)
        if existing is None:
            raise
        message = code_taken_message(existing)
        raise errors.Conflict(message, code="rup_code_taken", fields={"code": [message]}) from None


def _check_work_unit(agency: Agency, work_unit: WorkUnit | None) -> None:
    if work_unit is not None and work_unit.agency_id != agency.pk:
        raise errors.field_error(
            "work_unit",
            _("%(unit)s is not a work unit of %(agency)s. Choose one of the agency's work units.")
            % {"unit": work_unit.name, "agency": agency.name},
        )


def _refuse_not_planner(agency: Agency, work_unit: WorkUnit | None) -> errors.PermissionDenied:
    where = work_unit.name if work_unit is not None else agency.name
    return errors.PermissionDenied(
        _(
            "Only the PA or KPA of %(where)s can write its RUP items. Ask your agency "
            "administrator for the role if you should have it."
        )
        % {"where": where}
    )


def _lock(item: RupItem) -> RupItem:
    return (
        RupItem.objects.select_for_update(of=("self",))
        .select_related("agency", "work_unit")
        .get(pk=item.pk)
    )


# --- services ------------------------------------------------------------------------------


def rup_create(
    *, actor: User, agency: Agency, work_unit: WorkUnit | None = None, data: RupFields
) -> RupItem:
    """A new draft RUP item of `agency` (and `work_unit`), by its PA or KPA (LT 8(2)a)."""
    if not permissions.is_planner(actor, agency, work_unit):
        raise _refuse_not_planner(agency, work_unit)
    _check_work_unit(agency, work_unit)
    data = data.cleaned()
    problems = rup_problems(data)
    if problems:
        raise errors.ValidationError(fields=problems)
    now = clock.now()
    with transaction.atomic():
        _refuse_duplicate(lpse_id=agency.lpse_id, code=data.code)
        with _code_guard(lpse_id=agency.lpse_id, code=data.code):
            item = RupItem.objects.create(
                lpse_id=agency.lpse_id,
                agency=agency,
                work_unit=work_unit,
                status=RupStatus.DRAFT,
                created_by=actor,
                created_at=now,
                updated_at=now,
                **asdict(data),
            )
        audit.record(
            actor=actor,
            action="rup.create",
            obj=item,
            changes={
                "agency": agency.name,
                "work_unit": work_unit.name if work_unit else None,
                **data.as_json(),
            },
            lpse_id=agency.lpse_id,
        )
    return item


def rup_update(
    *, actor: User, item: RupItem, data: RupFields, work_unit: WorkUnit | None = None
) -> RupItem:
    """Change an item. A draft changes at once (its code and work unit too). An announced item
    keeps its code and work unit; the change waits in `pending_changes` until `rup_announce`
    publishes it with a reason."""
    if not permissions.can_write_rup(actor, item):
        raise _refuse_not_planner(item.agency, item.work_unit)
    data = data.cleaned()
    problems = rup_problems(data)
    if problems:
        raise errors.ValidationError(fields=problems)
    with transaction.atomic():
        item = _lock(item)
        if item.status == RupStatus.WITHDRAWN:
            raise errors.Conflict(
                _(
                    "RUP item %(code)s was withdrawn and can no longer change. Create a new item "
                    "if the package is planned again."
                )
                % {"code": item.code},
                code="rup_withdrawn",
            )
        before = fields_of(item)
        if item.status == RupStatus.DRAFT:
            _check_work_unit(item.agency, work_unit)
            if not permissions.is_planner(actor, item.agency, work_unit):
                raise _refuse_not_planner(item.agency, work_unit)
            if data.code != item.code:
                _refuse_duplicate(lpse_id=item.lpse_id, code=data.code, exclude_pk=item.pk)
            for name, value in asdict(data).items():
                setattr(item, name, value)
            item.work_unit = work_unit
            item.updated_at = clock.now()
            with _code_guard(lpse_id=item.lpse_id, code=data.code, exclude_pk=item.pk):
                item.save()
        else:
            if data.code != item.code:
                raise errors.field_error(
                    "code",
                    _(
                        "The RUP code of an announced item cannot change: packages and the "
                        "public refer to it. Keep %(code)s."
                    )
                    % {"code": item.code},
                    code="rup_code_fixed",
                )
            if work_unit is not None and work_unit.pk != item.work_unit_id:
                raise errors.field_error(
                    "work_unit",
                    _("The work unit of an announced item cannot change. Keep %(unit)s.")
                    % {"unit": item.work_unit.name if item.work_unit else item.agency.name},
                    code="rup_work_unit_fixed",
                )
            announced = _announced_fields_of(item).as_json()
            pending = {k: v for k, v in data.as_json().items() if announced[k] != v}
            item.pending_changes = pending
            item.has_unannounced_changes = bool(pending)
            item.updated_at = clock.now()
            item.save(update_fields=["pending_changes", "has_unannounced_changes", "updated_at"])
        after = data.as_json()
        changed = {
            name: [value, after[name]]
            for name, value in before.as_json().items()
            if value != after[name]
        }
        audit.record(
            actor=actor, action="rup.update", obj=item, changes=changed, lpse_id=item.lpse_id
        )
    return item


def _refuse_pagu_below_packages(item: RupItem, pagu: Decimal) -> None:
    """A pagu cut may not leave a live package with an HPS above it (Perpres 16/2018 Pasal
    26(5): the HPS never exceeds the pagu)."""
    from openlpse.tenders.enums import PackageStatus
    from openlpse.tenders.models import Package

    over = (
        Package.objects.filter(rup_item_id=item.pk, hps_total__gt=pagu)
        .exclude(status=PackageStatus.CANCELLED)
        .order_by("code")
        .first()
    )
    if over is not None:
        message = _(
            "Package %(package)s has an HPS of Rp %(hps)s, above the new pagu of Rp %(pagu)s. "
            "Ask its PPK to lower the HPS first, or keep a pagu of at least the HPS."
        ) % {"package": over.code, "hps": f"{over.hps_total:,.2f}", "pagu": f"{pagu:,.2f}"}
        raise errors.Conflict(message, code="rup_pagu_below_hps", fields={"pagu": [message]})


def rup_announce(*, actor: User, item: RupItem, reason: str = "") -> RupItem:
    """Publish the item (revision 1), or its waiting changes (revision n+1, reason required:
    a change after announcement is explained to the public)."""
    if not permissions.can_write_rup(actor, item):
        raise _refuse_not_planner(item.agency, item.work_unit)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise errors.field_error(
            "reason", _("Use at most %(max)d characters for the reason.") % {"max": REASON_MAX}
        )
    now = clock.now()
    with transaction.atomic():
        item = _lock(item)
        if item.status == RupStatus.WITHDRAWN:
            raise errors.Conflict(
                _("RUP item %(code)s was withdrawn; it cannot be announced again.")
                % {"code": item.code},
                code="rup_withdrawn",
            )
        first = item.status == RupStatus.DRAFT
        if not first:
            if not item.pending_changes:
                raise errors.Conflict(
                    _(
                        "RUP item %(code)s has no change waiting to be announced. Change the "
                        "item first, then announce the change."
                    )
                    % {"code": item.code},
                    code="rup_nothing_to_announce",
                )
            if not reason:
                raise errors.field_error(
                    "reason",
                    _(
                        "Give the reason for the change. A change after announcement is "
                        "published with its reason in the item's public history."
                    ),
                    code="rup_reason_required",
                )
            data = fields_of(item)
            problems = rup_problems(data)
            if problems:
                raise errors.ValidationError(fields=problems)
            _refuse_pagu_below_packages(item, data.pagu)
            changed = sorted(item.pending_changes)
            for name, value in asdict(data).items():
                setattr(item, name, value)
            item.pending_changes = {}
            item.has_unannounced_changes = False
        else:
            changed = []
            reason = ""
            item.status = RupStatus.ANNOUNCED
            item.announced_at = now
        item.revision += 1
        item.last_announced_at = now
        item.updated_at = now
        item.save()
        revision = RupRevision.objects.create(
            rup_item=item,
            number=item.revision,
            snapshot=snapshot_of(item),
            reason=reason,
            announced_by=actor,
            announced_at=now,
        )
        audit.record(
            actor=actor,
            action="rup.announce",
            obj=item,
            changes={"revision": revision.number, "reason": reason, "changed": changed},
            lpse_id=item.lpse_id,
        )
    return item


def rup_withdraw(*, actor: User, item: RupItem, reason: str) -> RupItem:
    """Take an announced item out of the plan, with a public reason, while no live package
    is made from it (a package needs its RUP item; Perpres 16/2018 Pasal 50(8))."""
    from openlpse.tenders.enums import PackageStatus
    from openlpse.tenders.models import Package

    if not permissions.can_write_rup(actor, item):
        raise _refuse_not_planner(item.agency, item.work_unit)
    reason = reason.strip()
    if not reason:
        raise errors.field_error(
            "reason", _("Give the reason for the withdrawal; it is published with the item.")
        )
    if len(reason) > REASON_MAX:
        raise errors.field_error(
            "reason", _("Use at most %(max)d characters for the reason.") % {"max": REASON_MAX}
        )
    with transaction.atomic():
        item = _lock(item)
        if item.status != RupStatus.ANNOUNCED:
            raise errors.Conflict(
                _(
                    "Only an announced RUP item can be withdrawn; %(code)s has the status "
                    "“%(status)s”. A draft is not public: change it instead."
                )
                % {"code": item.code, "status": item.get_status_display()},
                code="rup_not_announced",
            )
        live = (
            Package.objects.filter(rup_item_id=item.pk)
            .exclude(status=PackageStatus.CANCELLED)
            .order_by("code")
            .first()
        )
        if live is not None:
            raise errors.Conflict(
                _(
                    "Package %(package)s is made from RUP item %(code)s. It must be cancelled "
                    "before the item can be withdrawn."
                )
                % {"package": live.code, "code": item.code},
                code="rup_has_package",
            )
        item.status = RupStatus.WITHDRAWN
        item.withdrawn_at = clock.now()
        item.withdraw_reason = reason
        item.updated_at = item.withdrawn_at
        item.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
        audit.record(
            actor=actor,
            action="rup.withdraw",
            obj=item,
            changes={"reason": reason},
            lpse_id=item.lpse_id,
        )
    return item
