"""Qualification submissions (issue 5 item 5): the vendor's data tabs (identity, business
licences, deeds, owners, officers, experts, equipment, experience, tax) frozen as canonical
JSON (RFC 8785) with its SHA-256, plus uploaded documents, for one tender.

Prakualifikasi: inside the qualification-submission stage (StageAction.SUBMIT_QUALIFICATION,
"Kirim Persyaratan Kualifikasi"); pascakualifikasi and pengadaan langsung: the qualification
form goes with the bid, inside the bid upload stage (StageAction.SUBMIT_BID). A new submission
is a new version and replaces the effective one until the window closes; the vendor may
withdraw before the close. Later edits of the vendor's data never change a submission: the
snapshot is stored, not re-read. Every version stays (audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import rfc8785
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from openlpse.bids.documents_kinds_qualification import QUALIFICATION_DOCUMENT
from openlpse.bids.models import QualificationSubmission
from openlpse.core import audit, clock, errors
from openlpse.core.models import StoredFile
from openlpse.core.storage import file_store
from openlpse.tenders.enums import PREQUALIFICATION_METHODS, StageAction
from openlpse.tenders.models import Participant, Tender
from openlpse.tenders.services.common import lock_tender
from openlpse.tenders.windows import assert_open
from openlpse.vendors.data_tabs import RECORD_TABS
from openlpse.vendors.models import Vendor

SNAPSHOT_FORMAT = "openlpse-qualification"
SNAPSHOT_VERSION = 1
MAX_DOCUMENTS = 20
# Refusals worth an audit event: outside the window, or not a participant.
AUDITED_REFUSALS = frozenset(
    {"stage_not_started", "stage_ended", "stage_closed", "tender_not_announced", "not_participant"}
)
IDENTITY_FIELDS = (
    "name",
    "business_form",
    "business_scale",
    "npwp",
    "nib",
    "address",
    "province",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "admin_name",
    "admin_position",
    "status",
    "verified_at",
)


def qualification_action(tender: Tender) -> StageAction:
    """The stage action whose window takes qualification submissions for this tender."""
    if tender.method in PREQUALIFICATION_METHODS:
        return StageAction.SUBMIT_QUALIFICATION
    return StageAction.SUBMIT_BID


# --- the snapshot ------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """A JSON value for RFC 8785: no floats (money and percentages as decimal strings)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def _field_value(obj: models.Model, name: str) -> Any:
    return _jsonable(getattr(obj, name))


def _file_entry(stored: StoredFile | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "id": stored.pk,
        "name": stored.original_name,
        "sha256": stored.sha256,
        "size": stored.size,
    }


def qualification_snapshot(*, vendor: Vendor, tender: Tender) -> dict[str, Any]:
    """The data that a submission freezes, read from the vendor's data tabs now."""
    identity = {name: _field_value(vendor, name) for name in IDENTITY_FIELDS}
    tabs: dict[str, list[dict[str, Any]]] = {}
    for tab in RECORD_TABS:
        assert tab.model is not None
        rows = (
            tab.model._default_manager.filter(vendor_id=vendor.pk)
            .select_related("file")
            .order_by(*tab.ordering)
        )
        tabs[tab.slug] = [
            {
                "id": row.pk,
                **{name: _field_value(row, name) for name in tab.fields},
                "file": _file_entry(row.file),
            }
            for row in rows
        ]
    return {
        "format": SNAPSHOT_FORMAT,
        "v": SNAPSHOT_VERSION,
        "tender": tender.code,
        "vendor": str(vendor.pk),
        "identity": identity,
        "tabs": tabs,
    }


def canonical(snapshot: dict[str, Any]) -> bytes:
    return rfc8785.dumps(snapshot)


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


# --- who may submit ------------------------------------------------------------------------------


def acting_vendor(actor: Any) -> Vendor:
    """The vendor the actor acts for (administrator or staff); anyone else: NotFound."""
    from openlpse.tenders.permissions_documents import acting_vendor_id, holds_official_role

    if holds_official_role(actor):
        raise errors.NotFound()
    vendor_id = acting_vendor_id(actor)
    vendor = Vendor.objects.filter(pk=vendor_id).first() if vendor_id else None
    if vendor is None:
        raise errors.NotFound()
    return vendor


def _participant(tender: Tender, vendor: Vendor) -> Participant:
    participant = Participant.objects.filter(tender=tender, vendor=vendor).first()
    if participant is None:
        raise errors.PermissionDenied(
            _(
                "Your company has not joined tender %(code)s. Join the tender first, then send "
                "your qualification data."
            )
            % {"code": tender.code},
            code="not_participant",
        )
    return participant


def _assert_window(tender: Tender) -> None:
    # LT 27 / the stage templates: submissions only inside their stage, by the server clock.
    assert_open(
        tender, qualification_action(tender), what=_("Sending qualification data"), at=clock.now()
    )


