from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.vendors.enums import (
    AppointmentMode,
    VerificationKind,
    VerificationStatus,
)


class VerificationRequest(models.Model):
    """One submission to the Unit Registrasi dan Verifikasi of an LPSE (LT 12(2)-(3),
    KA 12(2)-(3)): a new registration, or a change of verified identity data. Each
    resubmission after a rejection is a new request, so the history is kept. `data` is a
    snapshot of what was submitted (identity and current document ids); for an identity
    change it also holds the proposed values under "proposed"."""

    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="verification_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VerificationKind.choices)
    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
    )
    data = models.JSONField(_("submitted data"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note to the vendor"), blank=True)

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        indexes = [models.Index(fields=["lpse", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(status="pending"),
                name="vendors_verification_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(status="withdrawn")
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="vendors_verification_decided_has_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.vendor} · {self.get_status_display()}"


class DocumentReview(models.Model):
    """The verifikator's finding on one item of a request: a document (by kind, pointing at
    the version that was checked) or the identity data ("identity"). A rejected item always
    has a reason, which the vendor sees."""

    request = models.ForeignKey(
        VerificationRequest, on_delete=models.PROTECT, related_name="reviews"
    )
    item = models.CharField(_("item"), max_length=20)
    document = models.ForeignKey(
        "vendors.VendorDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted = models.BooleanField(_("accepted"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("document review")
        verbose_name_plural = _("document reviews")
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="vendors_review_item_unique"),
            models.CheckConstraint(
                condition=Q(accepted=True) | ~Q(reason=""), name="vendors_review_reject_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {'ok' if self.accepted else 'rejected'}"


class VerificationSlot(models.Model):
    """An optional appointment slot for verification by visit or video call, in the LPSE's
    calendar and time zone (issue 3 item 3). LT 25(4): never a field visit to the vendor."""

    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, related_name="verification_slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("mode"), max_length=8, choices=AppointmentMode.choices)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    place = models.CharField(_("room or video link"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification slot")
        verbose_name_plural = _("verification slots")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="vendors_slot_period_valid"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="vendors_slot_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.lpse} {self.starts_at:%Y-%m-%d %H:%M}"


class VerificationAppointment(models.Model):
    slot = models.ForeignKey(
        VerificationSlot, on_delete=models.PROTECT, related_name="appointments"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="appointments"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification appointment")
        verbose_name_plural = _("verification appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "vendor"],
                condition=Q(cancelled_at__isnull=True),
                name="vendors_appointment_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} @ {self.slot}"
