"""Test data of the public tender pages and API: rows written directly (set-up only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

from django.utils import timezone

from openlpse.core.models import StoredFile
from openlpse.tenders.enums import AddendumStatus, DocumentKind, TenderStatus
from openlpse.tenders.models import Addendum, ScheduleChange, Tender, TenderDocument
from openlpse.tenders.tests.factories import TenderFactory, assigned_package, lay_out_stages

_files = itertools.count(1)


def stored_file(content: bytes = b"%PDF-1.7 dokumen") -> StoredFile:
    n = next(_files)
    return StoredFile.objects.create(
        storage_key=f"test/public/{n}.pdf",
        original_name=f"dokumen-{n}.pdf",
        kind="tender_document",
        content_type="application/pdf",
        detected_type="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=timezone.now(),
    )


def document(
    tender: Tender,
    *,
    version: int = 1,
    kind: str = DocumentKind.DOKUMEN_PEMILIHAN,
    addendum: Addendum | None = None,
    content: bytes = b"%PDF-1.7 dokumen",
    superseded: bool = False,
) -> TenderDocument:
    return TenderDocument.objects.create(
        tender=tender,
        kind=kind,
        version=version,
        title=f"Dokumen Pemilihan v{version}",
        file=stored_file(content),
        addendum=addendum,
        uploaded_by=tender.created_by,
        uploaded_at=timezone.now(),
        published_at=None
        if addendum is not None and addendum.status != "published"
        else timezone.now(),
        superseded_at=timezone.now() if superseded else None,
    )


def addendum(
    tender: Tender, *, number: int = 1, status: str = AddendumStatus.PUBLISHED
) -> Addendum:
    return Addendum.objects.create(
        tender=tender,
        number=number,
        reason=f"Perubahan spesifikasi teknis nomor {number}.",
        changes_specifications=True,
        status=status,
        created_by=tender.created_by,
        created_at=timezone.now(),
        published_at=timezone.now() if status == AddendumStatus.PUBLISHED else None,
    )


def change_schedule(tender: Tender, *, codes: list[str], reason: str, hours: int = 2) -> int:
    """Move the given stages' ends later by `hours`, as one change operation (batch)."""
    batch = tender.schedule_change_count + 1
    for stage in tender.stages.filter(code__in=codes):
        new_end = stage.ends_at + dt.timedelta(hours=hours)
        ScheduleChange.objects.create(
            tender=tender,
            batch=batch,
            stage_code=stage.code,
            old_starts_at=stage.starts_at,
            old_ends_at=stage.ends_at,
            new_starts_at=stage.starts_at,
            new_ends_at=new_end,
            reason=reason,
            changed_by=tender.created_by,
            changed_at=timezone.now(),
        )
        stage.ends_at = new_end
        stage.change_count += 1
        stage.save(update_fields=["ends_at", "change_count"])
    tender.schedule_change_count = batch
    tender.save(update_fields=["schedule_change_count"])
    return batch


def draft_tender(**fields: object) -> Tender:
    tender = TenderFactory(package=assigned_package(), **fields)
    lay_out_stages(tender)
    return tender


def cancelled_tender(*, announced: bool = True, reason: str = "Anggaran dialihkan.") -> Tender:
    now = timezone.now()
    tender = TenderFactory(
        package=assigned_package(),
        status=TenderStatus.CANCELLED,
        announced_at=now - dt.timedelta(days=2) if announced else None,
        cancelled_at=now,
        cancel_reason=reason,
    )
    lay_out_stages(tender)
    return tender


def set_hps(tender: Tender, amount: str) -> None:
    package = tender.package
    package.hps_total = Decimal(amount)
    package.save(update_fields=["hps_total"])