def _refusal(actor: Any, tender: Tender, vendor: Vendor, action: str, error: Exception) -> None:
    """Record a refusal that matters (outside the window, not a participant) in its own
    transaction, which commits although the request is refused."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=f"bid.qualification.{action}_refused",
            obj=tender,
            changes={
                "code": getattr(error, "code", type(error).__name__),
                "vendor": vendor.pk,
            },
            lpse_id=tender.lpse_id,
        )


def effective_qualification(*, tender: Tender, vendor: Vendor) -> QualificationSubmission | None:
    return QualificationSubmission.objects.filter(
        tender=tender, vendor=vendor, is_effective=True
    ).first()


# --- services ----------------------------------------------------------------------------------


def qualification_submit(
    *,
    actor: Any,
    tender: Tender,
    documents: Sequence[Any] = (),
    keep_document_ids: Iterable[int] = (),
) -> QualificationSubmission:
    """Freeze the vendor's data for `tender` as a new version with `documents` (uploads) and,
    optionally, documents of the effective version kept (`keep_document_ids`). The new
    version becomes the effective one."""
    vendor = acting_vendor(actor)
    keep = {int(i) for i in keep_document_ids}
    if len(documents) + len(keep) > MAX_DOCUMENTS:
        raise errors.ValidationError(
            _("A qualification submission holds at most %(n)s documents. Combine some into a ZIP.")
            % {"n": MAX_DOCUMENTS},
            code="too_many_documents",
        )
    try:
        # Checked first without a lock, so that nothing is stored for a refused request; the
        # documents are then stored (durable, each in its own transaction) before the tender
        # row is locked, so a large upload never holds that lock.
        _participant(tender, vendor)
        _assert_window(tender)
        stored = [
            file_store(
                upload=upload,
                kind=QUALIFICATION_DOCUMENT,
                owner=actor,
                purpose=f"qualification {tender.code} vendor {vendor.pk}",
                lpse=tender.lpse,
            )
            for upload in documents
        ]
        with transaction.atomic():
            tender = lock_tender(tender)
            participant = _participant(tender, vendor)
            _assert_window(tender)  # again, by the clock of this transaction
            previous = (
                QualificationSubmission.objects.select_for_update()
                .filter(tender=tender, vendor=vendor, is_effective=True)
                .first()
            )
            kept: list[StoredFile] = []
            if keep:
                if previous is None:
                    raise errors.NotFound()
                kept = list(previous.documents.filter(pk__in=keep))
                if len(kept) != len(keep):
                    raise errors.NotFound()
            snapshot = qualification_snapshot(vendor=vendor, tender=tender)
            digest = snapshot_sha256(snapshot)
            now = clock.now()
            if previous is not None:
                previous.is_effective = False
                previous.save(update_fields=["is_effective"])
            last = QualificationSubmission.objects.filter(tender=tender, vendor=vendor).aggregate(
                n=Max("version")
            )["n"]
            submission = QualificationSubmission.objects.create(
                tender=tender,
                vendor=vendor,
                participant=participant,
                version=(last or 0) + 1,
                snapshot=snapshot,
                snapshot_sha256=digest,
                submitted_by=actor,
                submitted_at=now,
                is_effective=True,
            )
            submission.documents.set([*kept, *stored])
            audit.record(
                actor=actor,
                action="bid.qualification.submit",
                obj=submission,
                changes={
                    "tender": tender.code,
                    "vendor": vendor.pk,
                    "version": submission.version,
                    "snapshot_sha256": digest,
                    "documents": sorted(f.sha256 for f in [*kept, *stored]),
                    "replaces": previous.version if previous is not None else None,
                },
                lpse_id=tender.lpse_id,
            )
    except errors.DomainError as error:
        if error.code in AUDITED_REFUSALS:
            _refusal(actor, tender, vendor, "submit", error)
        raise
    except IntegrityError as exc:  # a concurrent submission of the same vendor won
        raise errors.Conflict(
            _(
                "Another qualification submission of your company was saved at the same time. "
                "Reload the page and check the versions."
            ),
            code="qualification_conflict",
        ) from exc
    return submission


def qualification_withdraw(*, actor: Any, tender: Tender) -> QualificationSubmission:
    """Withdraw the effective submission before the window closes; the vendor then has
    none (it may submit again while the window is open)."""
    vendor = acting_vendor(actor)
    try:
        with transaction.atomic():
            tender = lock_tender(tender)
            _participant(tender, vendor)
            current = (
                QualificationSubmission.objects.select_for_update()
                .filter(tender=tender, vendor=vendor, is_effective=True)
                .first()
            )
            if current is None:
                raise errors.Conflict(
                    _("Your company has no qualification submission for this tender to withdraw."),
                    code="nothing_to_withdraw",
                )
            _assert_window(tender)
            current.is_effective = False
            current.withdrawn_at = clock.now()
            current.save(update_fields=["is_effective", "withdrawn_at"])
            audit.record(
                actor=actor,
                action="bid.qualification.withdraw",
                obj=current,
                changes={
                    "tender": tender.code,
                    "vendor": vendor.pk,
                    "version": current.version,
                    "snapshot_sha256": current.snapshot_sha256,
                },
                lpse_id=tender.lpse_id,
            )
    except errors.DomainError as error:
        if error.code in AUDITED_REFUSALS:
            _refusal(actor, tender, vendor, "withdraw", error)
        raise
    return current
