"""Optional appointment slots for verification by a visit to the LPSE or a video call (issue 3
item 3). Verification happens online from the documents (LT 25(1)a.2); an appointment is only
for a vendor who wants one, and never a field visit to the vendor (LT 25(4)).

- Verifikators open slots in their LPSE's calendar: a working day that is not a holiday, inside
  the working hours, entered and shown in the LPSE's own time zone (WIB, WITA, WIT) and stored
  in UTC. Cancelling a slot cancels its appointments and tells the vendors.
- A vendor whose registration waits for verification books a place in a future slot of the LPSE
  that verifies it, or cancels it. The slot row is locked while booking, so two vendors never
  take the last place together. Booking and cancelling tell the LPSE's verifikators.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors, timezones
from openlpse.core.notifications import Message, notify
from openlpse.organizations.models import Holiday, Lpse
from openlpse.vendors import permissions, selectors
from openlpse.vendors import selectors_verification as queue
from openlpse.vendors.enums import AppointmentMode
from openlpse.vendors.models import Vendor, VerificationAppointment, VerificationSlot

MAX_CAPACITY = 50
REASON_MAX_LENGTH = 300


def _as_time(value: Any) -> dt.time:
    """The LPSE's working hours (a fresh, unsaved default may still be the text "08:00")."""
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def local_to_utc(*, lpse: Lpse, day: dt.date, at: dt.time) -> dt.datetime:
    """A wall-clock date and time in the LPSE's zone as an aware UTC datetime."""
    zone = ZoneInfo(timezones.zone_of(lpse))
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def when_label(slot: VerificationSlot) -> str:
    """'21 November 2026 09:00 WITA' in the slot's LPSE zone."""
    return timezones.local_datetime_label(slot.starts_at, timezones.zone_of(slot.lpse))


def _require_verifikator(actor: User, lpse: Lpse) -> None:
    if not permissions.is_verifikator(actor, lpse):
        raise errors.PermissionDenied(
            _(
                "Only the Registration and Verification Unit of %(lpse)s may manage its "
                "appointment slots."
            )
            % {"lpse": lpse}
        )


# --- slots ---------------------------------------------------------------------------------------


def _check_calendar(*, lpse: Lpse, day: dt.date, start: dt.time, end: dt.time) -> None:
    zone = timezones.zone_abbreviation(timezones.zone_of(lpse))
    date = date_format(day, "DATE_FORMAT")
    working_days = {int(d) for d in str(lpse.working_days).split(",") if d.strip().isdigit()}
    if day.weekday() not in working_days:
        raise errors.field_error(
            "day",
            _("%(date)s is not a working day of %(lpse)s. Choose a working day.")
            % {"date": date, "lpse": lpse},
        )
    holiday = Holiday.objects.filter(lpse=lpse, date=day).first()
    if holiday is not None:
        raise errors.field_error(
            "day",
            _("%(date)s is a holiday in the calendar of %(lpse)s (%(name)s). Choose another day.")
            % {"date": date, "lpse": lpse, "name": holiday.name},
        )
    if end <= start:
        raise errors.field_error(
            "end", _("The slot ends before it starts. Enter an end time after the start time.")
        )
    opens, closes = _as_time(lpse.working_hours_start), _as_time(lpse.working_hours_end)
    if start < opens or end > closes:
        message = _(
            "The slot must lie within the working hours of %(lpse)s: from %(opens)s to %(closes)s %(zone)s."
        ) % {
            "lpse": lpse,
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
            "zone": zone,
        }
        raise errors.field_error("start" if start < opens else "end", message)


