"""The vendor's data after activation: the SPSE "Data Penyedia" tabs (spse-reference §4.3):
izin usaha, akta, pemilik, pengurus, tenaga ahli, peralatan, pengalaman, pajak. Pokja use them
in qualification (issue 6). Each row may carry a supporting file (core.StoredFile)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.vendors.enums import DeedKind, LicenceKind, TaxReportKind


class VendorRecord(models.Model):
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        abstract = True


class BusinessLicence(VendorRecord):
    """Izin usaha: SIUP, SIUJK, NIB, SBU or a sector licence, with its validity."""

    kind = models.CharField(_("licence"), max_length=10, choices=LicenceKind.choices)
    number = models.CharField(_("number"), max_length=120)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty when valid indefinitely.")
    )
    classification = models.CharField(_("classification / KBLI"), max_length=300, blank=True)
    expiry_notified_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("business licence")
        verbose_name_plural = _("business licences")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                name="vendors_licence_validity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Deed(VendorRecord):
    """Akta: deed of establishment and amendments, with the notary."""

    kind = models.CharField(_("deed"), max_length=10, choices=DeedKind.choices)
    number = models.CharField(_("number"), max_length=120)
    deed_date = models.DateField(_("date"))
    notary = models.CharField(_("notary"), max_length=200)

    class Meta:
        verbose_name = _("deed")
        verbose_name_plural = _("deeds")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Owner(VendorRecord):
    """Pemilik: shareholders with their share."""

    name = models.CharField(_("name"), max_length=200)
    id_number = models.CharField(_("NIK or NPWP"), max_length=16)
    address = models.TextField(_("address"), blank=True)
    share_percent = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="vendors_owner_share_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Officer(VendorRecord):
    """Pengurus: directors and commissioners."""

    name = models.CharField(_("name"), max_length=200)
    nik = models.CharField(_("NIK"), max_length=16)
    position = models.CharField(_("position"), max_length=120)
    starts_on = models.DateField(_("since"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class Expert(VendorRecord):
    """Tenaga ahli, with their NPWP (SPSE 4.4)."""

    name = models.CharField(_("name"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=16)
    education = models.CharField(_("education"), max_length=200, blank=True)
    expertise = models.CharField(_("expertise"), max_length=200)
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    certificate = models.CharField(_("certificate"), max_length=200, blank=True)
    employment = models.CharField(_("employment status"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name


class Equipment(VendorRecord):
    """Peralatan."""

    name = models.CharField(_("equipment"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    capacity = models.CharField(_("capacity"), max_length=120, blank=True)
    brand_type = models.CharField(_("brand and type"), max_length=200, blank=True)
    condition = models.CharField(_("condition"), max_length=60, blank=True)
    year_made = models.PositiveSmallIntegerField(_("year made"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    ownership = models.CharField(_("ownership proof"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return self.name


class Experience(VendorRecord):
    """Pengalaman: past contracts."""

    contract_name = models.CharField(_("contract name"), max_length=300)
    location = models.CharField(_("location"), max_length=200, blank=True)
    client = models.CharField(_("client agency"), max_length=200)
    client_address = models.CharField(_("client address"), max_length=300, blank=True)
    contract_number = models.CharField(_("contract number"), max_length=120)
    contract_date = models.DateField(_("contract date"))
    value = models.DecimalField(_("contract value (Rp)"), max_digits=20, decimal_places=2)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    handover_on = models.DateField(_("handover (BAST) date"), null=True, blank=True)
    progress_percent = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=2, default=100
    )

    class Meta:
        verbose_name = _("experience")
        verbose_name_plural = _("experience")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="vendors_experience_value"),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100),
                name="vendors_experience_progress",
            ),
        ]

    def __str__(self) -> str:
        return self.contract_name


class TaxReport(VendorRecord):
    """Pajak: tax returns and the tax compliance status."""

    kind = models.CharField(_("report"), max_length=16, choices=TaxReportKind.choices)
    year = models.PositiveSmallIntegerField(_("tax year"))
    month = models.PositiveSmallIntegerField(_("tax month"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=120)
    filed_on = models.DateField(_("filed on"))

    class Meta:
        verbose_name = _("tax report")
        verbose_name_plural = _("tax reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | (Q(month__gte=1) & Q(month__lte=12)),
                name="vendors_tax_month_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
