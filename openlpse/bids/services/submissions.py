"""Finalize, replace and withdraw sealed bids, with signed receipts, exactly once (issue 5
item 4; security-reference §4.1).

Finalize checks the received file (size, SHA-256, framing, and the header's binding to this
tender, envelope, bidder and the envelope's published keys: a competitor's sealed file is
refused here), makes it durable at a content-addressed path (fsync the file, rename, fsync the
directory), and only then commits the Submission in ONE transaction that reads the database
clock for the deadline (LT 31(2)). The receipt's fields are fixed inside that transaction; the
receipt is signed (Ed25519) only after the commit and stored, so a retried finalize returns the
same document and a crash before the commit issues no receipt.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.bids import sealedfile
from openlpse.bids.models import EnvelopeKeys, Submission, Upload
from openlpse.bids.permissions_submissions import bidder_for
from openlpse.bids.services.uploads import (
    UploadClosed,
    UploadDeadlinePassed,
    access_upload,
    assert_upload_window,
    staging_path,
    storage_full,
    upload_deadline,
)
from openlpse.core import audit, clock, errors
from openlpse.core.storage import _fsync_directory
from openlpse.tenders.models import Participant, Tender

logger = logging.getLogger("openlpse.bids")

BLOCK = 1024 * 1024


def software_version() -> str:
    try:
        from importlib.metadata import version

        return f"OpenLPSE {version('openlpse')}"
    except Exception:  # pragma: no cover - not installed as a package
        return "OpenLPSE"


def stored_name(tender: Tender, sha256: str) -> str:
    """The content-addressed storage name of a sealed file."""
    return f"bids/{tender.code}/{sha256}"


def _storage() -> Any:
    from django.core.files.storage import storages

    return storages["default"]


def _file_sha256(path: str) -> tuple[int, str]:
    hasher, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(BLOCK), b""):
            hasher.update(block)
            size += len(block)
    return size, hasher.hexdigest()


def _refuse(actor: Any, upload: Upload, error: errors.DomainError) -> errors.DomainError:
    """Record a refusal that matters (a damaged, foreign or late file) and return it to raise."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="bid.finalize_refused",
            obj=upload,
            changes={"code": error.code, "tender": upload.tender.code, "envelope": upload.envelope},
            lpse_id=upload.tender.lpse_id,
        )
    return error


def _check_file(actor: Any, upload: Upload, path: str, keys: EnvelopeKeys) -> None:
    """Size, SHA-256, framing and binding of the received file; refusals with exact codes."""
    size, digest = _file_sha256(path)
    if upload.offset != upload.length or size != upload.length:
        raise errors.Conflict(
            _(
                "The server has received %(got)s of the %(length)s bytes of this upload. Finish "
                "the upload (it continues where it stopped) and finalize again."
            )
            % {"got": min(size, upload.offset), "length": upload.length},
            code="size_mismatch",
        )
    if digest != upload.declared_sha256:
        raise _refuse(
            actor,
            upload,
            errors.Conflict(
                _(
                    "The SHA-256 of the received file (%(got)s) is not the one declared at the "
                    "start (%(declared)s): the file changed or was damaged on the way. Seal your "
                    "document again and upload the new sealed file."
                )
                % {"got": digest, "declared": upload.declared_sha256},
                code="hash_mismatch",
            ),
        )
    try:
        with open(path, "rb") as stream:
            header = sealedfile.check_framing(stream, size=size)
    except sealedfile.OpenError as failure:
        raise _refuse(
            actor,
            upload,
            errors.Conflict(
                _(
                    "The uploaded file is not a complete OpenLPSE sealed bid (%(cls)s: "
                    "%(detail)s). Seal your document again on the bid page or with the OpenLPSE "
                    "client and upload the sealed file."
                )
                % {"cls": failure.code, "detail": failure.detail},
                code=failure.code,
            ),
        ) from None
    expected = {
        "tender": upload.tender.code,
        "envelope": upload.envelope,
        "bidder": str(upload.vendor_id),
        "committee_kid": keys.committee_kid,
        "system_kid": keys.system_kid,
    }
    found = {
        "tender": header.tender,
        "envelope": header.envelope,
        "bidder": header.bidder,
        "committee_kid": header.committee_kid,
        "system_kid": header.system_kid,
    }
    if found != expected:
        wrong = ", ".join(sorted(k for k in expected if expected[k] != found[k]))
        raise _refuse(
            actor,
            upload,
            errors.Conflict(
                _(
                    "This sealed file was not sealed for this tender, envelope and company with "
                    "this tender's published keys (it differs in: %(wrong)s). Seal your own "
                    "document on this tender's bid page and upload that file."
                )
                % {"wrong": wrong},
                code=sealedfile.E_KEY_MISMATCH,
            ),
        )


