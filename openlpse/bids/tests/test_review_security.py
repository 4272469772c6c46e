"""Security review of issue 5: defects found and their regression tests.

1. The plain shares (ShareOffer.share) must not outlive a failed opening attempt: a key
   service error (or any error) after the rebuild began rolled the whole attempt back,
   which also rolled back the wipe, so the k plain shares stayed in the database.
2. A finalize refused at the deadline (by the database clock) was not audited (KA 4,
   security-reference §1.7 6(g): every refused attempt leaves an audit event).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from openlpse.bids import keyclient
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import OpenedBid, OpeningSession, ShareOffer, Submission
from openlpse.bids.services import opening
from openlpse.bids.services import submissions as submission_services
from openlpse.bids.tests.opening_support import make_world
from openlpse.bids.tests.submissions_support import bid_setup, seal_bytes, send, start
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _offer(world, session, user):  # type: ignore[no-untyped-def]
    return opening.opening_offer_share(
        actor=user,
        session=session,
        share=world.unlocked_share("single", user),
        mfa_verified=True,
        ip="10.0.0.1",
    )


def _stored_shares() -> list[bytes]:
    return [bytes(s) for s in ShareOffer.objects.values_list("share", flat=True) if s is not None]


@pytest.mark.parametrize(
    "failure",
    [keyclient.KeyServiceError(), keyclient.TooEarly(opening_at=None), OSError("disk gone")],
    ids=["key_service_unavailable", "system_key_too_early", "other_error"],
)
def test_a_failed_opening_attempt_wipes_the_plain_shares(monkeypatch, failure):  # type: ignore[no-untyped-def]
    world = make_world(bidders=1)
    members = world.pokja
    with world.after("single"):
        session = opening.opening_start(actor=members[0], tender=world.tender, envelope="single")
    threshold = session.keys.threshold

    def broken(*, kid: str, epks: list[bytes]) -> list[bytes]:
        raise failure

    monkeypatch.setattr(opening, "_system_halves", broken)
    with world.after("single"):
        for member in members[: threshold - 1]:
            _offer(world, session, member)
        assert len(_stored_shares()) == threshold - 1  # kept until the rebuild, by design
        with pytest.raises(type(failure)):
            _offer(world, session, members[threshold - 1])
    # The k-th offer is recorded (audited), but no plain share is left anywhere.
    assert ShareOffer.objects.count() == threshold
    assert _stored_shares() == []
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED
    expected = "E_KEY_SERVICE" if isinstance(failure, keyclient.KeyServiceError) else "E_INTERNAL"
    assert session.failure.startswith(expected)
    assert "disk gone" not in session.failure
    assert OpenedBid.objects.count() == 0
    event = AuditEvent.objects.filter(action="bids.opening_failed").get()
    assert event.changes["error_class"] == expected
    # The Pokja starts a new ceremony and offers the shares again.
    monkeypatch.undo()
    with world.after("single"):
        again = opening.opening_start(actor=members[0], tender=world.tender, envelope="single")
        assert again.pk != session.pk
        for member in members[:threshold]:
            again = _offer(world, again, member)
    assert again.status == SessionStatus.OPENED
    assert _stored_shares() == []


def test_completing_with_too_few_shares_keeps_them_for_the_next_offer():
    """The wipe on failure does not touch shares when the rebuild has not begun."""
    world = make_world(bidders=1)
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        _offer(world, session, world.pokja[0])
        with pytest.raises(errors.Conflict) as refused:
            opening.opening_complete(actor=world.pokja[0], session=session)
    assert refused.value.code == "not_enough_shares"
    assert len(_stored_shares()) == 1
    assert OpeningSession.objects.get().status == SessionStatus.COLLECTING


def test_a_finalize_refused_at_the_deadline_is_audited():
    setup = bid_setup()
    data = seal_bytes(setup)
    late = start(setup, data)
    send(setup, late, data)
    with (
        translation.override("en"),
        clock.frozen(setup.deadline),
        pytest.raises(errors.Conflict) as caught,
    ):
        submission_services.submission_finalize(actor=setup.user, upload_id=late.pk)
    assert caught.value.code == "upload_deadline_passed"
    assert not Submission.objects.exists()
    event = AuditEvent.objects.filter(action="bid.finalize_refused").get()
    assert event.changes["code"] == "upload_deadline_passed"
    assert event.actor_id == setup.user.pk


def test_a_finalize_whose_transaction_meets_the_deadline_is_audited(monkeypatch):  # type: ignore[no-untyped-def]
    """The early check passed, but by the database clock read inside the transaction the
    deadline has passed: refused and audited."""
    setup = bid_setup()
    data = seal_bytes(setup)
    late = start(setup, data)
    send(setup, late, data)
    real = submission_services.assert_upload_window
    calls: list[int] = []

    def early_ok_then_late(tender, envelope, *, at=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        if at is None:  # the early check, outside the transaction
            return None
        return real(tender, envelope, at=setup.deadline + dt.timedelta(milliseconds=0))

    monkeypatch.setattr(submission_services, "assert_upload_window", early_ok_then_late)
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        submission_services.submission_finalize(actor=setup.user, upload_id=late.pk)
    assert caught.value.code == "upload_deadline_passed"
    assert len(calls) == 2
    assert not Submission.objects.exists()
    event = AuditEvent.objects.filter(action="bid.finalize_refused").get()
    assert event.changes["code"] == "upload_deadline_passed"


def test_the_deploy_check_refuses_the_in_process_key_service(settings):
    from openlpse.bids.checks import keyservice_is_separate

    settings.OPENLPSE_KEYSERVICE_URL = "local:/tmp/keys"
    assert [m.id for m in keyservice_is_separate()] == ["openlpse.bids.E001"]
    settings.OPENLPSE_KEYSERVICE_URL = "http://127.0.0.1:8790"
    assert keyservice_is_separate() == []
