"""Tender set-up by the committee (issue 4 items 4-5): create a tender from an assigned
package, choose the evaluation method, qualification requirements, required documents,
guarantees and the schedule; every member approves the current version (kolektif kolegial);
the chair announces it, which is the moment the sealed-bid keys are made (tenders.sealing).

Every change of the set-up bumps `Tender.setup_version`, so approvals given before it no longer
count. Each service: permission first, then lock the tender, check, write, audit last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.notifications import Message, notify
from openlpse.core.timezones import local_datetime_label
from openlpse.ops.services import due_check_schedule
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders import schedule, sealing
from openlpse.tenders.enums import (
    PREQUALIFICATION_METHODS,
    TENDER_METHODS,
    TWO_FILE_METHODS,
    DocumentKind,
    EvaluationMethod,
    GuaranteeKind,
    PackageStatus,
    RequirementKind,
    SelectionUnit,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.models import (
    Package,
    QualificationRequirement,
    RequiredDocument,
    RequiredGuarantee,
    Tender,
    TenderApproval,
    TenderDocument,
    TenderStage,
)
from openlpse.tenders.services.common import lock_tender, touch_public
from openlpse.tenders.stages import TEMPLATE_VERSION, template_for
from openlpse.vendors.enums import LicenceKind
from openlpse.vendors.models import Vendor

# The chronograph check that sends the stage start/end notices (tenders.chronograph_handlers).
STAGE_NOTICES = "tenders.stage_notices"
HUNDRED = Decimal("100")
# Perpres 16/2018 Pasal 31(3): a bid guarantee (jaminan penawaran) is 1% to 3% of the HPS.
BID_GUARANTEE_MIN = Decimal("0.01")
BID_GUARANTEE_MAX = Decimal("0.03")
MAX_ROWS = 100

ScheduleRows = Mapping[str, tuple[dt.datetime | None, dt.datetime | None]]


def tender_url(tender: Tender) -> str:
    return reverse("tenders:setup_detail", args=[tender.pk])


_PUBLIC_PAGES = {
    "pengumuman": "tenders:public_announcement",
    "jadwal": "tenders:public_schedule",
    "peserta": "tenders:public_participants",
    "dokumen": "tenders:public_documents",
}


def public_url(tender: Tender, page: str) -> str:
    """A public page of the tender (pengumuman, jadwal, peserta, dokumen); what participants'
    notifications link to."""
    return reverse(_PUBLIC_PAGES[page], args=[tender.code])


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise errors.PermissionDenied(
            _(
                "Only the tender's committee may change its set-up, and only before it is "
                "announced. Ask the Pokja chair if you think you should have access."
            ),
            code="not_committee",
        )


def _locked_for_setup(actor: User, tender: Tender) -> Tender:
    """Permission first (on the row the caller has), then the locked row, then again (the
    status may have changed while we waited for the lock)."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    locked = lock_tender(tender)
    if locked.status != TenderStatus.DRAFT:
        raise errors.Conflict(
            _(
                "The tender has been announced (or cancelled): its set-up cannot change any more. "
                "Use a schedule change or an addendum instead."
            ),
            code="tender_not_draft",
        )
    return locked


def _bump(tender: Tender) -> None:
    """Another version of the set-up: earlier approvals no longer count."""
    now = clock.now()
    Tender.objects.filter(pk=tender.pk).update(setup_version=F("setup_version") + 1, updated_at=now)
    tender.refresh_from_db(fields=["setup_version", "updated_at"])


# --- create -----------------------------------------------------------------------------------


def _next_code(package: Package) -> str:
    count = Tender.objects.filter(package=package).count()
    return f"{package.code}-{count + 1}"


def _default_start(tender_lpse: Any) -> dt.datetime:
    """Tomorrow's opening time on the LPSE's calendar (the committee needs a day to prepare)."""
    calendar = WorkingCalendar.for_lpse(tender_lpse)
    tomorrow = calendar.local(clock.now()).date() + dt.timedelta(days=1)
    return calendar.at(calendar.next_working_day(tomorrow), calendar.opens)


