"""The opening ceremony (issue 5 item 7; LT 31(3)): time, quorum, MFA, shares, canary."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids.enums import OpenedStatus, SessionStatus
from openlpse.bids.models import KeyShare, OpenedBid, OpeningSession, ShareOffer, UnopenableCase
from openlpse.bids.services import opening
from openlpse.bids.services.opening import time_label
from openlpse.bids.tests.opening_support import MARK, make_world, read_storage
from openlpse.core import clock, errors, merkle
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.plans.tests.factories import grant
from openlpse.vendors.tests.factories import make_verifikator

pytestmark = pytest.mark.django_db


def _offer(world, session, user, share=None, *, mfa=True):  # type: ignore[no-untyped-def]
    return opening.opening_offer_share(
        actor=user,
        session=session,
        share=share if share is not None else world.unlocked_share("single", user),
        mfa_verified=mfa,
        ip="10.0.0.1",
    )


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_start_is_refused_one_second_before_the_opening_time_and_allowed_at_it():
    world = make_world(bidders=1)
    chair = world.pokja[0]
    at = world.opening_at["single"]
    with (
        clock.frozen(at - dt.timedelta(seconds=1)),
        translation.override("en"),
        pytest.raises(errors.Conflict) as refused,
    ):
        opening.opening_start(actor=chair, tender=world.tender, envelope="single")
    assert refused.value.code == "opening_not_yet"
    label = time_label(at, world.tender.lpse.time_zone)
    with translation.override("en"):
        assert str(refused.value) == (
            f"The bids of this envelope can be opened from {label} by the server's clock, not "
            "before. Nothing was done; try again then."
        )
    assert OpeningSession.objects.count() == 0
    assert _actions()[-1] == "bids.opening_start_refused"
    with clock.frozen(at):
        session = opening.opening_start(actor=chair, tender=world.tender, envelope="single")
    assert session.status == SessionStatus.COLLECTING
    # Starting again returns the live session.
    with clock.frozen(at):
        again = opening.opening_start(actor=world.pokja[1], tender=world.tender, envelope="single")
    assert again.pk == session.pk


def test_lpse_admin_and_staff_cannot_open():
    world = make_world(bidders=1)
    admin = UserFactory()
    grant(admin, Role.LPSE_ADMIN, lpse=world.tender.lpse)
    staff = make_verifikator(world.tender.lpse)
    with world.after("single"):
        for user in (admin, staff):
            with pytest.raises(errors.PermissionDenied) as refused:
                opening.opening_start(actor=user, tender=world.tender, envelope="single")
            assert refused.value.code == "not_committee"
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        with pytest.raises(errors.PermissionDenied) as refused:
            _offer(world, session, admin, b"\x01" * 33)
    assert refused.value.code == "not_committee"
    assert ShareOffer.objects.count() == 0


def test_fewer_than_k_shares_open_nothing():
    world = make_world()
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        session = _offer(world, session, world.pokja[0])
        assert session.status == SessionStatus.COLLECTING
        with pytest.raises(errors.Conflict) as refused:
            opening.opening_complete(actor=world.pokja[0], session=session)
    assert refused.value.code == "not_enough_shares"
    assert OpenedBid.objects.count() == 0
    assert not StoredFile.objects.filter(kind="opened_bid").exists()
    offer = ShareOffer.objects.get()
    assert bytes(offer.share) == world.share("single", world.pokja[0])


def test_shares_offered_before_the_opening_time_are_refused_and_audited():
    world = make_world(bidders=1)
    at = world.opening_at["single"]
    with clock.frozen(at):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
    with clock.frozen(at - dt.timedelta(seconds=1)), pytest.raises(errors.Conflict) as refused:
        _offer(world, session, world.pokja[1])
    assert refused.value.code == "opening_not_yet"
    assert ShareOffer.objects.count() == 0
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "bids.share_offer_refused"
    assert event.changes["code"] == "opening_not_yet"
    assert event.actor_id == world.pokja[1].pk


def test_non_member_wrong_share_and_no_mfa_are_refused():
    world = make_world(bidders=1)
    outsider = UserFactory()
    grant(outsider, Role.POKJA_MEMBER, agency=world.tender.committee.ulp_agency)
    member = world.pokja[1]
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        with pytest.raises(errors.PermissionDenied) as refused:
            _offer(world, session, outsider, world.share("single", member))
        assert refused.value.code == "not_committee"
        # Another member's share, a random share, and the member's share of file... all wrong.
        for share in (world.share("single", world.pokja[2]), os.urandom(33), b"\x00" * 10):
            with pytest.raises(errors.ValidationError) as wrong:
                _offer(world, session, member, share)
            assert wrong.value.code == "share_mismatch"
        with pytest.raises(errors.PermissionDenied) as no_mfa:
            _offer(world, session, member, mfa=False)
        assert no_mfa.value.code == "mfa_required"
        _offer(world, session, member)
        with pytest.raises(errors.Conflict) as twice:
            _offer(world, session, member)
        assert twice.value.code == "share_already_offered"
    assert ShareOffer.objects.count() == 1
    refusals = AuditEvent.objects.filter(action="bids.share_offer_refused")
    assert sorted(e.changes["code"] for e in refusals) == [
        "mfa_required",
        "not_committee",
        "share_already_offered",
        "share_mismatch",
        "share_mismatch",
        "share_mismatch",
    ]


def test_an_outdated_share_of_an_earlier_generation_is_refused():
    world = make_world(bidders=1)
    keys = world.material["single"].keys
    member = world.pokja[1]
    row = KeyShare.objects.get(keys=keys, member=member)
    old_share = world.share("single", member)
    # A re-split made generation 2: the member's new share differs from the old one.
    KeyShare.objects.filter(pk=row.pk).update(superseded_at=clock.now())
    new_share = os.urandom(33)
    KeyShare.objects.create(
        keys=keys,
        generation=2,
        member=member,
        personal_key=row.personal_key,
        x=row.x,
        sealed=row.sealed,
        share_sha256=hashlib.sha256(new_share).hexdigest(),
        created_at=clock.now(),
    )
    type(keys).objects.filter(pk=keys.pk).update(generation=2)
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        with pytest.raises(errors.ValidationError) as refused:
            _offer(world, session, member, old_share)
    assert refused.value.code == "share_mismatch"


def test_k_shares_after_the_time_open_every_bid_and_the_plaintext_matches():
    world = make_world(bidders=3)
    members = world.pokja
    with world.after("single", seconds=30):
        session = opening.opening_start(actor=members[2], tender=world.tender, envelope="single")
        session = _offer(world, session, members[2])
        session = _offer(world, session, members[0])
    assert session.status == SessionStatus.OPENED
    assert session.committee_ok is True and session.canary_ok is True
    results = list(OpenedBid.objects.filter(session=session))
    assert len(results) == 3
    for opened in results:
        assert opened.status == OpenedStatus.OPENED
        plain = read_storage(opened.plain_file.storage_key)
        assert plain == world.plaintexts[opened.submission_id]
        assert opened.plaintext_sha256 == hashlib.sha256(plain).hexdigest()
        assert opened.plain_file.sha256 == opened.plaintext_sha256
        assert MARK in plain
    # The shares are wiped once the key is rebuilt.
    assert list(ShareOffer.objects.values_list("share", flat=True)) == [None, None]
    # Closing checkpoint: a signed note over the audit chain (size and root).
    lines = session.closing_checkpoint.splitlines()
    assert lines[0] == "openlpse.audit"
    size = int(lines[1])
    from openlpse.core import audit

    assert merkle.Checkpoint("openlpse.audit", *audit.merkle_root(size=size)).body() in (
        session.closing_checkpoint
    )
    assert "\u2014 openlpse-receipt " in session.closing_checkpoint
    # BA Pembukaan: a stored PDF whose hash is recorded.
    minutes = session.minutes
    data = read_storage(minutes.storage_key)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == minutes.sha256
    for opened in results:
        assert opened.submission.receipt_number.encode() in data
        assert opened.plaintext_sha256.encode() in data
    assert b"Berita" in data or b"BA Pembukaan" in data
    event = AuditEvent.objects.filter(action="bids.opening_open").get()
    assert event.changes["minutes_sha256"] == minutes.sha256
    assert event.changes["chain_verified"] is True
    assert event.changes["results"]["opened"] == 3
    assert sorted(event.changes["members"]) == sorted([members[0].username, members[2].username])
    assert AuditEvent.objects.filter(action="bids.bid_opened").count() == 3
    assert UnopenableCase.objects.count() == 0


def test_a_wrong_canary_opens_nothing():
    world = make_world(bidders=2)
    keys = world.material["single"].keys
    type(keys).objects.filter(pk=keys.pk).update(canary_sha256="0" * 64)
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        _offer(world, session, world.pokja[0])
        session = _offer(world, session, world.pokja[1])
    assert session.status == SessionStatus.FAILED
    assert session.committee_ok is True and session.canary_ok is False
    assert OpenedBid.objects.count() == 0
    assert not StoredFile.objects.filter(kind="opened_bid").exists()
    assert list(ShareOffer.objects.values_list("share", flat=True)) == [None, None]
    event = AuditEvent.objects.filter(action="bids.opening_failed").get()
    assert event.changes["canary_ok"] is False


def test_shares_that_do_not_rebuild_the_committee_key_fail_the_session_with_e_shares():
    world = make_world(bidders=1)
    keys = world.material["single"].keys
    bogus = {}
    for index, member in enumerate(world.pokja[:2], start=1):
        share = os.urandom(32) + bytes([index])
        bogus[member.pk] = share
        KeyShare.objects.filter(keys=keys, member=member).update(
            share_sha256=hashlib.sha256(share).hexdigest()
        )
    with world.after("single"):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope="single"
        )
        _offer(world, session, world.pokja[0], bogus[world.pokja[0].pk])
        session = _offer(world, session, world.pokja[1], bogus[world.pokja[1].pk])
    assert session.status == SessionStatus.FAILED
    assert session.committee_ok is False
    assert session.failure.startswith("E_SHARES")
    assert OpenedBid.objects.count() == 0
    # A failed session lets the Pokja start a new one.
    with world.after("single"):
        again = opening.opening_start(actor=world.pokja[0], tender=world.tender, envelope="single")
    assert again.pk != session.pk


def test_no_bid_can_be_opened_before_the_time_even_with_every_share_on_the_server():
    """The key service refuses the system half before the opening time: even with k shares
    (say, from a database dump) nobody opens early."""
    from openlpse.bids import keyclient
    from openlpse.bids.tests.opening_support import read_storage as _read

    world = make_world(bidders=1)
    keys = world.material["single"].keys
    submission = world.submissions[0]
    data = _read(submission.storage_name)
    import io

    from openlpse.bids.sealedfile import read_header, unb64

    epk = unb64(read_header(io.BytesIO(data)).fields["epk"])
    with (
        clock.frozen(world.opening_at["single"] - dt.timedelta(seconds=1)),
        pytest.raises(keyclient.TooEarly),
    ):
        keyclient.system_halves(kid=keys.system_kid, epks=[epk])


def test_the_system_halves_of_every_bid_come_in_one_key_service_request(monkeypatch):
    from openlpse.bids import keyclient

    world = make_world(bidders=3)
    members = world.pokja
    calls: list[int] = []
    real = keyclient.system_halves

    def counting(*, kid, epks):  # type: ignore[no-untyped-def]
        calls.append(len(epks))
        return real(kid=kid, epks=epks)

    monkeypatch.setattr(keyclient, "system_halves", counting)
    with world.after("single", seconds=30):
        session = opening.opening_start(actor=members[0], tender=world.tender, envelope="single")
        session = _offer(world, session, members[0])
        session = _offer(world, session, members[1])
    assert session.status == SessionStatus.OPENED
    assert OpenedBid.objects.filter(session=session, status=OpenedStatus.OPENED).count() == 3
    # One request for the canary, one for the three bids together.
    assert calls == [1, 3]
