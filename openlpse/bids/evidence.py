"""The evidence bundle of a bid that cannot be opened (LT 27(2)-(3); security-reference §1.6).

A ZIP, whose own SHA-256 goes into the audit event of the case, holding:

- `ciphertext.lpsebid`: the stored ciphertext as it is now (absent when the file is missing);
- `hashes.json`: its SHA-256 now, the SHA-256 in the receipt and in the submission, and
  whether they match (a mismatch is a storage fault: restore the file and re-check it);
- `receipt.json` and `receipt.sig`: the signed receipt document and its Ed25519 signature;
- `diagnosis.json`: the error class, chunk, byte range, whether the header parsed, the key ids
  in the file and the tender's, the committee key rebuilt and matching, the canary result;
- `manifest.json`: tender, envelope, vendor, receipt number, software version, time, the
  Pokja members present (MFA), the closing checkpoint, and the SHA-256 of every other entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder

from openlpse.bids.models import OpeningSession, Submission
from openlpse.core.storage import DurableFileSystemStorage

CIPHERTEXT_NAME = "ciphertext.lpsebid"
ENTRY_NAMES = (
    CIPHERTEXT_NAME,
    "hashes.json",
    "receipt.json",
    "receipt.sig",
    "diagnosis.json",
    "manifest.json",
)
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, sort_keys=True).encode("utf-8")


def _file_sha(path: str) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _receipt_document(submission: Submission) -> dict[str, Any]:
    receipt = submission.receipt or {}
    if isinstance(receipt, dict) and receipt.get("format") == "openlpse-receipt":
        return receipt
    return {
        "format": "openlpse-receipt",
        "v": 1,
        "receipt": receipt,
        "signature": submission.receipt_signature,
    }


def _receipt_sha(document: dict[str, Any], submission: Submission) -> str:
    inner = document.get("receipt") or {}
    return str(inner.get("ciphertext_sha256") or submission.sha256)


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_bundle(
    *,
    submission: Submission,
    session: OpeningSession,
    diagnosis: dict[str, Any],
    sealed_path: str | None,
    members: list[dict[str, Any]],
    checkpoint: str,
    at: dt.datetime,
    software: str,
) -> str:
    """Write the bundle to a temporary file next to the storage and return its path (the
    caller stores it with file_store and removes the path)."""
    storage = default_storage
    directory = storage.staging_dir() if isinstance(storage, DurableFileSystemStorage) else None
    fd, path = tempfile.mkstemp(dir=directory, suffix=".zip")
    os.close(fd)
    document = _receipt_document(submission)
    stored_sha = _file_sha(sealed_path) if sealed_path else None
    receipt_sha = _receipt_sha(document, submission)
    hashes = {
        "stored_sha256_now": stored_sha,
        "receipt_sha256": receipt_sha,
        "submission_sha256": submission.sha256,
        "stored_matches_receipt": stored_sha == receipt_sha,
        "stored_present": sealed_path is not None,
    }
    entries: dict[str, bytes] = {
        "hashes.json": _json(hashes),
        "receipt.json": _json(document),
        "receipt.sig": (document.get("signature") or submission.receipt_signature or "").encode(),
        "diagnosis.json": _json(diagnosis),
    }
    tender = session.tender
    digests: dict[str, str | None] = {
        name: hashlib.sha256(data).hexdigest() for name, data in entries.items()
    }
    if sealed_path:
        digests[CIPHERTEXT_NAME] = stored_sha
    manifest: dict[str, Any] = {
        "format": "openlpse-unopenable-evidence",
        "v": 1,
        "tender": tender.code,
        "tender_name": tender.name,
        "lpse": getattr(tender.lpse, "slug", str(tender.lpse_id)),
        "envelope": submission.envelope,
        "vendor": str(submission.vendor_id),
        "vendor_name": getattr(submission.vendor, "name", ""),
        "receipt_number": submission.receipt_number,
        "file_name": submission.file_name,
        "received_at": submission.received_at,
        "session": session.pk,
        "software_version": software,
        "time": at,
        "members_present": members,
        "closing_checkpoint": checkpoint,
        "entries": digests,
    }
    with zipfile.ZipFile(path, "w", allowZip64=True) as archive:
        if sealed_path:
            info = zipfile.ZipInfo(CIPHERTEXT_NAME, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            with (
                open(sealed_path, "rb") as source,
                archive.open(info, "w", force_zip64=True) as out,
            ):
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    out.write(chunk)
        for name, data in entries.items():
            _write(archive, name, data)
        _write(archive, "manifest.json", _json(manifest))
    return path
