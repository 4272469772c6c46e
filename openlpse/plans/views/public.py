"""The public RUP pages: /rup/ (list with search and filters) and /rup/<id>/ (the item with its
public history). No sign-in; drafts are not found, exactly like missing ids."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from openlpse.core import errors
from openlpse.core.pages import query_without
from openlpse.organizations.models import Agency, Lpse
from openlpse.plans import selectors
from openlpse.plans.forms import PublicRupFilterForm

PAGE_SIZE = 25


@require_http_methods(["GET"])
def public_rup_list(request: HttpRequest) -> HttpResponse:
    lpses = list(Lpse.objects.filter(is_active=True).order_by("name"))
    agencies_qs = Agency.objects.filter(lpse__is_active=True, is_active=True)
    chosen_lpse = request.GET.get("lpse", "")
    if chosen_lpse:
        agencies_qs = agencies_qs.filter(lpse__slug=chosen_lpse)
    agencies = list(agencies_qs.order_by("name"))
    form = PublicRupFilterForm(
        request.GET or None,
        lpses=lpses,
        agencies=agencies,
        years=selectors.public_fiscal_years(),
    )
    filters = selectors.RupFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.RupFilters(
            lpse=data["lpse"],
            agency=data["agency"],
            fiscal_year=data["year"] or None,
            procurement_type=data["procurement_type"],
            planned_method=data["planned_method"],
            funding_source=data["funding_source"],
            pagu_min=data["pagu_min"],
            pagu_max=data["pagu_max"],
            text=data["q"],
            status=data["status"] or "announced",
            sort=data["sort"] or "-announced",
        )
    items = selectors.public_rup_list(filters=filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "filtered": bool(request.GET and form.is_valid() and any(form.cleaned_data.values())),
    }
    return render(request, "plans/public/list.html", context)


@require_http_methods(["GET"])
def public_rup_detail(request: HttpRequest, rup_id: int) -> HttpResponse:
    try:
        item = selectors.access_public_rup(rup_id=rup_id)
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    request.lpse = item.lpse  # type: ignore[attr-defined]
    context = {"item": item, "revisions": selectors.rup_history(item=item)}
    return render(request, "plans/public/detail.html", context)
