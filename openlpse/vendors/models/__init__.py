from openlpse.vendors.models.blacklist import BlacklistEntry, BlacklistRequest
from openlpse.vendors.models.data import (
    BusinessLicence,
    Deed,
    Equipment,
    Experience,
    Expert,
    Officer,
    Owner,
    TaxReport,
)
from openlpse.vendors.models.documents import VendorDocument
from openlpse.vendors.models.vendor import Vendor
from openlpse.vendors.models.verification import (
    DocumentReview,
    VerificationAppointment,
    VerificationRequest,
    VerificationSlot,
)

__all__ = [
    "BlacklistEntry",
    "BlacklistRequest",
    "BusinessLicence",
    "Deed",
    "DocumentReview",
    "Equipment",
    "Experience",
    "Expert",
    "Officer",
    "Owner",
    "TaxReport",
    "Vendor",
    "VendorDocument",
    "VerificationAppointment",
    "VerificationRequest",
    "VerificationSlot",
]
