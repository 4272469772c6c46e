"""Reading the opening ceremony and unopenable bids. Every `access_*` raises the same NotFound
for a missing object and for one the user may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import active_assignments
from openlpse.bids import permissions_opening as perms
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import (
    EnvelopeKeys,
    KeyShare,
    OpenedBid,
    OpeningSession,
    ShareOffer,
    Submission,
    UnopenableCase,
)
from openlpse.core import errors
from openlpse.tenders import windows
from openlpse.tenders.models import Tender
from openlpse.tenders.sealing import envelopes_of


def opening_time(tender: Tender, envelope: str) -> dt.datetime | None:
    """The start of the stage in which the envelope is opened (server clock): the same stage
    whose start the key service was given as the system key's opening time (helper D's
    `opening_stage_code`). None when the schedule has no such stage."""
    from openlpse.bids.services.committee import opening_stage_code

    code = opening_stage_code(tender, envelope)
    row = next((s for s in windows.schedule(tender) if s.code == code), None) if code else None
    return row.starts_at if row is not None else None


def tender_envelopes(tender: Tender) -> list[str]:
    return envelopes_of(tender)


def access_tender_for_opening(*, user: Any, tender_id: int) -> Tender:
    tender = Tender.objects.select_related("lpse", "package").filter(pk=tender_id).first()
    if tender is None or not perms.is_pokja_of(user, tender):
        raise errors.NotFound()
    return tender


def envelope_keys(tender: Tender, envelope: str) -> EnvelopeKeys | None:
    return EnvelopeKeys.objects.filter(tender=tender, envelope=envelope).first()


def sessions(tender: Tender, envelope: str) -> QuerySet[OpeningSession]:
    return OpeningSession.objects.filter(tender=tender, envelope=envelope).order_by("-started_at")


def live_session(tender: Tender, envelope: str) -> OpeningSession | None:
    return (
        sessions(tender, envelope)
        .filter(status__in=[SessionStatus.COLLECTING, SessionStatus.OPENED])
        .first()
    )


def access_session(*, user: Any, session_id: int) -> OpeningSession:
    session = (
        OpeningSession.objects.select_related("tender", "tender__lpse", "tender__package", "keys")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not perms.is_pokja_of(user, session.tender):
        raise errors.NotFound()
    return session


def offers(session: OpeningSession) -> QuerySet[ShareOffer]:
    return session.offers.select_related("member").order_by("offered_at")


def member_share(keys: EnvelopeKeys, user: Any) -> KeyShare | None:
    """The member's share of the envelope's current generation."""
    if not getattr(user, "pk", None):
        return None
    return KeyShare.objects.filter(
        keys=keys, generation=keys.generation, member_id=user.pk, superseded_at__isnull=True
    ).first()


def results(session: OpeningSession) -> QuerySet[OpenedBid]:
    return (
        OpenedBid.objects.filter(session=session)
        .select_related("submission", "submission__vendor", "plain_file")
        .order_by("submission__vendor__name", "submission_id")
    )


def effective_submissions(*, tender: Tender, envelope: str) -> QuerySet[Submission]:
    """Helper C's selector when it is installed; the same rule otherwise."""
    try:
        from openlpse.bids import selectors_submissions
    except ImportError:  # pragma: no cover - C's module not installed yet
        selectors_submissions = None  # type: ignore[assignment]
    finder = getattr(selectors_submissions, "effective_submissions", None)
    if finder is not None:
        return finder(tender=tender, envelope=envelope)  # type: ignore[no-any-return]
    return Submission.objects.filter(
        tender=tender, envelope=envelope, is_effective=True, withdrawn_at__isnull=True
    )


def access_opened_bid(*, user: Any, opened_id: int) -> OpenedBid:
    opened = (
        OpenedBid.objects.select_related(
            "session",
            "session__tender",
            "session__tender__lpse",
            "session__tender__package",
            "plain_file",
            "submission",
        )
        .filter(pk=opened_id)
        .first()
    )
    if opened is None or not perms.can_read_plain(user, opened):
        raise errors.NotFound()
    return opened


# --- unopenable bids -----------------------------------------------------------------------

_CASE_RELATED = (
    "opened_bid",
    "opened_bid__submission",
    "opened_bid__submission__vendor",
    "opened_bid__session",
    "opened_bid__session__tender",
    "opened_bid__session__tender__lpse",
    "opened_bid__session__tender__package",
    "evidence",
    "witness_report",
)


def handled_lpse_ids(user: Any) -> list[int]:
    return list(
        active_assignments(user)
        .filter(role__in=(Role.LPSE_ADMIN, Role.LPSE_STAFF), lpse__isnull=False)
        .values_list("lpse_id", flat=True)
    )


def cases_for_staff(*, user: Any) -> QuerySet[UnopenableCase]:
    """The unopenable bids of the LPSEs the user administers or staffs."""
    return (
        UnopenableCase.objects.select_related(*_CASE_RELATED)
        .filter(opened_bid__session__tender__lpse_id__in=handled_lpse_ids(user))
        .order_by("-reported_at")
    )


def cases_of_tender(tender: Tender) -> QuerySet[UnopenableCase]:
    return UnopenableCase.objects.select_related(*_CASE_RELATED).filter(
        opened_bid__session__tender=tender
    )


def access_case(*, user: Any, case_id: int) -> UnopenableCase:
    case = UnopenableCase.objects.select_related(*_CASE_RELATED).filter(pk=case_id).first()
    if case is None or not perms.can_view_case(user, case):
        raise errors.NotFound()
    return case


def lpse_case_handlers(lpse: Any) -> list[Any]:
    """Users to tell of a new unopenable bid: the LPSE's administrators and staff in force."""
    from openlpse.accounts.models import User
    from openlpse.accounts.models.roles import RoleAssignment
    from openlpse.accounts.permissions import in_force_q, today

    ids = (
        RoleAssignment.objects.filter(in_force_q(today()))
        .filter(Q(role=Role.LPSE_ADMIN) | Q(role=Role.LPSE_STAFF), lpse_id=lpse.pk)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))
