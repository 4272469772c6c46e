"""Committee pages: my tenders, create a tender from an assigned package, the set-up wizard
(evaluation, requirements, required documents, guarantees, schedule), approvals, the
announcement, schedule changes and stage extensions after it, and the cancellation. Thin
views: rules in tenders.services.setup / schedule_changes / cancellation and tenders.schedule;
visibility in tenders.selectors_setup. Date-times are typed and shown in the LPSE's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts.models.user import User
from openlpse.core import clock, errors
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.forms import error_status, form_refused
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.core.timezones import zone_abbreviation
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders import schedule, sealing, selectors_setup
from openlpse.tenders.enums import (
    TENDER_METHODS,
    SelectionUnit,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.forms_setup import (
    ExtendForm,
    GuaranteeFormSet,
    LayoutForm,
    ReasonForm,
    RequiredDocumentFormSet,
    RequirementFormSet,
    ScheduleForm,
    SetupForm,
    TenderCreateForm,
    stage_field,
)
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import Tender, TenderApproval
from openlpse.tenders.services import cancellation, schedule_changes
from openlpse.tenders.services import setup as services
from openlpse.tenders.stages import template_for
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor

PAGE_SIZE = 50


def _tender(request: HttpRequest, tender_id: int) -> Tender:
    tender = selectors_setup.access_tender_for_committee(
        user=acting_user(request), tender_id=tender_id
    )
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    return tender


def _messages_of(error: errors.DomainError) -> list[str]:
    """Every sentence of a refusal (the rows of a formset have no field of their own)."""
    found = [str(m) for values in error.fields.values() for m in values]
    return found or [str(error.message)]


# --- my tenders --------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def setup_my_tenders(request: HttpRequest) -> HttpResponse:
    """The committee's tenders (any status) and the packages waiting for their tender."""
    user = acting_user(request)
    status = request.GET.get("status", "")
    if status not in TenderStatus.values:
        status = ""
    tenders = selectors_setup.tenders_for_committee(user=user, status=status)
    page = Paginator(tenders, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": TenderStatus.choices,
        "waiting": selectors_setup.packages_waiting_for_tender(user=user),
        "query": f"status={status}" if status else "",
    }
    return render(request, "tenders/setup/my_tenders.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def setup_create(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = selectors_setup.access_package_for_tender(user=user, package_id=package_id)
    methods: list[str] = (
        [str(TenderMethod.PENGADAAN_LANGSUNG)]
        if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN
        else [m for m in TenderMethod.values if m in TENDER_METHODS]
    )
    form = TenderCreateForm(posted(request), methods=methods)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                tender = services.tender_create(
                    actor=user, package=package, method=form.cleaned_data["method"]
                )
            except errors.DomainError as error:
                status = form_refused(form, error)
            else:
                messages.success(
                    request,
                    _("Tender %(code)s was created with the default schedule of its method.")
                    % {"code": tender.code},
                )
                return redirect("tenders:setup_detail", tender_id=tender.pk)
    return render(
        request, "tenders/setup/create.html", {"form": form, "package": package}, status=status
    )


# --- overview ----------------------------------------------------------------------------------


def _schedule_rows(
    tender: Tender, problems: list[schedule.Problem] | None = None
) -> list[dict[str, Any]]:
    names = stage_names(tender.method, lpse=tender.lpse)
    by_key: dict[str, list[str]] = {}
    for problem in problems or []:
        by_key.setdefault(problem.code, []).append(problem.message)
    now = clock.now()
    return [
        {
            "stage": s,
            "name": names.get(s.code, s.code),
            "problems": by_key.get(s.code, []),
            "running": s.starts_at <= now < s.ends_at,
            "ended": s.ends_at <= now,
        }
        for s in tender.stages.order_by("position")
    ]


@backoffice
@require_http_methods(["GET"])
def setup_detail(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    now = clock.now()
    problems = (
        schedule.tender_problems(tender, now=now) if tender.status == TenderStatus.DRAFT else []
    )
    approvals = {
        a.user_id: a
        for a in TenderApproval.objects.filter(tender=tender, setup_version=tender.setup_version)
    }
    committee = [
        {"user": u, "approval": approvals.get(u.pk)} for u in perms.committee_users(tender.package)
    ]
    context = {
        "tender": tender,
        "package": tender.package,
        "zone": zone_abbreviation(tender.lpse.time_zone),
        "rows": _schedule_rows(tender, problems),
        "problem_count": len(problems),
        "committee": committee,
        "blockers": (
            services.announcement_blockers(tender, now=now)
            if tender.status == TenderStatus.DRAFT
            else []
        ),
        "envelopes": sealing.envelopes_of(tender),
        "requirements": list(tender.requirements.order_by("position")),
        "required_documents": list(tender.required_documents.all()),
        "guarantees": list(tender.guarantees.all()),
        "documents": list(tender.documents.filter(superseded_at__isnull=True)),
        "approved_by_me": user.pk in approvals,
        "can_edit": perms.can_edit_setup(user, tender),
        "can_announce": perms.can_announce(user, tender),
        "can_change": perms.can_change_schedule(user, tender),
        "can_cancel": perms.can_cancel(user, tender),
        "changes": list(tender.schedule_changes.order_by("batch", "id")),
    }
    return render(request, "tenders/setup/detail.html", context)


# --- evaluation and invitation -----------------------------------------------------------------


def _invitable_vendors(tender: Tender) -> Any:
    if tender.method != TenderMethod.PENGADAAN_LANGSUNG:
        return None
    return Vendor.objects.filter(status=VendorStatus.VERIFIED).order_by("name")


@backoffice
@require_http_methods(["GET", "POST"])
def setup_edit(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    if not perms.can_edit_setup(user, tender):
        raise Http404()
    initial = {
        "evaluation_method": tender.evaluation_method,
        "technical_weight": tender.technical_weight,
        "price_weight": tender.price_weight,
        "technical_passing_grade": tender.technical_passing_grade,
        "economic_life_years": tender.economic_life_years,
        "bid_validity_days": tender.bid_validity_days,
        "invited_vendor": tender.invited_vendor_id,
    }
    form = SetupForm(posted(request), initial=initial, vendors=_invitable_vendors(tender))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.tender_update_setup(
                    actor=user,
                    tender=tender,
                    evaluation_method=data["evaluation_method"],
                    technical_weight=data["technical_weight"],
                    price_weight=data["price_weight"],
                    technical_passing_grade=data["technical_passing_grade"],
                    economic_life_years=data["economic_life_years"],
                    bid_validity_days=data["bid_validity_days"],
                    invited_vendor=data.get("invited_vendor"),
                )
            except errors.DomainError as error:
                status = form_refused(form, error)
            else:
                messages.success(request, _("The evaluation settings were saved."))
                return redirect("tenders:setup_detail", tender_id=tender.pk)
    return render(
        request, "tenders/setup/edit.html", {"form": form, "tender": tender}, status=status
    )


# --- requirements, documents, guarantees (formsets) -------------------------------------------


def _formset_page(
    request: HttpRequest,
    tender_id: int,
    *,
    formset_class: Any,
    initial: Callable[[Tender], list[dict[str, Any]]],
    save: Callable[[User, Tender, list[dict[str, Any]]], Any],
    title: str,
    intro: str,
    key: str,
    form_kwargs: Callable[[Tender], dict[str, Any]] | None = None,
) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    if not perms.can_edit_setup(user, tender):
        raise Http404()
    kwargs = form_kwargs(tender) if form_kwargs else {}
    formset = formset_class(
        posted(request), initial=initial(tender), prefix="rows", form_kwargs=kwargs
    )
    refusals: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            # A row whose main field is empty is dropped (selects always send a value).
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get(key)]
            try:
                save(user, tender, items)
            except errors.DomainError as error:
                refusals = _messages_of(error)
                status = error_status(error)
            else:
                messages.success(
                    request, _("Saved. The set-up needs the committee's approval again.")
                )
                return redirect("tenders:setup_detail", tender_id=tender.pk)
    context = {
        "tender": tender,
        "formset": formset,
        "refusals": refusals,
        "title": title,
        "intro": intro,
    }
    return render(request, "tenders/setup/rows.html", context, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def setup_requirements(request: HttpRequest, tender_id: int) -> HttpResponse:
    return _formset_page(
        request,
        tender_id,
        formset_class=RequirementFormSet,
        initial=lambda t: [
            {
                "kind": r.kind,
                "licence_kind": r.licence_kind,
                "classification": r.classification,
                "text": r.text,
            }
            for r in t.requirements.order_by("position")
        ],
        save=lambda u, t, items: services.tender_set_requirements(actor=u, tender=t, items=items),
        key="text",
        title=_("Qualification requirements"),
        intro=_(
            "What a vendor must have to qualify. A licence requirement names the licence (and, "
            "if needed, the classification or KBLI): vendors' lists of open tenders match on it. "
            "Leave a row empty to drop it."
        ),
    )


@backoffice
@require_http_methods(["GET", "POST"])
def setup_documents(request: HttpRequest, tender_id: int) -> HttpResponse:
    return _formset_page(
        request,
        tender_id,
        formset_class=RequiredDocumentFormSet,
        initial=lambda t: [
            {"envelope": d.envelope, "name": d.name, "mandatory": d.mandatory}
            for d in t.required_documents.all()
        ],
        save=lambda u, t, items: services.tender_set_required_documents(
            actor=u, tender=t, items=items
        ),
        key="name",
        title=_("Documents required from bidders"),
        intro=_(
            "The documents each bidder puts in an envelope. The envelopes offered are those of "
            "the tender's method. Leave a row empty to drop it."
        ),
        form_kwargs=lambda t: {"envelopes": sealing.envelopes_of(t)},
    )


@backoffice
@require_http_methods(["GET", "POST"])
def setup_guarantees(request: HttpRequest, tender_id: int) -> HttpResponse:
    return _formset_page(
        request,
        tender_id,
        formset_class=GuaranteeFormSet,
        initial=lambda t: [
            {"kind": g.kind, "amount": g.amount, "notes": g.notes} for g in t.guarantees.all()
        ],
        save=lambda u, t, items: services.tender_set_guarantees(actor=u, tender=t, items=items),
        key="kind",
        title=_("Required guarantees"),
        intro=_(
            "A bid guarantee (jaminan penawaran) names its amount: 1% to 3% of the HPS "
            "(Perpres 16/2018 Pasal 31). Leave a row empty to drop it."
        ),
    )


# --- schedule editor ---------------------------------------------------------------------------


def _fixed_fields(tender: Tender, now: dt.datetime) -> set[tuple[str, str]]:
    if tender.status != TenderStatus.ANNOUNCED:
        return set()
    fixed: set[tuple[str, str]] = set()
    for s in tender.stages.all():
        if s.starts_at <= now:
            fixed.add((s.code, "starts_at"))
        if s.ends_at <= now:
            fixed.add((s.code, "ends_at"))
    return fixed


@backoffice
@require_http_methods(["GET", "POST"])
def setup_schedule(request: HttpRequest, tender_id: int) -> HttpResponse:
    """The schedule editor: one row per stage with its start and end in the LPSE's zone, each
    problem explained next to its row. Before the announcement it sets the draft schedule
    (`?mulai=` fills the default layout from that start); after, it makes a schedule change with
    a reason."""
    user = acting_user(request)
    tender = _tender(request, tender_id)
    draft = perms.can_edit_setup(user, tender)
    if not draft and not perms.can_change_schedule(user, tender):
        raise Http404()
    zone = tender.lpse.time_zone
    now = clock.now()
    stages = template_for(tender.method)
    names = stage_names(tender.method, lpse=tender.lpse)
    fixed = _fixed_fields(tender, now)
    current = schedule.rows_of(tender)
    status = 200
    problems: list[schedule.Problem] = []
    with timezone.override(zone):
        initial: dict[str, Any] = {}
        rows_source: dict[str, Any] = dict(current)
        layout_form = LayoutForm(request.GET if "start" in request.GET else None)
        if (
            draft
            and layout_form.is_bound
            and layout_form.is_valid()
            and layout_form.cleaned_data["start"]
        ):
            rows_source = schedule.default_layout(
                tender.method,
                layout_form.cleaned_data["start"],
                WorkingCalendar.for_lpse(tender.lpse),
            )
        for code, (start, end) in rows_source.items():
            initial[stage_field(code, "starts_at")] = start
            initial[stage_field(code, "ends_at")] = end
        form = ScheduleForm(
            posted(request),
            initial=initial,
            stages=stages,
            names=names,
            status=tender.status,
            fixed=fixed,
        )
        if request.method == "POST":
            status = 400
            if form.is_valid():
                rows = form.rows()
                try:
                    if draft:
                        services.tender_set_schedule(actor=user, tender=tender, rows=rows)
                    else:
                        schedule_changes.schedule_change(
                            actor=user,
                            tender=tender,
                            rows=rows,
                            reason=form.cleaned_data.get("reason", ""),
                        )
                except schedule.ScheduleInvalid as error:
                    problems = error.problems
                    form.add_error(None, str(error.message))
                    status = 400
                except errors.DomainError as error:
                    status = form_refused(form, error)
                else:
                    messages.success(request, _("The schedule was saved."))
                    return redirect("tenders:setup_detail", tender_id=tender.pk)
        elif draft and not layout_form.is_bound:
            problems = schedule.tender_problems(tender, now=now)
        by_code: dict[str, list[str]] = {}
        for problem in problems:
            by_code.setdefault(problem.code, []).append(problem.message)
        rows_out = [
            {
                "code": d.code,
                "name": names.get(d.code, d.code),
                "start": form[stage_field(d.code, "starts_at")],
                "end": form[stage_field(d.code, "ends_at")],
                "problems": by_code.get(d.code, []),
                "rule": _rule_text(d, names),
            }
            for d in stages
        ]
        context = {
            "tender": tender,
            "form": form,
            "layout_form": layout_form,
            "rows": rows_out,
            "draft": draft,
            "zone": zone_abbreviation(zone),
            "hours": WorkingCalendar.for_lpse(tender.lpse).hours_label(),
            "other_problems": by_code.get("", []),
        }
        return render(request, "tenders/setup/schedule.html", context, status=status)


def _rule_text(definition: Any, names: dict[str, str]) -> str:
    parts = []
    for other in definition.starts_after_end_of:
        parts.append(_("starts after “%(s)s” ends") % {"s": names.get(other, other)})
    for other in definition.starts_with:
        parts.append(_("starts with or after “%(s)s”") % {"s": names.get(other, other)})
    if definition.ends_with:
        parts.append(_("ends by the end of “%(s)s”") % {"s": names.get(definition.ends_with, "")})
    if definition.min_days:
        parts.append(_("at least %(d)d calendar days") % {"d": definition.min_days})
    if definition.ends_in_working_hours:
        parts.append(_("ends on a working day within working hours"))
    return "; ".join(parts)


# --- approvals, announcement -------------------------------------------------------------------


@backoffice
@require_POST
def setup_approve(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    try:
        services.tender_approve(actor=user, tender=tender)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You approved version %(version)d of the set-up.")
            % {"version": tender.setup_version},
        )
    return redirect("tenders:setup_detail", tender_id=tender.pk)


@backoffice
@require_POST
def setup_announce(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    try:
        services.tender_announce(actor=user, tender=tender)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The tender was announced."))
    return redirect("tenders:setup_detail", tender_id=tender.pk)


# --- after the announcement --------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def setup_stage_extend(request: HttpRequest, tender_id: int, code: str) -> HttpResponse:
    """Extend a running stage (e.g. pemberian penjelasan, linked from the Q&A page)."""
    user = acting_user(request)
    tender = _tender(request, tender_id)
    if not perms.can_change_schedule(user, tender):
        raise Http404()
    stage = tender.stages.filter(code=code).first()
    if stage is None:
        raise Http404()
    name = stage_names(tender.method, lpse=tender.lpse).get(code, code)
    status = 200
    with timezone.override(tender.lpse.time_zone):
        form = ExtendForm(posted(request), initial={"new_end": stage.ends_at})
        if request.method == "POST":
            status = 400
            if form.is_valid():
                new_end = form.cleaned_data["new_end"]
                if new_end is None:
                    form.add_error("new_end", _("Enter the new end."))
                else:
                    try:
                        schedule_changes.stage_extend(
                            actor=user,
                            tender=tender,
                            code=code,
                            new_end=new_end,
                            reason=form.cleaned_data["reason"],
                        )
                    except errors.DomainError as error:
                        status = form_refused(form, error)
                    else:
                        messages.success(request, _("The stage was extended."))
                        return redirect("tenders:setup_detail", tender_id=tender.pk)
        context = {
            "tender": tender,
            "stage": stage,
            "name": name,
            "form": form,
            "zone": zone_abbreviation(tender.lpse.time_zone),
        }
        return render(request, "tenders/setup/extend.html", context, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def setup_cancel(request: HttpRequest, tender_id: int) -> HttpResponse:
    """Tender batal, for the committee chair or the PA/KPA of the agency."""
    user = acting_user(request)
    tender = selectors_setup.access_tender_for_cancel(user=user, tender_id=tender_id)
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    if not perms.can_cancel(user, tender):
        raise Http404()
    form = ReasonForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                cancellation.tender_cancel(
                    actor=user, tender=tender, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as error:
                status = form_refused(form, error)
            else:
                messages.success(request, _("The tender was cancelled."))
                if (
                    perms.can_edit_setup(user, tender)
                    or selectors_setup.tenders_for_committee(user=user)
                    .filter(pk=tender.pk)
                    .exists()
                ):
                    return redirect("tenders:setup_detail", tender_id=tender.pk)
                return redirect("tenders:setup_my_tenders")
    return render(
        request, "tenders/setup/cancel.html", {"tender": tender, "form": form}, status=status
    )
