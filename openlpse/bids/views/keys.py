"""Key pages (issue 5 item 1). Thin: rules in bids.services.personal_keys / committee /
resplit, who may see what in bids.permissions.

- `kunci/`: a Pokja member's (or Pejabat Pengadaan's) personal key: status, fingerprint,
  the `personal_key` widget (posting JSON to `key_register`), revocation of a lost key.
- `lpse/kunci/`: the LPSE admin confirms pending keys with the fingerprint read aloud.
- `tender/kelola/<id>/kunci/`: the chair's key ceremony (`key_ceremony` widget posting to
  `key_store`); after the announcement the published fingerprints, read-only.
- `.../kunci/pecah-ulang/<id>/serah|selesai/`: a re-split after a change of Pokja (handover by
  a member, completion by the chair).

JSON endpoints answer `{"error": {"code", "message", "fields"?}, "detail": message}` with the
error's 4xx (`detail` is what the widgets show).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlpse.bids import permissions as perms
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.enums import PersonalKeyStatus, ResplitStatus
from openlpse.bids.models import KeyResplit, PersonalKey
from openlpse.bids.sealedfile import format_fingerprint
from openlpse.bids.services import committee, personal_keys, resplit
from openlpse.core import errors
from openlpse.core.forms import error_status
from openlpse.core.pages import acting_user, backoffice
from openlpse.core.storage import file_response
from openlpse.tenders import selectors_setup
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_chair
from openlpse.tenders.sealing import envelopes_of

# --- JSON helpers ---------------------------------------------------------------------------


def json_error(error: errors.DomainError) -> JsonResponse:
    return JsonResponse(
        {"error": error.as_dict(), "detail": str(error.message)}, status=error_status(error)
    )


def read_json(request: HttpRequest) -> dict[str, Any]:
    """The posted JSON object; a ValidationError when the body is not one."""
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise errors.ValidationError(
            _("The request is not a JSON object. Reload the page and try again."),
            code="invalid_json",
        )
    return data


def _fp(value: str) -> str:
    return format_fingerprint(value) if value else ""


# --- personal key -----------------------------------------------------------------------------


def _key_rows(keys: Any) -> list[PersonalKey]:
    rows: list[Any] = list(keys)
    for row in rows:
        row.fingerprint_display = _fp(row.fingerprint)
    return rows


@backoffice
@require_GET
def key_personal(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not perms.may_hold_personal_key(user):
        raise Http404()
    live = selectors.live_key(user)
    lpse_id = selectors.member_lpse_id(user)
    widget = None
    if live is None:
        from openlpse.organizations.models import Lpse

        lpse = Lpse.objects.filter(pk=lpse_id).first() if lpse_id else None
        widget = {
            "username": user.username,
            "lpse": getattr(lpse, "slug", "") or "",
            "register_url": reverse("bids:key_register"),
            "csrf_token": get_token(request),
        }
    context = {
        "live": live,
        "live_fingerprint": _fp(live.fingerprint) if live else "",
        "history": _key_rows(
            selectors.keys_of_user(user).exclude(pk__in=[live.pk] if live else [])
        ),
        "widget": widget,
    }
    return render(request, "bids/key_personal.html", context)


@backoffice
@require_POST
def key_register(request: HttpRequest) -> JsonResponse:
    """JSON endpoint of the personal_key widget: {"public_key": "<b64 of the raw point>"}."""
    user = acting_user(request)
    try:
        data = read_json(request)
        key = personal_keys.personal_key_register(
            actor=user, public_key_b64=str(data.get("public_key") or "")
        )
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        return json_error(error)
    return JsonResponse({"fingerprint": key.fingerprint, "status": key.status}, status=201)


@backoffice
@require_POST
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """Revoke a key (form post): the owner (lost file or passphrase) or the LPSE admin."""
    user = acting_user(request)
    key = PersonalKey.objects.select_related("lpse", "user").filter(pk=key_id).first()
    if key is None or not perms.can_revoke_key(user, key):
        raise Http404()
    back = "bids:key_personal" if key.user_id == user.pk else "bids:key_admin"
    try:
        personal_keys.personal_key_revoke(
            actor=user, key=key, reason=request.POST.get("reason", "")
        )
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _(
                "The key was revoked. Make a new key; tenders whose shares were sealed to the "
                "old key are re-split once the new key is confirmed."
            )
            if key.user_id == user.pk
            else _("The key was revoked."),
        )
    return redirect(back)


# --- the LPSE admin's confirmation ----------------------------------------------------------


def _admin_context(user: Any, refused: dict[int, str] | None = None) -> dict[str, Any]:
    lpse_ids = perms.admin_lpse_ids(user)
    live = _key_rows(selectors.live_keys_of_lpses(lpse_ids))
    for row in live:
        row.refusal = (refused or {}).get(row.pk, "")  # type: ignore[attr-defined]
        row.own = row.user_id == user.pk  # type: ignore[attr-defined]
    return {
        "pending": [r for r in live if r.status == PersonalKeyStatus.PENDING],
        "confirmed": [r for r in live if r.status == PersonalKeyStatus.CONFIRMED],
    }


@backoffice
@require_GET
def key_admin(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not perms.admin_lpse_ids(user):
        raise Http404()
    return render(request, "bids/key_admin.html", _admin_context(user))


@backoffice
@require_POST
def key_confirm(request: HttpRequest, key_id: int) -> HttpResponse:
    user = acting_user(request)
    key = PersonalKey.objects.select_related("lpse", "user").filter(pk=key_id).first()
    if key is None or not perms.may_confirm_keys(user, key.lpse):
        raise Http404()
    try:
        personal_keys.personal_key_confirm(
            actor=user, key=key, fingerprint_read=request.POST.get("fingerprint", "")
        )
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        message = next(iter(error.fields.get("fingerprint", [])), error.message)
        context = _admin_context(user, {key.pk: str(message)})
        return render(request, "bids/key_admin.html", context, status=error_status(error))
    messages.success(
        request,
        _("The key of %(name)s is confirmed.") % {"name": key.user.display_name},
    )
    return redirect("bids:key_admin")


# --- the chair's key ceremony -----------------------------------------------------------------


def _tender(request: HttpRequest, tender_id: int) -> Tender:
    tender = selectors_setup.access_tender_for_committee(
        user=acting_user(request), tender_id=tender_id
    )
    request.lpse = tender.lpse  # type: ignore[attr-defined]
    return tender


def _ceremony_rows(tender: Tender) -> list[dict[str, Any]]:
    members = selectors.committee_users(tender)
    confirmed = selectors.confirmed_keys([m.pk for m in members])
    live = {m.pk: selectors.live_key(m) for m in members}
    rows = selectors.envelope_keys(tender)
    out = []
    for env in envelopes_of(tender):
        row = rows.get(env)
        shares = {s.member_id: s for s in selectors.current_shares(row)} if row else {}
        out.append(
            {
                "envelope": env,
                "label": committee.envelope_label(env),
                "keys": row,
                "committee_fingerprint": _fp(row.committee_fingerprint) if row else "",
                "system_fingerprint": _fp(row.system_fingerprint) if row else "",
                "members": [
                    {
                        "user": m,
                        "chair": is_committee_chair(m, tender),
                        "key": confirmed.get(m.pk),
                        "pending": (
                            m.pk not in confirmed
                            and live[m.pk] is not None
                            and live[m.pk].status == PersonalKeyStatus.PENDING  # type: ignore[union-attr]
                        ),
                        "fingerprint": _fp(confirmed[m.pk].fingerprint)
                        if m.pk in confirmed
                        else "",
                        "has_share": (
                            m.pk in shares
                            and m.pk in confirmed
                            and shares[m.pk].personal_key_id == confirmed[m.pk].pk
                        ),
                    }
                    for m in members
                ],
            }
        )
    return out


@backoffice
@require_GET
def key_ceremony(request: HttpRequest, tender_id: int) -> HttpResponse:
    user = acting_user(request)
    tender = _tender(request, tender_id)
    widget = None
    missing: list[dict[str, Any]] = []
    can_run = perms.can_run_ceremony(user, tender)
    if can_run:
        material = committee.committee_material(actor=user, tender=tender)
        missing = material["missing"]
        # The widget reads the contexts as {envelope: {user_id: context}}.
        material["contexts"] = {e["envelope"]: e["contexts"] for e in material["envelopes"]}
        if not missing:
            widget = {
                "material": material,
                "store_url": reverse("bids:key_store", kwargs={"tender_id": tender.pk}),
                "csrf_token": get_token(request),
            }
    resplits = list(selectors.pending_resplits(tender))
    for job in resplits:
        job.handed_over = str(user.pk) in (job.handovers or {})  # type: ignore[attr-defined]
        job.own_share = selectors.share_for(job.keys, user.pk) is not None  # type: ignore[attr-defined]
    context = {
        "tender": tender,
        "rows": _ceremony_rows(tender),
        "problems": committee.readiness(tender) if tender.status == TenderStatus.DRAFT else [],
        "announced": tender.status != TenderStatus.DRAFT,
        "can_run": can_run,
        "is_chair": is_committee_chair(user, tender),
        "missing": missing,
        "widget": widget,
        "resplits": resplits,
        "done_resplits": list(
            KeyResplit.objects.filter(keys__tender=tender, status=ResplitStatus.DONE)
            .select_related("keys", "removed", "added", "completed_by")
            .order_by("-completed_at")
        ),
    }
    return render(request, "bids/key_ceremony.html", context)


@backoffice
@require_POST
def key_store(request: HttpRequest, tender_id: int) -> JsonResponse:
    """JSON endpoint of the key_ceremony widget: {"envelopes": {env: {public_key, threshold,
    shares: {user_id: {x, sealed, share_sha256}}}}}."""
    user = acting_user(request)
    tender = _tender(request, tender_id)
    try:
        data = read_json(request)
        rows = committee.committee_keys_store(
            actor=user,
            tender=tender,
            envelopes=data.get("envelopes"),  # type: ignore[arg-type]
        )
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        return json_error(error)
    return JsonResponse(
        {
            "envelopes": {
                row.envelope: {
                    "committee_fingerprint": row.committee_fingerprint,
                    "committee_kid": row.committee_kid,
                    "threshold": row.threshold,
                    "share_count": row.share_count,
                }
                for row in rows
            },
            "redirect": reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk}),
        },
        status=201,
    )


# --- re-split ---------------------------------------------------------------------------------


def _resplit(request: HttpRequest, tender_id: int, resplit_id: int) -> tuple[Tender, KeyResplit]:
    tender = _tender(request, tender_id)
    job = (
        KeyResplit.objects.select_related("keys", "keys__tender", "removed", "added")
        .filter(pk=resplit_id, keys__tender=tender)
        .first()
    )
    if job is None:
        raise Http404()
    return tender, job


def _resplit_page(
    request: HttpRequest,
    tender: Tender,
    job: KeyResplit,
    widget: dict[str, Any] | None,
    **extra: Any,
) -> HttpResponse:
    context = {
        "tender": tender,
        "job": job,
        "label": committee.envelope_label(job.keys.envelope),
        "widget": widget,
        "handed": sorted((job.handovers or {}).keys()),
        **extra,
    }
    return render(request, "bids/key_resplit.html", context)


@backoffice
@require_GET
def key_resplit_handover(request: HttpRequest, tender_id: int, resplit_id: int) -> HttpResponse:
    """A member still on the Pokja re-seals their share to the chair."""
    user = acting_user(request)
    tender, job = _resplit(request, tender_id, resplit_id)
    material = resplit.resplit_material(actor=user, resplit=job)
    widget = None
    problem = ""
    if job.status != ResplitStatus.PENDING:
        problem = _("This re-split is done.")
    elif material["own_share"] is None:
        problem = _("You hold no share of this envelope's key, so there is nothing to hand over.")
    elif material["handed_over"]:
        problem = _("You have handed over your share. The chair completes the re-split.")
    elif not material["chair_public"]:
        problem = _(
            "The chair has no confirmed personal key. The chair makes one and has the LPSE "
            "admin confirm it; then hand over your share."
        )
    else:
        widget = {
            "sealed": material["own_share"]["sealed"],
            "context": material["own_share"]["context"],
            "chair_public": material["chair_public"],
            "handover_context": material["handover_context"],
            "tender": tender.code,
            "envelope": job.keys.envelope,
            "resplit_id": job.pk,
            "user_id": user.pk,
            "post_url": reverse(
                "bids:key_resplit_handover_post",
                kwargs={"tender_id": tender.pk, "resplit_id": job.pk},
            ),
            "csrf_token": get_token(request),
        }
    return _resplit_page(
        request, tender, job, widget, mode="handover", problem=problem, material=material
    )


@backoffice
@require_POST
def key_resplit_handover_post(
    request: HttpRequest, tender_id: int, resplit_id: int
) -> JsonResponse:
    """JSON endpoint of the resplit_handover widget: {"sealed_to_chair": {epk, iv, ct}}."""
    user = acting_user(request)
    tender, job = _resplit(request, tender_id, resplit_id)
    try:
        data = read_json(request)
        resplit.resplit_handover(
            actor=user,
            resplit=job,
            sealed_to_chair=data.get("sealed_to_chair"),  # type: ignore[arg-type]
        )
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        return json_error(error)
    return JsonResponse(
        {
            "status": "handed_over",
            "redirect": reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk}),
        }
    )


@backoffice
@require_http_methods(["GET"])
def key_resplit_complete(request: HttpRequest, tender_id: int, resplit_id: int) -> HttpResponse:
    """The chair rebuilds the key from the handed-over shares and their own, and splits it for
    the new Pokja."""
    user = acting_user(request)
    tender, job = _resplit(request, tender_id, resplit_id)
    if not perms.can_complete_resplit(user, tender):
        raise Http404()
    material = resplit.resplit_material(actor=user, resplit=job)
    # The widget opens every handed-over share with the chair's key file; the chair's own
    # share is one of them, under its share context.
    handovers = {str(h["member"]): h["sealed"] for h in material["handovers"]}
    contexts = {str(h["member"]): h["context"] for h in material["handovers"]}
    if material["own_share"]:
        handovers[str(user.pk)] = material["own_share"]["sealed"]
        contexts[str(user.pk)] = material["own_share"]["context"]
    have = len(handovers)
    widget = None
    problem = ""
    if job.status != ResplitStatus.PENDING:
        problem = _("This re-split is done.")
    elif material["missing"]:
        problem = _(
            "These Pokja members have no confirmed personal key yet: %(names)s. Each makes one "
            "on the “Personal key” page and has the LPSE administrator confirm it."
        ) % {"names": ", ".join(material["missing"])}
    elif have < material["old_threshold"]:
        problem = _(
            "%(have)s shares are available but %(k)s are needed to rebuild the key. Ask more "
            "members to hand over their share."
        ) % {"have": have, "k": material["old_threshold"]}
    else:
        widget = {
            "tender": tender.code,
            "envelope": job.keys.envelope,
            "resplit_id": job.pk,
            "generation": material["generation"],
            "committee_public": material["committee_public"],
            "threshold": material["threshold"],
            "members": material["members"],
            "contexts": material["contexts"],
            "handovers": handovers,
            "handover_contexts": contexts,
            "post_url": reverse(
                "bids:key_resplit_complete_post",
                kwargs={"tender_id": tender.pk, "resplit_id": job.pk},
            ),
            "csrf_token": get_token(request),
        }
    return _resplit_page(
        request, tender, job, widget, mode="complete", problem=problem, material=material
    )


@backoffice
@require_POST
def key_resplit_complete_post(
    request: HttpRequest, tender_id: int, resplit_id: int
) -> JsonResponse:
    """JSON endpoint of the resplit_complete widget: {public_key, threshold, generation,
    shares}."""
    user = acting_user(request)
    tender, job = _resplit(request, tender_id, resplit_id)
    try:
        data = read_json(request)
        done = resplit.resplit_complete(actor=user, resplit=job, envelope_payload=data)
    except errors.NotFound:
        raise
    except errors.DomainError as error:
        return json_error(error)
    return JsonResponse(
        {
            "status": done.status,
            "generation": done.keys.generation,
            "redirect": reverse("bids:key_ceremony", kwargs={"tender_id": tender.pk}),
        }
    )


@backoffice
@require_GET
def key_resplit_minutes(request: HttpRequest, tender_id: int, resplit_id: int) -> HttpResponseBase:
    _tender_row, job = _resplit(request, tender_id, resplit_id)
    if job.minutes is None:
        raise Http404()
    return file_response(stored_file=job.minutes)