def tender_create(*, actor: User, package: Package, method: str) -> Tender:
    """A draft tender of an ASSIGNED package by its committee chair, with the method's default
    schedule starting on the next working day. Pengadaan langsung only for packages sent to a
    Pejabat Pengadaan, the four tender methods only for packages of a Pokja (KA 15(2)c)."""
    if not perms.can_create_tender(actor, package):
        raise errors.PermissionDenied(
            _(
                "Only the chair of the package's Pokja (or its Pejabat Pengadaan) can create its "
                "tender, once the committee is assigned."
            ),
            code="not_committee_chair",
        )
    if method not in TenderMethod.values:
        raise errors.field_error(
            "method", _("Choose one of the listed methods."), code="unknown_method"
        )
    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        if method != TenderMethod.PENGADAAN_LANGSUNG:
            raise errors.field_error(
                "method",
                _(
                    "This package was sent to a Pejabat Pengadaan: it can only be bought by "
                    "pengadaan langsung. A tender needs a Pokja of the ULP/UKPBJ."
                ),
                code="method_not_allowed",
            )
    elif method not in TENDER_METHODS:
        raise errors.field_error(
            "method",
            _(
                "A Pokja runs a tender: choose one of the four tender methods (KA 15(2)c). "
                "Pengadaan langsung is run by a Pejabat Pengadaan."
            ),
            code="method_not_allowed",
        )
    now = clock.now()
    with transaction.atomic():
        locked = Package.objects.select_for_update().select_related("lpse").get(pk=package.pk)
        if locked.status != PackageStatus.ASSIGNED:
            raise errors.Conflict(
                _("The package is no longer assigned to a committee. Reload the page."),
                code="package_not_assigned",
            )
        live = Tender.objects.filter(package=locked, status__in=perms.LIVE_STATUSES).first()
        if live is not None:
            raise errors.Conflict(
                _(
                    "The package already has a tender in progress (%(code)s). Open it instead, "
                    "or cancel it first."
                )
                % {"code": live.code},
                code="tender_exists",
            )
        try:
            with transaction.atomic():
                tender = Tender.objects.create(
                    package=locked,
                    lpse=locked.lpse,
                    code=_next_code(locked),
                    name=locked.name,
                    method=method,
                    template_version=TEMPLATE_VERSION,
                    evaluation_method=(
                        EvaluationMethod.SISTEM_NILAI
                        if method in TWO_FILE_METHODS
                        else EvaluationMethod.HARGA_TERENDAH
                    ),
                    technical_weight=Decimal("70") if method in TWO_FILE_METHODS else None,
                    price_weight=Decimal("30") if method in TWO_FILE_METHODS else None,
                    technical_passing_grade=Decimal("70") if method in TWO_FILE_METHODS else None,
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise errors.Conflict(
                _(
                    "Another tender of this package was created at the same moment. Reload the page."
                ),
                code="tender_exists",
            ) from None
        layout = schedule.default_layout(
            method, _default_start(locked.lpse), WorkingCalendar.for_lpse(locked.lpse)
        )
        _write_stages(tender, layout)
        audit.record(
            actor=actor,
            action="tender.create",
            obj=tender,
            changes={"package": locked.code, "method": method},
            lpse_id=tender.lpse_id,
        )
    return tender


def _write_stages(tender: Tender, rows: Mapping[str, tuple[dt.datetime, dt.datetime]]) -> None:
    TenderStage.objects.filter(tender=tender).delete()
    TenderStage.objects.bulk_create(
        TenderStage(
            tender=tender,
            code=d.code,
            position=i,
            starts_at=rows[d.code][0],
            ends_at=rows[d.code][1],
        )
        for i, d in enumerate(template_for(tender.method), start=1)
    )


# --- evaluation, validity, invitation ---------------------------------------------------------


def _percent(value: Any, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise errors.field_error(
            field, _("%(label)s must be a number from 0 to 100.") % {"label": label}
        ) from None
    if not (Decimal("0") <= number <= HUNDRED):
        raise errors.field_error(
            field, _("%(label)s must be a number from 0 to 100.") % {"label": label}
        )
    return number


def _check_evaluation(
    method: str,
    evaluation_method: str,
    technical: Decimal | None,
    price: Decimal | None,
    passing: Decimal | None,
    economic_life: int | None,
) -> dict[str, list[Any]]:
    problems: dict[str, list[Any]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if evaluation_method not in EvaluationMethod.values:
        add("evaluation_method", _("Choose one of the listed evaluation methods."))
        return problems
    # Perpres 16/2018 Pasal 39 and the templates: one file goes with harga terendah; two files
    # with a technical evaluation first (sistem nilai or biaya selama umur ekonomis).
    if method in TWO_FILE_METHODS and evaluation_method == EvaluationMethod.HARGA_TERENDAH:
        add(
            "evaluation_method",
            _(
                "A two-file tender evaluates the technical file first: choose sistem nilai or "
                "biaya selama umur ekonomis, or use a one-file method for harga terendah."
            ),
        )
    if method not in TWO_FILE_METHODS and evaluation_method != EvaluationMethod.HARGA_TERENDAH:
        add(
            "evaluation_method",
            _(
                "This method has one file: it is evaluated by the lowest price (harga "
                "terendah). Sistem nilai and umur ekonomis need a two-file method."
            ),
        )
    if evaluation_method == EvaluationMethod.SISTEM_NILAI:
        if technical is None or price is None:
            add(
                "technical_weight",
                _("Sistem nilai needs a technical weight and a price weight that add up to 100."),
            )
        elif technical + price != HUNDRED:
            add(
                "price_weight",
                _(
                    "The technical weight (%(technical)s) and the price weight (%(price)s) add up "
                    "to %(sum)s; they must add up to 100."
                )
                % {"technical": technical, "price": price, "sum": technical + price},
            )
        elif technical == 0 or price == 0:
            add("technical_weight", _("Both weights must be more than 0."))
        if passing is None:
            add(
                "technical_passing_grade",
                _("Enter the passing grade of the technical evaluation (0 to 100)."),
            )
    if evaluation_method == EvaluationMethod.UMUR_EKONOMIS and not economic_life:
        add(
            "economic_life_years",
            _("Biaya selama umur ekonomis needs the economic life in years (1 or more)."),
        )
    return problems


def tender_update_setup(
    *,
    actor: User,
    tender: Tender,
    evaluation_method: str,
    technical_weight: Any = None,
    price_weight: Any = None,
    technical_passing_grade: Any = None,
    economic_life_years: int | None = None,
    bid_validity_days: int,
    invited_vendor: Vendor | None = None,
) -> Tender:
    """The evaluation method (with its weights and passing grade for sistem nilai, the economic
    life for umur ekonomis), the bid validity and, for pengadaan langsung, the invited vendor
    (verified and not blacklisted)."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    technical = _percent(technical_weight, "technical_weight", _("The technical weight"))
    price = _percent(price_weight, "price_weight", _("The price weight"))
    passing = _percent(technical_passing_grade, "technical_passing_grade", _("The passing grade"))
    problems = _check_evaluation(
        tender.method, evaluation_method, technical, price, passing, economic_life_years
    )
    if not bid_validity_days or bid_validity_days < 1:
        problems.setdefault("bid_validity_days", []).append(
            _("Enter how many days the bids stay valid (1 or more).")
        )
    if tender.method == TenderMethod.PENGADAAN_LANGSUNG:
        if invited_vendor is None:
            problems.setdefault("invited_vendor", []).append(
                _("Pengadaan langsung invites one vendor: choose it.")
            )
    elif invited_vendor is not None:
        problems.setdefault("invited_vendor", []).append(
            _("Only a pengadaan langsung invites one vendor; a tender is open to every vendor.")
        )
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems, code="setup_invalid")
    if invited_vendor is not None:
        from openlpse.vendors.services.participation import vendor_assert_may_participate

        vendor_assert_may_participate(vendor=invited_vendor, lpse=tender.lpse)
    if evaluation_method != EvaluationMethod.SISTEM_NILAI:
        technical = price = passing = None
    if evaluation_method != EvaluationMethod.UMUR_EKONOMIS:
        economic_life_years = None
    with transaction.atomic():
        locked = _locked_for_setup(actor, tender)
        values = {
            "evaluation_method": evaluation_method,
            "technical_weight": technical,
            "price_weight": price,
            "technical_passing_grade": passing,
            "economic_life_years": economic_life_years,
            "bid_validity_days": bid_validity_days,
            "invited_vendor_id": invited_vendor.pk if invited_vendor else None,
        }
        changes = {
            name: [str(getattr(locked, name)), str(value)]
            for name, value in values.items()
            if getattr(locked, name) != value
        }
        for name, value in values.items():
            setattr(locked, name, value)
        locked.updated_at = clock.now()
        locked.save(update_fields=[*values, "updated_at"])
        if changes:
            _bump(locked)
        audit.record(
            actor=actor,
            action="tender.setup_update",
            obj=locked,
            changes=changes,
            lpse_id=locked.lpse_id,
        )
    return locked


# --- requirements, documents, guarantees ------------------------------------------------------


_Row = TypeVar("_Row", QualificationRequirement, RequiredDocument, RequiredGuarantee)


def _too_many(items: Sequence[Any], field: str) -> None:
    if len(items) > MAX_ROWS:
        raise errors.field_error(
            field, _("At most %(max)d rows can be entered.") % {"max": MAX_ROWS}
        )


def _replace_rows(
    *,
    actor: User,
    tender: Tender,
    model: type[_Row],
    related: str,
    rows: list[_Row],
    problems: dict[str, list[Any]],
    action: str,
    changes: dict[str, Any],
) -> Tender:
    """Refuse with the first problem (every one as a field error), else put `rows` in place of
    the tender's `related` rows (requirements, required documents, guarantees) on the locked
    draft: a new set-up version, audited as `action`. Returns the locked tender."""
    if problems:
        raise errors.ValidationError(next(iter(problems.values()))[0], fields=problems)
    with transaction.atomic():
        locked = _locked_for_setup(actor, tender)
        getattr(locked, related).all().delete()
        for row in rows:
            row.tender = locked
        model.objects.bulk_create(rows)
        _bump(locked)
        audit.record(
            actor=actor, action=action, obj=locked, changes=changes, lpse_id=locked.lpse_id
        )
    return locked


def tender_set_requirements(
    *, actor: User, tender: Tender, items: Sequence[Mapping[str, Any]]
) -> list[QualificationRequirement]:
    """Replace the qualification requirements (syarat kualifikasi). Each item: kind, text,
    and for a licence the licence kind (classification/KBLI optional)."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    _too_many(items, "requirements")
    rows: list[QualificationRequirement] = []
    problems: dict[str, list[Any]] = {}
    for number, item in enumerate(items, start=1):
        kind = str(item.get("kind") or "")
        text = str(item.get("text") or "").strip()
        licence = str(item.get("licence_kind") or "")
        prefix = f"requirements.{number}"
        if kind not in RequirementKind.values:
            problems.setdefault(f"{prefix}.kind", []).append(
                _("Requirement %(n)d: choose its kind.") % {"n": number}
            )
        if not text:
            problems.setdefault(f"{prefix}.text", []).append(
                _("Requirement %(n)d: describe what the vendor must have.") % {"n": number}
            )
        if kind == RequirementKind.LICENCE and licence not in LicenceKind.values:
            problems.setdefault(f"{prefix}.licence_kind", []).append(
                _(
                    "Requirement %(n)d is a licence: choose which licence (vendors' open tender "
                    "lists match on it)."
                )
                % {"n": number}
            )
        if kind != RequirementKind.LICENCE:
            licence = ""
        rows.append(
            QualificationRequirement(
                position=number,
                kind=kind,
                licence_kind=licence,
                classification=str(item.get("classification") or "").strip()[:120],
                text=text,
            )
        )
    locked = _replace_rows(
        actor=actor,
        tender=tender,
        model=QualificationRequirement,
        related="requirements",
        rows=rows,
        problems=problems,
        action="tender.requirements_set",
        changes={"requirements": [r.text[:80] for r in rows]},
    )
    return list(locked.requirements.order_by("position"))


def tender_set_required_documents(
    *, actor: User, tender: Tender, items: Sequence[Mapping[str, Any]]
) -> list[RequiredDocument]:
    """Replace the documents each bidder must (or may) put in an envelope: only the envelopes
    of the method (qualification for prakualifikasi, file I and II for two files, else one)."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    _too_many(items, "documents")
    allowed = sealing.envelopes_of(tender)
    rows: list[RequiredDocument] = []
    problems: dict[str, list[Any]] = {}
    positions: dict[str, int] = {}
    from openlpse.tenders.enums import Envelope

    labels = ", ".join(str(Envelope(e).label) for e in allowed)
    for number, item in enumerate(items, start=1):
        envelope = str(item.get("envelope") or "")
        name = str(item.get("name") or "").strip()
        if envelope not in allowed:
            problems.setdefault(f"documents.{number}.envelope", []).append(
                _("Document %(n)d: this method's envelopes are: %(envelopes)s. Choose one of them.")
                % {"n": number, "envelopes": labels}
            )
        if not name:
            problems.setdefault(f"documents.{number}.name", []).append(
                _("Document %(n)d: enter the document's name.") % {"n": number}
            )
        positions[envelope] = positions.get(envelope, 0) + 1
        rows.append(
            RequiredDocument(
                position=positions[envelope],
                envelope=envelope,
                name=name[:300],
                mandatory=bool(item.get("mandatory", True)),
            )
        )
    locked = _replace_rows(
        actor=actor,
        tender=tender,
        model=RequiredDocument,
        related="required_documents",
        rows=rows,
        problems=problems,
        action="tender.required_documents_set",
        changes={"documents": [f"{r.envelope}: {r.name[:60]}" for r in rows]},
    )
    return list(locked.required_documents.all())


def tender_set_guarantees(
    *, actor: User, tender: Tender, items: Sequence[Mapping[str, Any]]
) -> list[RequiredGuarantee]:
    """Replace the guarantees asked for. A bid guarantee names its amount, 1% to 3% of the HPS
    (Perpres 16/2018 Pasal 31(3)); the others may name one."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    rows: list[RequiredGuarantee] = []
    problems: dict[str, list[Any]] = {}
    seen: set[str] = set()
    hps = tender.package.hps_total
    for item in items:
        kind = str(item.get("kind") or "")
        field = f"guarantees.{kind or 'unknown'}"
        if kind not in GuaranteeKind.values:
            problems.setdefault(field, []).append(_("Choose the kind of guarantee."))
            continue
        if kind in seen:
            problems.setdefault(field, []).append(
                _("Each kind of guarantee is asked for once. Remove the repeated row.")
            )
            continue
        seen.add(kind)
        amount_raw = item.get("amount")
        amount: Decimal | None = None
        if amount_raw not in (None, ""):
            try:
                amount = Decimal(str(amount_raw)).quantize(Decimal("0.01"))
            except InvalidOperation:
                problems.setdefault(field, []).append(_("Enter the amount as a number."))
                continue
            if amount <= 0:
                problems.setdefault(field, []).append(_("The amount must be more than 0."))
                continue
        if kind == GuaranteeKind.BID:
            low = (hps * BID_GUARANTEE_MIN).quantize(Decimal("0.01"))
            high = (hps * BID_GUARANTEE_MAX).quantize(Decimal("0.01"))
            if amount is None or not (low <= amount <= high):
                problems.setdefault(field, []).append(
                    _(
                        "A bid guarantee is 1%% to 3%% of the HPS (Rp %(hps)s): enter an amount "
                        "from Rp %(low)s to Rp %(high)s."
                    )
                    % {"hps": hps, "low": low, "high": high}
                )
                continue
        rows.append(
            RequiredGuarantee(
                kind=kind, amount=amount, notes=str(item.get("notes") or "").strip()[:300]
            )
        )
    locked = _replace_rows(
        actor=actor,
        tender=tender,
        model=RequiredGuarantee,
        related="guarantees",
        rows=rows,
        problems=problems,
        action="tender.guarantees_set",
        changes={"guarantees": {r.kind: str(r.amount) for r in rows}},
    )
    return list(locked.guarantees.all())


# --- schedule before announcement -------------------------------------------------------------


def tender_set_schedule(*, actor: User, tender: Tender, rows: ScheduleRows) -> list[TenderStage]:
    """Replace the draft schedule. Refused with every problem (schedule.ScheduleInvalid) when it
    breaks a rule of the method's template or the LPSE's working calendar; nothing is saved
    then."""
    _refuse_unless(perms.can_edit_setup(actor, tender))
    with transaction.atomic():
        locked = _locked_for_setup(actor, tender)
        now = clock.now()
        problems = schedule.tender_problems(locked, rows, now=now)
        if problems:
            raise schedule.ScheduleInvalid(problems)
        complete = {
            code: (start, end)
            for code, (start, end) in rows.items()
            if start is not None and end is not None
        }
        before = schedule.rows_of(locked)
        _write_stages(locked, complete)
        changed = {
            code: [[str(v) for v in before.get(code, ())], [str(v) for v in window]]
            for code, window in complete.items()
            if before.get(code) != window
        }
        if changed:
            _bump(locked)
        audit.record(
            actor=actor,
            action="tender.schedule_set",
            obj=locked,
            changes=changed,
            lpse_id=locked.lpse_id,
        )
    return list(locked.stages.order_by("position"))


# --- approvals and announcement ---------------------------------------------------------------


def approvals_missing(tender: Tender) -> list[User]:
    """The committee members who have not approved the current version (kolektif kolegial)."""
    approved = set(
        TenderApproval.objects.filter(
            tender=tender, setup_version=tender.setup_version
        ).values_list("user_id", flat=True)
    )
    return [u for u in perms.committee_users(tender.package) if u.pk not in approved]


def tender_approve(*, actor: User, tender: Tender) -> TenderApproval:
    """The acting member approves the current version of the set-up. Approving the same
    version twice returns the first approval."""
    if not perms.can_approve(actor, tender):
        raise errors.PermissionDenied(
            _(
                "Only a member of the tender's committee can approve its set-up, before it is "
                "announced."
            ),
            code="not_committee",
        )
    with transaction.atomic():
        locked = _locked_for_setup(actor, tender)
        existing = TenderApproval.objects.filter(
            tender=locked, user=actor, setup_version=locked.setup_version
        ).first()
        if existing is not None:
            return existing
        approval = TenderApproval.objects.create(
            tender=locked, user=actor, setup_version=locked.setup_version, approved_at=clock.now()
        )
        audit.record(
            actor=actor,
            action="tender.approve",
            obj=locked,
            changes={"setup_version": locked.setup_version},
            lpse_id=locked.lpse_id,
        )
    return approval


def required_document_kind(tender: Tender) -> str:
    """The document the announcement needs: the qualification document for prakualifikasi
    (bidders qualify first), else the selection document."""
    if tender.method in PREQUALIFICATION_METHODS:
        return DocumentKind.DOKUMEN_KUALIFIKASI
    return DocumentKind.DOKUMEN_PEMILIHAN


def announcement_blockers(
    tender: Tender, *, now: dt.datetime | None = None, include_sealing: bool = True
) -> list[str]:
    """What still stands between the set-up and the announcement, in sentences (empty: ready).
    The set-up page lists them; `tender_announce` refuses with the first (the sealing keys are
    refused by the sealing preparer itself, with its own code)."""
    now = now or clock.now()
    blockers: list[str] = []
    missing = approvals_missing(tender)
    if missing:
        blockers.append(
            _(
                "Every committee member must approve the current set-up (version %(version)d); "
                "still missing: %(names)s."
            )
            % {
                "version": tender.setup_version,
                "names": ", ".join(u.get_full_name() or u.username for u in missing),
            }
        )
    problems = schedule.tender_problems(tender, now=now)
    if problems:
        blockers.append(
            _("The schedule has %(count)d problem(s); the first: %(first)s")
            % {"count": len(problems), "first": problems[0].message}
        )
    kind = required_document_kind(tender)
    if not TenderDocument.objects.filter(
        tender=tender, kind=kind, superseded_at__isnull=True
    ).exists():
        blockers.append(
            _("Upload the %(document)s before announcing: vendors download it after joining.")
            % {"document": DocumentKind(kind).label}
        )
    if tender.method == TenderMethod.PENGADAAN_LANGSUNG and tender.invited_vendor_id is None:
        blockers.append(_("Choose the vendor invited to the pengadaan langsung."))
    # Issue 5: the committee keys made in the chair's browser (bids registers the check).
    if include_sealing:
        blockers.extend(sealing.readiness(tender))
    return blockers


def _next_notice(tender: Tender, now: dt.datetime) -> dt.datetime | None:
    moments = [m for s in tender.stages.all() for m in (s.starts_at, s.ends_at) if m > now]
    return min(moments) if moments else None


def schedule_stage_notices(tender: Tender, now: dt.datetime) -> None:
    """Make sure the chronograph comes back at the next stage start or end."""
    due = _next_notice(tender, now)
    if due is not None:
        due_check_schedule(kind=STAGE_NOTICES, object_ref=str(tender.pk), due_at=due)


def tender_announce(*, actor: User, tender: Tender) -> Tender:
    """Announce the tender (LT 8(2)b): the chair, once every member approved the current
    version, the schedule is valid with its first stage not in the past, and the selection (or
    qualification) document is uploaded. The sealed-bid keys are prepared here
    (tenders.sealing, issue 5); a failure there leaves the tender unannounced."""
    if not perms.can_announce(actor, tender):
        raise errors.PermissionDenied(
            _("Only the chair of the tender's committee can announce it."),
            code="not_committee_chair",
        )
    with transaction.atomic():
        locked = lock_tender(tender)
        if locked.status != TenderStatus.DRAFT:
            raise errors.Conflict(
                _("The tender is already announced (or cancelled). Reload the page."),
                code="tender_not_draft",
            )
        now = clock.now()
        blockers = announcement_blockers(locked, now=now, include_sealing=False)
        if blockers:
            raise errors.Conflict(
                _("The tender cannot be announced yet: %(why)s") % {"why": blockers[0]},
                code="not_ready",
                blockers=blockers,
            )
        summary = sealing.prepare_sealing(tender=locked, actor=actor)
        locked.status = TenderStatus.ANNOUNCED
        locked.announced_at = now
        locked.announced_by = actor
        locked.updated_at = now
        locked.save(update_fields=["status", "announced_at", "announced_by", "updated_at"])
        # The documents uploaded during the set-up become public with the announcement.
        TenderDocument.objects.filter(
            tender=locked, published_at__isnull=True, addendum__isnull=True
        ).update(published_at=now)
        touch_public(locked)
        schedule_stage_notices(locked, now)
        first = min((s.starts_at for s in locked.stages.all()), default=now)
        url = tender_url(locked)
        code, name, zone = locked.code, locked.name, locked.lpse.time_zone
        notify(
            users=perms.committee_users(locked.package),
            message=Message(
                "tender.announced",
                subject=lambda: _("Tender %(code)s announced") % {"code": code},
                body=lambda: (
                    _("%(name)s (%(code)s) was announced. Its first stage starts on %(start)s.")
                    % {"name": name, "code": code, "start": local_datetime_label(first, zone)}
                ),
                url=url,
            ),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="tender.announce",
            obj=locked,
            changes={"setup_version": locked.setup_version, **summary},
            lpse_id=locked.lpse_id,
        )
    return locked
