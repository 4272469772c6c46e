"""Choices of the procurement plan (RUP) and the adoption plans (LT 8(2)a, 37; KA 6(1)a, 22)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.TextChoices):
    """Sumber dana of an RUP item."""

    APBD = "apbd", _("Regional budget (APBD)")
    APBDP = "apbdp", _("Revised regional budget (APBD-P)")
    APBN = "apbn", _("State budget (APBN)")
    BLUD = "blud", _("Regional public service agency (BLUD)")
    BUMD = "bumd", _("Regional enterprise budget (BUMD)")
    DAK = "dak", _("Special allocation fund (DAK)")
    PHLN = "phln", _("Foreign loan or grant (PHLN)")
    OTHER = "other", _("Other")


class ProcurementType(models.TextChoices):
    """Jenis pengadaan (Perpres 16/2018 Pasal 3)."""

    BARANG = "barang", _("Goods (barang)")
    KONSTRUKSI = "konstruksi", _("Construction works (pekerjaan konstruksi)")
    KONSULTANSI_BADAN_USAHA = (
        "konsultansi_bu",
        _("Consultancy by a firm (jasa konsultansi badan usaha)"),
    )
    KONSULTANSI_PERORANGAN = (
        "konsultansi_perorangan",
        _("Individual consultancy (jasa konsultansi perorangan)"),
    )
    JASA_LAINNYA = "jasa_lainnya", _("Other services (jasa lainnya)")


CONSULTANCY_TYPES = frozenset(
    {ProcurementType.KONSULTANSI_BADAN_USAHA, ProcurementType.KONSULTANSI_PERORANGAN}
)


class PlannedMethod(models.TextChoices):
    """Metode pemilihan planned in the RUP."""

    TENDER = "tender", _("Tender")
    SELEKSI = "seleksi", _("Selection (seleksi)")
    TENDER_CEPAT = "tender_cepat", _("Fast tender (tender cepat)")
    PENGADAAN_LANGSUNG = "pengadaan_langsung", _("Direct procurement (pengadaan langsung)")
    PENUNJUKAN_LANGSUNG = "penunjukan_langsung", _("Direct appointment (penunjukan langsung)")
    E_PURCHASING = "e_purchasing", _("E-purchasing (catalogue)")
    SWAKELOLA = "swakelola", _("Self-managed (swakelola)")


# Planned methods that go through a selection in OpenLPSE (a package may be made from them).
SELECTION_METHODS = frozenset(
    {
        PlannedMethod.TENDER,
        PlannedMethod.SELEKSI,
        PlannedMethod.TENDER_CEPAT,
        PlannedMethod.PENGADAAN_LANGSUNG,
        PlannedMethod.PENUNJUKAN_LANGSUNG,
    }
)


class RupStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AdoptionPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Waiting for the LPSE's agreement")
    AGREED = "agreed", _("Agreed with the LPSE")
    RETURNED = "returned", _("Returned by the LPSE")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, nothing saved")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused: errors in rows")
