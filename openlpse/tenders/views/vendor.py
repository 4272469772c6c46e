"""The vendors' tender pages: open tenders that match the company, its tenders, a tender's page
with the "ikut tender" button and the documents (with their SHA-256), and downloads. Thin
views: the rules live in tenders.services.participation / .documents, visibility in
tenders.selectors_vendor and tenders.selectors_documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openlpse.core import clock, errors
from openlpse.core.forms import error_status
from openlpse.core.pages import backoffice, query_without
from openlpse.core.request_context import client_ip
from openlpse.organizations.models import Lpse
from openlpse.tenders import selectors_documents, selectors_vendor, windows
from openlpse.tenders.enums import StageAction, TenderMethod, TenderStatus
from openlpse.tenders.forms_documents import OpenTenderFilterForm
from openlpse.tenders.labels import stage_names
from openlpse.tenders.models import Tender
from openlpse.tenders.services import documents as document_services
from openlpse.tenders.services import participation
from openlpse.vendors import selectors as vendor_selectors
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor

PAGE_SIZE = 25


def _vendor(request: HttpRequest) -> Vendor | None:
    from openlpse.tenders.permissions_documents import acting_vendor_id

    vendor_id = acting_vendor_id(request.user)
    return Vendor.objects.filter(pk=vendor_id).first() if vendor_id else None


def _no_vendor(request: HttpRequest) -> HttpResponse:
    return render(request, "tenders/vendor/no_vendor.html", status=403)


@backoffice
@require_GET
def vendor_open_tenders(request: HttpRequest) -> HttpResponse:
    """Announced tenders whose join window is open now and that match the company's licences
    and business qualification."""
    vendor = _vendor(request)
    if vendor is None:
        return _no_vendor(request)
    lpses = list(Lpse.objects.filter(is_active=True).order_by("name"))
    form = OpenTenderFilterForm(request.GET or None, lpses=lpses)
    filters: dict[str, Any] = {"sort": selectors_vendor.DEFAULT_SORT}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"].strip(),
            "lpse": next((x for x in lpses if x.slug == data["lpse"]), None),
            "method": data["method"],
            "procurement_type": data["procurement_type"],
            "sort": data["sort"] if data["sort"] in selectors_vendor.SORTS else "closes",
        }
    rows = selectors_vendor.open_tenders_for_vendor(vendor=vendor, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "vendor": vendor,
        "verified": vendor.status == VendorStatus.VERIFIED,
        "blacklisted": vendor_selectors.blacklist_entry_for(vendor=vendor),
        "form": form,
        "page": page,
        "sort": filters["sort"],
        "query": query_without(request, "page"),
        "base_query": query_without(request, "page", "sort"),
        "columns": [
            ("name", _("Tender")),
            ("hps", _("HPS")),
            ("closes", _("Joining closes")),
        ],
    }
    return render(request, "tenders/vendor/open_list.html", context)


@backoffice
@require_GET
def vendor_my_tenders(request: HttpRequest) -> HttpResponse:
    vendor = _vendor(request)
    if vendor is None:
        return _no_vendor(request)
    page = Paginator(selectors_vendor.my_tenders(vendor=vendor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "tenders/vendor/my_list.html", {"vendor": vendor, "page": page})


def _detail_context(request: HttpRequest, tender: Tender, vendor: Vendor | None) -> dict[str, Any]:
    participant = selectors_vendor.participant_of(vendor=vendor, tender=tender)
    join_window = windows.window_for(tender, StageAction.JOIN)
    join_open = (
        tender.status == TenderStatus.ANNOUNCED
        and windows.open_stage_for(tender, StageAction.JOIN) is not None
    )
    invited = tender.method != TenderMethod.PENGADAAN_LANGSUNG or (
        vendor is not None and tender.invited_vendor_id == vendor.pk
    )
    names = stage_names(tender.method, lpse=tender.lpse)
    now = clock.now()
    return {
        "tender": tender,
        "vendor": vendor,
        "participant": participant,
        "join_window": join_window,
        "join_open": join_open,
        "can_join": vendor is not None and participant is None and join_open and invited,
        "invited": invited,
        "problems": (
            selectors_vendor.eligibility_problems(vendor=vendor, tender=tender) if vendor else []
        ),
        "documents": list(selectors_documents.public_documents(tender=tender)),
        "addenda": list(selectors_documents.addenda_for(tender=tender, public=True)),
        "stages": [
            {"stage": s, "name": names.get(s.code, s.code), "open": windows.is_open(s, now)}
            for s in windows.schedule(tender)
        ],
    }


@backoffice
@require_GET
def vendor_tender_detail(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = selectors_vendor.access_tender_for_vendor(user=request.user, tender_id=tender_id)
    context = _detail_context(request, tender, _vendor(request))
    return render(request, "tenders/vendor/detail.html", context)


@backoffice
@require_POST
def vendor_join(request: HttpRequest, tender_id: int) -> HttpResponse:
    """Ikut tender. A second click returns the same participation."""
    tender = selectors_vendor.access_tender_for_vendor(user=request.user, tender_id=tender_id)
    try:
        participant = participation.tender_join(
            actor=request.user, tender=tender, ip=client_ip(request)
        )
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        context = _detail_context(request, tender, _vendor(request))
        return render(request, "tenders/vendor/detail.html", context, status=error_status(error))
    messages.success(
        request,
        _("%(company)s takes part in tender %(code)s. You can now download its documents.")
        % {"company": participant.vendor.name, "code": tender.code},
    )
    return redirect("tenders:vendor_tender_detail", tender_id=tender.pk)


@backoffice
@require_GET
def vendor_document_download(
    request: HttpRequest, tender_id: int, document_id: int
) -> HttpResponseBase:
    tender = selectors_vendor.access_tender_for_vendor(user=request.user, tender_id=tender_id)
    document = selectors_documents.access_document(
        tender=tender, document_id=document_id, committee=False
    )
    document.tender = tender
    try:
        return document_services.document_download(
            user=request.user, document=document, ip=client_ip(request)
        )
    except errors.PermissionDenied as error:
        messages.error(request, str(error.message))
        context = _detail_context(request, tender, _vendor(request))
        return render(request, "tenders/vendor/detail.html", context, status=error_status(error))