def _make_durable(staging: str, target_path: str) -> None:
    """fsync the staged file, rename it to its content-addressed path, fsync the directory
    (security-reference §4.1: the file is durable before the database commit)."""
    directory = os.path.dirname(target_path)
    _storage()._make_directories(directory)
    fd = os.open(staging, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(staging, target_path)
    _fsync_directory(directory)


def _receipt_number(upload: Upload, received_at: Any) -> str:
    return f"BID-{received_at:%Y%m%d}-{upload.pk.hex[:12].upper()}"


def _iso_ms(value: Any) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{value.microsecond // 1000:03d}Z"
    )


def submission_finalize(*, actor: Any, upload_id: Any) -> Submission:
    """Finalize a complete upload into a Submission with its signed receipt. Exactly once: a
    retried (or concurrent) finalize of the same upload returns the same Submission."""
    upload = access_upload(user=actor, upload_id=upload_id)
    existing = Submission.objects.filter(upload=upload).first()
    if existing is not None:
        return _ensure_signed(existing)
    if upload.status != "receiving":
        raise UploadClosed()
    tender = upload.tender
    bidder = bidder_for(actor, tender)
    keys = EnvelopeKeys.objects.filter(tender=tender, envelope=upload.envelope).first()
    if keys is None:
        raise errors.Conflict(
            _("The sealing keys of this envelope are missing. Contact the Pokja or the LPSE."),
            code="keys_not_ready",
        )
    # Cheap early refusal (the binding check is in the transaction below).
    try:
        assert_upload_window(tender, upload.envelope)
    except UploadDeadlinePassed as late:
        raise _refuse(actor, upload, late) from None  # a late finalize is audited (KA 4)
    staging = staging_path(upload)
    target = stored_name(tender, upload.declared_sha256)
    target_path = _storage().path(target)
    if os.path.exists(staging):
        _check_file(actor, upload, staging, keys)
        try:
            _make_durable(staging, target_path)
        except FileNotFoundError:
            if not os.path.exists(target_path):  # pragma: no cover - vanished
                raise
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise storage_full(exc) from exc
            raise
    elif os.path.exists(target_path):
        # An earlier finalize moved the file but did not commit (or a concurrent one is
        # committing): check the moved file again.
        _check_file(actor, upload, target_path, keys)
    else:
        raise errors.Conflict(
            _("The bytes of this upload are missing on the server. Start a new upload."),
            code="upload_missing",
        )
    try:
        with transaction.atomic():
            locked = Upload.objects.select_for_update().get(pk=upload.pk)
            existing = Submission.objects.filter(upload=locked).first()
            if existing is None:
                existing = _commit(actor, locked, tender, bidder.participant, target)
    except UploadDeadlinePassed as late:  # the deadline passed by the database clock meanwhile
        raise _refuse(actor, upload, late) from None
    # Only after the commit: sign the fixed fields and store the document.
    return _ensure_signed(existing)


def _commit(
    actor: Any, upload: Upload, tender: Tender, participant: Participant, target: str
) -> Submission:
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    if upload.status != "receiving":
        raise UploadClosed()
    # LT 31(2), architecture §4: the deadline is decided by the database clock, here.
    received_at = clock.db_now()
    assert_upload_window(tender, upload.envelope, at=received_at)
    previous = (
        Submission.objects.select_for_update()
        .filter(tender=tender, envelope=upload.envelope, vendor_id=upload.vendor_id)
        .order_by("-version")
    )
    last = previous.first()
    version = (last.version + 1) if last else 1
    replaced = [s.pk for s in previous if s.is_effective]
    if replaced:
        Submission.objects.filter(pk__in=replaced).update(
            is_effective=False, replaced_at=received_at
        )
    number = _receipt_number(upload, received_at)
    fields: dict[str, Any] = {
        "receipt_number": number,
        "tender": tender.code,
        "tender_name": tender.name,
        "lpse": tender.lpse.slug,
        "envelope": upload.envelope,
        "vendor": str(upload.vendor_id),
        "vendor_name": participant.vendor.name,
        "file_name": upload.file_name,
        "size": upload.length,
        "ciphertext_sha256": upload.declared_sha256,
        "upload_id": str(upload.pk),
        "version": version,
        "received_at": _iso_ms(received_at),
        "audit_seq": 0,
        "software_version": software_version(),
    }
    submission = Submission.objects.create(
        tender=tender,
        envelope=upload.envelope,
        vendor_id=upload.vendor_id,
        participant=participant,
        upload=upload,
        version=version,
        file_name=upload.file_name,
        size=upload.length,
        sha256=upload.declared_sha256,
        storage_name=target,
        received_at=received_at,
        receipt_number=number,
        receipt={"receipt": fields},
        receipt_signature="",
        is_effective=True,
        submitted_by=actor,
        ip=upload.ip,
        user_agent=upload.user_agent,
    )
    upload.status = "finalized"
    upload.updated_at = received_at
    upload.save(update_fields=["status", "updated_at"])
    event = audit.record(
        actor=actor,
        action="bid.submit",
        obj=submission,
        changes={
            "tender": tender.code,
            "envelope": upload.envelope,
            "vendor": upload.vendor_id,
            "version": version,
            "replaces": replaced,
            "size": upload.length,
            "sha256": upload.declared_sha256,
            "receipt_number": number,
            "upload_id": str(upload.pk),
        },
        lpse_id=tender.lpse_id,
    )
    fields["audit_seq"] = event.seq
    submission.receipt = {"receipt": fields}
    Submission.objects.filter(pk=submission.pk).update(receipt=submission.receipt)
    return submission


def receipt_fields(submission: Submission) -> dict[str, Any]:
    return dict(submission.receipt.get("receipt") or {})


def _ensure_signed(submission: Submission) -> Submission:
    """Sign the fixed receipt fields after the commit, once; Ed25519 is deterministic, so a
    repeated signing (two concurrent retries) gives the same document."""
    if submission.receipt_signature:
        return submission
    from openlpse.bids.receipts import sign_receipt

    try:
        document = sign_receipt(receipt_fields(submission))
    except Exception as exc:
        logger.exception("receipt signing failed for submission %s", submission.pk)
        raise errors.DomainError(
            _(
                "Your bid was received and recorded (receipt number %(number)s), but the "
                "receipt could not be signed just now. Finalize again in a minute to get it."
            )
            % {"number": submission.receipt_number},
            code="receipt_pending",
        ) from exc
    Submission.objects.filter(pk=submission.pk, receipt_signature="").update(
        receipt=document, receipt_signature=document["signature"]
    )
    submission.refresh_from_db(fields=["receipt", "receipt_signature"])
    return submission


def receipt_document(submission: Submission) -> dict[str, Any]:
    """The signed receipt document (signing it first if a crash left it unsigned)."""
    return dict(_ensure_signed(submission).receipt)


def submission_withdraw(*, actor: Any, tender: Tender, envelope: str) -> Submission:
    """Withdraw the vendor's effective bid of `envelope` before the deadline; every version
    stays recorded (the audit chain)."""
    bidder = bidder_for(actor, tender)
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=bidder.participant.pk).first()
        at = clock.db_now()
        assert_upload_window(tender, envelope, at=at)
        submission = (
            Submission.objects.select_for_update()
            .filter(tender=tender, envelope=envelope, vendor=bidder.vendor, is_effective=True)
            .first()
        )
        if submission is None:
            raise errors.Conflict(
                _(
                    "Your company has no bid in force in this envelope, so there is nothing to withdraw."
                ),
                code="nothing_to_withdraw",
            )
        submission.is_effective = False
        submission.withdrawn_at = at
        submission.withdrawn_by = actor
        submission.save(update_fields=["is_effective", "withdrawn_at", "withdrawn_by"])
        audit.record(
            actor=actor,
            action="bid.withdraw",
            obj=submission,
            changes={
                "tender": tender.code,
                "envelope": envelope,
                "vendor": bidder.vendor.pk,
                "version": submission.version,
                "receipt_number": submission.receipt_number,
            },
            lpse_id=tender.lpse_id,
        )
    return submission


def deadline_of(tender: Tender, envelope: str) -> Any:
    return upload_deadline(tender, envelope)


def open_stored(submission: Submission) -> Any:
    """A binary reader of the stored sealed bytes."""
    return _storage().open(submission.storage_name, "rb")
