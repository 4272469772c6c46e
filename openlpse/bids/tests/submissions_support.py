"""Set-up of the upload, submission and client tests (helper C). Rows are written directly;
the envelope keys are made here (committee and system key pairs generated locally), so these
tests do not depend on the key ceremony or the key service."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import sealedfile
from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.services import submissions as submission_services
from openlpse.bids.services import uploads as upload_services
from openlpse.tenders.enums import StageAction, TenderMethod
from openlpse.tenders.sealing import envelopes_of
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.tenders.windows import window_for
from openlpse.vendors.tests.blacklist_support import issue_token
from openlpse.vendors.tests.factories import make_verified_vendor

PLAIN = b"%PDF-1.4\nOPENLPSE-TEST-PLAINTEXT " + b"x" * 5000 + b"\n%%EOF\n"


@dataclass
class KeyPair:
    row: EnvelopeKeys
    committee: ec.EllipticCurvePrivateKey
    system: ec.EllipticCurvePrivateKey


@dataclass
class BidSetup:
    tender: Any
    vendor: Any
    user: Any
    keys: dict[str, KeyPair] = field(default_factory=dict)

    @property
    def deadline(self) -> dt.datetime:
        window = window_for(self.tender, StageAction.SUBMIT_BID)
        assert window is not None
        return window[1]


def make_keys(tender: Any) -> dict[str, KeyPair]:
    made: dict[str, KeyPair] = {}
    now = timezone.now()
    for envelope in envelopes_of(tender):
        committee = ec.generate_private_key(ec.SECP256R1())
        system = ec.generate_private_key(ec.SECP256R1())
        c_raw, s_raw = sealedfile.public_raw(committee), sealedfile.public_raw(system)
        row = EnvelopeKeys.objects.create(
            tender=tender,
            envelope=envelope,
            committee_public=sealedfile.b64(c_raw),
            committee_kid=sealedfile.key_id(c_raw),
            committee_fingerprint=sealedfile.fingerprint(c_raw),
            threshold=2,
            share_count=3,
            made_by=tender.created_by,
            made_at=now,
            system_public=sealedfile.b64(s_raw),
            system_kid=sealedfile.key_id(s_raw),
            system_fingerprint=sealedfile.fingerprint(s_raw),
            prepared_at=now,
        )
        made[envelope] = KeyPair(row=row, committee=committee, system=system)
    return made


def bid_setup(
    *, method: str = TenderMethod.PASCA_1_FILE, open_stage: str = "upload_penawaran"
) -> BidSetup:
    tender = announced_tender(method=method, open_stage=open_stage)
    vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, vendor)
    return BidSetup(tender=tender, vendor=vendor, user=vendor.created_by, keys=make_keys(tender))


def second_vendor(setup: BidSetup, *, joined: bool = True) -> Any:
    vendor = make_verified_vendor(lpse=setup.tender.lpse)
    if joined:
        join(setup.tender, vendor)
    return vendor


def seal_bytes(
    setup: BidSetup,
    *,
    envelope: str = "single",
    bidder: Any = None,
    plaintext: bytes = PLAIN,
    keys: KeyPair | None = None,
    tender_code: str | None = None,
    chunk: int = 4096,
) -> bytes:
    pair = keys or setup.keys[envelope]
    out = io.BytesIO()
    sealedfile.seal(
        io.BytesIO(plaintext),
        out,
        tender=tender_code or setup.tender.code,
        envelope=envelope,
        bidder=str(getattr(bidder, "pk", bidder) if bidder is not None else setup.vendor.pk),
        committee_pub=sealedfile.public_raw(pair.committee),
        system_pub=sealedfile.public_raw(pair.system),
        chunk=chunk,
    )
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def start(
    setup: BidSetup,
    data: bytes,
    *,
    envelope: str = "single",
    user: Any = None,
    declared: str | None = None,
) -> Any:
    return upload_services.upload_create(
        actor=user or setup.user,
        tender=setup.tender,
        envelope=envelope,
        length=len(data),
        file_name="penawaran.pdf.lpsebid",
        declared_sha256=declared or sha(data),
        upload_id=uuid.uuid4(),
        ip="10.0.0.7",
        user_agent="pytest",
    )


def send(setup: BidSetup, upload: Any, data: bytes, *, offset: int = 0, user: Any = None) -> Any:
    return upload_services.upload_append(
        actor=user or setup.user,
        upload_id=upload.pk,
        offset=offset,
        chunk=data,
        checksum_sha256=hashlib.sha256(data).digest(),
    )


def submit(setup: BidSetup, data: bytes, *, envelope: str = "single", user: Any = None) -> Any:
    upload = start(setup, data, envelope=envelope, user=user)
    send(setup, upload, data, user=user)
    return submission_services.submission_finalize(actor=user or setup.user, upload_id=upload.pk)


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user)}", "HTTP_ACCEPT_LANGUAGE": "en"}


def official(setup: BidSetup) -> Any:
    return setup.tender.committee.chair  # type: ignore[attr-defined]


def stranger() -> Any:
    return UserFactory()
