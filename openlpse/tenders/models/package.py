from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.plans.enums import ProcurementType
from openlpse.tenders.enums import (
    BusinessQualification,
    ContractType,
    PackageStatus,
    SelectionUnit,
)


class Package(models.Model):
    """A paket: what the PPK buys, made from one announced RUP item (no RUP, no tender), with
    its HPS (harga perkiraan sendiri, the owner's estimate and price ceiling, never above the
    pagu), KAK/specifications, draft contract, contract type, locations and the business
    qualification asked of bidders (domain.md step 4).

    The PPK sends it to the ULP/UKPBJ (`ulp_agency`), whose head assigns a Pokja, or, for
    pengadaan langsung, to one Pejabat Pengadaan.
    """

    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, related_name="packages"
    )
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="packages"
    )
    work_unit = models.ForeignKey(
        "organizations.WorkUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packages",
    )
    rup_item = models.ForeignKey("plans.RupItem", on_delete=models.PROTECT, related_name="packages")
    code = models.CharField(_("package code"), max_length=40, unique=True)
    name = models.CharField(_("package name"), max_length=300)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    procurement_type = models.CharField(
        _("procurement type"), max_length=30, choices=ProcurementType.choices
    )
    pagu = models.DecimalField(_("budget ceiling (pagu)"), max_digits=20, decimal_places=2)
    hps_total = models.DecimalField(
        _("owner's estimate (HPS)"), max_digits=20, decimal_places=2, default=Decimal("0")
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices
    )
    business_qualification = models.CharField(
        _("business qualification"),
        max_length=12,
        choices=BusinessQualification.choices,
        default=BusinessQualification.SEMUA,
    )
    description = models.TextField(_("description"), blank=True)
    kak_file = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("terms of reference / specifications (KAK)"),
    )
    draft_contract_file = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft contract"),
    )
    ppk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="packages_as_ppk"
    )
    selection_unit = models.CharField(
        _("selected by"), max_length=20, choices=SelectionUnit.choices, default=SelectionUnit.ULP
    )
    ulp_agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packages_to_select",
        verbose_name=_("procurement unit (ULP/UKPBJ)"),
    )
    pejabat_pengadaan = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packages_as_pejabat",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PackageStatus.choices, default=PackageStatus.DRAFT
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lpse", "status"]), models.Index(fields=["ppk", "status"])]
        constraints = [
            # Perpres 16/2018 Pasal 26: the HPS may not exceed the pagu.
            models.CheckConstraint(
                condition=Q(hps_total__lte=models.F("pagu")), name="tenders_package_hps_within_pagu"
            ),
            models.CheckConstraint(
                condition=Q(status=PackageStatus.DRAFT)
                | Q(status=PackageStatus.RETURNED)
                | Q(status=PackageStatus.CANCELLED)
                | Q(ulp_agency__isnull=False)
                | Q(pejabat_pengadaan__isnull=False),
                name="tenders_package_sent_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HpsItem(models.Model):
    """One line of the itemised HPS: item, unit, quantity and unit price (taxes included)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="hps_items")
    position = models.PositiveIntegerField(_("no."))
    name = models.CharField(_("item"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    quantity = models.DecimalField(
        _("quantity"), max_digits=20, decimal_places=4, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=20, decimal_places=2, validators=[MinValueValidator(0)]
    )
    total = models.DecimalField(_("total"), max_digits=20, decimal_places=2)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("HPS item")
        verbose_name_plural = _("HPS items")
        ordering = ["package", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "position"], name="tenders_hpsitem_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0),
                name="tenders_hpsitem_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PackageLocation(models.Model):
    """Lokasi pekerjaan: a package may be carried out in several places."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="locations")
    province = models.CharField(_("province"), max_length=100)
    city = models.CharField(_("city or regency"), max_length=100)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("work location")
        verbose_name_plural = _("work locations")
        ordering = ["package", "id"]

    def __str__(self) -> str:
        return f"{self.city}, {self.province}"


class PokjaMember(models.Model):
    """A member of the Pokja (selection committee) of one package, assigned by the head of
    the ULP/UKPBJ from the Pokja members registered in it: three or more, odd in number; the
    PPK of the package and LPSE staff never (LT 16(3), KA 14(3); architecture §3).
    One active member is the chair (ketua)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="pokja_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pokja_memberships"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    sk_number = models.CharField(_("assignment letter number"), max_length=120)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Pokja member")
        verbose_name_plural = _("Pokja members")
        ordering = ["package", "-is_chair", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "user"],
                condition=Q(removed_at__isnull=True),
                name="tenders_pokjamember_once_per_package",
            ),
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(removed_at__isnull=True, is_chair=True),
                name="tenders_pokjamember_one_chair",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="tenders_pokjamember_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.package.code}"
