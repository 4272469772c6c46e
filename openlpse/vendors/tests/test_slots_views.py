"""The slot pages of the verifikator and the vendor's optional booking page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock
from openlpse.organizations.tests.factories import HolidayFactory
from openlpse.vendors.models import VerificationAppointment, VerificationSlot
from openlpse.vendors.services.slots import appointment_book
from openlpse.vendors.tests.factories import (
    VerificationSlotFactory,
    make_submitted_registration,
    make_verified_vendor,
    make_verifikator,
)
from openlpse.vendors.tests.verification_support import snapshot

pytestmark = pytest.mark.django_db

SLOTS = reverse("vendors:verification_slots")
BOOKING = reverse("vendors:verification_booking")


def monday_ahead() -> dt.date:
    today = timezone.now().date()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 + 7)


MONDAY = monday_ahead()
TUESDAY = MONDAY + dt.timedelta(days=1)
NOW = dt.datetime.combine(MONDAY, dt.time(0, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def lpse(lpse_karangasem):
    return lpse_karangasem


@pytest.fixture
def verifikator(lpse):
    return make_verifikator(lpse)


@pytest.fixture
def as_user(client, sign_in):
    def _as(user, mfa=True):
        sign_in(user, mfa=mfa)
        client.cookies["openlpse_language"] = "en"
        return client

    return _as


def slot_at(lpse, *, hours_ahead=26, capacity=1, **fields):
    starts = NOW + dt.timedelta(hours=hours_ahead)
    return VerificationSlotFactory(
        lpse=lpse,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=capacity,
        **fields,
    )


SLOT_FORM = {
    "day": TUESDAY.isoformat(),
    "start": "09:00",
    "end": "10:30",
    "mode": "video",
    "capacity": "3",
    "place": "https://meet.example.go.id/verifikasi",
}


class TestVerifikatorSlots:
    def test_open_a_slot_in_the_lpse_zone(self, as_user, verifikator, lpse):
        client = as_user(verifikator)
        page = client.get(SLOTS).content.decode()
        assert "WITA" in page and "08:00" in page and "16:00" in page
        response = client.post(SLOTS, {**SLOT_FORM, "lpse": lpse.pk})
        assert response.status_code == 302
        slot = VerificationSlot.objects.get()
        assert slot.starts_at == dt.datetime.combine(TUESDAY, dt.time(1, 0), tzinfo=dt.UTC)
        page = client.get(SLOTS).content.decode()
        assert "09:00 WITA" in page and "10:30 WITA" in page
        assert "0 of 3" in page

    def test_a_holiday_keeps_the_form_and_says_why(self, as_user, verifikator, lpse):
        HolidayFactory(lpse=lpse, date=TUESDAY, name="Hari Raya Nyepi")
        before = snapshot()
        response = as_user(verifikator).post(SLOTS, {**SLOT_FORM, "lpse": lpse.pk})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Hari Raya Nyepi" in body
        assert "https://meet.example.go.id/verifikasi" in body
        assert snapshot() == before

    def test_booked_vendors_are_listed_and_a_cancel_tells_them(self, as_user, verifikator, lpse):
        slot = slot_at(lpse, capacity=2)
        vreq = make_submitted_registration(lpse=lpse, name="CV Terjadwal")
        appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
        client = as_user(verifikator)
        assert "CV Terjadwal" in client.get(SLOTS).content.decode()
        cancel = reverse("vendors:verification_slot_cancel", args=[slot.pk])
        response = client.post(cancel, {"reason": ""}, follow=True)
        assert "Give the reason" in response.content.decode()
        assert VerificationSlot.objects.get().cancelled_at is None
        response = client.post(cancel, {"reason": "Listrik padam."}, follow=True)
        assert "The slot was cancelled" in response.content.decode()
        assert VerificationSlot.objects.get().cancelled_at == NOW
        assert VerificationAppointment.objects.get().cancelled_at == NOW

    def test_a_slot_of_another_lpse_cannot_be_cancelled(self, as_user, lpse_lampung_timur, lpse):
        slot = slot_at(lpse)
        other = make_verifikator(lpse_lampung_timur)
        response = as_user(other).post(
            reverse("vendors:verification_slot_cancel", args=[slot.pk]), {"reason": "x"}
        )
        assert response.status_code == 404
        assert VerificationSlot.objects.get().cancelled_at is None


class TestVendorBooking:
    def test_the_page_says_it_is_optional_and_lists_free_slots(self, as_user, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        free = slot_at(lpse, capacity=2, mode="video", place="https://meet.example/rahasia")
        full = slot_at(lpse, hours_ahead=30, capacity=1)
        other = make_submitted_registration(lpse=lpse)
        appointment_book(actor=other.vendor.created_by, vendor=other.vendor, slot=full)
        slot_at(lpse, hours_ahead=-3)  # past
        slot_at(lpse, hours_ahead=40, cancelled_at=NOW)
        body = as_user(vreq.vendor.created_by, mfa=False).get(BOOKING).content.decode()
        assert "LT 25(4)" in body and "only if you want" in body
        assert body.count('name="slot"') == 1
        assert f'value="{free.pk}"' in body
        # The video link is given only to those who booked.
        assert "rahasia" not in body

    def test_book_and_cancel(self, as_user, lpse, verifikator):
        vreq = make_submitted_registration(lpse=lpse)
        slot = slot_at(lpse, mode="video", place="https://meet.example/rahasia")
        client = as_user(vreq.vendor.created_by, mfa=False)
        response = client.post(BOOKING, {"slot": slot.pk}, follow=True)
        body = response.content.decode()
        assert "is booked" in body and "rahasia" in body
        appointment = VerificationAppointment.objects.get()
        cancel = reverse("vendors:verification_booking_cancel", args=[appointment.pk])
        response = client.post(cancel, follow=True)
        assert "Your appointment was cancelled" in response.content.decode()
        appointment.refresh_from_db()
        assert appointment.cancelled_at == NOW

    def test_a_full_slot_gets_a_clear_message(self, as_user, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        slot = slot_at(lpse, capacity=1)
        other = make_submitted_registration(lpse=lpse)
        appointment_book(actor=other.vendor.created_by, vendor=other.vendor, slot=slot)
        response = as_user(vreq.vendor.created_by, mfa=False).post(BOOKING, {"slot": slot.pk})
        assert response.status_code == 409
        assert "is full" in response.content.decode()
        assert VerificationAppointment.objects.count() == 1

    def test_without_a_pending_registration_nothing_can_be_booked(self, as_user, lpse):
        vendor = make_verified_vendor(lpse=lpse)
        slot = slot_at(lpse)
        client = as_user(vendor.created_by, mfa=False)
        assert "Submit the registration first" in client.get(BOOKING).content.decode()
        response = client.post(BOOKING, {"slot": slot.pk})
        assert response.status_code == 409
        assert VerificationAppointment.objects.count() == 0

    def test_someone_without_a_company_gets_404(self, as_user):
        assert as_user(UserFactory(), mfa=False).get(BOOKING).status_code == 404

    def test_another_vendors_appointment_cannot_be_cancelled(self, as_user, lpse):
        vreq = make_submitted_registration(lpse=lpse)
        appointment = appointment_book(
            actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot_at(lpse)
        )
        intruder = make_submitted_registration(lpse=lpse)
        response = as_user(intruder.vendor.created_by, mfa=False).post(
            reverse("vendors:verification_booking_cancel", args=[appointment.pk])
        )
        assert response.status_code == 404
        appointment.refresh_from_db()
        assert appointment.cancelled_at is None
