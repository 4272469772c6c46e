"""The file II gate of 2-file tenders (issue 5 item 6): file II opens only for bids that
passed file I; the evaluation (issue 6) records results through bids.services.gates."""

from __future__ import annotations

import pytest

from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids.enums import OpenedStatus, SessionStatus
from openlpse.bids.models import FileOneResult, OpenedBid
from openlpse.bids.services import gates, opening
from openlpse.bids.tests.opening_support import make_world, read_storage
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.tenders.enums import TenderMethod

pytestmark = pytest.mark.django_db


def _open(world, envelope: str):  # type: ignore[no-untyped-def]
    with world.after(envelope, seconds=5):
        session = opening.opening_start(
            actor=world.pokja[0], tender=world.tender, envelope=envelope
        )
        for member in world.pokja[:2]:
            session = opening.opening_offer_share(
                actor=member,
                session=session,
                share=world.unlocked_share(envelope, member),
                mfa_verified=True,
                ip=None,
            )
    return session


def test_file_two_opens_only_for_bids_that_passed_file_one():
    world = make_world(method=TenderMethod.PASCA_2_FILE, bidders=3)
    chair = world.pokja[0]
    passed, failed, undecided = world.vendors
    first = _open(world, "file_1")
    assert first.status == SessionStatus.OPENED
    assert OpenedBid.objects.filter(session=first, status=OpenedStatus.OPENED).count() == 3
    gates.record_file_one_result(
        actor=chair, tender=world.tender, vendor=passed, passed=True, reason=""
    )
    with pytest.raises(errors.ValidationError) as no_reason:
        gates.record_file_one_result(
            actor=chair, tender=world.tender, vendor=failed, passed=False, reason=" "
        )
    assert no_reason.value.code == "reason_required"
    gates.record_file_one_result(
        actor=chair, tender=world.tender, vendor=failed, passed=False, reason="No SBU."
    )
    assert gates.file_two_may_open(tender=world.tender, vendor=passed) is True
    assert gates.file_two_may_open(tender=world.tender, vendor=failed) is False
    assert gates.file_two_may_open(tender=world.tender, vendor=undecided) is False
    assert AuditEvent.objects.filter(action="bids.file_one_result").count() == 2

    second = _open(world, "file_2")
    assert second.status == SessionStatus.OPENED
    by_vendor = {o.submission.vendor_id: o for o in OpenedBid.objects.filter(session=second)}
    assert by_vendor[passed.pk].status == OpenedStatus.OPENED
    plain = read_storage(by_vendor[passed.pk].plain_file.storage_key)
    assert plain == world.plaintexts[by_vendor[passed.pk].submission_id]
    for vendor in (failed, undecided):
        assert by_vendor[vendor.pk].status == OpenedStatus.HELD
        assert by_vendor[vendor.pk].plain_file is None
    # Once file II is opened the file I results are final.
    with pytest.raises(errors.Conflict) as final:
        gates.record_file_one_result(
            actor=chair, tender=world.tender, vendor=failed, passed=True, reason=""
        )
    assert final.value.code == "file_two_opened"


def test_only_the_pokja_records_file_one_results_and_only_in_two_file_tenders():
    world = make_world(method=TenderMethod.PASCA_2_FILE, bidders=1)
    with pytest.raises(errors.PermissionDenied) as refused:
        gates.record_file_one_result(
            actor=UserFactory(),
            tender=world.tender,
            vendor=world.vendors[0],
            passed=True,
            reason="",
        )
    assert refused.value.code == "not_committee"
    single = make_world(bidders=1)
    with pytest.raises(errors.Conflict) as one_file:
        gates.record_file_one_result(
            actor=single.pokja[0],
            tender=single.tender,
            vendor=single.vendors[0],
            passed=True,
            reason="",
        )
    assert one_file.value.code == "not_two_file"
    assert FileOneResult.objects.count() == 0
