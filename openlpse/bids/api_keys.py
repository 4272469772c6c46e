"""Public keys of sealed bids in the JSON API (issue 5 items 1 and 4). No sign-in.

- `GET /keys`: the Ed25519 public key that signs bid receipts, and what the system keys are.
- `GET /tenders/{code}/keys`: the public keys of an announced tender's envelopes (committee
  and system key ids and fingerprints, k of n, share generation), as published with the
  announcement, so that a swapped key is detectable.
- `POST /receipts/verify`: check a receipt document's signature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema

from openlpse.bids import receipts
from openlpse.bids.models import EnvelopeKeys
from openlpse.core import errors
from openlpse.core.api_errors import error_responses
from openlpse.tenders.enums import PUBLIC_TENDER_STATUSES
from openlpse.tenders.models import Tender

router = Router(tags=["Sealed bids: keys and receipts"])


class ReceiptKeyOut(Schema):
    algorithm: str = Field(description="Always Ed25519.")
    key_id: str = Field(description="First 16 hex digits of the SHA-256 of the raw public key.")
    public_key: str = Field(description="Base64 of the 32-byte raw public key.")
    pem: str = Field(description="The same key as PEM (SubjectPublicKeyInfo).")


class SystemKeysOut(Schema):
    algorithm: str
    description: str
    per_tender: str = Field(description="Where each tender's envelope keys are published.")


class KeysOut(Schema):
    receipt_key: ReceiptKeyOut
    system_keys: SystemKeysOut


class EnvelopeKeysOut(Schema):
    envelope: str
    committee_kid: str
    committee_fingerprint: str
    committee_public_key: str
    system_kid: str
    system_fingerprint: str
    system_public_key: str
    threshold: int = Field(description="k: shares needed to rebuild the committee key.")
    share_count: int = Field(description="n: shares made, one per Pokja member.")
    generation: int = Field(description="Share generation (a change of Pokja re-splits).")
    prepared_at: dt.datetime | None


class TenderKeysOut(Schema):
    tender: str
    envelopes: list[EnvelopeKeysOut]


class ReceiptCheckOut(Schema):
    valid: bool
    code: str = Field(
        description="valid, not_a_receipt, unsupported_version, malformed, unknown_key or "
        "bad_signature."
    )
    reason: str
    receipt: dict[str, Any] | None


@router.get("/keys", response={200: KeysOut}, auth=None, summary="Public keys")
def keys(request: HttpRequest) -> dict[str, Any]:
    """The receipt-signing public key, and how system keys work (they are per envelope)."""
    return {
        "receipt_key": receipts.public_key_info(),
        "system_keys": {
            "algorithm": "ECDH P-256",
            "description": _(
                "Each envelope of a tender is sealed to two keys: the committee key, split among "
                "the Pokja members, and a system key held by a separate key service that uses it "
                "only from the opening time on. Both are needed to open a bid."
            ),
            "per_tender": "/api/v1/tenders/{code}/keys",
        },
    }


@router.get(
    "/tenders/{code}/keys",
    response={200: TenderKeysOut, **error_responses(404)},
    auth=None,
    summary="Envelope keys of a tender",
)
def tender_keys(request: HttpRequest, code: str) -> dict[str, Any]:
    """The public keys an announced tender's bids are sealed to. Drafts answer 404."""
    tender = (
        Tender.objects.filter(
            code=code, status__in=PUBLIC_TENDER_STATUSES, announced_at__isnull=False
        )
        .only("id", "code")
        .first()
    )
    if tender is None:
        raise errors.NotFound(
            _("There is no announced tender with this code. Check the code and try again.")
        )
    rows = EnvelopeKeys.objects.filter(tender=tender).order_by("envelope")
    return {
        "tender": tender.code,
        "envelopes": [
            {
                "envelope": row.envelope,
                "committee_kid": row.committee_kid,
                "committee_fingerprint": row.committee_fingerprint,
                "committee_public_key": row.committee_public,
                "system_kid": row.system_kid,
                "system_fingerprint": row.system_fingerprint,
                "system_public_key": row.system_public,
                "threshold": row.threshold,
                "share_count": row.share_count,
                "generation": row.generation,
                "prepared_at": row.prepared_at,
            }
            for row in rows
        ],
    }


@router.post(
    "/receipts/verify",
    response={200: ReceiptCheckOut, **error_responses(400)},
    auth=None,
    summary="Verify a receipt",
)
def verify_receipt(request: HttpRequest, document: Body[dict[str, Any]]) -> dict[str, Any]:
    """Send the receipt document (the JSON the portal gave at finalize) as the body; the answer
    says whether its signature is valid for this portal's receipt key."""
    check = receipts.verify_document(document)
    return {
        "valid": check.valid,
        "code": check.code,
        "reason": check.reason,
        "receipt": check.receipt,
    }