def slot_create(
    *,
    actor: User,
    lpse: Lpse,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    mode: str,
    capacity: int,
    place: str,
) -> VerificationSlot:
    """Open an appointment slot. `day`, `start` and `end` are wall-clock values in the LPSE's
    time zone."""
    place = place.strip()
    with transaction.atomic():
        _require_verifikator(actor, lpse)
        if mode not in AppointmentMode.values:
            raise errors.field_error("mode", _("Choose a visit to the LPSE or a video call."))
        if not 1 <= capacity <= MAX_CAPACITY:
            raise errors.field_error(
                "capacity",
                _("Enter a number of places from 1 to %(max)d.") % {"max": MAX_CAPACITY},
            )
        if not place:
            raise errors.field_error(
                "place",
                _("Enter the link of the video call.")
                if mode == AppointmentMode.VIDEO
                else _("Enter the room where the vendor is received."),
            )
        if mode == AppointmentMode.VIDEO and not place.startswith("https://"):
            raise errors.field_error(
                "place", _("Enter the video call link; it starts with https://.")
            )
        _check_calendar(lpse=lpse, day=day, start=start, end=end)
        starts_at = local_to_utc(lpse=lpse, day=day, at=start)
        ends_at = local_to_utc(lpse=lpse, day=day, at=end)
        if starts_at <= clock.now():
            raise errors.field_error(
                "day", _("This time has already passed. Choose a date and time in the future.")
            )
        slot = VerificationSlot.objects.create(
            lpse=lpse,
            starts_at=starts_at,
            ends_at=ends_at,
            mode=mode,
            capacity=capacity,
            place=place[:300],
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="vendor.verification_slot_create",
            obj=slot,
            lpse_id=lpse.pk,
            changes={
                "starts_at": starts_at,
                "ends_at": ends_at,
                "mode": mode,
                "capacity": capacity,
                "place": slot.place,
            },
        )
    return slot


def slot_cancel(*, actor: User, slot: VerificationSlot, reason: str) -> VerificationSlot:
    """Cancel a slot and every appointment in it; the vendors are told why."""
    reason = reason.strip()[:REASON_MAX_LENGTH]
    with transaction.atomic():
        locked = VerificationSlot.objects.select_for_update().get(pk=slot.pk)
        locked.lpse = slot.lpse
        _require_verifikator(actor, locked.lpse)
        if locked.cancelled_at is not None:
            raise errors.Conflict(
                _("This slot was already cancelled. Reload the page to see the current slots."),
                code="slot_cancelled",
            )
        if not reason:
            raise errors.field_error(
                "reason", _("Give the reason for cancelling; the vendors who booked will see it.")
            )
        now = clock.now()
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at"])
        appointments = list(
            VerificationAppointment.objects.filter(slot=locked, cancelled_at__isnull=True)
            .select_related("vendor", "booked_by")
            .order_by("pk")
        )
        VerificationAppointment.objects.filter(pk__in=[a.pk for a in appointments]).update(
            cancelled_at=now
        )
        when, lpse_name = when_label(locked), locked.lpse.name
        for item in appointments:
            company = item.vendor.name

            def subject() -> str:
                return _("Your verification appointment on %(when)s was cancelled") % {"when": when}

            def body(company: str = company) -> str:
                return _(
                    "%(lpse)s cancelled the verification appointment of %(company)s on "
                    "%(when)s: %(reason)s. Verification goes on from the documents; you may "
                    "book another appointment if you wish."
                ) % {"lpse": lpse_name, "company": company, "when": when, "reason": reason}

            notify(
                users=[item.booked_by, *queue.vendor_people(item.vendor)],
                message=Message(
                    "vendor.verification_slot_cancelled",
                    subject,
                    body,
                    reverse("vendors:verification_booking"),
                ),
                lpse=locked.lpse,
            )
        audit.record(
            actor=actor,
            action="vendor.verification_slot_cancel",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={"reason": reason, "appointments": [a.pk for a in appointments]},
        )
    return locked


# --- appointments --------------------------------------------------------------------------------


def _notify_verifikators(*, slot: VerificationSlot, vendor: Vendor, booked: bool) -> None:
    when, company = when_label(slot), vendor.name
    mode = slot.mode

    def subject() -> str:
        if booked:
            return _("%(company)s booked a verification appointment") % {"company": company}
        return _("%(company)s cancelled its verification appointment") % {"company": company}

    def body() -> str:
        params = {
            "company": company,
            "when": when,
            "mode": str(AppointmentMode(mode).label).lower(),
        }
        if booked:
            return _("%(company)s booked the slot of %(when)s (%(mode)s).") % params
        return _("%(company)s cancelled its appointment of %(when)s (%(mode)s).") % params

    notify(
        users=selectors.verifikators_of(slot.lpse),
        message=Message(
            "vendor.verification_appointment", subject, body, reverse("vendors:verification_slots")
        ),
        lpse=slot.lpse,
    )


