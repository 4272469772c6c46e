"""The "Log akses" page: sign-in events, for auditors and LPSE administrators; a vendor sees
their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openlpse.accounts import selectors
from openlpse.accounts.forms import AccessLogFilterForm
from openlpse.accounts.models.access_log import AccessLogEntry
from openlpse.core import errors
from openlpse.core.timezones import DEFAULT_ZONE, to_local, zone_abbreviation, zone_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class Row:
    entry: AccessLogEntry
    when: str


def zone_for(request: HttpRequest) -> str:
    return zone_of(getattr(request, "lpse", None)) or DEFAULT_ZONE


def rows_for(entries: Iterable[AccessLogEntry], zone: str) -> list[Row]:
    abbreviation = zone_abbreviation(zone)
    return [
        Row(entry, f"{to_local(entry.created_at, zone):%Y-%m-%d %H:%M:%S} {abbreviation}")
        for entry in entries
    ]


@login_required
@require_GET
def access_log_view(request: HttpRequest) -> HttpResponse:
    form = AccessLogFilterForm(request.GET or None)
    zone = zone_for(request)
    filters = form.to_filter(zone) if form.is_bound else selectors.AccessLogFilter()
    try:
        entries = selectors.access_log_entries(user=request.user, filters=filters)
    except errors.NotFound:
        raise Http404 from None
    except errors.PermissionDenied as exc:
        raise PermissionDenied(str(exc.message)) from None
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": rows_for(page.object_list, zone),
        "full_reader": selectors.can_read_access_log(request.user),
        "query": query.urlencode(),
        "zone_abbreviation": zone_abbreviation(zone),
    }
    return render(request, "accounts/access_log.html", context)
