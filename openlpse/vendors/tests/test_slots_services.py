"""Appointment slots and bookings: the LPSE's calendar and zone, capacity, cancellations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import HolidayFactory
from openlpse.vendors.models import VerificationAppointment
from openlpse.vendors.services.slots import (
    appointment_book,
    appointment_cancel,
    slot_cancel,
    slot_create,
)
from openlpse.vendors.tests.factories import (
    VerificationSlotFactory,
    make_submitted_registration,
    make_verifikator,
)
from openlpse.vendors.tests.verification_support import snapshot

pytestmark = pytest.mark.django_db


def monday_ahead() -> dt.date:
    """A Monday one to two weeks from the real today (roles made by factories are in force)."""
    today = timezone.now().date()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 + 7)


MONDAY = monday_ahead()
TUESDAY = MONDAY + dt.timedelta(days=1)
# Monday 00:00 UTC = 07:00 WIB = 08:00 WITA.
NOW = dt.datetime.combine(MONDAY, dt.time(0, 0), tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def lpse(lpse_karangasem):
    return lpse_karangasem  # WITA, UTC+8


@pytest.fixture
def verifikator(lpse):
    return make_verifikator(lpse, full_name="Made Verifikator")


def create(verifikator, lpse, **overrides):
    values = {
        "day": TUESDAY,
        "start": dt.time(9, 0),
        "end": dt.time(10, 0),
        "mode": "visit",
        "capacity": 2,
        "place": "Ruang Verifikasi, Lantai 2",
    }
    values.update(overrides)
    return slot_create(actor=verifikator, lpse=lpse, **values)


def slot_at(lpse, *, hours_ahead=26, capacity=1, **fields):
    starts = NOW + dt.timedelta(hours=hours_ahead)
    return VerificationSlotFactory(
        lpse=lpse,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=capacity,
        **fields,
    )


# --- creating slots -------------------------------------------------------------------------------


class TestSlotCreate:
    def test_times_are_entered_in_the_lpse_zone_and_stored_in_utc(self, verifikator, lpse):
        slot = create(verifikator, lpse)
        assert slot.starts_at == dt.datetime.combine(TUESDAY, dt.time(1, 0), tzinfo=dt.UTC)
        assert slot.ends_at == dt.datetime.combine(TUESDAY, dt.time(2, 0), tzinfo=dt.UTC)
        assert slot.capacity == 2 and slot.mode == "visit" and slot.created_by == verifikator
        event = AuditEvent.objects.get(action="vendor.verification_slot_create")
        assert event.lpse_id == lpse.pk and event.changes["capacity"] == 2

    def test_the_same_wall_clock_time_in_wib_is_an_hour_later_in_utc(self, lpse_lampung_timur):
        verifikator = make_verifikator(lpse_lampung_timur)
        slot = create(verifikator, lpse_lampung_timur)
        assert slot.starts_at == dt.datetime.combine(TUESDAY, dt.time(2, 0), tzinfo=dt.UTC)

    def test_a_video_call_needs_an_https_link(self, verifikator, lpse):
        with pytest.raises(errors.ValidationError) as caught:
            create(verifikator, lpse, mode="video", place="zoom 123")
        assert "place" in caught.value.fields
        slot = create(verifikator, lpse, mode="video", place="https://meet.example.go.id/verif")
        assert slot.mode == "video"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"day": MONDAY + dt.timedelta(days=5)}, "day"),  # Saturday
            ({"start": dt.time(7, 30)}, "start"),  # before 08:00
            ({"end": dt.time(16, 30)}, "end"),  # after 16:00
            ({"start": dt.time(10, 0), "end": dt.time(9, 0)}, "end"),
            ({"capacity": 0}, "capacity"),
            ({"capacity": 51}, "capacity"),
            ({"mode": "field_visit"}, "mode"),
            ({"place": "  "}, "place"),
            ({"day": MONDAY - dt.timedelta(days=7)}, "day"),  # in the past
        ],
    )
    def test_a_slot_outside_the_calendar_or_invalid_is_refused(
        self, verifikator, lpse, overrides, field
    ):
        before = snapshot()
        with pytest.raises(errors.ValidationError) as caught:
            create(verifikator, lpse, **overrides)
        assert list(caught.value.fields) == [field]
        assert snapshot() == before

    def test_the_working_hours_in_the_message_name_the_zone(self, verifikator, lpse):
        with pytest.raises(errors.ValidationError) as caught:
            create(verifikator, lpse, start=dt.time(6, 0))
        assert "08:00" in str(caught.value) and "WITA" in str(caught.value)

    def test_a_holiday_is_refused(self, verifikator, lpse):
        HolidayFactory(lpse=lpse, date=TUESDAY, name="Hari Raya Galungan")
        with pytest.raises(errors.ValidationError) as caught:
            create(verifikator, lpse)
        assert "Galungan" in str(caught.value)

    def test_an_earlier_time_today_is_in_the_past(self, verifikator, lpse):
        # 08:00 WITA on Monday is exactly now: not in the future.
        with pytest.raises(errors.ValidationError):
            create(verifikator, lpse, day=MONDAY, start=dt.time(8, 0))
        create(verifikator, lpse, day=MONDAY, start=dt.time(8, 30))

    def test_only_a_verifikator_of_the_lpse_opens_slots(self, lpse, lpse_lampung_timur):
        admin = UserFactory()
        RoleAssignmentFactory(user=admin, role=Role.LPSE_ADMIN, lpse=lpse)
        other = make_verifikator(lpse_lampung_timur)
        before = snapshot()
        for actor in (admin, other):
            with pytest.raises(errors.PermissionDenied):
                create(actor, lpse)
        assert snapshot() == before


# --- booking --------------------------------------------------------------------------------------


@pytest.fixture
def vreq(lpse):
    return make_submitted_registration(lpse=lpse, name="CV Bali Jaya")


class TestBooking:
    def test_a_vendor_books_a_place_and_the_verifikators_are_told(
        self, vreq, lpse, verifikator, django_capture_on_commit_callbacks
    ):
        slot = slot_at(lpse, capacity=2)
        with django_capture_on_commit_callbacks(execute=True):
            appointment = appointment_book(
                actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot
            )
        assert appointment.slot == slot and appointment.vendor == vreq.vendor
        assert appointment.booked_at == NOW
        note = Notification.objects.get(user=verifikator)
        assert "CV Bali Jaya" in note.subject
        assert "WITA" in note.body
        assert [m.to for m in mail.outbox] == [[verifikator.email]]
        assert AuditEvent.objects.filter(action="vendor.verification_appointment_book").exists()

    def test_a_full_slot_is_refused_with_a_clear_message(self, vreq, lpse):
        slot = slot_at(lpse, capacity=1)
        other = make_submitted_registration(lpse=lpse)
        appointment_book(actor=other.vendor.created_by, vendor=other.vendor, slot=slot)
        before = snapshot()
        with pytest.raises(errors.Conflict) as caught:
            appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
        assert caught.value.code == "slot_full"
        assert "sudah penuh" in str(caught.value)  # Indonesian by default
        assert snapshot() == before

    def test_a_second_appointment_is_refused(self, vreq, lpse):
        first, second = slot_at(lpse, capacity=3), slot_at(lpse, hours_ahead=50, capacity=3)
        appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=first)
        for slot in (first, second):  # the same slot again is a double click
            with pytest.raises(errors.Conflict) as caught:
                appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
            assert caught.value.code == "appointment_exists"
        assert VerificationAppointment.objects.count() == 1

    def test_without_a_pending_registration_there_is_nothing_to_book(self, vreq, lpse):
        vreq.__class__.objects.filter(pk=vreq.pk).update(status="withdrawn")
        with pytest.raises(errors.Conflict) as caught:
            appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot_at(lpse))
        assert caught.value.code == "no_pending_registration"

    def test_a_slot_of_another_lpse_is_not_found(self, vreq, lpse_lampung_timur):
        with pytest.raises(errors.NotFound):
            appointment_book(
                actor=vreq.vendor.created_by,
                vendor=vreq.vendor,
                slot=slot_at(lpse_lampung_timur),
            )

    def test_a_past_or_cancelled_slot_is_refused(self, vreq, lpse):
        past = slot_at(lpse, hours_ahead=-2)
        cancelled = slot_at(lpse, cancelled_at=NOW)
        for slot in (past, cancelled):
            with pytest.raises(errors.Conflict) as caught:
                appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
            assert caught.value.code == "slot_unavailable"

    def test_someone_else_cannot_book_for_the_vendor(self, vreq, lpse, verifikator):
        before = snapshot()
        for actor in (UserFactory(), verifikator):
            with pytest.raises(errors.PermissionDenied):
                appointment_book(actor=actor, vendor=vreq.vendor, slot=slot_at(lpse))
        assert VerificationAppointment.objects.count() == 0
        assert snapshot()["audit"] == before["audit"]

    def test_the_vendor_cancels_and_the_place_is_free_again(self, vreq, lpse, verifikator):
        slot = slot_at(lpse, capacity=1)
        appointment = appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
        appointment_cancel(actor=vreq.vendor.created_by, appointment=appointment)
        appointment.refresh_from_db()
        assert appointment.cancelled_at == NOW
        assert AuditEvent.objects.filter(action="vendor.verification_appointment_cancel").exists()
        assert Notification.objects.filter(user=verifikator).count() == 2
        other = make_submitted_registration(lpse=lpse)
        appointment_book(actor=other.vendor.created_by, vendor=other.vendor, slot=slot)

    def test_cancelling_twice_or_someone_elses_or_a_past_appointment_is_refused(self, vreq, lpse):
        slot = slot_at(lpse, capacity=1)
        appointment = appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
        with pytest.raises(errors.PermissionDenied):
            appointment_cancel(actor=UserFactory(), appointment=appointment)
        clock.advance(dt.timedelta(hours=27))
        with pytest.raises(errors.Conflict) as caught:
            appointment_cancel(actor=vreq.vendor.created_by, appointment=appointment)
        assert caught.value.code == "appointment_past"
        clock.advance(dt.timedelta(hours=-27))
        appointment_cancel(actor=vreq.vendor.created_by, appointment=appointment)
        with pytest.raises(errors.Conflict) as caught:
            appointment_cancel(actor=vreq.vendor.created_by, appointment=appointment)
        assert caught.value.code == "appointment_cancelled"


# --- cancelling a slot ----------------------------------------------------------------------------


class TestSlotCancel:
    def test_cancelling_a_slot_cancels_its_appointments_and_tells_the_vendors(
        self, vreq, lpse, verifikator, django_capture_on_commit_callbacks
    ):
        slot = slot_at(lpse, capacity=2)
        appointment = appointment_book(actor=vreq.vendor.created_by, vendor=vreq.vendor, slot=slot)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            slot_cancel(actor=verifikator, slot=slot, reason="Listrik padam.")
        slot.refresh_from_db()
        appointment.refresh_from_db()
        assert slot.cancelled_at == NOW and appointment.cancelled_at == NOW
        note = Notification.objects.get(user=vreq.vendor.created_by)
        assert "Listrik padam." in note.body
        assert "CV Bali Jaya" in note.body
        assert [m.to for m in mail.outbox] == [[vreq.vendor.created_by.email]]
        event = AuditEvent.objects.get(action="vendor.verification_slot_cancel")
        assert event.changes == {"reason": "Listrik padam.", "appointments": [appointment.pk]}

    def test_a_reason_is_required_and_a_second_cancel_is_a_conflict(self, lpse, verifikator):
        slot = slot_at(lpse)
        with pytest.raises(errors.ValidationError):
            slot_cancel(actor=verifikator, slot=slot, reason=" ")
        slot_cancel(actor=verifikator, slot=slot, reason="Rapat mendadak.")
        with pytest.raises(errors.Conflict):
            slot_cancel(actor=verifikator, slot=slot, reason="Lagi.")

    def test_only_a_verifikator_of_the_lpse_cancels(self, lpse, lpse_lampung_timur, vreq):
        slot = slot_at(lpse)
        actors = (make_verifikator(lpse_lampung_timur), vreq.vendor.created_by)
        before = snapshot()
        for actor in actors:
            with pytest.raises(errors.PermissionDenied):
                slot_cancel(actor=actor, slot=slot, reason="x")
        assert snapshot() == before
