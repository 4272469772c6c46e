"""Back-office RUP pages under /perencanaan/rup/: the PA/KPA's list, create, change, announce,
withdraw and import. Thin views: rules in plans.services, visibility in plans.selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts.models import User
from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted, query_without
from openlpse.core.templatetags.openlpse import rupiah
from openlpse.plans import permissions, selectors
from openlpse.plans.enums import RupStatus
from openlpse.plans.forms import (
    AnnounceForm,
    ImportForm,
    PlannerFilterForm,
    RupForm,
    WithdrawForm,
)
from openlpse.plans.models import RupItem
from openlpse.plans.services import imports as import_services
from openlpse.plans.services import rup as rup_services

PAGE_SIZE = 50


def _initial_of(item: RupItem) -> dict[str, Any]:
    data = rup_services.fields_of(item)
    initial: dict[str, Any] = data.as_json()
    initial["pagu"] = f"{data.pagu:f}"
    return initial


@backoffice
@require_http_methods(["GET"])
def rup_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    scopes = selectors.planner_scopes(user=user)
    items = selectors.rup_items_for_planner(user=user)
    if not scopes and not items.exists():
        raise Http404()
    form = PlannerFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        items = selectors.rup_items_for_planner(
            user=user, status=data["status"], fiscal_year=data["year"], text=data["q"]
        )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "can_create": bool(scopes),
    }
    return render(request, "plans/rup/list.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def rup_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    scopes = selectors.planner_scopes(user=user)
    if not scopes:
        raise Http404()
    form = RupForm(posted(request), scopes=scopes, initial={"fiscal_year": _next_year()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            scope = form.cleaned_data["scope"]
            try:
                item = rup_services.rup_create(
                    actor=user,
                    agency=scope.agency,
                    work_unit=scope.work_unit,
                    data=form.rup_fields(),
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request, _("The RUP item was saved as a draft. Announce it to publish it.")
                )
                return redirect("plans:rup_detail", rup_id=item.pk)
    return render(request, "plans/rup/form.html", {"form": form, "item": None}, status=status)


def _next_year() -> int:
    from openlpse.accounts.permissions import today

    return today().year + 1


def _shown(name: str, value: Any) -> Any:
    return rupiah(Decimal(str(value))) if name == "pagu" and value is not None else value


@backoffice
@require_http_methods(["GET"])
def rup_detail(request: HttpRequest, rup_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.access_rup(user=user, rup_id=rup_id)
    request.lpse = item.lpse  # type: ignore[attr-defined]
    can_write = permissions.can_write_rup(user, item)
    pending = []
    if item.pending_changes:
        announced = rup_services.snapshot_of(item)
        pending = [
            {
                "field": RupItem._meta.get_field(name).verbose_name,  # type: ignore[union-attr]
                "before": _shown(name, announced.get(name)),
                "after": _shown(name, value),
            }
            for name, value in sorted(item.pending_changes.items())
        ]
    context = {
        "item": item,
        "revisions": selectors.rup_history(item=item),
        "pending": pending,
        "can_write": can_write and item.status != RupStatus.WITHDRAWN,
        "announce_form": AnnounceForm(),
        "withdraw_form": WithdrawForm(),
        "tenders": _tenders_of(user, item),
    }
    return render(request, "plans/rup/detail.html", context)


def _tenders_of(user: User, item: RupItem) -> list[dict[str, Any]]:
    """The tenders made from the item, for its PA/KPA and PPK: where each stands, and whether
    this user may cancel it (tender batal by the PA/KPA)."""
    from openlpse.tenders.models import Tender
    from openlpse.tenders.permissions_setup import can_cancel

    rows = Tender.objects.filter(package__rup_item=item).select_related(
        "package", "package__agency", "package__work_unit", "lpse"
    )
    return [
        {"tender": tender, "can_cancel": can_cancel(user, tender)}
        for tender in rows.order_by("-created_at")
    ]


@backoffice
@require_http_methods(["GET", "POST"])
def rup_update(request: HttpRequest, rup_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.access_rup(user=user, rup_id=rup_id)
    if not permissions.can_write_rup(user, item):
        raise Http404()
    request.lpse = item.lpse  # type: ignore[attr-defined]
    draft = item.status == RupStatus.DRAFT
    scopes = [s for s in selectors.planner_scopes(user=user) if s.agency.pk == item.agency_id]
    initial = _initial_of(item)
    initial["scope"] = f"{item.agency_id}:{item.work_unit_id or ''}"
    form = RupForm(
        posted(request),
        scopes=scopes,
        initial=initial,
        fixed_code=not draft,
        fixed_scope=not draft,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            work_unit = form.cleaned_data["scope"].work_unit if draft else item.work_unit
            try:
                rup_services.rup_update(
                    actor=user, item=item, data=form.rup_fields(), work_unit=work_unit
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("The draft was saved.")
                    if draft
                    else _(
                        "The change was saved. It becomes public when you announce it with a "
                        "reason."
                    ),
                )
                return redirect("plans:rup_detail", rup_id=item.pk)
    return render(request, "plans/rup/form.html", {"form": form, "item": item}, status=status)


def _detail_refused(
    request: HttpRequest, item: RupItem, *, announce: Any = None, withdraw: Any = None, status: int
) -> HttpResponse:
    context = {
        "item": item,
        "revisions": selectors.rup_history(item=item),
        "pending": [],
        "can_write": True,
        "announce_form": announce or AnnounceForm(),
        "withdraw_form": withdraw or WithdrawForm(),
    }
    return render(request, "plans/rup/detail.html", context, status=status)


@backoffice
@require_POST
def rup_announce(request: HttpRequest, rup_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.access_rup(user=user, rup_id=rup_id)
    if not permissions.can_write_rup(user, item):
        raise Http404()
    form = AnnounceForm(request.POST)
    if form.is_valid():
        try:
            rup_services.rup_announce(actor=user, item=item, reason=form.cleaned_data["reason"])
        except errors.DomainError as exc:
            return _detail_refused(request, item, announce=form, status=form_refused(form, exc))
        messages.success(request, _("The RUP item is announced."))
        return redirect("plans:rup_detail", rup_id=item.pk)
    return _detail_refused(request, item, announce=form, status=400)


@backoffice
@require_POST
def rup_withdraw(request: HttpRequest, rup_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.access_rup(user=user, rup_id=rup_id)
    if not permissions.can_write_rup(user, item):
        raise Http404()
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            rup_services.rup_withdraw(actor=user, item=item, reason=form.cleaned_data["reason"])
        except errors.DomainError as exc:
            return _detail_refused(request, item, withdraw=form, status=form_refused(form, exc))
        messages.success(request, _("The RUP item is withdrawn."))
        return redirect("plans:rup_detail", rup_id=item.pk)
    return _detail_refused(request, item, withdraw=form, status=400)


@backoffice
@require_http_methods(["GET", "POST"])
def rup_import(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    agencies = selectors.planner_agencies(user=user)
    if not agencies:
        raise Http404()
    form = ImportForm(
        posted(request), request.FILES if request.method == "POST" else None, agencies=agencies
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = import_services.rup_import(
                    actor=user,
                    agency=form.cleaned_data["agency"],
                    upload=form.cleaned_data["file"],
                    check_only=form.cleaned_data["check_only"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                return redirect("plans:rup_import_detail", import_id=result.pk)
    context = {"form": form, "columns": import_services.COLUMNS}
    return render(request, "plans/rup/import.html", context, status=status)


@backoffice
@require_http_methods(["GET"])
def rup_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    result = selectors.access_rup_import(user=acting_user(request), import_id=import_id)
    rows = result.report
    context = {
        "result": result,
        "rows": rows,
        "bad_rows": [row for row in rows if row["errors"]],
    }
    return render(request, "plans/rup/import_detail.html", context)


@require_http_methods(["GET"])
def rup_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(import_services.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-rup.csv"'
    return response
