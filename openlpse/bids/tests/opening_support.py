"""Set-up for the opening-ceremony and unopenable-bid tests (helper E). Rows are written
directly; the keys come from helper D's factories (the chair's ceremony in Python, the key
service in-process with the frozen clock)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from openlpse.bids import ceremony, receipts
from openlpse.bids import selectors_opening as selectors
from openlpse.bids.models import Submission, Upload
from openlpse.bids.tests.factories import KeyMaterial, make_envelope_keys, sealed_bid
from openlpse.core import clock
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import Participant, Tender
from openlpse.tenders.tests.factories import announced_tender
from openlpse.vendors.tests.factories import make_verified_vendor

MARK = b"OPENLPSE-DEMO-PLAINTEXT"


def pdf_bytes(label: str, size: int = 5000) -> bytes:
    body = b"%PDF-1.4\n% " + MARK + b" " + label.encode() + b"\n"
    filler = (b"0123456789abcdef" * (size // 16 + 1))[: max(0, size - len(body) - 7)]
    return body + filler + b"\n%%EOF\n"


@dataclass
class World:
    tender: Tender
    material: KeyMaterial
    opening_at: dict[str, dt.datetime]
    vendors: list[Any] = field(default_factory=list)
    plaintexts: dict[int, bytes] = field(default_factory=dict)  # submission id -> plain
    submissions: list[Submission] = field(default_factory=list)

    @property
    def pokja(self) -> list[Any]:
        return list(self.tender.committee.pokja)  # type: ignore[attr-defined]

    def share(self, envelope: str, user: Any) -> bytes:
        return self.material[envelope].shares[user.pk]

    def unlocked_share(self, envelope: str, user: Any) -> bytes:
        """What the member's browser sends: the share opened with the personal key."""
        from openlpse.bids.models import KeyShare

        row = KeyShare.objects.get(keys=self.material[envelope].keys, member=user)
        context = self.material[envelope].contexts[user.pk]
        return ceremony.open_share(row.sealed, self.material.member_keys[user.pk], context)

    def after(self, envelope: str, seconds: float = 1) -> Any:
        return clock.frozen(self.opening_at[envelope] + dt.timedelta(seconds=seconds))


def make_world(
    *, method: str = TenderMethod.PASCA_1_FILE, bidders: int = 2, seal: bool = True
) -> World:
    tender = announced_tender(method=method, open_stage="upload_penawaran")
    material = make_envelope_keys(tender)
    opening_at = {env: selectors.opening_time(tender, env) for env in material.envelopes}
    world = World(tender=tender, material=material, opening_at=opening_at)  # type: ignore[arg-type]
    for index in range(bidders):
        vendor = make_verified_vendor(lpse=tender.lpse)
        Participant.objects.create(
            tender=tender, vendor=vendor, joined_by=vendor.created_by, joined_at=timezone.now()
        )
        world.vendors.append(vendor)
        if seal:
            for env in material.envelopes:
                if env == "qualification":
                    continue
                plain = pdf_bytes(f"{env} bid {index}")
                sub = add_submission(tender, env, vendor, sealed_bid(tender, env, vendor, plain))
                world.plaintexts[sub.pk] = plain
                world.submissions.append(sub)
    return world


def add_submission(
    tender: Tender, envelope: str, vendor: Any, sealed: bytes, *, stored: bytes | None = None
) -> Submission:
    """A finalized submission of `sealed` (its receipt names sealed's SHA-256); the storage
    holds `stored` when given (a storage fault), else the same bytes."""
    sha = hashlib.sha256(sealed).hexdigest()
    name = default_storage.save(f"bids/{tender.code}/{sha}", ContentFile(stored or sealed))
    participant = Participant.objects.get(tender=tender, vendor=vendor)
    now = timezone.now()
    upload = Upload.objects.create(
        tender=tender,
        envelope=envelope,
        vendor=vendor,
        user=vendor.created_by,
        file_name="penawaran.pdf.lpsebid",
        length=len(sealed),
        offset=len(sealed),
        declared_sha256=sha,
        staging_name="",
        status="finalized",
        created_at=now,
        updated_at=now,
    )
    number = f"R-{tender.code}-{envelope}-{vendor.pk}-{upload.pk.hex[:6]}"
    fields = {
        "receipt_number": number,
        "tender": tender.code,
        "tender_name": tender.name,
        "lpse": tender.lpse.slug,
        "envelope": envelope,
        "vendor": str(vendor.pk),
        "vendor_name": vendor.name,
        "file_name": "penawaran.pdf.lpsebid",
        "size": len(sealed),
        "ciphertext_sha256": sha,
        "upload_id": str(upload.pk),
        "version": 1,
        "received_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "audit_seq": 1,
        "software_version": "test",
    }
    document = receipts.sign_receipt(fields)
    return Submission.objects.create(
        tender=tender,
        envelope=envelope,
        vendor=vendor,
        participant=participant,
        upload=upload,
        version=1,
        file_name="penawaran.pdf.lpsebid",
        size=len(sealed),
        sha256=sha,
        storage_name=name,
        received_at=now,
        receipt_number=number,
        receipt=document,
        receipt_signature=document["signature"],
        submitted_by=vendor.created_by,
    )


def read_storage(name: str) -> bytes:
    with default_storage.open(name, "rb") as stream:
        return bytes(stream.read())


def write_storage(name: str, data: bytes) -> None:
    path = default_storage.path(name)
    with open(path, "wb") as out:
        out.write(data)


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
