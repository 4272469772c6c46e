"""The directory of verified vendors, for officials and auditors of every LPSE (issue 3 item 6:
"each LPSE sees which LPSE verified it and when"). Read-only: the company's tabs as the
vendor entered them, for Pokja and PPK (qualification comes with the tenders)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from openlpse.core.pages import backoffice
from openlpse.core.storage import file_response
from openlpse.vendors import selectors, selectors_data
from openlpse.vendors.data_tabs import IDENTITY, DataTab
from openlpse.vendors.forms_data import DirectorySearchForm
from openlpse.vendors.validators import format_npwp
from openlpse.vendors.views.data import record_tab, tab_links, table_headers, table_rows

PAGE_SIZE = 50
SORTS = ("name", "city", "lpse", "verified")


@backoffice
@require_http_methods(["GET"])
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    vendors = selectors_data.vendor_directory(user=request.user, query=query, sort=sort)
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "rows": [{"vendor": v, "npwp": format_npwp(v.npwp)} for v in page.object_list],
        "query": params.urlencode(),
        "sort": sort,
        "sort_query": sort_params.urlencode(),
        "columns": [
            ("name", _("Company")),
            ("city", _("City or regency")),
            ("lpse", _("Verified by")),
            ("verified", _("Verified on")),
        ],
    }
    return render(request, "vendors/directory/list.html", context)


@backoffice
@require_http_methods(["GET"])
def directory_detail(request: HttpRequest, vendor_id: int, tab: str = IDENTITY) -> HttpResponse:
    vendor = selectors_data.access_directory_vendor(user=request.user, vendor_id=vendor_id)
    spec: DataTab | None = None if tab == IDENTITY else record_tab(tab)

    def url_for(t: DataTab) -> str:
        if t.slug == IDENTITY:
            return reverse("vendors:directory_detail", args=[vendor.pk])
        return reverse("vendors:directory_tab", args=[vendor.pk, t.slug])

    context: dict[str, Any] = {
        "vendor": vendor,
        "vendor_npwp": format_npwp(vendor.npwp),
        "tabs": tab_links(tab, url_for),
        "tab": spec,
        "blacklist_entry": selectors.blacklist_entry_for(vendor=vendor),
    }
    if spec is not None:
        context["headers"] = table_headers(spec)
        context["rows"] = table_rows(spec, selectors_data.record_list(vendor=vendor, tab=spec))
    return render(request, "vendors/directory/detail.html", context)


@backoffice
@require_http_methods(["GET"])
def directory_file(
    request: HttpRequest, vendor_id: int, tab: str, record_id: int
) -> HttpResponseBase:
    vendor = selectors_data.access_directory_vendor(user=request.user, vendor_id=vendor_id)
    spec = record_tab(tab)
    assert spec.model is not None
    record = selectors_data.access_record(vendor=vendor, model=spec.model, record_id=record_id)
    if record.file is None:
        raise Http404()
    return file_response(stored_file=record.file)
