"""Resumable uploads of sealed bids: the tus core (security-reference §4.1; issue 5 item 3).

A PATCH locks the upload row (`select_for_update`), checks that the client's offset is the
stored one, writes the bytes at that offset in the staging file, checks the chunk's SHA-256
(`Upload-Checksum`, required), flushes and fsyncs, and only then advances the offset in the
same transaction: the stored offset never runs ahead of the bytes on disk. A full disk
(ENOSPC, EDQUOT) answers 507 and keeps the upload, so the client retries the same chunk
later; nothing is ever deleted on a write error. Bytes are accepted only inside the upload
window by the server's clock (architecture §4), so a PATCH after the deadline is refused.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import hmac
import os
import re
import tempfile
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openlpse.bids.models import EnvelopeKeys, Upload
from openlpse.bids.permissions_submissions import bidder_for, own_vendor_ids
from openlpse.core import audit, clock, errors
from openlpse.core.storage import DurableFileSystemStorage, display_name
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.enums import Envelope, StageAction, TenderStatus
from openlpse.tenders.models import Tender, TenderStage
from openlpse.tenders.sealing import envelopes_of
from openlpse.tenders.stages import stages_with
from openlpse.tenders.windows import assert_open, window_for

BLOCK = 1024 * 1024
# One PATCH carries at most this much; it is received (spooled to disk past 1 MiB) and its
# checksum verified before any lock is taken, so a slow connection never holds the upload's
# row lock, or SQLite's single write lock, while its bytes trickle in.
MAX_PATCH = 64 * 1024 * 1024
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024  # 1 GiB per sealed file
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def max_bytes() -> int:
    return int(getattr(settings, "OPENLPSE_BID_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- errors ----------------------------------------------------------------------------------


class OffsetMismatch(errors.Conflict):
    code = "offset_mismatch"
    default_message = gettext_lazy(
        "The upload's offset does not match the bytes the server has. Ask the server for the "
        "current offset (HEAD) and continue from there."
    )


class ChecksumMismatch(errors.DomainError):
    code = "checksum_mismatch"
    http_status = 460  # tus checksum extension
    default_message = gettext_lazy(
        "The chunk arrived damaged (its SHA-256 does not match Upload-Checksum); nothing of it "
        "was kept. Send the same chunk again."
    )


class UploadClosed(errors.Conflict):
    code = "upload_closed"
    default_message = gettext_lazy(
        "This upload no longer accepts bytes (it was finalized or cancelled). Start a new "
        "upload if you want to replace your bid."
    )


class UploadDeadlinePassed(tender_errors.StageEnded):
    """A bytes-in-flight upload that did not finalize before the deadline (LT 31(2))."""

    code = "upload_deadline_passed"


def upload_action(envelope: str) -> StageAction:
    """The stage action of an envelope's upload window: the qualification envelope of a
    prakualifikasi uses the qualification-submission stage, every bid envelope the bid
    upload stage."""
    if envelope == Envelope.QUALIFICATION:
        return StageAction.SUBMIT_QUALIFICATION
    return StageAction.SUBMIT_BID


def upload_deadline(tender: Tender, envelope: str) -> Any:
    window = window_for(tender, upload_action(envelope))
    return window[1] if window else None


def deadline_refusal(tender: Tender, ended_at: Any) -> UploadDeadlinePassed:
    return UploadDeadlinePassed(
        _(
            "The upload deadline was %(end)s by the server's clock. This upload was not "
            "finalized before it, so it was not accepted. A bid counts only when its upload "
            "is finished before the deadline: start uploading early, not in the last minutes."
        )
        % {"end": local_datetime_label(ended_at, tender.lpse.time_zone)},
        ended_at=ended_at,
    )


def assert_upload_window(tender: Tender, envelope: str, *, at: Any = None) -> TenderStage:
    """The open upload stage by the database clock (or `at`, read from it by the caller),
    or a refusal naming the window."""
    try:
        return assert_open(
            tender, upload_action(envelope), what=_("Uploading a bid"), at=at or clock.db_now()
        )
    except tender_errors.StageEnded as ended:
        raise deadline_refusal(tender, ended.ended_at) from None


# --- staging files ---------------------------------------------------------------------------


def _storage() -> Any:
    return storages["default"]


def staging_path(upload: Upload) -> str:
    storage = _storage()
    if not isinstance(storage, DurableFileSystemStorage):  # pragma: no cover - configuration
        raise RuntimeError("sealed-bid uploads need DurableFileSystemStorage")
    return os.path.join(storage.staging_dir(), upload.staging_name)


def storage_full(exc: BaseException | None = None) -> errors.StorageFull:
    return errors.StorageFull(
        _(
            "The server's storage is full right now. Your upload was kept up to the last chunk "
            "the server confirmed; please try again in a few minutes and it continues from there."
        )
    )


def _is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


# --- create ----------------------------------------------------------------------------------


def _envelope_keys(tender: Tender, envelope: str) -> EnvelopeKeys:
    keys = EnvelopeKeys.objects.filter(tender=tender, envelope=envelope).first()
    if keys is None or not keys.system_public:
        raise errors.Conflict(
            _(
                "The sealing keys of this envelope are not ready, so no bid can be sealed for "
                "it yet. Contact the Pokja or the LPSE."
            ),
            code="keys_not_ready",
        )
    return keys


def upload_create(
    *,
    actor: Any,
    tender: Tender,
    envelope: str,
    length: int,
    file_name: str,
    declared_sha256: str,
    upload_id: uuid.UUID | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Upload:
    """Start a tus upload of a sealed file for `actor`'s vendor. With `upload_id` (the
    client's UUID) a repeated create returns the same upload."""
    bidder = bidder_for(actor, tender)
    if envelope not in envelopes_of(tender):
        raise errors.field_error(
            "envelope",
            _("Tender %(code)s has no envelope “%(envelope)s”. Use one of: %(known)s.")
            % {"code": tender.code, "envelope": envelope, "known": ", ".join(envelopes_of(tender))},
            code="unknown_envelope",
        )
    declared_sha256 = (declared_sha256 or "").strip().lower()
    if not SHA256_HEX.match(declared_sha256):
        raise errors.field_error(
            "sha256",
            _("Declare the sealed file's SHA-256 as 64 hexadecimal characters."),
            code="sha256_required",
        )
    if not isinstance(length, int) or length <= 0:
        raise errors.field_error(
            "length", _("Declare the sealed file's size in bytes (Upload-Length)."), code="length"
        )
    if length > max_bytes():
        raise errors.PayloadTooLarge(
            _("A sealed bid may be at most %(mb)s MB. Make the file smaller and seal it again.")
            % {"mb": max_bytes() // (1024 * 1024)}
        )
    name = display_name(file_name or "bid")
    with transaction.atomic():
        if upload_id is not None:
            existing = Upload.objects.filter(pk=upload_id).first()
            if existing is not None:
                same = (
                    existing.vendor_id == bidder.vendor.pk
                    and existing.tender_id == tender.pk
                    and existing.envelope == envelope
                    and existing.length == length
                    and existing.declared_sha256 == declared_sha256
                )
                if not same:
                    raise errors.Conflict(
                        _("This upload id is already in use. Start the upload with a new id."),
                        code="upload_id_in_use",
                    )
                return existing
        _envelope_keys(tender, envelope)
        assert_upload_window(tender, envelope)
        now = clock.now()
        upload = Upload(
            id=upload_id or uuid.uuid4(),
            tender=tender,
            envelope=envelope,
            vendor=bidder.vendor,
            user=actor,
            file_name=name,
            length=length,
            declared_sha256=declared_sha256,
            created_at=now,
            updated_at=now,
            ip=ip or None,
            user_agent=(user_agent or "")[:300],
        )
        upload.staging_name = f"tus-{upload.id.hex}.part"
        path = staging_path(upload)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        except FileExistsError:
            pass
        except OSError as exc:
            if _is_disk_full(exc):
                raise storage_full(exc) from exc
            raise
        upload.save(force_insert=True)
        audit.record(
            actor=actor,
            action="bid.upload_start",
            obj=upload,
            changes={
                "tender": tender.code,
                "envelope": envelope,
                "vendor": bidder.vendor.pk,
                "length": length,
                "sha256": declared_sha256,
            },
            lpse_id=tender.lpse_id,
        )
    return upload


# --- access ----------------------------------------------------------------------------------


def access_upload(*, user: Any, upload_id: Any, lock: bool = False) -> Upload:
    """The upload of one of `user`'s vendors, or NotFound (also for another vendor's)."""
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        raise errors.NotFound() from None
    rows = Upload.objects.select_related("tender", "tender__lpse")
    if lock:
        rows = rows.select_for_update(of=("self",))
    upload = rows.filter(pk=key, vendor_id__in=own_vendor_ids(user)).first()
    if upload is None:
        raise errors.NotFound()
    return upload


# --- append ----------------------------------------------------------------------------------
#
# A PATCH is the hot path of a deadline surge, so it does only what its rules need (bench/
# README.md): the authenticated user, the upload row locked and owned by that user, still
# receiving, the upload window open by the database clock, then checksum, write, fsync and the
# offset advanced in the same transaction. Who may bid (participation, vendor role, official
# roles, keys) was decided at create and is decided again at finalize, which alone turns bytes
# into a bid: a PATCH only adds bytes to the staging file its own user started.


def _lock_own_upload(*, user: Any, upload_id: Any) -> Upload:
    """The upload row, locked (select_for_update), if `user` started it; NotFound otherwise
    (another person's upload looks missing). One query."""
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        raise errors.NotFound() from None
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        raise errors.NotFound()
    upload = (
        Upload.objects.select_for_update(of=("self",))
        .select_related("tender")
        .filter(pk=key, user_id=user.pk)
        .order_by()
        .first()
    )
    if upload is None:
        raise errors.NotFound()
    return upload


def _assert_still_open(upload: Upload) -> None:
    """The upload window is open now by the database clock: one query for the ends of the
    stages allowing the upload (schedule changes are seen at once), plus the clock read on
    PostgreSQL. A refusal is explained by `assert_upload_window` (its full sentence)."""
    tender = upload.tender
    at = clock.db_now()
    if tender.status == TenderStatus.ANNOUNCED:
        codes = {d.code for d in stages_with(tender.method, upload_action(upload.envelope))}
        windows = (
            TenderStage.objects.filter(tender_id=tender.pk, code__in=codes)
            .order_by()
            .values_list("starts_at", "ends_at")
        )
        if any(starts <= at < ends for starts, ends in windows):
            return
    assert_upload_window(tender, upload.envelope, at=at)


def parse_checksum(header: str | None) -> bytes | None:
    """`Upload-Checksum: sha256 <base64>` → the 32-byte digest; ValidationError otherwise."""
    if header is None or not header.strip():
        return None
    algorithm, _sep, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise errors.ValidationError(
            _("Only the sha256 checksum is supported: send Upload-Checksum: sha256 <base64>."),
            code="checksum_algorithm",
        )
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 32:
        raise errors.ValidationError(
            _("Upload-Checksum must be “sha256 ” followed by the base64 of the 32-byte digest."),
            code="checksum_malformed",
        )
    return digest


def _blocks(chunk: bytes | IO[bytes], limit: int) -> Any:
    """The chunk's bytes in blocks; at most `limit` + 1 bytes are read (to notice excess)."""
    if isinstance(chunk, bytes | bytearray | memoryview):
        data = bytes(chunk)
        for start in range(0, min(len(data), limit + 1), BLOCK):
            yield data[start : min(start + BLOCK, limit + 1)]
        return
    remaining = limit + 1
    while remaining > 0:
        block = chunk.read(min(BLOCK, remaining))
        if not block:
            return
        remaining -= len(block)
        yield block


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def upload_append(
    *,
    actor: Any,
    upload_id: Any,
    offset: int,
    chunk: bytes | IO[bytes],
    checksum_sha256: str | bytes | None,
) -> Upload:
    """Append a chunk at `offset` (which must be the stored offset). `checksum_sha256` is the
    chunk's SHA-256 (the raw digest, or the tus header value "sha256 <base64>"); required."""
    if isinstance(checksum_sha256, str):
        digest = parse_checksum(checksum_sha256)
    else:
        digest = checksum_sha256
    if digest is None:
        raise errors.ValidationError(
            _("Send the chunk's SHA-256 in the header Upload-Checksum: sha256 <base64>."),
            code="checksum_required",
        )
    # Who may send bytes is known before any is read: a stranger's PATCH is refused before the
    # server spools its body (checked again under the lock below).
    if not _owns_upload(actor, upload_id):
        raise errors.NotFound()
    spool, received = _receive(chunk, digest)
    try:
        with transaction.atomic():
            upload = _lock_own_upload(user=actor, upload_id=upload_id)
            if upload.status != "receiving":
                raise UploadClosed()
            # Architecture §4, LT 31(2): no bytes after the deadline, by the database clock.
            _assert_still_open(upload)
            if offset != upload.offset:
                raise OffsetMismatch()
            if received > upload.length - upload.offset:
                raise _past_length(upload)
            _write_at_offset(upload, spool)
            upload.offset += received
            upload.updated_at = clock.now()
            Upload.objects.filter(pk=upload.pk).update(
                offset=upload.offset, updated_at=upload.updated_at
            )
    finally:
        spool.close()
    return upload


def _owns_upload(actor: Any, upload_id: Any) -> bool:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        return False
    return Upload.objects.filter(pk=key, user_id=actor.pk).exists()


def _past_length(upload: Upload) -> errors.PayloadTooLarge:
    return errors.PayloadTooLarge(
        _(
            "The chunk goes past the declared length of the upload (%(length)s bytes). "
            "Send only the remaining bytes."
        )
        % {"length": upload.length},
        code="past_length",
    )


def _receive(chunk: bytes | IO[bytes], digest: bytes) -> tuple[IO[bytes], int]:
    """Read the PATCH body (at most MAX_PATCH bytes) into a spool and check its SHA-256,
    before any lock (security-reference §4.1: a mismatch writes nothing)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed by the caller)
        max_size=BLOCK, dir=_storage().staging_dir()
    )
    hasher = hashlib.sha256()
    received = 0
    try:
        for block in _blocks(chunk, MAX_PATCH):
            received += len(block)
            if received > MAX_PATCH:
                raise errors.PayloadTooLarge(
                    _(
                        "One chunk may carry at most %(mib)d MiB. Send the file in smaller "
                        "chunks (the upload resumes where it stopped)."
                    )
                    % {"mib": MAX_PATCH // (1024 * 1024)},
                    code="chunk_too_large",
                )
            hasher.update(block)
            spool.write(block)
        if not hmac_equal(hasher.digest(), digest):
            raise ChecksumMismatch()
    except OSError as exc:
        spool.close()
        if _is_disk_full(exc):
            raise storage_full(exc) from exc
        raise
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, received


def _write_at_offset(upload: Upload, spool: IO[bytes]) -> None:
    """Write the received bytes at the upload's offset and fsync them; on any failure the file
    is cut back to the stored offset, so nothing of a refused chunk is kept."""
    path = staging_path(upload)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as exc:
        if _is_disk_full(exc):
            raise storage_full(exc) from exc
        raise
    try:
        try:
            os.lseek(fd, upload.offset, os.SEEK_SET)
            while block := spool.read(BLOCK):
                _write_all(fd, block)
            os.fsync(fd)  # durable before the offset moves (security-reference §4.1)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, upload.offset)
            if isinstance(exc, OSError) and _is_disk_full(exc):
                raise storage_full(exc) from exc
            raise
    finally:
        os.close(fd)


def hmac_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


# --- terminate -------------------------------------------------------------------------------


def upload_terminate(*, actor: Any, upload_id: Any) -> None:
    """Cancel an upload that has not been finalized (tus termination); its bytes go."""
    with transaction.atomic():
        upload = access_upload(user=actor, upload_id=upload_id, lock=True)
        if upload.status != "receiving":
            raise UploadClosed(
                _(
                    "This upload was already finalized or cancelled; a finalized bid is "
                    "withdrawn with the withdraw action, not by cancelling its upload."
                )
            )
        upload.status = "terminated"
        upload.updated_at = clock.now()
        upload.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="bid.upload_cancel",
            obj=upload,
            changes={"offset": upload.offset, "length": upload.length},
            lpse_id=upload.tender.lpse_id,
        )
        path = staging_path(upload)
        transaction.on_commit(lambda: _unlink_quietly(path))


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
