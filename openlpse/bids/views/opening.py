"""The Pokja's opening-ceremony pages. Thin: rules in bids.services.opening, visibility in
bids.selectors_opening.

- `tender/kelola/<id>/pembukaan/`: the tender's envelopes with their opening time and state.
- `tender/kelola/<id>/pembukaan/<envelope>/`: one envelope: start, who offered, the
  `share_unlock` widget (posting to `opening_offer`, JSON), results with download links, the
  BA Pembukaan.
- Plain files and the BA are downloaded through permission-checked views (the same 404 for a
  hidden and a missing file).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openlpse.bids import selectors_opening as selectors
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import OpeningSession
from openlpse.bids.services import opening as services
from openlpse.core import clock, errors
from openlpse.core.pages import acting_user, backoffice
from openlpse.core.request_context import client_ip
from openlpse.core.storage import file_response
from openlpse.tenders.enums import Envelope
from openlpse.tenders.models import Tender


def mfa_verified(request: HttpRequest) -> bool:
    """django_otp: the session passed the second factor."""
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if callable(check) else False


def _page_url(tender: Tender, envelope: str) -> str:
    return reverse("bids:opening_envelope", kwargs={"tender_id": tender.pk, "envelope": envelope})


def _envelope_rows(tender: Tender) -> list[dict[str, Any]]:
    rows = []
    for env in selectors.tender_envelopes(tender):
        session = selectors.live_session(tender, env) or selectors.sessions(tender, env).first()
        rows.append(
            {
                "envelope": env,
                "label": Envelope(env).label,
                "opening_at": selectors.opening_time(tender, env),
                "session": session,
                "url": _page_url(tender, env),
            }
        )
    return rows


@backoffice
@require_GET
def opening_tender(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.access_tender_for_opening(user=user, tender_id=tender_id)
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    return render(
        request,
        "bids/opening_tender.html",
        {"tender": tender, "rows": _envelope_rows(tender)},
    )


def _envelope_context(
    request: HttpRequest,
    tender: Tender,
    envelope: str,
    reopening: OpeningSession | None = None,
) -> dict[str, Any]:
    user = acting_user(request)
    keys = selectors.envelope_keys(tender, envelope)
    if reopening is not None:
        session: OpeningSession | None = reopening
        latest: OpeningSession | None = reopening
    else:
        session = selectors.live_session(tender, envelope)
        latest = session or selectors.sessions(tender, envelope).filter(reopen_of=None).first()
    opening_at = selectors.opening_time(tender, envelope)
    offers = list(selectors.offers(latest)) if latest else []
    share = selectors.member_share(keys, user) if keys else None
    widget = None
    if (
        session is not None
        and session.status == SessionStatus.COLLECTING
        and share is not None
        and all(o.member_id != user.pk for o in offers)
    ):
        widget = {
            "sealed": share.sealed,
            "context": f"{tender.code}/{envelope}/g{share.generation}/u{user.pk}",
            "committee_public": keys.committee_public if keys else "",
            "offer_url": reverse("bids:opening_offer", kwargs={"session_id": session.pk}),
            "csrf_token": get_token(request),
            "share_sha256": share.share_sha256,
        }
    cases = {c.opened_bid_id: c for c in selectors.cases_of_tender(tender)}
    results = list(selectors.results(latest)) if latest else []
    restored = reopening.reopen_of if reopening is not None else None
    if restored is not None:
        results = [restored.opened_bid]
    for row in results:
        row.case_row = cases.get(row.pk)  # type: ignore[attr-defined]
    return {
        "tender": tender,
        "envelope": envelope,
        "envelope_label": Envelope(envelope).label,
        "keys": keys,
        "opening_at": opening_at,
        "may_start": opening_at is not None and clock.now() >= opening_at,
        "session": latest,
        "offers": offers,
        "share": share,
        "widget": widget,
        "mfa_verified": mfa_verified(request),
        "results": results,
        "past_sessions": [
            s for s in selectors.sessions(tender, envelope) if latest is None or s.pk != latest.pk
        ],
        "reopening": reopening,
    }


@backoffice
@require_GET
def opening_envelope(request: HttpRequest, tender_id: int, envelope: str) -> HttpResponse:
    user = acting_user(request)
    tender = selectors.access_tender_for_opening(user=user, tender_id=tender_id)
    if envelope not in selectors.tender_envelopes(tender):
        raise Http404()
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    return render(
        request, "bids/opening_envelope.html", _envelope_context(request, tender, envelope)
    )


@backoffice
@require_POST
def opening_start(request: HttpRequest, tender_id: int, envelope: str) -> HttpResponseBase:
    user = acting_user(request)
    tender = selectors.access_tender_for_opening(user=user, tender_id=tender_id)
    try:
        services.opening_start(actor=user, tender=tender, envelope=envelope)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The opening ceremony started. Each member now offers their share.")
        )
    return redirect(_page_url(tender, envelope))


@backoffice
@require_POST
def opening_complete(request: HttpRequest, session_id: int) -> HttpResponseBase:
    """Try the opening again when k shares are in (after the key service was unavailable)."""
    user = acting_user(request)
    session = selectors.access_session(user=user, session_id=session_id)
    try:
        services.opening_complete(actor=user, session=session)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_page_url(session.tender, session.envelope))


def _json_error(exc: errors.DomainError) -> JsonResponse:
    return JsonResponse({"code": exc.code, "detail": str(exc)}, status=exc.http_status)


@backoffice
@require_POST
def opening_offer(request: HttpRequest, session_id: int) -> JsonResponse:
    """JSON endpoint of the share_unlock widget: {"share": base64 of the 33 bytes}."""
    user = acting_user(request)
    session = selectors.access_session(user=user, session_id=session_id)
    try:
        payload = json.loads(request.body or b"{}")
        share = base64.b64decode(str(payload.get("share", "")), validate=True)
    except (ValueError, binascii.Error, AttributeError):
        return _json_error(
            errors.ValidationError(
                _("The share sent is not readable. Reload the page and try again."),
                code="share_unreadable",
            )
        )
    try:
        session = services.opening_offer_share(
            actor=user,
            session=session,
            share=share,
            mfa_verified=mfa_verified(request),
            ip=client_ip(request),
        )
    except errors.DomainError as exc:
        return _json_error(exc)
    if session.reopen_of_id is not None:
        page = reverse("bids:opening_reopen", kwargs={"session_id": session.pk})
    else:
        page = _page_url(session.tender, session.envelope)
    return JsonResponse(
        {
            "status": session.status,
            "offered": session.offers.count(),
            "threshold": session.keys.threshold,
            "redirect": page,
        }
    )


@backoffice
@require_GET
def opening_plain_download(request: HttpRequest, opened_id: int) -> HttpResponseBase:
    """A plain bid: the tender's Pokja after the opening, auditors of its surat tugas."""
    opened = selectors.access_opened_bid(user=acting_user(request), opened_id=opened_id)
    assert opened.plain_file is not None
    return file_response(stored_file=opened.plain_file)


@backoffice
@require_GET
def opening_minutes_download(request: HttpRequest, session_id: int) -> HttpResponseBase:
    session: OpeningSession = selectors.access_session(
        user=acting_user(request), session_id=session_id
    )
    if session.minutes is None:
        raise Http404()
    return file_response(stored_file=session.minutes)


@backoffice
@require_GET
def opening_reopen(request: HttpRequest, session_id: int) -> HttpResponse:
    """The re-opening of one restored bid (a storage fault): the same widget and results."""
    session = selectors.access_session(user=acting_user(request), session_id=session_id)
    if session.reopen_of_id is None:
        raise Http404()
    request.lpse = session.tender.lpse  # type: ignore[attr-defined]
    context = _envelope_context(request, session.tender, session.envelope, reopening=session)
    return render(request, "bids/opening_envelope.html", context)
