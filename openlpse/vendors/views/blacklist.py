"""Blacklist pages: the public list, and in the back office the requests (file, read, decide,
withdraw), the entries (lift) and the deactivation of a company's accounts for a violation.
Thin views: the rules live in vendors.services.blacklist / .deactivation, visibility in
vendors.selectors_blacklist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted, query_without
from openlpse.core.storage import file_response
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, selectors, selectors_blacklist, validators
from openlpse.vendors.forms_blacklist import (
    BlacklistDecisionForm,
    BlacklistEntryFilterForm,
    BlacklistPublicFilterForm,
    BlacklistRequestFilterForm,
    BlacklistRequestForm,
    ReasonForm,
    VendorAccountForm,
)
from openlpse.vendors.models import BlacklistEntry
from openlpse.vendors.services import blacklist as blacklist_services
from openlpse.vendors.services import deactivation

PUBLIC_PAGE_SIZE = 25
PRINT_MAX_ROWS = 1000
PAGE_SIZE = 50


# --- public ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def blacklist_public(request: HttpRequest) -> HttpResponse:
    """The public blacklist (issue 3 item 8): company, masked NPWP, period, reason, deciding
    agency and LPSE. `?cetak=1` gives the whole filtered list on one printable page."""
    lpses = list(Lpse.objects.filter(is_active=True).order_by("name"))
    form = BlacklistPublicFilterForm(request.GET or None, lpses=lpses)
    filters: dict[str, Any] = {
        "query": "",
        "lpse": None,
        "status": selectors_blacklist.STATUS_IN_FORCE,
        "sort": "-starts_on",
    }
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "lpse": next((x for x in lpses if x.slug == data["lpse"]), None),
            "status": data["status"] or selectors_blacklist.STATUS_IN_FORCE,
            "sort": data["sort"] or "-starts_on",
        }
    entries = selectors_blacklist.blacklist_public_list(**filters)
    printable = request.GET.get("cetak") == "1"
    page = None
    if printable:
        shown = list(entries[:PRINT_MAX_ROWS])
    else:
        page = Paginator(entries, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    rows = [
        {
            "entry": entry,
            "npwp": validators.mask_npwp(entry.npwp),
            "status": selectors_blacklist.entry_status(entry),
        }
        for entry in shown
    ]
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "printable": printable,
        "sort": filters["sort"],
        "status": filters["status"],
        "query": query_without(request, "page"),
        "base_query": query_without(request, "page", "sort", "cetak"),
        "columns": [
            ("company", _("Company")),
            ("starts_on", _("From")),
            ("ends_on", _("Until")),
            ("lpse", _("Decided by")),
        ],
    }
    return render(request, "vendors/blacklist/public_list.html", context)


# --- requests ----------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def blacklist_requests(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not permissions.can_open_blacklist_requests(user):
        raise Http404()
    form = BlacklistRequestFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    requests = selectors_blacklist.blacklist_request_list_visible(user=user, status=status)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without(request, "page"),
        "can_request": bool(selectors_blacklist.requester_lpses(user)),
        "is_verifikator": bool(selectors.verifikator_lpse_ids(user)),
    }
    return render(request, "vendors/blacklist/requests.html", context)


def _vendor_choices(text: str) -> list[dict[str, Any]]:
    """The companies found by name, each with what to put in the form's company field."""
    return [
        {
            "vendor": v,
            "npwp": validators.mask_npwp(v.npwp),
            "pick": v.nib or validators.format_npwp(v.npwp) or v.name,
        }
        for v in selectors_blacklist.registered_vendor_search(text)
    ]


