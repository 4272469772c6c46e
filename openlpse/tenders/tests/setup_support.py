"""Test data of the set-up part (rows written directly: set-up only).

- `monday_morning()`: 09:00 WIB of the Monday after the real today (role assignments of the
  factories start 30 days before the real today, so they are in force then).
- `draft(...)`: an assigned package and its draft tender made by the service, with the
  clock frozen by the caller.
- `upload_document(tender, kind)`: a TenderDocument row (helper 4 writes the real upload).
- `approve_all(tender)`: every committee member approves the current version.
- `ready(tender)`: approvals, document and invited vendor so that the chair may announce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from zoneinfo import ZoneInfo

from django.utils import timezone

from openlpse.core import clock
from openlpse.core.models import StoredFile
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import Tender, TenderApproval, TenderDocument
from openlpse.tenders.services import setup as services
from openlpse.tenders.tests.factories import assigned_package

WIB = ZoneInfo("Asia/Jakarta")
_files = itertools.count(1)


def monday_morning(weeks: int = 1) -> dt.datetime:
    today = timezone.now().astimezone(WIB).date()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    monday += dt.timedelta(weeks=weeks - 1)
    return dt.datetime.combine(monday, dt.time(9), tzinfo=WIB)


def draft(*, method: str = TenderMethod.PASCA_1_FILE, officials=None, committee=None) -> Tender:
    package = assigned_package(
        officials, committee, pengadaan_langsung=method == TenderMethod.PENGADAAN_LANGSUNG
    )
    committee = package.committee  # type: ignore[attr-defined]
    actor = (
        committee.pejabat_pengadaan
        if method == TenderMethod.PENGADAAN_LANGSUNG
        else committee.chair
    )
    tender = services.tender_create(actor=actor, package=package, method=method)
    tender.committee = committee  # type: ignore[attr-defined]
    tender.officials = package.officials  # type: ignore[attr-defined]
    tender.chair = actor  # type: ignore[attr-defined]
    return tender


def stored_file() -> StoredFile:
    n = next(_files)
    content = f"%PDF-1.7 dokumen {n}".encode()
    return StoredFile.objects.create(
        storage_key=f"test/setup/{n}.pdf",
        original_name=f"dokumen-{n}.pdf",
        kind="tender_document",
        content_type="application/pdf",
        detected_type="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=timezone.now(),
    )


def upload_document(tender: Tender, kind: str) -> TenderDocument:
    return TenderDocument.objects.create(
        tender=tender,
        kind=kind,
        version=1,
        title="Dokumen",
        file=stored_file(),
        uploaded_by=tender.created_by,
        uploaded_at=clock.now(),
    )


def approve_all(tender: Tender) -> None:
    tender.refresh_from_db()
    for user in perms.committee_users(tender.package):
        TenderApproval.objects.get_or_create(
            tender=tender,
            user=user,
            setup_version=tender.setup_version,
            defaults={"approved_at": clock.now()},
        )


def ready(tender: Tender, vendor=None) -> Tender:
    if tender.method == TenderMethod.PENGADAAN_LANGSUNG:
        assert vendor is not None
        Tender.objects.filter(pk=tender.pk).update(invited_vendor=vendor)
    upload_document(tender, services.required_document_kind(tender))
    approve_all(tender)
    # Issue 5: the announcement needs the committee keys (the chair's ceremony, in Python).
    from openlpse.bids.tests.factories import make_envelope_keys

    tender.key_material = make_envelope_keys(tender, with_system=False)  # type: ignore[attr-defined]
    tender.refresh_from_db()
    return tender
