"""Pages of the Unit Registrasi dan Verifikasi (LT 12(2)-(3), KA 12(2)-(3), LT 25(2)-(4)): the
queue, a request with its data and documents side by side and the checklist, the appointment
slots; and the vendor's optional appointment booking. Thin views: reads through
selectors_verification, writes through services.verification and services.slots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlpse.accounts.permissions import today as permissions_today
from openlpse.core import clock, errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.core.storage import file_response
from openlpse.vendors import selectors_verification as queue
from openlpse.vendors import validators
from openlpse.vendors.enums import VERIFIED_IDENTITY_FIELDS, VerificationKind, VerificationStatus
from openlpse.vendors.forms_verification import (
    APPROVE,
    BookingForm,
    DecisionForm,
    QueueFilterForm,
    SlotForm,
)
from openlpse.vendors.models import Vendor, VerificationRequest
from openlpse.vendors.selectors_registration import IDENTITY_FIELDS
from openlpse.vendors.services import slots as slot_services
from openlpse.vendors.services import verification as services

PAGE_SIZE = 50
PREVIEW_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def _require_verifikator_somewhere(request: HttpRequest) -> list[Any]:
    lpses = queue.verifikator_lpses(request.user)
    if not lpses:
        raise Http404()
    if len(lpses) == 1:
        request.lpse = lpses[0]  # type: ignore[attr-defined]  # header and time zone
    return lpses


def age_label(waited: dt.timedelta) -> str:
    """'3 days 4 hours', '5 hours', 'less than an hour'."""
    days, seconds = waited.days, waited.seconds
    hours = seconds // 3600
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    return " ".join(parts) if parts else _("less than an hour")


# --- the queue -----------------------------------------------------------------------------------


@backoffice
@require_GET
def verification_queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    lpses = _require_verifikator_somewhere(request)
    form = QueueFilterForm(request.GET or None, lpses=lpses)
    filters: dict[str, Any] = {
        "status": VerificationStatus.PENDING,
        "kind": "",
        "lpse_id": None,
        "query": "",
        "sort": "submitted",
    }
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "status": data["status"] or VerificationStatus.PENDING,
            "kind": data["kind"],
            "lpse_id": data["lpse"],
            "query": data["q"].strip(),
            "sort": data["sort"] or "submitted",
        }
    within = [x.pk for x in lpses]
    rows = queue.verification_request_list_visible(user=user, within=within, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queue.verification_status_counts(
        user=user,
        kind=filters["kind"],
        lpse_id=filters["lpse_id"],
        query=filters["query"],
        within=within,
    )
    now = clock.now()
    items = [{"r": r, "age": age_label(queue.waiting_time(r, now=now))} for r in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    status_params = params.copy()
    status_params.pop("status", None)
    context = {
        "form": form,
        "page": page,
        "items": items,
        "sort": filters["sort"],
        "status": filters["status"],
        "query": params.urlencode(),
        "sort_query": sort_params.urlencode(),
        "status_query": status_params.urlencode(),
        "status_tabs": [
            (value, label, counts[value])
            for value, label in [*VerificationStatus.choices, ("all", _("All"))]
        ],
        "lpses": lpses,
        "columns": [
            ("vendor", _("Company")),
            ("kind", _("Kind")),
            ("lpse", _("LPSE")),
            ("submitted", _("Submitted")),
        ],
    }
    return render(request, "vendors/verification/queue.html", context)


# --- one request ---------------------------------------------------------------------------------


def _display(field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if field == "npwp":
        return validators.format_npwp(str(value))
    choices = getattr(Vendor._meta.get_field(field), "choices", None)  # business form, scale
    if choices:
        return str(dict(choices).get(value, value))
    return str(value)


def identity_rows(vreq: VerificationRequest) -> list[dict[str, Any]]:
    """The identity as submitted; for an identity change, the values in force next to the
    proposed ones (after an approval, the values that were replaced)."""
    vendor = vreq.vendor
    proposed = queue.proposed_changes(vreq)
    previous = vreq.data.get("previous", {}) if isinstance(vreq.data, dict) else {}
    rows = []
    for field in IDENTITY_FIELDS:  # the registration form's fields, in its order
        current = getattr(vendor, field)
        row: dict[str, Any] = {
            "field": field,
            "label": Vendor._meta.get_field(field).verbose_name,  # type: ignore[union-attr]
            "value": _display(field, current),
            "verified_field": field in VERIFIED_IDENTITY_FIELDS,
            "changed": False,
        }
        if field in proposed:
            old = previous.get(field, current) if isinstance(previous, dict) else current
            row.update(
                value=_display(field, old),
                proposed=_display(field, proposed[field]),
                changed=True,
            )
        rows.append(row)
    return rows


def _document_rows(items: list[queue.ChecklistItem], vreq: VerificationRequest) -> list[Any]:
    today = permissions_today()
    rows = []
    for item in items:
        if item.key == queue.IDENTITY_ITEM:
            continue
        doc = item.document
        rows.append(
            {
                "item": item,
                "doc": doc,
                "expired": bool(doc and doc.valid_until and doc.valid_until < today),
                "url": (
                    reverse("vendors:verification_document", args=[vreq.pk, doc.pk]) if doc else ""
                ),
                "inline": bool(doc and doc.file.content_type in PREVIEW_TYPES),
            }
        )
    return rows


def _apply_decision_error(form: DecisionForm, exc: errors.DomainError) -> None:
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for key, field_messages in exc.fields.items():
        target = form.field_for(key)
        for message in field_messages:
            form.add_error(target, str(message))


def _labelled(reviews: Any) -> list[Any]:
    rows = list(reviews)
    for review in rows:
        review.label = queue.item_label(review.item)
    return rows


@backoffice
@require_http_methods(["GET", "POST"])
def verification_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = acting_user(request)
    vreq = queue.access_verification_request(user=user, request_id=request_id)
    request.lpse = vreq.lpse  # type: ignore[attr-defined]
    documents = queue.request_documents(vreq)
    items = queue.checklist(vreq, documents)
    form = DecisionForm(posted(request), items=items)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == APPROVE:
                    services.verification_approve(
                        actor=user, request=vreq, note=data["note"], reviews=form.reviews()
                    )
                else:
                    services.verification_reject(
                        actor=user, request=vreq, reviews=form.reviews(), note=data["note"]
                    )
            except errors.DomainError as exc:
                _apply_decision_error(form, exc)
                status = error_status(exc)
            else:
                if data["decision"] == APPROVE:
                    messages.success(
                        request,
                        _("%(company)s: the request was approved and the vendor was told.")
                        % {"company": vreq.vendor.name},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "%(company)s: the request was returned for correction and the "
                            "vendor was told the reasons."
                        )
                        % {"company": vreq.vendor.name},
                    )
                return redirect("vendors:verification_detail", request_id=vreq.pk)
    link = queue.verifier_link(user, vreq)
    context = {
        "vreq": vreq,
        "vendor": vreq.vendor,
        "is_identity_change": vreq.kind == VerificationKind.IDENTITY_CHANGE,
        "pending": vreq.status == VerificationStatus.PENDING,
        "identity": identity_rows(vreq),
        "documents": _document_rows(items, vreq),
        "form": form,
        "rows": form.rows(),
        "link": queue.LINK_LABELS[link] if link else "",
        "blacklist": queue.blacklist_entry_for_request(vreq),
        "reviews": _labelled(vreq.reviews.order_by("pk")),
        "history": queue.vendor_history(vreq.vendor, exclude=vreq),
        "appointments": queue.vendor_appointments(vendor=vreq.vendor),
        "waited": age_label(queue.waiting_time(vreq)),
    }
    return render(request, "vendors/verification/detail.html", context, status=status)


@backoffice
@require_GET
def verification_document(
    request: HttpRequest, request_id: int, document_id: int
) -> HttpResponseBase:
    """A document of the request's vendor: PDF and images open in the browser (preview),
    anything else downloads."""
    vreq = queue.access_verification_request(user=request.user, request_id=request_id)
    doc = queue.access_request_document(request=vreq, document_id=document_id)
    return file_response(stored_file=doc.file, inline=doc.file.content_type in PREVIEW_TYPES)


# --- appointment slots (verifikator) -------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def verification_slots(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    lpses = _require_verifikator_somewhere(request)
    form = SlotForm(posted(request), lpses=lpses)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                slot = slot_services.slot_create(actor=user, **form.cleaned_data)
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("The slot of %(when)s was opened.")
                    % {"when": slot_services.when_label(slot)},
                )
                return redirect("vendors:verification_slots")
    slot_list = list(queue.slot_list_for_verifikator(user=user))
    booked = queue.active_appointments(s.pk for s in slot_list)
    context = {
        "form": form,
        "lpses": lpses,
        "slots": [{"slot": s, "appointments": booked.get(s.pk, [])} for s in slot_list],
    }
    return render(request, "vendors/verification/slots.html", context, status=status)


@backoffice
@require_POST
def verification_slot_cancel(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = queue.access_slot_for_verifikator(user=request.user, slot_id=slot_id)
    try:
        # The service refuses an empty reason with the sentence the verifikator needs.
        slot_services.slot_cancel(
            actor=acting_user(request), slot=slot, reason=request.POST.get("reason", "")
        )
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The slot was cancelled and the vendors who booked it were told.")
        )
    return redirect("vendors:verification_slots")


# --- booking (vendor) ----------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def verification_booking(request: HttpRequest) -> HttpResponse:
    """Optional: verification is done online from the documents; an appointment is only for a
    vendor who wants to meet the verifikator (LT 25(4): never a field visit)."""
    vendor = queue.access_booking_vendor(user=request.user)
    pending = queue.pending_registration(vendor)
    if pending is not None:
        request.lpse = pending.lpse  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST)
        status = 400
        if form.is_valid():
            slot = queue.access_slot_to_book(slot_id=form.cleaned_data["slot"])
            try:
                slot_services.appointment_book(actor=acting_user(request), vendor=vendor, slot=slot)
            except errors.DomainError as exc:
                messages.error(request, str(exc))
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("Your appointment on %(when)s is booked. The verifikators were told.")
                    % {"when": slot_services.when_label(slot)},
                )
                return redirect("vendors:verification_booking")
        else:
            messages.error(request, _("Choose one of the listed slots."))
    context = {
        "vendor": vendor,
        "pending": pending,
        "appointments": queue.vendor_appointments(vendor=vendor),
        "slots": queue.bookable_slots(vendor=vendor),
    }
    return render(request, "vendors/verification/booking.html", context, status=status)


@backoffice
@require_POST
def verification_booking_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = queue.access_own_appointment(user=request.user, appointment_id=appointment_id)
    try:
        slot_services.appointment_cancel(actor=acting_user(request), appointment=appointment)
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your appointment was cancelled. The verifikators were told."))
    return redirect("vendors:verification_booking")