@backoffice
@require_http_methods(["GET", "POST"])
def blacklist_request_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    lpses = selectors_blacklist.requester_lpses(user)
    if not lpses:
        raise Http404()
    if len(lpses) == 1:
        request.lpse = lpses[0]  # type: ignore[attr-defined]
    initial = {"vendor": request.GET.get("vendor", "")}
    form = BlacklistRequestForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        lpses=lpses,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = blacklist_services.blacklist_request_create(
                    actor=user,
                    vendor=data["vendor"],
                    lpse=data["lpse"],
                    reason=data["reason"],
                    legal_basis=data["legal_basis"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    evidence=data["evidence"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("Your request was sent to the Registration and Verification Unit."),
                )
                return redirect("vendors:blacklist_request_detail", request_id=created.pk)
    search = request.GET.get("q", "")
    context = {
        "form": form,
        "search": search,
        "matches": _vendor_choices(search),
        "max_days": blacklist_services.MAX_PERIOD_DAYS,
    }
    return render(request, "vendors/blacklist/request_form.html", context, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def blacklist_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors_blacklist.access_blacklist_request(user=user, request_id=request_id)
    request.lpse = item.lpse  # type: ignore[attr-defined]
    entry = BlacklistEntry.objects.filter(request_id=item.pk).first()
    actions = selectors_blacklist.blacklist_request_actions(user=user, request=item, entry=entry)
    form = BlacklistDecisionForm(posted(request))
    status = 200
    if request.method == "POST":
        # A verifikator of the LPSE always reaches the service, so that a second click on a
        # request already decided, or their own request, gets its sentence, not a 404.
        if not permissions.can_decide_blacklist(user, item.lpse):
            raise Http404()
        status = 400
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                blacklist_services.blacklist_request_decide(
                    actor=user, request=item, approve=approve, note=form.cleaned_data["note"]
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("The company is now on the blacklist.")
                    if approve
                    else _("The request was rejected; the requester was told why."),
                )
                return redirect("vendors:blacklist_request_detail", request_id=item.pk)
    context = {
        "item": item,
        "entry": entry,
        "npwp": validators.format_npwp(item.vendor.npwp),
        "evidence": list(item.evidence.order_by("pk")),
        "form": form,
        "can_decide": actions.decide,
        "can_withdraw": actions.withdraw,
        "can_lift": actions.lift,
    }
    return render(request, "vendors/blacklist/request_detail.html", context, status=status)


@backoffice
@require_POST
def blacklist_request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors_blacklist.access_blacklist_request(user=user, request_id=request_id)
    try:
        blacklist_services.blacklist_request_withdraw(actor=user, request=item)
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("vendors:blacklist_request_detail", request_id=item.pk)


@backoffice
@require_http_methods(["GET"])
def blacklist_evidence(request: HttpRequest, request_id: int, file_id: int) -> HttpResponseBase:
    """An evidence file, for the requester and the verifikators of the request's LPSE."""
    item = selectors_blacklist.access_blacklist_request(user=request.user, request_id=request_id)
    stored = item.evidence.filter(pk=file_id).first()
    if stored is None:
        raise Http404()
    return file_response(stored_file=stored)


# --- entries -----------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def blacklist_entries(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.verifikator_lpse_ids(user):
        raise Http404()
    form = BlacklistEntryFilterForm(request.GET or None)
    status = (
        form.cleaned_data["status"] if form.is_valid() else ""
    ) or selectors_blacklist.STATUS_IN_FORCE
    entries = selectors_blacklist.blacklist_entry_list_manageable(user=user, status=status)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "npwp": validators.format_npwp(entry.npwp),
            "status": selectors_blacklist.entry_status(entry),
        }
        for entry in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without(request, "page"),
    }
    return render(request, "vendors/blacklist/entries.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def blacklist_entry_lift(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = acting_user(request)
    entry = selectors_blacklist.access_blacklist_entry(user=user, entry_id=entry_id)
    request.lpse = entry.lpse  # type: ignore[attr-defined]
    form = ReasonForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                blacklist_services.blacklist_entry_lift(
                    actor=user, entry=entry, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("The blacklisting of %(company)s was lifted.")
                    % {"company": entry.company_name},
                )
                return redirect("vendors:blacklist_entries")
    context = {
        "entry": entry,
        "npwp": validators.format_npwp(entry.npwp),
        "form": form,
        "can_lift": selectors_blacklist.entry_open(entry),
    }
    return render(request, "vendors/blacklist/entry_lift.html", context, status=status)


# --- deactivation for a violation ------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def vendor_account_deactivation(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not permissions.is_any_verifikator(user):
        raise Http404()
    form = VendorAccountForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            vendor = data["vendor"]
            try:
                if data["action"] == "deactivate":
                    deactivation.vendor_account_deactivate(
                        actor=user, vendor=vendor, reason=data["reason"]
                    )
                    done = _("The accounts of %(company)s were deactivated.")
                else:
                    deactivation.vendor_account_reactivate(
                        actor=user, vendor=vendor, reason=data["reason"]
                    )
                    done = _("The accounts of %(company)s were reactivated.")
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, done % {"company": vendor.name})
                return redirect("vendors:vendor_account_deactivation")
    return render(request, "vendors/blacklist/vendor_accounts.html", {"form": form}, status=status)
