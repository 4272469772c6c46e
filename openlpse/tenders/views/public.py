"""Public tender pages in the shape of SPSE's (spse-reference §7.1; issue 4 item 10): the list
of tenders with filters, and per tender its pengumuman, jadwal, peserta and dokumen. No
sign-in. Times are shown in the tender's LPSE zone, named (WIB, WITA, WIT).

What is public is decided by tenders.selectors_public; a draft answers exactly like a code
that does not exist."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from openlpse.core import clock, errors, portal
from openlpse.core.forms import apply_domain_error
from openlpse.core.pages import query_without
from openlpse.organizations.models import Agency, Lpse
from openlpse.tenders import selectors_public
from openlpse.tenders.forms_public import PublicTenderFilterForm
from openlpse.tenders.models import Tender
from openlpse.tenders.selectors_public import StageNames

PAGE_SIZE = 25

COLUMNS = [
    ("code", _("Code")),
    ("name", _("Tender name")),
    ("agency", _("Agency")),
    ("hps", _("HPS")),
    ("year", _("Fiscal year")),
    ("announced", _("Announced")),
]


@require_safe
def public_list(request: HttpRequest, lpse_slug: str | None = None) -> HttpResponse:
    """Every announced tender (and those cancelled, failed or completed) of every LPSE, or of
    one LPSE under /lpse/<slug>/tender/, filtered, sorted by a column and paged."""
    fixed_lpse: Lpse | None = None
    if lpse_slug is not None:
        fixed_lpse = portal.find_lpse(lpse_slug)
        if fixed_lpse is None:
            raise Http404("no such LPSE")
        request.lpse = fixed_lpse  # type: ignore[attr-defined]
    lpses = list(portal.active_lpses().order_by("name"))
    agencies = Agency.objects.filter(is_active=True, lpse__is_active=True).order_by("name")
    if fixed_lpse is not None:
        agencies = agencies.filter(lpse=fixed_lpse)
    names = StageNames()
    form = PublicTenderFilterForm(
        request.GET or None,
        lpses=lpses,
        agencies=list(agencies),
        fixed_lpse=fixed_lpse,
        names=names,
    )
    form.is_valid()
    filters = form.filters()
    try:
        selectors_public.check_filters(filters)
    except errors.ValidationError as exc:
        apply_domain_error(form, exc)
        filters = dataclasses.replace(
            filters, hps_min=None, hps_max=None, sort=selectors_public.DEFAULT_SORT
        )
    now = clock.now()
    tenders = selectors_public.public_tenders(filters=dataclasses.replace(filters, at=now))
    page = Paginator(tenders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "tender": tender,
            "current": selectors_public.current_stage_rows(tender, names=names, at=now),
            "state": selectors_public.stage_state(tender, now),
        }
        for tender in page.object_list
    ]
    here = (
        reverse("tenders:public_lpse_list", args=[fixed_lpse.slug])
        if fixed_lpse is not None
        else reverse("tenders:public_list")
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "fixed_lpse": fixed_lpse,
        "here": here,
        "sort": filters.sort,
        "columns": COLUMNS,
        "query": query_without(request, "page"),
        "sort_query": query_without(request, "page", "sort"),
    }
    return render(request, "tenders/public/list.html", context)


def _tender(request: HttpRequest, code: str) -> Tender:
    try:
        tender = selectors_public.access_public_tender(code=code)
    except errors.NotFound as exc:
        # The same answer for a draft and for a code that does not exist.
        raise Http404(str(exc)) from exc
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    return tender


def _tabs(tender: Tender, current: str) -> list[dict[str, Any]]:
    tabs = [
        ("public_announcement", _("Announcement")),
        ("public_schedule", _("Schedule")),
        ("public_participants", _("Participants")),
        ("public_documents", _("Documents")),
    ]
    return [
        {
            "label": label,
            "url": reverse(f"tenders:{name}", args=[tender.code]),
            "current": name == current,
        }
        for name, label in tabs
    ]


def _context(tender: Tender, current: str, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    names = StageNames()
    context = {
        "tender": tender,
        "package": tender.package,
        "lpse": tender.lpse,
        "tabs": _tabs(tender, current),
        "names": names,
        "now": now,
        "current_stages": selectors_public.current_stage_rows(tender, names=names, at=now),
        "state": selectors_public.stage_state(tender, now),
    }
    context.update(extra)
    return context


@require_safe
def public_detail(request: HttpRequest, code: str) -> HttpResponseRedirect:
    tender = _tender(request, code)
    return redirect("tenders:public_announcement", code=tender.code)


@require_safe
def public_announcement(request: HttpRequest, code: str) -> HttpResponse:
    """Pengumuman: the tender, its package, RUP, values, qualification and requirements."""
    tender = _tender(request, code)
    context = _context(
        tender,
        "public_announcement",
        documents=selectors_public.public_documents(tender),
        questions=selectors_public.question_counts(tender),
    )
    return render(request, "tenders/public/announcement.html", context)


@require_safe
def public_schedule(request: HttpRequest, code: str) -> HttpResponse:
    """Jadwal: No, Tahap, Mulai, Sampai, Perubahan, and the reason of every change."""
    tender = _tender(request, code)
    context = _context(tender, "public_schedule")
    context["rows"] = selectors_public.schedule_rows(
        tender, names=context["names"], at=context["now"]
    )
    context["changes"] = selectors_public.schedule_changes(tender)
    return render(request, "tenders/public/schedule.html", context)


@require_safe
def public_participants(request: HttpRequest, code: str) -> HttpResponse:
    """Peserta: the vendors that joined, by name, and how many."""
    tender = _tender(request, code)
    participants = selectors_public.public_participants(tender)
    context = _context(tender, "public_participants", participants=participants)
    return render(request, "tenders/public/participants.html", context)


@require_safe
def public_documents(request: HttpRequest, code: str) -> HttpResponse:
    """Dokumen: every public version with its SHA-256, and the published addenda."""
    tender = _tender(request, code)
    context = _context(
        tender,
        "public_documents",
        documents=selectors_public.public_documents(tender),
        addenda=selectors_public.public_addenda(tender),
    )
    return render(request, "tenders/public/documents.html", context)
