"""No plaintext at rest (issue 5 security tests; security-reference §1.7 item 4): after a full
submission flow through the real services (tus create, append in pieces, finalize, a replaced
version), neither the storage folder nor the key service's folder nor any row of any table (read
through the ORM, and a `dumpdata` of the whole database) holds the planted marker
`OPENLPSE-DEMO-PLAINTEXT`, the `%PDF` or `PK\\x03\\x04` magic bytes of the bids, a committee
private scalar, a member's personal private scalar or a plain key share, in any usual encoding.
After the opening ceremony the same scan finds the opened plain files (the scan works)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from openlpse.bids import sealedfile
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import Submission
from openlpse.bids.services import opening
from openlpse.bids.services import submissions as submission_services
from openlpse.bids.services import uploads as upload_services
from openlpse.bids.tests.factories import sealed_bid
from openlpse.bids.tests.opening_support import make_world, pdf_bytes
from openlpse.tenders.models import Participant
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db(transaction=False)

MARKER = b"OPENLPSE-DEMO-PLAINTEXT"
PDF_MAGIC = b"%PDF"
ZIP_MAGIC = b"PK\x03\x04"


def _zip_bid() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("penawaran/harga.txt", MARKER + b" harga Rp 1.234.567.890\n")
        archive.writestr("penawaran/teknis.pdf", pdf_bytes("teknis in zip"))
    return buffer.getvalue()


def _encodings(secret: bytes) -> list[bytes]:
    """The ways a secret could be written: raw, hex, base64 and base64url (JWK `d`)."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def _submit(tender: Any, vendor: Any, sealed: bytes, *, pieces: int = 3) -> Submission:
    user = vendor.created_by
    upload = upload_services.upload_create(
        actor=user,
        tender=tender,
        envelope="single",
        length=len(sealed),
        file_name="penawaran.pdf.lpsebid",
        declared_sha256=hashlib.sha256(sealed).hexdigest(),
        upload_id=uuid.uuid4(),
        ip="10.0.0.9",
        user_agent="pytest at-rest",
    )
    step = -(-len(sealed) // pieces)
    for offset in range(0, len(sealed), step):
        piece = sealed[offset : offset + step]
        upload_services.upload_append(
            actor=user,
            upload_id=upload.pk,
            offset=offset,
            chunk=piece,
            checksum_sha256=hashlib.sha256(piece).digest(),
        )
    return submission_services.submission_finalize(actor=user, upload_id=upload.pk)


def _folders() -> list[Path]:
    folders = [Path(settings.MEDIA_ROOT)]
    url = str(getattr(settings, "OPENLPSE_KEYSERVICE_URL", ""))
    if url.startswith("local:"):
        folders.append(Path(url.removeprefix("local:")))
    return [f for f in folders if f.exists()]


SCANNED: dict[str, int] = {"files": 0, "tables": 0}


def _scan_files(needles: dict[str, bytes]) -> list[str]:
    hits = []
    for folder in _folders():
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root) / name
                data = path.read_bytes()
                SCANNED["files"] += 1
                hits += [f"{path}: {label}" for label, needle in needles.items() if needle in data]
    return hits


def _row_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode()
    return str(value).encode()


def _scan_tables(needles: dict[str, bytes]) -> list[str]:
    """Every row of every table (auto-created many-to-many tables too), raw values."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        blob = b"\x00".join(
            _row_bytes(v) for row in model._base_manager.values_list(*names) for v in row
        )
        SCANNED["tables"] += 1
        hits += [
            f"{model._meta.db_table}: {label}"
            for label, needle in needles.items()
            if needle in blob
        ]
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump, format="json", indent=None)
    text = dump.getvalue().encode()
    hits += [f"dumpdata: {label}" for label, needle in needles.items() if needle in text]
    return hits


@pytest.fixture
def own_storage(settings: Any, tmp_path: Path) -> Path:
    """A storage folder of this test only: the test settings share one per process, where
    other tests leave their (plain) files."""
    media = tmp_path / "media"
    (media / ".tmp").mkdir(parents=True)
    settings.MEDIA_ROOT = media
    settings.FILE_UPLOAD_TEMP_DIR = str(media / ".tmp")
    return media


def test_no_plaintext_bid_or_private_key_at_rest_before_the_opening(own_storage: Path) -> None:
    world = make_world(bidders=0, seal=False)
    tender = world.tender
    vendors = []
    for _ in range(2):
        vendor = make_verified_vendor(lpse=tender.lpse)
        Participant.objects.create(
            tender=tender,
            vendor=vendor,
            joined_by=vendor.created_by,
            joined_at=timezone.now(),
        )
        vendors.append(vendor)
    plain_pdf_v1 = pdf_bytes("version 1 of vendor A", size=300_000)
    plain_pdf_v2 = pdf_bytes("version 2 of vendor A", size=120_000)
    plain_zip = _zip_bid()
    assert plain_zip.startswith(ZIP_MAGIC) and MARKER in plain_zip
    first = _submit(tender, vendors[0], sealed_bid(tender, "single", vendors[0], plain_pdf_v1))
    second = _submit(tender, vendors[0], sealed_bid(tender, "single", vendors[0], plain_pdf_v2))
    third = _submit(tender, vendors[1], sealed_bid(tender, "single", vendors[1], plain_zip))
    first.refresh_from_db()
    assert (first.version, second.version, third.version) == (1, 2, 1)
    assert not first.is_effective and second.is_effective and third.is_effective

    env = world.material["single"]
    needles: dict[str, bytes] = {
        "marker": MARKER,
        "%PDF": PDF_MAGIC,
        "PK\\x03\\x04": ZIP_MAGIC,
        "bid plaintext slice": plain_pdf_v1[1000:1064],
    }
    secrets = {"committee scalar": sealedfile.scalar_of(env.committee_key)}
    for uid, key in world.material.member_keys.items():
        secrets[f"personal scalar of user {uid}"] = sealedfile.scalar_of(key)
    for uid, share in env.shares.items():
        secrets[f"plain share of user {uid}"] = bytes(share)
        secrets[f"share y-bytes of user {uid}"] = bytes(share)[:32]
    for label, secret in secrets.items():
        for index, encoded in enumerate(_encodings(secret)):
            needles[f"{label} (encoding {index})"] = encoded

    # The sealed files are there (the scan reads them), but nothing readable.
    stored = [own_storage / s.storage_name for s in (first, second, third)]
    assert all(p.exists() and p.read_bytes().startswith(sealedfile.MAGIC) for p in stored)
    assert _scan_files(needles) == []
    assert _scan_tables(needles) == []
    assert SCANNED["files"] >= 3 and SCANNED["tables"] > 50

    # Positive control: after the opening (2 of 3 shares) the plain files are in storage,
    # and the scan finds them; the committee key and the shares are still not at rest.
    members = world.pokja
    with world.after("single", seconds=5):
        session = opening.opening_start(actor=members[0], tender=tender, envelope="single")
        for member in members[:2]:
            session = opening.opening_offer_share(
                actor=member,
                session=session,
                share=world.unlocked_share("single", member),
                mfa_verified=True,
                ip="10.0.0.1",
            )
    assert session.status == SessionStatus.OPENED
    found = _scan_files({"marker": MARKER, "%PDF": PDF_MAGIC, "zip": ZIP_MAGIC})
    assert any(hit.endswith(": marker") for hit in found)
    assert any(hit.endswith(": zip") for hit in found)
    secret_needles = {k: v for k, v in needles.items() if "scalar" in k or "share" in k}
    assert _scan_files(secret_needles) == []
    assert _scan_tables(secret_needles) == []
