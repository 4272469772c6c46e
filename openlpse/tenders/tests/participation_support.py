"""Shared set-up of the documents, addenda and participation tests."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.tenders.enums import DocumentKind
from openlpse.tenders.models import Tender, TenderDocument
from openlpse.tenders.tests.factories import announced_tender
from openlpse.vendors.tests.factories import (
    PDF_BYTES,
    grant_vendor_role,
    make_verified_vendor,
    pdf_upload,
    store_pdf,
)

PDF_V2 = PDF_BYTES.replace(b"%%EOF", b"% versi 2\n%%EOF")
PDF_V3 = PDF_BYTES.replace(b"%%EOF", b"% versi 3\n%%EOF")


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def upload(content: bytes = PDF_BYTES, name: str = "dokumen-pemilihan.pdf") -> Any:
    return pdf_upload(name, content)


def published_document(
    tender: Tender, kind: str = DocumentKind.DOKUMEN_PEMILIHAN, title: str = "Dokumen Pemilihan"
) -> TenderDocument:
    """Version 1, uploaded before the announcement (public once the tender is)."""
    chair = tender.created_by
    return TenderDocument.objects.create(
        tender=tender,
        kind=kind,
        version=1,
        title=title,
        file=store_pdf(owner=chair, name="dokumen.pdf", kind="tender_document"),
        uploaded_by=chair,
        uploaded_at=timezone.now(),
    )


def vendor_for(tender: Tender, **fields: Any) -> Any:
    return make_verified_vendor(lpse=tender.lpse, **fields)


def vendor_staff(vendor: Any) -> Any:
    user = UserFactory()
    grant_vendor_role(user, vendor, role=Role.VENDOR_STAFF)
    return user


def tender_with_document(**kwargs: Any) -> Tender:
    kwargs.setdefault("open_stage", "penjelasan")
    tender = announced_tender(**kwargs)
    published_document(tender)
    return tender
