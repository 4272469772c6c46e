"""The opening ceremony in the JSON API (issue 5 item 7), for the Pokja's tools. Bearer token
only; the rules are those of bids.services.opening.

An API token carries no second factor, so offering a share needs the member's current TOTP
code in the request (`otp`), checked like a sign-in's second step.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Field, Router, Schema

from openlpse.accounts.api_auth import token_auth
from openlpse.accounts.models.user import User
from openlpse.bids import selectors_opening as selectors
from openlpse.bids.models import OpenedBid, OpeningSession
from openlpse.bids.services import opening as services
from openlpse.core import errors
from openlpse.core.api import InputSchema
from openlpse.core.api_errors import error_responses
from openlpse.core.request_context import client_ip
from openlpse.core.storage import file_response

router = Router(tags=["Sealed bids: opening"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


class SessionOut(Schema):
    id: int
    tender_code: str
    envelope: str
    status: str = Field(description="collecting, opened or failed.")
    threshold: int = Field(description="Shares needed (k).")
    offered: int = Field(description="Shares offered so far.")
    started_at: dt.datetime
    opened_at: dt.datetime | None
    committee_ok: bool | None
    canary_ok: bool | None
    failure: str
    closing_checkpoint: str
    minutes_sha256: str | None

    @staticmethod
    def resolve_tender_code(obj: OpeningSession) -> str:
        return obj.tender.code

    @staticmethod
    def resolve_threshold(obj: OpeningSession) -> int:
        return obj.keys.threshold

    @staticmethod
    def resolve_offered(obj: OpeningSession) -> int:
        return obj.offers.count()

    @staticmethod
    def resolve_minutes_sha256(obj: OpeningSession) -> str | None:
        return obj.minutes.sha256 if obj.minutes else None


class ShareIn(InputSchema):
    share: str = Field(description="The unlocked share, base64 of its 33 bytes.")
    otp: str = Field(description="The member's current authenticator (TOTP) code.")


class ResultOut(Schema):
    id: int
    vendor_id: int
    vendor_name: str
    receipt_number: str
    ciphertext_sha256: str
    status: str = Field(description="opened, failed or held (file II of a bid that failed file I).")
    plaintext_sha256: str
    size: int | None
    error_class: str
    case_id: int | None

    @staticmethod
    def resolve_vendor_id(obj: OpenedBid) -> int:
        return obj.submission.vendor_id

    @staticmethod
    def resolve_vendor_name(obj: OpenedBid) -> str:
        return obj.submission.vendor.name

    @staticmethod
    def resolve_receipt_number(obj: OpenedBid) -> str:
        return obj.submission.receipt_number

    @staticmethod
    def resolve_ciphertext_sha256(obj: OpenedBid) -> str:
        return obj.submission.sha256

    @staticmethod
    def resolve_case_id(obj: OpenedBid) -> int | None:
        case = getattr(obj, "case", None) if obj.status == "failed" else None
        return case.pk if case is not None else None


@router.post(
    "/opening/tenders/{tender_id}/{envelope}/start",
    response={200: SessionOut, **error_responses(401, 403, 404, 409)},
    summary="Start the opening ceremony of an envelope",
    auth=token_auth,
)
def api_opening_start(request: HttpRequest, tender_id: int, envelope: str) -> OpeningSession:
    user = _user(request)
    tender = selectors.access_tender_for_opening(user=user, tender_id=tender_id)
    return services.opening_start(actor=user, tender=tender, envelope=envelope)


@router.post(
    "/opening/sessions/{session_id}/shares",
    response={200: SessionOut, **error_responses(400, 401, 403, 404, 409)},
    summary="Offer the member's unlocked share",
    auth=token_auth,
)
def api_opening_offer(request: HttpRequest, session_id: int, payload: ShareIn) -> OpeningSession:
    user = _user(request)
    session = selectors.access_session(user=user, session_id=session_id)
    try:
        share = base64.b64decode(payload.share, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise errors.field_error(
            "share", _("The share is not base64 of 33 bytes."), code="share_unreadable"
        ) from exc
    verified = bool(payload.otp) and match_token(user, payload.otp) is not None
    return services.opening_offer_share(
        actor=user, session=session, share=share, mfa_verified=verified, ip=client_ip(request)
    )


@router.get(
    "/opening/sessions/{session_id}",
    response={200: SessionOut, **error_responses(401, 404)},
    summary="The state of an opening ceremony",
    auth=token_auth,
)
def api_opening_session(request: HttpRequest, session_id: int) -> OpeningSession:
    return selectors.access_session(user=_user(request), session_id=session_id)


@router.get(
    "/opening/sessions/{session_id}/results",
    response={200: list[ResultOut], **error_responses(401, 404)},
    summary="The result of every bid of the ceremony",
    auth=token_auth,
)
def api_opening_results(request: HttpRequest, session_id: int) -> list[OpenedBid]:
    session = selectors.access_session(user=_user(request), session_id=session_id)
    return list(selectors.results(session).select_related("case"))


@router.get(
    "/opening/sessions/{session_id}/minutes",
    response={200: None, **error_responses(401, 404)},
    summary="The BA Pembukaan (PDF)",
    auth=token_auth,
)
def api_opening_minutes(request: HttpRequest, session_id: int) -> FileResponse:
    session = selectors.access_session(user=_user(request), session_id=session_id)
    if session.minutes is None:
        raise errors.NotFound()
    return file_response(stored_file=session.minutes)
