"""Permission matrices of the slot, appointment and document actions over every role (every
refusal changes nothing), and the refusals the services now give with the sentence the person
needs: approving only with every item accepted, cancelling a slot without a reason, booking a
slot that does not exist or without a waiting registration."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from openlpse.core import errors
from openlpse.vendors.models import VerificationRequest
from openlpse.vendors.selectors_verification import checklist
from openlpse.vendors.services.slots import appointment_book, appointment_cancel, slot_cancel
from openlpse.vendors.services.verification import verification_approve
from openlpse.vendors.tests.factories import (
    VerificationSlotFactory,
    make_submitted_registration,
    make_verified_vendor,
    make_verifikator,
)
from openlpse.vendors.tests.verification_support import ROLES, role_world, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The services' sentences are asserted in English (pages: the language cookie)."""
    with translation.override("en"):
        yield


SLOTS = reverse("vendors:verification_slots")
BOOKING = reverse("vendors:verification_booking")
# Who books and cancels the company's appointment: its registrant and its administrator.
BOOKERS = ("registrant", "vendor_admin")
NOT_BOOKERS = [r for r in ROLES if r not in BOOKERS]
NOT_VERIFIKATORS = [r for r in ROLES if r != "verifikator"]


@pytest.fixture
def world(lpse_lampung_timur, lpse_karangasem):
    world = role_world(lpse_lampung_timur, lpse_karangasem)
    lpse, vendor = world["lpse"], world["vreq"].vendor
    world["slot"] = VerificationSlotFactory(lpse=lpse, capacity=2)
    world["free_slot"] = VerificationSlotFactory(lpse=lpse, capacity=2)
    world["appointment"] = appointment_book(
        actor=vendor.created_by, vendor=vendor, slot=world["slot"]
    )
    return world


def _client_for(client, sign_in, user):
    if getattr(user, "is_authenticated", False):
        sign_in(user, mfa=True)
    client.cookies["openlpse_language"] = "en"
    return client


def _refused_status(role: str) -> int:
    return 302 if role == "anonymous" else 404  # anonymous: to the sign-in page


# --- services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_VERIFIKATORS)
def test_only_a_verifikator_of_the_lpse_cancels_a_slot(world, role):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as refused:
        slot_cancel(actor=world["users"][role], slot=world["slot"], reason="Rapat mendadak.")
    assert str(refused.value) == (
        f"Only the Registration and Verification Unit of {world['lpse']} may manage its "
        "appointment slots."
    )
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_BOOKERS)
def test_only_the_companys_registrant_or_administrator_books(world, role):
    vendor = world["vreq"].vendor
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as refused:
        appointment_book(actor=world["users"][role], vendor=vendor, slot=world["free_slot"])
    assert str(refused.value) == (
        "Only the person who registers the company, or its administrator, may book its appointment."
    )
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_BOOKERS)
def test_only_the_companys_registrant_or_administrator_cancels_its_appointment(world, role):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as refused:
        appointment_cancel(actor=world["users"][role], appointment=world["appointment"])
    assert str(refused.value) == (
        "Only the person who registers the company, or its administrator, may cancel its "
        "appointment."
    )
    assert snapshot() == before


@pytest.mark.parametrize("role", BOOKERS)
def test_the_registrant_and_the_administrator_cancel_the_appointment(world, role):
    cancelled = appointment_cancel(actor=world["users"][role], appointment=world["appointment"])
    assert cancelled.cancelled_at is not None


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_VERIFIKATORS)
def test_slot_cancel_page_refuses_everyone_but_the_verifikator(client, sign_in, world, role):
    client = _client_for(client, sign_in, world["users"][role])
    url = reverse("vendors:verification_slot_cancel", args=[world["slot"].pk])
    before = snapshot()
    assert client.post(url, {"reason": "Rapat mendadak."}).status_code == _refused_status(role)
    assert snapshot() == before


@pytest.mark.parametrize("role", NOT_BOOKERS)
def test_booking_pages_refuse_everyone_but_the_companys_people(client, sign_in, world, role):
    client = _client_for(client, sign_in, world["users"][role])
    cancel = reverse("vendors:verification_booking_cancel", args=[world["appointment"].pk])
    expected = _refused_status(role)
    before = snapshot()
    assert client.get(BOOKING).status_code == expected
    assert client.post(BOOKING, {"slot": world["free_slot"].pk}).status_code == expected
    assert client.post(cancel).status_code == expected
    assert snapshot() == before


