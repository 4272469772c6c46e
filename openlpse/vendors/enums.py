from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessForm(models.TextChoices):
    """Bentuk usaha (issue 3 item 1)."""

    PT = "pt", _("Limited company (PT)")
    CV = "cv", _("Limited partnership (CV)")
    FIRMA = "firma", _("General partnership (Firma)")
    KOPERASI = "koperasi", _("Cooperative (Koperasi)")
    PERORANGAN = "perorangan", _("Sole proprietorship or individual (perorangan)")


class BusinessScale(models.TextChoices):
    """Kualifikasi usaha, which decides the packages a vendor may join (issue 4)."""

    KECIL = "kecil", _("Small business (kecil)")
    NON_KECIL = "non_kecil", _("Non-small business (non-kecil)")


class VendorStatus(models.TextChoices):
    """Where the vendor's registration stands. Blacklisting is separate (BlacklistEntry)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for verification")
    REJECTED = "rejected", _("Returned for correction")
    VERIFIED = "verified", _("Verified")


class DocumentType(models.TextChoices):
    """The documents LT 25(1)a.2 requires, and nothing more (LT 25(3)), plus the signed
    registration and participation form of LT 25(6)."""

    KTP = "ktp", _("Identity card (KTP) of the director, owner or authorised officer")
    AKTA_PENDIRIAN = "akta_pendirian", _("Deed of establishment (akta pendirian)")
    AKTA_PERUBAHAN = "akta_perubahan", _("Latest deed of amendment (akta perubahan), if any")
    NPWP = "npwp", _("Taxpayer number card (NPWP)")
    IZIN_USAHA = "izin_usaha", _("Business licence (SIUP, SIUJK, NIB or sector licence)")
    FORMULIR = "formulir", _("Signed registration and participation form")


# Required for every vendor; the amendment deed only when there is one, the deed of
# establishment not for an individual (perorangan) who has none.
REQUIRED_DOCUMENTS: tuple[str, ...] = (
    DocumentType.KTP,
    DocumentType.AKTA_PENDIRIAN,
    DocumentType.NPWP,
    DocumentType.IZIN_USAHA,
    DocumentType.FORMULIR,
)
OPTIONAL_DOCUMENTS: tuple[str, ...] = (DocumentType.AKTA_PERUBAHAN,)


def required_documents_for(business_form: str) -> tuple[str, ...]:
    """LT 25(1)a.2 and LT 25(6): the documents a vendor of this form must give, and nothing
    more (LT 25(3)). An individual (perorangan) has no deed of establishment."""
    if business_form == BusinessForm.PERORANGAN:
        return tuple(k for k in REQUIRED_DOCUMENTS if k != DocumentType.AKTA_PENDIRIAN)
    return REQUIRED_DOCUMENTS


class VerificationKind(models.TextChoices):
    REGISTRATION = "registration", _("New registration")
    IDENTITY_CHANGE = "identity_change", _("Change of verified identity data")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AppointmentMode(models.TextChoices):
    VISIT = "visit", _("Visit to the LPSE")
    VIDEO = "video", _("Video call")


class BlacklistRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for decision")
    APPROVED = "approved", _("Approved: vendor blacklisted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LicenceKind(models.TextChoices):
    SIUP = "siup", _("Trading business licence (SIUP)")
    SIUJK = "siujk", _("Construction services licence (SIUJK)")
    NIB = "nib", _("Business identification number (NIB)")
    SBU = "sbu", _("Business entity certificate (SBU)")
    SECTOR = "sector", _("Sector licence")
    OTHER = "other", _("Other licence")


class DeedKind(models.TextChoices):
    PENDIRIAN = "pendirian", _("Deed of establishment")
    PERUBAHAN = "perubahan", _("Deed of amendment")


class TaxReportKind(models.TextChoices):
    SPT_TAHUNAN = "spt_tahunan", _("Annual tax return (SPT Tahunan)")
    SPT_MASA_PPH = "spt_masa_pph", _("Monthly income tax return (SPT Masa PPh)")
    SPT_MASA_PPN = "spt_masa_ppn", _("Monthly VAT return (SPT Masa PPN)")
    KSWP = "kswp", _("Tax compliance status (KSWP)")
    OTHER = "other", _("Other")


# Identity fields whose change goes back through verification (issue 3 item 5).
VERIFIED_IDENTITY_FIELDS: tuple[str, ...] = ("name", "npwp", "nib", "email")
