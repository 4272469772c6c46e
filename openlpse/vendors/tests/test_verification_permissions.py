"""The permission matrix of the verification actions over every role: only a verifikator of
the request's LPSE may view the queue and the request, approve, reject and open a slot; every
refusal changes nothing (pages, services and the API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from openlpse.accounts.services import tokens
from openlpse.core import errors
from openlpse.vendors.services.slots import slot_create
from openlpse.vendors.services.verification import verification_approve, verification_reject
from openlpse.vendors.tests.factories import make_submitted_registration
from openlpse.vendors.tests.verification_support import ROLES, role_world, snapshot

pytestmark = pytest.mark.django_db


def _next_weekday(days_ahead: int = 7) -> dt.date:
    day = timezone.now().date() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def world(lpse_lampung_timur, lpse_karangasem):
    return role_world(lpse_lampung_timur, lpse_karangasem)


def _client_for(client, sign_in, user):
    if not getattr(user, "is_authenticated", False):
        return client
    sign_in(user, mfa=True)
    return client


def _slot_post(lpse):
    return {
        "lpse": lpse.pk,
        "day": _next_weekday().isoformat(),
        "start": "09:00",
        "end": "10:00",
        "mode": "visit",
        "capacity": "1",
        "place": "Ruang Verifikasi",
    }


def _approve_post(vreq):
    from openlpse.vendors.selectors_verification import checklist

    data = {f"result_{i.key}": "accept" for i in checklist(vreq)}
    data["decision"] = "approve"
    return data


REJECT_POST = {"decision": "reject", "result_ktp": "reject", "reason_ktp": "Buram."}


@pytest.mark.parametrize("role", ROLES)
def test_pages(client, sign_in, world, role):
    user = world["users"][role]
    vreq, lpse = world["vreq"], world["lpse"]
    client = _client_for(client, sign_in, user)
    detail = reverse("vendors:verification_detail", args=[vreq.pk])
    pages = {
        "queue": client.get(reverse("vendors:verification_queue")),
        "detail": client.get(detail),
        "slots": client.get(reverse("vendors:verification_slots")),
    }
    if role == "verifikator":
        assert {k: r.status_code for k, r in pages.items()} == {
            "queue": 200,
            "detail": 200,
            "slots": 200,
        }
        return
    expected = 302 if role == "anonymous" else 404
    if role == "verifikator_other_lpse":
        # Their own queue and slots open, without this LPSE's request or calendar.
        assert {k: r.status_code for k, r in pages.items()} == {
            "queue": 200,
            "detail": 404,
            "slots": 200,
        }
        assert "PT Diperiksa" not in pages["queue"].content.decode()
        slot_refused = 400  # this LPSE is not among the form's choices
    else:
        assert {k: r.status_code for k, r in pages.items()} == {
            "queue": expected,
            "detail": expected,
            "slots": expected,
        }
        slot_refused = expected
    before = snapshot()
    for data in (_approve_post(vreq), REJECT_POST):
        assert client.post(detail, data).status_code == expected
    response = client.post(reverse("vendors:verification_slots"), _slot_post(lpse))
    assert response.status_code == slot_refused
    assert snapshot() == before


def test_the_verifikator_may_do_everything_through_the_pages(client, sign_in, world):
    vreq, lpse = world["vreq"], world["lpse"]
    client = _client_for(client, sign_in, world["users"]["verifikator"])
    detail = reverse("vendors:verification_detail", args=[vreq.pk])
    assert client.post(detail, REJECT_POST).status_code == 302
    again = make_submitted_registration(lpse=lpse)
    response = client.post(
        reverse("vendors:verification_detail", args=[again.pk]), _approve_post(again)
    )
    assert response.status_code == 302
    response = client.post(reverse("vendors:verification_slots"), _slot_post(lpse))
    assert response.status_code == 302


@pytest.mark.parametrize("role", [r for r in ROLES if r != "verifikator"])
def test_services(world, role):
    user = world["users"][role]
    vreq, lpse = world["vreq"], world["lpse"]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        verification_approve(actor=user, request=vreq)
    with pytest.raises(errors.PermissionDenied):
        verification_reject(actor=user, request=vreq, reviews={"ktp": (False, "Buram.")})
    with pytest.raises(errors.PermissionDenied):
        slot_create(
            actor=user,
            lpse=lpse,
            day=_next_weekday(),
            start=dt.time(9),
            end=dt.time(10),
            mode="visit",
            capacity=1,
            place="Ruang",
        )
    assert snapshot() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_api(client, world, role):
    user = world["users"][role]
    vreq = world["vreq"]
    secret = tokens.token_create(user=user, name="test", actor=None).secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    base = f"/api/v1/verification/requests/{vreq.pk}"
    before = snapshot()
    listing = client.get("/api/v1/verification/requests", **headers)
    detail = client.get(base, **headers)
    approve = client.post(base + "/approve", {}, content_type="application/json", **headers)
    if role == "verifikator":
        assert (listing.status_code, detail.status_code, approve.status_code) == (200, 200, 200)
        assert [item["id"] for item in listing.json()["items"]] == [vreq.pk]
        assert approve.json()["status"] == "approved"
        return
    if role == "verifikator_other_lpse":
        assert listing.status_code == 200 and listing.json()["items"] == []
    else:
        assert listing.status_code == 403
    assert detail.status_code == 404
    assert approve.status_code == 404
    reject = client.post(
        base + "/reject",
        {"reviews": [{"item": "ktp", "accepted": False, "reason": "Buram."}]},
        content_type="application/json",
        **headers,
    )
    assert reject.status_code == 404
    assert snapshot() == before


def test_anonymous_api_is_401(client, world):
    vreq = world["vreq"]
    assert client.get("/api/v1/verification/requests").status_code == 401
    response = client.post(
        f"/api/v1/verification/requests/{vreq.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 401