@pytest.mark.parametrize("role", BOOKERS)
def test_the_booking_page_opens_for_the_companys_people(client, sign_in, world, role):
    client = _client_for(client, sign_in, world["users"][role])
    response = client.get(BOOKING)
    assert response.status_code == 200
    assert response.context["appointments"] == [world["appointment"]]


@pytest.mark.parametrize("role", ROLES)
def test_a_document_of_the_request_opens_for_its_verifikator_only(client, sign_in, world, role):
    vreq = world["vreq"]
    document = vreq.vendor.documents.order_by("pk").first()
    client = _client_for(client, sign_in, world["users"][role])
    url = reverse("vendors:verification_document", args=[vreq.pk, document.pk])
    response = client.get(url)
    assert response.status_code == (200 if role == "verifikator" else _refused_status(role))


def test_a_slot_cancel_without_a_reason_says_why_and_changes_nothing(client, sign_in, world):
    client = _client_for(client, sign_in, world["users"]["verifikator"])
    url = reverse("vendors:verification_slot_cancel", args=[world["slot"].pk])
    before = snapshot()
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 302 and response["Location"] == SLOTS
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Give the reason for cancelling; the vendors who booked will see it."
    ]
    assert snapshot() == before


def test_cancelling_a_cancelled_slot_says_so(client, sign_in, world):
    verifikator = world["users"]["verifikator"]
    slot_cancel(actor=verifikator, slot=world["slot"], reason="Rapat mendadak.")
    client = _client_for(client, sign_in, verifikator)
    url = reverse("vendors:verification_slot_cancel", args=[world["slot"].pk])
    before = snapshot()
    response = client.post(url, {"reason": "Lagi."})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This slot was already cancelled. Reload the page to see the current slots."
    ]
    assert snapshot() == before


def test_booking_a_slot_that_does_not_exist_is_not_found(client, sign_in, world):
    client = _client_for(client, sign_in, world["users"]["registrant"])
    before = snapshot()
    assert client.post(BOOKING, {"slot": 999_999}).status_code == 404
    assert snapshot() == before


def test_booking_without_a_waiting_registration_says_to_submit_first(
    client, sign_in, lpse_karangasem
):
    vendor = make_verified_vendor(lpse=lpse_karangasem)
    slot = VerificationSlotFactory(lpse=lpse_karangasem)
    client = _client_for(client, sign_in, vendor.created_by)
    before = snapshot()
    response = client.post(BOOKING, {"slot": slot.pk})
    assert response.status_code == 409
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "An appointment can be booked only while the registration waits for verification. "
        "Submit the registration first."
    ]
    assert snapshot() == before


# --- approving means every item accepted (the rule lives in the service) ------------------------


def test_approving_with_a_checklist_needs_every_item_accepted(lpse_lampung_timur):
    vreq = make_submitted_registration(lpse=lpse_lampung_timur)
    verifikator = make_verifikator(lpse_lampung_timur)
    keys = [item.key for item in checklist(vreq)]
    assert keys[:2] == ["identity", "ktp"] and len(keys) > 2
    reviews = {"identity": (True, ""), "ktp": (False, "Buram.")}  # the others unchecked
    before = snapshot()
    with pytest.raises(errors.ValidationError) as refused:
        verification_approve(actor=verifikator, request=vreq, reviews=reviews)
    unchecked = ["Check this item and mark it accepted before approving."]
    assert {k: [str(m) for m in v] for k, v in refused.value.fields.items()} == {
        "ktp": [
            "This item is marked rejected: return the request for correction instead of "
            "approving it."
        ],
        **{key: unchecked for key in keys[2:]},
    }
    assert snapshot() == before
    every = {key: (True, "") for key in keys}
    assert verification_approve(actor=verifikator, request=vreq, reviews=every).status == (
        "approved"
    )
    assert VerificationRequest.objects.get(pk=vreq.pk).status == "approved"


def test_approving_with_an_item_not_on_the_checklist_is_refused(lpse_lampung_timur):
    vreq = make_submitted_registration(lpse=lpse_lampung_timur)
    verifikator = make_verifikator(lpse_lampung_timur)
    before = snapshot()
    with pytest.raises(errors.ValidationError) as refused:
        verification_approve(
            actor=verifikator, request=vreq, reviews={"identity": (True, ""), "rahasia": (True, "")}
        )
    assert str(refused.value) == (
        "These items are not on the checklist of this request: rahasia. Review only the listed "
        "items."
    )
    assert snapshot() == before
