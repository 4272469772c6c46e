"""The vendor's "Data Penyedia" pages after activation (issue 3 item 5): an overview, one page
per tab with its table, add / edit / delete forms, the supporting files, and the identity tab
with the change of verified identity data. Thin views over selectors_data and the services.

Only the administrator and staff of a verified vendor reach these pages; anyone else signed in
goes to the vendor home page (the registration, before verification).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts.permissions import today
from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, posted
from openlpse.core.storage import file_response
from openlpse.core.templatetags.openlpse import rupiah
from openlpse.vendors import permissions, selectors_data
from openlpse.vendors.data_tabs import IDENTITY, RECORD_TABS, TABS, TABS_BY_SLUG, DataTab
from openlpse.vendors.enums import VendorStatus, VerificationStatus
from openlpse.vendors.forms_data import (
    IdentityChangeForm,
    ProfileForm,
    record_form_class,
    record_initial,
)
from openlpse.vendors.models import BusinessLicence, Vendor, VerificationRequest
from openlpse.vendors.models.data import VendorRecord
from openlpse.vendors.services import data as services
from openlpse.vendors.services import identity as identity_services
from openlpse.vendors.services.licence_expiry import expiry_stage
from openlpse.vendors.validators import format_npwp

View = Callable[..., HttpResponseBase]
_SORT_KINDS = {"date": "date", "number": "number", "money": "number", "percent": "number"}
_NUMERIC = frozenset({"number", "money", "percent"})


def registration_redirect() -> HttpResponse:
    """Before verification the vendor's pages are the registration (vendors:home)."""
    try:
        return redirect("vendors:home")
    except NoReverseMatch as exc:  # the registration pages are not installed
        raise Http404() from exc


