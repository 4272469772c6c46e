"""Unopenable bids (LT 27(2)-(3)): review, witness report, escalation, declaration only after
the report, and the re-opening of a restored file (storage fault)."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids.enums import CaseStatus, OpenedStatus, SessionStatus
from openlpse.bids.models import OpenedBid, UnopenableCase
from openlpse.bids.services import cases, opening
from openlpse.bids.tests.opening_support import make_world, read_storage, write_storage
from openlpse.bids.tests.test_opening_tamper import _damaged, _open
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.plans.tests.factories import grant
from openlpse.vendors.tests.factories import make_verifikator

pytestmark = pytest.mark.django_db


def _case(name: str = "bit_flip"):  # type: ignore[no-untyped-def]
    world = make_world(bidders=1)
    _vendor, damaged = _damaged(world, name)
    _open(world)
    case = UnopenableCase.objects.get(opened_bid__submission=damaged)
    staff = make_verifikator(world.tender.lpse)
    return world, case, staff, damaged


def test_declaration_is_refused_before_the_witness_report_and_allowed_after():
    world, case, staff, _ = _case()
    chair = world.pokja[0]
    with translation.override("en"), pytest.raises(errors.Conflict) as refused:
        cases.case_declare_noncompliant(actor=chair, case=case, reason="Per BA kesaksian.")
    assert refused.value.code == "witness_report_required"
    with translation.override("en"):
        assert str(refused.value) == (
            "The bid can be declared non-compliant only after the LPSE's witness report "
            "(berita acara kesaksian). Send the case to the LPSE and wait for it."
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED and case.declared_at is None

    # The report needs the finding first.
    with pytest.raises(errors.Conflict) as first:
        cases.case_witness_report(actor=staff, case=case)
    assert first.value.code == "review_first"
    cases.case_review(
        actor=staff,
        case=case,
        finding="Chunk 1 fails authentication; the "
        "stored bytes match the receipt, so the file was damaged before upload.",
    )
    case = cases.case_witness_report(actor=staff, case=case)
    assert case.status == CaseStatus.WITNESSED
    report = read_storage(case.witness_report.storage_key)
    assert report.startswith(b"%PDF")
    assert hashlib.sha256(report).hexdigest() == case.witness_report.sha256
    assert case.evidence_sha256.encode() in report
    assert b"E_CHUNK_AUTH" in report
    event = AuditEvent.objects.filter(action="bids.case_witness_report").get()
    assert event.changes["sha256"] == case.witness_report.sha256

    case = cases.case_escalate(actor=staff, case=case, reference="LKPP/2026/123", note="Sent.")
    assert case.status == CaseStatus.ESCALATED

    case = cases.case_declare_noncompliant(actor=chair, case=case, reason="Per BA kesaksian.")
    assert case.status == CaseStatus.DECLARED
    assert case.declared_by == chair
    assert AuditEvent.objects.filter(action="bids.case_declare").count() == 1
    with pytest.raises(errors.Conflict) as closed:
        cases.case_review(actor=staff, case=case, finding="again")
    assert closed.value.code == "case_closed"


def test_only_lpse_staff_review_and_only_the_pokja_declares():
    world, case, staff, _ = _case()
    admin = UserFactory()
    grant(admin, Role.LPSE_ADMIN, lpse=world.tender.lpse)
    chair = world.pokja[0]
    with pytest.raises(errors.PermissionDenied) as pokja_review:
        cases.case_review(actor=chair, case=case, finding="x")
    assert pokja_review.value.code == "not_lpse_staff"
    stranger = UserFactory()
    with pytest.raises(errors.NotFound):
        cases.case_review(actor=stranger, case=case, finding="x")
    cases.case_review(actor=admin, case=case, finding="Examined.")
    cases.case_witness_report(actor=admin, case=case)
    with pytest.raises(errors.PermissionDenied) as staff_declares:
        cases.case_declare_noncompliant(actor=staff, case=case, reason="x")
    assert staff_declares.value.code == "not_committee"
    with pytest.raises(errors.NotFound):
        cases.case_declare_noncompliant(actor=stranger, case=case, reason="x")


def test_a_storage_fault_is_reopened_after_the_restore():
    world, case, staff, damaged = _case("storage_fault")
    assert case.opened_bid.error_class == "E_STORAGE"
    chair, member = world.pokja[0], world.pokja[1]
    # Not restored yet: refused.
    assert cases.case_recheck(actor=staff, case=case) is False
    with pytest.raises(errors.Conflict) as refused:
        cases.case_reopen(actor=chair, case=case)
    assert refused.value.code == "still_damaged"
    # The LPSE restores the original bytes from the backup.
    from openlpse.bids.tests.factories import sealed_bid  # noqa: F401

    original = damaged.receipt["receipt"]["ciphertext_sha256"]
    restored = _original_bytes(world, damaged)
    assert hashlib.sha256(restored).hexdigest() == original
    write_storage(damaged.storage_name, restored)
    assert cases.case_recheck(actor=staff, case=case) is True
    with world.after("single", seconds=60):
        session = cases.case_reopen(actor=chair, case=case)
        assert session.reopen_of_id == case.pk and session.status == SessionStatus.COLLECTING
        for user in (chair, member):
            session = opening.opening_offer_share(
                actor=user,
                session=session,
                share=world.unlocked_share("single", user),
                mfa_verified=True,
                ip=None,
            )
    assert session.status == SessionStatus.OPENED
    opened = OpenedBid.objects.get(submission=damaged)
    assert opened.status == OpenedStatus.OPENED
    assert b"damaged storage_fault" in read_storage(opened.plain_file.storage_key)
    case.refresh_from_db()
    assert case.status == CaseStatus.RESTORED
    assert AuditEvent.objects.filter(action="bids.case_restored").count() == 1


def test_a_bid_damaged_by_its_bidder_cannot_be_reopened():
    world, case, _staff, _ = _case("bit_flip")
    with pytest.raises(errors.Conflict) as refused:
        cases.case_reopen(actor=world.pokja[0], case=case)
    assert refused.value.code == "not_storage_fault"


_ORIGINALS: dict[int, bytes] = {}


def _original_bytes(world, damaged) -> bytes:  # type: ignore[no-untyped-def]
    """The bytes the receipt names: the evidence bundle holds the damaged ones, so the test
    re-derives the original by flipping the same bit back."""
    from openlpse.bids.tests.test_opening_tamper import _bit_flip

    return _bit_flip(read_storage(damaged.storage_name))
