"""Collusion signals pages for auditors and LPSE staff (issue 5 item 9): a list of the tenders
the user may examine and, per tender, the IP address, user agent and time of each action with
the flagged groups. Visibility lives in bids.selectors_audit (NotFound for everyone else)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openlpse.bids import selectors_audit as selectors
from openlpse.bids.selectors_qualification import tender_by_code
from openlpse.core import errors
from openlpse.core.pages import backoffice


@backoffice
@require_GET
def audit_signal_tenders(request: HttpRequest) -> HttpResponse:
    tenders = selectors.tenders_for_signals(user=request.user)
    if not tenders:
        raise errors.NotFound()
    return render(request, "bids/audit_signals.html", {"tenders": tenders, "report": None})


@backoffice
@require_GET
def audit_signals(request: HttpRequest, code: str) -> HttpResponse:
    tender = tender_by_code(code)
    report = selectors.tender_signals(user=request.user, tender=tender)
    response = render(request, "bids/audit_signals.html", {"report": report, "tender": tender})
    response["Cache-Control"] = "private, no-store"
    return response