def vendor_area(view: View) -> View:
    """Signed in as the administrator or staff of a verified vendor; the vendor is passed to
    the view. NotFound from a selector or service becomes the ordinary 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        vendor = selectors_data.vendor_of_member(request.user)
        if vendor is None or vendor.status != VendorStatus.VERIFIED:
            return registration_redirect()
        try:
            return view(request, vendor, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(str(exc)) from exc

    return wrapper


def record_tab(slug: str) -> DataTab:
    tab = TABS_BY_SLUG.get(slug)
    if tab is None or tab.model is None:
        raise errors.NotFound()
    return tab


# --- tables ---------------------------------------------------------------------------------------


def _cell(record: VendorRecord, name: str, kind: str) -> dict[str, str]:
    value = getattr(record, name)
    if value is None or value == "":
        return {"text": "\N{EN DASH}", "sort": ""}
    if kind == "choice":
        return {"text": getattr(record, f"get_{name}_display")(), "sort": str(value)}
    if kind == "date":
        return {"text": date_format(value, "j F Y"), "sort": value.isoformat()}
    if kind == "money":
        return {"text": rupiah(value), "sort": str(value)}
    if kind == "percent":
        shown = value.normalize() if isinstance(value, Decimal) else value
        return {"text": f"{number_format(shown)} %", "sort": str(value)}
    if name == "npwp":
        return {"text": format_npwp(value), "sort": str(value)}
    return {"text": str(value), "sort": "" if kind == "text" else str(value)}


def table_headers(tab: DataTab) -> list[dict[str, Any]]:
    assert tab.model is not None
    return [
        {
            "label": capfirst(tab.model._meta.get_field(c.name).verbose_name),  # type: ignore[union-attr]
            "sort": _SORT_KINDS.get(c.kind, "text"),
            "num": c.kind in _NUMERIC,
        }
        for c in tab.columns
    ]


def table_rows(tab: DataTab, records: Any) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        stage = (
            expiry_stage(valid_until=record.valid_until, on=today())
            if isinstance(record, BusinessLicence)
            else None
        )
        rows.append(
            {
                "record": record,
                "cells": [
                    {**_cell(record, c.name, c.kind), "num": c.kind in _NUMERIC}
                    for c in tab.columns
                ],
                "stage": stage,
            }
        )
    return rows


def tab_links(
    current: str, url_for: Callable[[DataTab], str], counts: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "slug": tab.slug,
            "label": tab.label,
            "url": url_for(tab),
            "current": tab.slug == current,
            "count": (counts or {}).get(tab.slug),
        }
        for tab in TABS
    ]


def _own_tab_url(tab: DataTab) -> str:
    return reverse("vendors:data_tab", args=[tab.slug])


def _base_context(request: HttpRequest, vendor: Vendor, current: str) -> dict[str, Any]:
    return {
        "vendor": vendor,
        "vendor_npwp": format_npwp(vendor.npwp),
        "tabs": tab_links(current, _own_tab_url),
        "is_admin": permissions.is_vendor_admin(request.user, vendor),
        "current": current,
    }


# --- overview -------------------------------------------------------------------------------------


@vendor_area
@require_http_methods(["GET"])
def data_index(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """All tabs with how many rows each holds, the licences that need attention and a
    pending change of identity data."""
    counts = {
        tab.slug: selectors_data.record_list(vendor=vendor, tab=tab).count() for tab in RECORD_TABS
    }
    context = _base_context(request, vendor, "")
    context.update(
        {
            "summary": [
                {"tab": tab, "count": counts[tab.slug], "url": _own_tab_url(tab)}
                for tab in RECORD_TABS
            ],
            "alerts": selectors_data.licence_alerts(vendor=vendor),
            "pending": selectors_data.pending_identity_change(vendor=vendor),
        }
    )
    return render(request, "vendors/data/index.html", context)


# --- one tab --------------------------------------------------------------------------------------


@vendor_area
@require_http_methods(["GET"])
def data_tab(request: HttpRequest, vendor: Vendor, tab: str) -> HttpResponse:
    if tab == IDENTITY:
        return _identity_page(request, vendor)
    spec = record_tab(tab)
    context = _base_context(request, vendor, spec.slug)
    context.update(
        {
            "tab": spec,
            "headers": table_headers(spec),
            "rows": table_rows(spec, selectors_data.record_list(vendor=vendor, tab=spec)),
            "can_edit": permissions.is_vendor_member(request.user, vendor),
        }
    )
    if spec.model is BusinessLicence:
        context["alerts"] = selectors_data.licence_alerts(vendor=vendor)
    return render(request, "vendors/data/tab.html", context)


@vendor_area
@require_http_methods(["GET", "POST"])
def data_add(request: HttpRequest, vendor: Vendor, tab: str) -> HttpResponse:
    spec = record_tab(tab)
    assert spec.model is not None
    form = record_form_class(spec)(posted(request), request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.vendor_record_create(
                    actor=acting_user(request),
                    vendor=vendor,
                    model=spec.model,
                    values=form.values(),
                    upload=form.cleaned_data.get("file"),
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The entry was added."))
                return redirect("vendors:data_tab", tab=spec.slug)
    context = _base_context(request, vendor, spec.slug)
    context.update({"tab": spec, "form": form})
    return render(request, "vendors/data/record_form.html", context, status=status)


@vendor_area
@require_http_methods(["GET", "POST"])
def data_edit(request: HttpRequest, vendor: Vendor, tab: str, record_id: int) -> HttpResponse:
    spec = record_tab(tab)
    assert spec.model is not None
    record = services.vendor_record_access(
        actor=acting_user(request),
        vendor=vendor,
        model=spec.model,
        record_id=record_id,
        operation="update" if request.method == "POST" else "read",
    )
    form = record_form_class(spec)(
        posted(request),
        request.FILES or None,
        initial=record_initial(record, spec),
        has_file=record.file_id is not None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.vendor_record_update(
                    actor=acting_user(request),
                    vendor=vendor,
                    model=spec.model,
                    record_id=record.pk,
                    values=form.values(),
                    upload=form.cleaned_data.get("file"),
                    remove_file=bool(form.cleaned_data.get("remove_file")),
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The entry was saved."))
                return redirect("vendors:data_tab", tab=spec.slug)
    context = _base_context(request, vendor, spec.slug)
    context.update({"tab": spec, "form": form, "record": record})
    return render(request, "vendors/data/record_form.html", context, status=status)


@vendor_area
@require_http_methods(["GET", "POST"])
def data_delete(request: HttpRequest, vendor: Vendor, tab: str, record_id: int) -> HttpResponse:
    """GET asks for confirmation; only POST deletes."""
    spec = record_tab(tab)
    assert spec.model is not None
    record = services.vendor_record_access(
        actor=acting_user(request),
        vendor=vendor,
        model=spec.model,
        record_id=record_id,
        operation="delete" if request.method == "POST" else "read",
    )
    if request.method == "POST":
        try:
            services.vendor_record_delete(
                actor=acting_user(request), vendor=vendor, model=spec.model, record_id=record.pk
            )
        except errors.DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The entry %(entry)s was deleted.") % {"entry": str(record)}
            )
        return redirect("vendors:data_tab", tab=spec.slug)
    context = _base_context(request, vendor, spec.slug)
    context.update({"tab": spec, "record": record})
    return render(request, "vendors/data/record_delete.html", context)


@vendor_area
@require_http_methods(["GET"])
def data_file(request: HttpRequest, vendor: Vendor, tab: str, record_id: int) -> HttpResponseBase:
    spec = record_tab(tab)
    assert spec.model is not None
    record = services.vendor_record_access(
        actor=acting_user(request), vendor=vendor, model=spec.model, record_id=record_id
    )
    if record.file is None:
        raise Http404()
    return file_response(stored_file=record.file)


# --- identity -------------------------------------------------------------------------------------


def identity_changes(request: VerificationRequest | None) -> list[dict[str, Any]]:
    """The fields of an identity change: label, verified value, proposed value."""
    if request is None:
        return []
    current = request.data.get("current", {})
    rows = []
    for name, value in request.data.get("proposed", {}).items():
        shown = format_npwp if name == "npwp" else str
        rows.append(
            {
                "label": capfirst(getattr(Vendor._meta.get_field(name), "verbose_name", name)),
                "current": shown(current.get(name) or ""),
                "proposed": shown(value or ""),
            }
        )
    return rows


def _identity_page(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    pending = selectors_data.pending_identity_change(vendor=vendor)
    context = _base_context(request, vendor, IDENTITY)
    context.update(
        {
            "pending": pending,
            "pending_changes": identity_changes(pending),
            "history": [
                {"request": r, "changes": identity_changes(r)}
                for r in selectors_data.identity_change_history(vendor=vendor)[:10]
                if r.status != VerificationStatus.PENDING
            ],
        }
    )
    return render(request, "vendors/data/identity.html", context)


def admin_only(request: HttpRequest, vendor: Vendor, message: str, back: str) -> HttpResponse:
    """A page of the administrator opened by a staff member: 403, with what to do instead."""
    context = _base_context(request, vendor, "")
    context.update({"message": message, "back": back})
    return render(request, "vendors/data/refused.html", context, status=403)


def _identity_admin_only(request: HttpRequest, vendor: Vendor) -> HttpResponse | None:
    if permissions.is_vendor_admin(request.user, vendor):
        return None
    message = _(
        "Only the administrator of %(company)s may change its identity data. Ask the "
        "administrator to make the change."
    ) % {"company": vendor.name}
    return admin_only(request, vendor, message, reverse("vendors:data_tab", args=[IDENTITY]))


@vendor_area
@require_http_methods(["GET", "POST"])
def identity_edit(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """The identity fields that need no verification: address, phone, website, scale."""
    if (refusal := _identity_admin_only(request, vendor)) is not None:
        return refusal
    initial = {name: getattr(vendor, name) for name in services.PROFILE_FIELDS}
    form = ProfileForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.vendor_profile_update(
                    actor=acting_user(request), vendor=vendor, values=form.cleaned_data
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The company identity was saved."))
                return redirect("vendors:data_tab", tab=IDENTITY)
    context = _base_context(request, vendor, IDENTITY)
    context["form"] = form
    return render(request, "vendors/data/identity_form.html", context, status=status)


@vendor_area
@require_http_methods(["GET", "POST"])
def identity_change(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """Ask the LPSE to verify a new company name, NPWP, NIB or e-mail."""
    if (refusal := _identity_admin_only(request, vendor)) is not None:
        return refusal
    pending = selectors_data.pending_identity_change(vendor=vendor)
    initial = {
        "name": vendor.name,
        "npwp": format_npwp(vendor.npwp),
        "nib": vendor.nib,
        "email": vendor.email,
    }
    form = IdentityChangeForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sent = identity_services.identity_change_request(
                    actor=acting_user(request), vendor=vendor, proposed=form.cleaned_data
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The change was sent to %(lpse)s for verification. Until it is approved "
                        "the verified data stays in force and your account works as before."
                    )
                    % {"lpse": sent.lpse.name},
                )
                return redirect("vendors:data_tab", tab=IDENTITY)
    context = _base_context(request, vendor, IDENTITY)
    context.update({"form": form, "pending": pending})
    return render(request, "vendors/data/identity_change.html", context, status=status)


@vendor_area
@require_POST
def identity_change_withdraw(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    if (refusal := _identity_admin_only(request, vendor)) is not None:
        return refusal
    try:
        identity_services.identity_change_withdraw(actor=acting_user(request), vendor=vendor)
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The change of identity data was withdrawn."))
    return redirect("vendors:data_tab", tab=IDENTITY)
