from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Every role of the rules (LT 32, KA 5; spse-reference §1)."""

    LPSE_ADMIN = "lpse_admin", _("LPSE administrator")
    LPSE_STAFF = "lpse_staff", _("LPSE staff")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PA = "pa", _("Budget holder (PA)")
    KPA = "kpa", _("Delegated budget holder (KPA)")
    PPK = "ppk", _("Commitment official (PPK)")
    ULP_HEAD = "ulp_head", _("Head of procurement unit (ULP/UKPBJ)")
    POKJA_MEMBER = "pokja_member", _("Selection committee member (Pokja)")
    PEJABAT_PENGADAAN = "pejabat_pengadaan", _("Procurement officer (Pejabat Pengadaan)")
    VENDOR_ADMIN = "vendor_admin", _("Vendor administrator")
    VENDOR_STAFF = "vendor_staff", _("Vendor staff")
    AUDITOR = "auditor", _("Auditor")


class ScopeKind(models.TextChoices):
    LPSE = "lpse", _("LPSE")
    AGENCY = "agency", _("Agency")
    WORK_UNIT = "work_unit", _("Work unit")
    TENDER = "tender", _("Tender")
    PACKAGES = "packages", _("Set of packages")
    VENDOR = "vendor", _("Vendor")


class LetterKind(models.TextChoices):
    SK = "sk", _("Appointment decree (SK)")
    SURAT_TUGAS = "surat_tugas", _("Letter of assignment (surat tugas)")
    OTHER = "other", _("Other letter")


# Officials and LPSE staff must use two-factor authentication; vendors may.
MFA_REQUIRED_ROLES = frozenset(
    {
        Role.LPSE_ADMIN,
        Role.LPSE_STAFF,
        Role.AGENCY_ADMIN,
        Role.PA,
        Role.KPA,
        Role.PPK,
        Role.ULP_HEAD,
        Role.POKJA_MEMBER,
        Role.PEJABAT_PENGADAAN,
        Role.AUDITOR,
    }
)

# LT 16(3), KA 14(3): LPSE staff may never hold these.
PROCUREMENT_EXECUTION_ROLES = frozenset(
    {Role.PPK, Role.ULP_HEAD, Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN}
)
