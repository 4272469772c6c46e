"""Demo vendors, made through the same services a real vendor and verifikator use:

- PT Karya Lestari Nusantara (vendor.admin, vendor.staff): registered online, verified by the
  Unit Registrasi dan Verifikasi of Lampung Timur; takes part at both LPSEs.
- CV Sinar Abadi Konstruksi (vendor.hitam): verified at Karangasem, then blacklisted at the
  request of Karangasem's PPK: its login is refused and it is on the public blacklist.
- PT Baru Mandiri Teknik (vendor.baru): registration sent to Karangasem, waiting for the
  verifikator.

Idempotent: a vendor whose NPWP exists is skipped.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.models.user import User
from openlpse.accounts.permissions import today
from openlpse.accounts.services.roles import role_grant
from openlpse.core.demo import data
from openlpse.organizations.models import Lpse
from openlpse.vendors.enums import REQUIRED_DOCUMENTS, DocumentType
from openlpse.vendors.models import Vendor, VerificationRequest
from openlpse.vendors.services import blacklist, documents, registration, signup, verification


def _pdf(title: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 760, title)
    page.drawString(72, 740, "Dokumen contoh untuk demo OpenLPSE (bukan dokumen asli).")
    page.save()
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", buffer.getvalue())


def _register(
    *, lpse: Lpse, username: str, admin_name: str, values: dict[str, Any]
) -> Vendor | None:
    if Vendor.objects.filter(npwp=values["npwp"]).exists():
        return None
    token = signup.signup_token(email=values["email"], lpse=lpse, language="id")
    vendor = registration.signup_confirm(
        token=token, username=username, password=data.DEMO_PASSWORD, admin_name=admin_name
    )
    user = vendor.created_by
    User.objects.filter(pk=user.pk).update(full_name=admin_name)
    registration.registration_save(
        actor=user, vendor=vendor, values={**values, "admin_name": admin_name}, complete=True
    )
    for kind in REQUIRED_DOCUMENTS:
        extra: dict[str, Any] = {}
        if kind == DocumentType.IZIN_USAHA:
            extra = {
                "number": values["nib"],
                "issuer": "Lembaga OSS (demo)",
                "valid_until": today() + dt.timedelta(days=3 * 365),
            }
        documents.document_upload(
            actor=user,
            vendor=vendor,
            kind=kind,
            upload=_pdf(f"{kind} {values['name']}"),
            **extra,
        )
    return Vendor.objects.get(pk=vendor.pk)


def _submit_and_approve(vendor: Vendor, verifikator: User) -> None:
    request: VerificationRequest = registration.registration_submit(
        actor=vendor.created_by, vendor=vendor
    )
    verification.verification_approve(
        actor=verifikator, request=request, note="Dokumen lengkap dan sesuai (demo)."
    )


def _identity(name: str, npwp: str, nib: str, email: str, city: str, nik: str) -> dict[str, Any]:
    return {
        "name": name,
        "business_form": "pt" if name.startswith("PT") else "cv",
        "business_scale": "kecil",
        "npwp": npwp,
        "nib": nib,
        "address": "Jl. Contoh No. 12",
        "province": "Lampung" if "Lampung" in city else "Bali",
        "city": city,
        "postal_code": "34111",
        "phone": "0812-0000-1234",
        "email": email,
        "website": "",
        "admin_nik": nik,
        "admin_position": "Direktur",
    }


def load(lpses: dict[str, Lpse]) -> None:
    lt, ka = lpses[data.LAMPUNG_TIMUR.slug], lpses[data.KARANGASEM.slug]
    lt_verifikator = User.objects.get(username=f"{data.LAMPUNG_TIMUR.prefix}.verifikator")
    ka_verifikator = User.objects.get(username=f"{data.KARANGASEM.prefix}.verifikator")

    main = _register(
        lpse=lt,
        username=data.VENDOR_ADMIN.username,
        admin_name=data.VENDOR_ADMIN.full_name,
        values=_identity(
            "PT Karya Lestari Nusantara",
            "012345678901000",
            "9120001000001",
            "kantor@karyalestari.example.co.id",
            "Kabupaten Lampung Timur",
            "1804011207800001",
        ),
    )
    if main is not None:
        _submit_and_approve(main, lt_verifikator)
        staff = User.objects.get(username=data.VENDOR_STAFF.username)
        kind, number = data.VENDOR_STAFF_LETTER
        role_grant(
            actor=main.created_by,
            user=staff,
            role=Role.VENDOR_STAFF,
            scope_ref=str(main.pk),
            starts_on=data.START,
            letter_kind=kind or LetterKind.OTHER,
            letter_number=number,
            letter_date=data.SK_DATE,
        )

    black = _register(
        lpse=ka,
        username="vendor.hitam",
        admin_name="Made Suarjana",
        values=_identity(
            "CV Sinar Abadi Konstruksi",
            "023456789012000",
            "9120001000002",
            "admin@sinarabadi.example.co.id",
            "Kabupaten Karangasem",
            "5107011505790002",
        ),
    )
    if black is not None:
        _submit_and_approve(black, ka_verifikator)
        ppk = User.objects.get(username=f"{data.KARANGASEM.prefix}.ppk")
        request = blacklist.blacklist_request_create(
            actor=ppk,
            vendor=black,
            lpse=ka,
            reason="Menyampaikan jaminan penawaran palsu pada tender rehabilitasi jalan 2026 (demo)",
            legal_basis="Perpres 16/2018 Pasal 78 ayat (3) huruf a; Peraturan LKPP 17/2018",
            starts_on=today(),
            ends_on=today() + dt.timedelta(days=365),
            evidence=[_pdf("Berita acara klarifikasi jaminan")],
        )
        blacklist.blacklist_request_decide(
            actor=ka_verifikator, request=request, approve=True, note="Terbukti (demo)."
        )

    # Two more bidders at Lampung Timur, so the sealed-bid demo tender has three bids.
    for username, admin_name, values in BIDDERS:
        bidder = _register(lpse=lt, username=username, admin_name=admin_name, values=values)
        if bidder is not None:
            _submit_and_approve(bidder, lt_verifikator)

    waiting = _register(
        lpse=ka,
        username="vendor.baru",
        admin_name="Ni Luh Ayu Lestari",
        values=_identity(
            "PT Baru Mandiri Teknik",
            "034567890123000",
            "9120001000003",
            "admin@barumandiri.example.co.id",
            "Kabupaten Karangasem",
            "5107014608900003",
        ),
    )
    if waiting is not None:
        registration.registration_submit(actor=waiting.created_by, vendor=waiting)


BIDDERS = [
    (
        "vendor.bumi",
        "Slamet Riyadi",
        _identity(
            "CV Bumi Way Kambas",
            "045678901234000",
            "9120001000004",
            "kantor@bumiwaykambas.example.co.id",
            "Kabupaten Lampung Timur",
            "1804012003810004",
        ),
    ),
    (
        "vendor.tirta",
        "Dewi Kartika Sari",
        _identity(
            "PT Tirta Sukadana Mandiri",
            "056789012345000",
            "9120001000005",
            "kantor@tirtasukadana.example.co.id",
            "Kabupaten Lampung Timur",
            "1804014109850005",
        ),
    ),
]

DEMO_VENDOR_USERNAMES = ("vendor.hitam", "vendor.baru", "vendor.bumi", "vendor.tirta")