def appointment_book(
    *, actor: User, vendor: Vendor, slot: VerificationSlot
) -> VerificationAppointment:
    """Book a place in `slot` for `vendor`, whose registration waits for verification."""
    with transaction.atomic():
        locked_vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        if not permissions.can_edit_registration(actor, locked_vendor):
            raise errors.PermissionDenied(
                _(
                    "Only the person who registers the company, or its administrator, may book "
                    "its appointment."
                )
            )
        pending = queue.pending_registration(locked_vendor)
        if pending is None:
            raise errors.Conflict(
                _(
                    "An appointment can be booked only while the registration waits for "
                    "verification. Submit the registration first."
                ),
                code="no_pending_registration",
            )
        locked = VerificationSlot.objects.select_for_update().get(pk=slot.pk)
        locked.lpse = slot.lpse
        if locked.lpse_id != pending.lpse_id:
            raise errors.NotFound()
        if locked.cancelled_at is not None or locked.starts_at <= clock.now():
            raise errors.Conflict(
                _("This slot is no longer available. Choose another one."),
                code="slot_unavailable",
            )
        existing = (
            VerificationAppointment.objects.filter(
                vendor=locked_vendor, cancelled_at__isnull=True, slot__ends_at__gt=clock.now()
            )
            .select_related("slot", "slot__lpse")
            .first()
        )
        if existing is not None:
            raise errors.Conflict(
                _(
                    "You already have an appointment on %(when)s. Cancel it first to choose "
                    "another slot."
                )
                % {"when": when_label(existing.slot)},
                code="appointment_exists",
            )
        taken = VerificationAppointment.objects.filter(
            slot=locked, cancelled_at__isnull=True
        ).count()
        if taken >= locked.capacity:
            raise errors.Conflict(
                _("The slot of %(when)s is full: every place was booked. Choose another slot.")
                % {"when": when_label(locked)},
                code="slot_full",
            )
        try:
            with transaction.atomic():
                appointment = VerificationAppointment.objects.create(
                    slot=locked, vendor=locked_vendor, booked_by=actor, booked_at=clock.now()
                )
        except IntegrityError as exc:  # the same slot twice (a double click)
            raise errors.Conflict(
                _("You already booked this slot; your appointment is listed on the page."),
                code="appointment_exists",
            ) from exc
        _notify_verifikators(slot=locked, vendor=locked_vendor, booked=True)
        audit.record(
            actor=actor,
            action="vendor.verification_appointment_book",
            obj=appointment,
            lpse_id=locked.lpse_id,
            changes={"slot": locked.pk, "vendor": locked_vendor.pk},
        )
    return appointment


def appointment_cancel(
    *, actor: User, appointment: VerificationAppointment
) -> VerificationAppointment:
    """The vendor cancels its appointment (before the slot starts)."""
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=appointment.vendor_id)
        locked = VerificationAppointment.objects.select_for_update().get(pk=appointment.pk)
        locked.slot = appointment.slot
        if not permissions.can_edit_registration(actor, vendor):
            raise errors.PermissionDenied(
                _(
                    "Only the person who registers the company, or its administrator, may cancel "
                    "its appointment."
                )
            )
        if locked.cancelled_at is not None:
            raise errors.Conflict(
                _(
                    "This appointment was already cancelled. Reload the page to see your "
                    "appointments."
                ),
                code="appointment_cancelled",
            )
        if locked.slot.starts_at <= clock.now():
            raise errors.Conflict(
                _(
                    "This appointment has already started or passed, so it can no longer be "
                    "cancelled. Contact the LPSE if you need help."
                ),
                code="appointment_past",
            )
        locked.cancelled_at = clock.now()
        locked.save(update_fields=["cancelled_at"])
        _notify_verifikators(slot=locked.slot, vendor=vendor, booked=False)
        audit.record(
            actor=actor,
            action="vendor.verification_appointment_cancel",
            obj=locked,
            lpse_id=locked.slot.lpse_id,
            changes={"slot": locked.slot_id, "vendor": vendor.pk},
        )
    return locked
