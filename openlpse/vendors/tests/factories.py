"""Vendor test data. Factories write rows directly (no service, no audit): set-up only.

Helpers:
- `VendorFactory()`: a draft vendor with complete identity, registered by a new user.
- `make_verified_vendor(lpse=...)`: a verified vendor with its admin user holding vendor_admin
  (returns the vendor; its admin is `vendor.created_by`).
- `make_verifikator(lpse)`: an LPSE staff member of the Unit Registrasi dan Verifikasi.
- `pdf_upload(name)`: a small valid PDF as an uploaded file.
- `VendorDocumentFactory(vendor=..., kind=...)`: a stored document version.
- `add_required_documents(vendor)`: every required document, current.
"""

import datetime as dt
import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.storage import file_store
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.models import LpseUnit
from openlpse.organizations.tests.factories import LpseFactory, LpseUnitFactory
from openlpse.vendors.enums import REQUIRED_DOCUMENTS, BusinessForm, DocumentType, VendorStatus
from openlpse.vendors.models import BlacklistEntry, Vendor, VendorDocument

_npwp_counter = itertools.count(1)
_nib_counter = itertools.count(1)


def next_npwp() -> str:
    """A fresh, well-formed 15-digit NPWP."""
    return f"01{next(_npwp_counter):07d}{'1'}{'301'}000"[:15]


def next_nib() -> str:
    return f"912{next(_nib_counter):010d}"


def next_nik(n: int = 0) -> str:
    """A well-formed NIK: region 180401, born 15-08-85, serial."""
    return f"1804011508850{(n % 999) + 1:03d}"


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "dokumen.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"PT Contoh Sejahtera {n}")
    business_form = BusinessForm.PT
    npwp = factory.LazyFunction(next_npwp)
    nib = factory.LazyFunction(next_nib)
    address = "Jl. Merdeka No. 1"
    province = "Lampung"
    city = "Kabupaten Lampung Timur"
    postal_code = "34111"
    phone = "0725-123456"
    email = factory.Sequence(lambda n: f"kantor{n}@contoh.co.id")
    website = ""
    admin_name = factory.Sequence(lambda n: f"Direktur Contoh {n}")
    admin_nik = factory.Sequence(next_nik)
    admin_position = "Direktur"
    status = VendorStatus.DRAFT
    registration_lpse = factory.SubFactory(LpseFactory)
    created_by = factory.SubFactory(UserFactory)
    email_confirmed_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


def grant_vendor_role(user, vendor, role=Role.VENDOR_ADMIN):
    return RoleAssignmentFactory(
        user=user,
        role=role,
        scope_kind=ScopeKind.VENDOR,
        lpse=None,
        scope_ref=str(vendor.pk),
        letter_kind=LetterKind.OTHER,
    )


def make_verified_vendor(*, lpse=None, verifier=None, **fields) -> Vendor:
    lpse = lpse or LpseFactory()
    vendor = VendorFactory(
        status=VendorStatus.VERIFIED,
        registration_lpse=lpse,
        verified_lpse=lpse,
        verified_at=timezone.now() - dt.timedelta(days=10),
        verified_by=verifier,
        submitted_at=timezone.now() - dt.timedelta(days=11),
        **fields,
    )
    grant_vendor_role(vendor.created_by, vendor)
    return vendor


def make_verifikator(lpse, **user_fields):
    unit = LpseUnit.objects.filter(
        lpse=lpse, kind=LpseUnitKind.REGISTRASI_VERIFIKASI
    ).first() or LpseUnitFactory(lpse=lpse, kind=LpseUnitKind.REGISTRASI_VERIFIKASI)
    user = UserFactory(**user_fields)
    RoleAssignmentFactory(
        user=user, role=Role.LPSE_STAFF, scope_kind=ScopeKind.LPSE, lpse=lpse, lpse_unit=unit
    )
    return user


def store_pdf(*, owner, name="dokumen.pdf", kind="vendor_document"):
    return file_store(upload=pdf_upload(name), kind=kind, owner=owner, purpose="test")


class VendorDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorDocument

    vendor = factory.SubFactory(VendorFactory)
    kind = DocumentType.KTP
    version = 1
    file = factory.LazyAttribute(lambda o: store_pdf(owner=o.vendor.created_by))
    number = factory.Sequence(lambda n: f"NO-{n}")
    uploaded_by = factory.LazyAttribute(lambda o: o.vendor.created_by)
    uploaded_at = factory.LazyFunction(timezone.now)
    is_current = True


def add_required_documents(vendor) -> list[VendorDocument]:
    docs = []
    for kind in REQUIRED_DOCUMENTS:
        extra = {}
        if kind == DocumentType.IZIN_USAHA:
            extra = {
                "issuer": "DPMPTSP Kabupaten Lampung Timur",
                "valid_until": timezone.now().date() + dt.timedelta(days=365),
            }
        docs.append(VendorDocumentFactory(vendor=vendor, kind=kind, **extra))
    return docs


class BlacklistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlacklistEntry

    vendor = None
    company_name = factory.Sequence(lambda n: f"CV Hitam {n}")
    npwp = factory.LazyFunction(next_npwp)
    nib = ""
    lpse = factory.SubFactory(LpseFactory)
    agency_name = "Dinas Pekerjaan Umum"
    reason = "Dokumen palsu pada tender 2026"
    legal_basis = "Peraturan LKPP 17/2018"
    starts_on = factory.LazyFunction(lambda: timezone.now().date() - dt.timedelta(days=1))
    ends_on = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=364))
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(timezone.now)


# --- verification queue and appointment slots (added by the verification part) -------------------


class VerificationRequestFactory(factory.django.DjangoModelFactory):
    """A pending registration request of a submitted vendor (kind/status as plain values)."""

    class Meta:
        model = "vendors.VerificationRequest"

    vendor = factory.SubFactory(VendorFactory, status=VendorStatus.SUBMITTED)
    kind = "registration"
    lpse = factory.LazyAttribute(lambda o: o.vendor.registration_lpse)
    status = "pending"
    data = factory.LazyFunction(dict)
    submitted_by = factory.LazyAttribute(lambda o: o.vendor.created_by)
    submitted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=5))


def make_submitted_registration(*, lpse, documents=True, submitted_at=None, **vendor_fields):
    """A vendor that submitted its registration to `lpse` (with every required document unless
    documents=False) and its pending request."""
    submitted_at = submitted_at or timezone.now() - dt.timedelta(hours=5)
    vendor = VendorFactory(
        status=VendorStatus.SUBMITTED,
        registration_lpse=lpse,
        submitted_at=submitted_at,
        **vendor_fields,
    )
    if documents:
        add_required_documents(vendor)
    return VerificationRequestFactory(vendor=vendor, lpse=lpse, submitted_at=submitted_at)


class VerificationSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "vendors.VerificationSlot"

    lpse = factory.SubFactory(LpseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    mode = "visit"
    capacity = 1
    place = "Ruang Verifikasi LPSE"
    created_by = factory.SubFactory(UserFactory)
