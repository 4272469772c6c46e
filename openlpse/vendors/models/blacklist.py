from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.vendors.enums import BlacklistRequestStatus


class BlacklistRequest(models.Model):
    """A request by PA, KPA, PPK, Pokja or Pejabat Pengadaan to blacklist a vendor (daftar
    hitam), decided by the Unit Registrasi dan Verifikasi of the LPSE (LT 12(4), KA 12(4))."""

    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="blacklist_requests"
    )
    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requester_role = models.CharField(_("requested as"), max_length=32, choices=Role.choices)
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    evidence = models.ManyToManyField("core.StoredFile", related_name="+", blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=BlacklistRequestStatus.choices,
        default=BlacklistRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("blacklist request")
        verbose_name_plural = _("blacklist requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="vendors_blacklist_request_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} · {self.get_status_display()}"


class BlacklistEntry(models.Model):
    """A vendor on the blacklist for a period. Company, NPWP and NIB are copied so that the
    public list and the checks at registration keep working whatever happens to the vendor
    record. In force while starts_on <= today <= ends_on and not lifted; the chronograph
    closes it at the end of the period (`ended_at`) and reactivates the accounts it stopped."""

    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blacklist_entries",
    )
    request = models.OneToOneField(
        BlacklistRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="entry"
    )
    company_name = models.CharField(_("company"), max_length=200)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency_name = models.CharField(_("deciding agency"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            models.Index(fields=["npwp"]),
            models.Index(fields=["nib"]),
            models.Index(fields=["ends_on", "ended_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="vendors_blacklist_entry_period_valid",
            ),
            models.CheckConstraint(
                condition=~Q(npwp="") | ~Q(nib=""), name="vendors_blacklist_entry_has_number"
            ),
            models.CheckConstraint(
                condition=Q(lifted_by__isnull=True) | ~Q(lift_reason=""),
                name="vendors_blacklist_entry_lift_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.starts_on} to {self.ends_on})"
