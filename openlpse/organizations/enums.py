from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeZone(models.TextChoices):
    """Indonesia's three zones; each LPSE shows times in its own."""

    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta, UTC+7)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar, UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura, UTC+9)")


ZONE_ABBREVIATION = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class AgencyKind(models.TextChoices):
    """Agencies the LPSE serves: K/L/PD and SKPD, plus BUMN/BUMD/non-government (LT 8(3), KA 6(2))."""

    KEMENTERIAN = "kementerian", _("Ministry (Kementerian)")
    LEMBAGA = "lembaga", _("Government institution (Lembaga)")
    PERANGKAT_DAERAH = "perangkat_daerah", _("Regional government body (Perangkat Daerah)")
    SKPD = "skpd", _("Regional work unit (SKPD)")
    BUMN = "bumn", _("State-owned enterprise (BUMN)")
    BUMD = "bumd", _("Regional-owned enterprise (BUMD)")
    NON_GOVERNMENT = "non_government", _("Non-government organisation")


class LpseUnitKind(models.TextChoices):
    """The LPSE's own organisation (LT 4-13, KA 8-13)."""

    PENGARAH = "pengarah", _("Steering (Pengarah)")
    PENANGGUNGJAWAB = "penanggungjawab", _("Person in charge (Penanggungjawab)")
    KOORDINATOR = "koordinator", _("Coordinator (Koordinator)")
    KEPALA = "kepala", _("Head of LPSE (Kepala)")
    SEKRETARIAT = "sekretariat", _("Secretariat (Sekretariat)")
    ADMIN_SISTEM = "admin_sistem", _("Electronic System Administration Unit")
    REGISTRASI_VERIFIKASI = "registrasi_verifikasi", _("Registration and Verification Unit")
    LAYANAN_DUKUNGAN = "layanan_dukungan", _("Service and Support Unit (helpdesk)")
