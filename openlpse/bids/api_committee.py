"""Keys in the JSON API (issue 5 item 1), bearer token only; the rules are those of
bids.services.committee and bids.services.personal_keys.

    GET  /committee/tenders/{code}/key-material   what the chair's client needs for the ceremony
    POST /committee/tenders/{code}/keys           the committee public keys and sealed shares
    GET  /me/personal-key                         my live personal key (404 when none)
    POST /me/personal-key                         register my public key (pending until the
                                                  LPSE admin confirms its fingerprint)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.models import PersonalKey
from openlpse.bids.services import committee, personal_keys
from openlpse.core import errors
from openlpse.core.api_errors import error_responses
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_member

router = Router(tags=["Sealed bids: keys"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _tender(user: User, code: str) -> Tender:
    """The tender for a member of its committee; the same 404 for a missing one."""
    tender = Tender.objects.select_related("package", "lpse").filter(code=code).first()
    if tender is None or not is_committee_member(user, tender):
        raise errors.NotFound()
    return tender


class SealedShareIn(Schema):
    epk: str
    iv: str
    ct: str


class ShareIn(Schema):
    x: int = Field(description="The share's x (1-255), distinct within the envelope.")
    sealed: SealedShareIn = Field(
        description="The 33-byte share sealed to the member's personal key (share envelope "
        "format, AAD = the member's context from key-material)."
    )
    share_sha256: str = Field(description="SHA-256 (hex) of the plain 33-byte share.")


class EnvelopeIn(Schema):
    public_key: str = Field(description="Base64 of the committee key's 65-byte public point.")
    threshold: int = Field(description="k: a majority of the members (n // 2 + 1).")
    shares: dict[str, ShareIn] = Field(description="One share per member, by user id.")


class KeysIn(Schema):
    envelopes: dict[str, EnvelopeIn]


class EnvelopeKeysOut(Schema):
    envelope: str
    committee_kid: str
    committee_fingerprint: str
    threshold: int
    share_count: int
    generation: int


class PersonalKeyIn(Schema):
    public_key: str = Field(description="Base64 of the 65-byte uncompressed P-256 point.")


class PersonalKeyOut(Schema):
    id: int
    status: str = Field(description="pending (until the LPSE admin confirms) or confirmed.")
    public_key: str
    fingerprint: str = Field(description="SHA-256 (hex) of the raw public key.")
    created_at: dt.datetime
    confirmed_at: dt.datetime | None


@router.get(
    "/committee/tenders/{code}/key-material",
    response={200: dict[str, Any], **error_responses(401, 403, 404, 409)},
    summary="What the chair needs to make the committee keys",
    auth=token_auth,
)
def key_material(request: HttpRequest, code: str) -> dict[str, Any]:
    """The envelopes, the members with their confirmed public keys (`missing`: members
    without one), k and the context of each member's share. Chair only, before the
    announcement."""
    user = _user(request)
    return committee.committee_material(actor=user, tender=_tender(user, code))


@router.post(
    "/committee/tenders/{code}/keys",
    response={201: list[EnvelopeKeysOut], **error_responses(400, 401, 403, 404, 409)},
    summary="Store the committee keys made by the chair",
    auth=token_auth,
)
def store_keys(request: HttpRequest, code: str, payload: KeysIn) -> Status[Any]:
    """Per envelope the committee public key, k and one sealed share per current member with
    a confirmed key. Replaces earlier keys; refused after the announcement."""
    user = _user(request)
    tender = _tender(user, code)
    envelopes = payload.model_dump()["envelopes"]
    rows = committee.committee_keys_store(actor=user, tender=tender, envelopes=envelopes)
    return Status(201, rows)


@router.get(
    "/me/personal-key",
    response={200: PersonalKeyOut, **error_responses(401, 404)},
    summary="My personal key",
    auth=token_auth,
)
def my_personal_key(request: HttpRequest) -> PersonalKey:
    key = selectors.live_key(_user(request))
    if key is None:
        raise errors.NotFound()
    return key


@router.post(
    "/me/personal-key",
    response={201: PersonalKeyOut, **error_responses(400, 401, 403, 409)},
    summary="Register my personal key's public part",
    auth=token_auth,
)
def register_personal_key(request: HttpRequest, payload: PersonalKeyIn) -> Status[Any]:
    key = personal_keys.personal_key_register(
        actor=_user(request), public_key_b64=payload.public_key
    )
    return Status(201, key)
