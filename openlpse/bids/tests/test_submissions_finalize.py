"""Finalize, receipts, replacement, withdrawal and the deadline (issue 5 item 4)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import translation

from openlpse.bids import receipts
from openlpse.bids.models import Submission, Upload
from openlpse.bids.services import submissions as services
from openlpse.bids.services import uploads as upload_services
from openlpse.bids.tests.submissions_support import (
    bid_setup,
    seal_bytes,
    second_vendor,
    send,
    sha,
    start,
    submit,
)
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_finalize_twice_gives_the_same_receipt_and_one_submission():
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    send(setup, upload, data)
    first = services.submission_finalize(actor=setup.user, upload_id=upload.pk)
    again = services.submission_finalize(actor=setup.user, upload_id=upload.pk)
    assert first.pk == again.pk
    assert Submission.objects.count() == 1
    assert first.receipt == again.receipt
    doc = services.receipt_document(again)
    check = receipts.verify_document(doc)
    assert check.valid, check.reason
    fields = doc["receipt"]
    assert fields["size"] == len(data)
    assert fields["ciphertext_sha256"] == sha(data)
    assert fields["tender"] == setup.tender.code
    assert fields["envelope"] == "single"
    assert fields["vendor"] == str(setup.vendor.pk)
    assert fields["version"] == 1
    assert fields["upload_id"] == str(upload.pk)
    assert fields["received_at"].endswith("Z") and len(fields["received_at"]) == 24
    event = AuditEvent.objects.get(action="bid.submit")
    assert fields["audit_seq"] == event.seq
    assert first.receipt_signature == doc["signature"]
    upload.refresh_from_db()
    assert upload.status == "finalized"
    # The file is stored content-addressed and is the uploaded bytes.
    assert first.storage_name == f"bids/{setup.tender.code}/{sha(data)}"
    with services.open_stored(first) as stream:
        assert stream.read() == data
    assert not os.path.exists(upload_services.staging_path(upload))
    # Collusion signals kept (never public).
    assert first.ip == "10.0.0.7" and first.user_agent == "pytest"


def _refused(setup, data, *, declared=None, code, user=None):
    upload = start(setup, data, declared=declared, user=user)
    send(setup, upload, data, user=user)
    with pytest.raises(errors.DomainError) as caught:
        services.submission_finalize(actor=user or setup.user, upload_id=upload.pk)
    assert caught.value.code == code, caught.value.message
    assert not Submission.objects.exists()
    return caught.value


def test_finalize_of_an_incomplete_upload_is_refused():
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    send(setup, upload, data[:100])
    with pytest.raises(errors.Conflict) as caught:
        services.submission_finalize(actor=setup.user, upload_id=upload.pk)
    assert caught.value.code == "size_mismatch"
    assert str(caught.value.message) == (
        f"The server has received 100 of the {len(data)} bytes of this upload. Finish the "
        "upload (it continues where it stopped) and finalize again."
    )
    assert not Submission.objects.exists()


def test_finalize_with_another_hash_is_refused():
    setup = bid_setup()
    data = seal_bytes(setup)
    _refused(setup, data, declared="0" * 64, code="hash_mismatch")


def test_finalize_of_a_file_that_is_not_sealed_is_refused():
    setup = bid_setup()
    _refused(setup, b"%PDF-1.4 plain bid " * 50, code="E_FORMAT")


def test_finalize_of_a_truncated_sealed_file_is_refused():
    setup = bid_setup()
    data = seal_bytes(setup)
    _refused(setup, data[:-10], code="E_TRUNCATED")


def test_a_competitors_sealed_file_is_refused_at_finalize():
    setup = bid_setup()
    rival = second_vendor(setup)
    stolen = seal_bytes(setup, bidder=rival)  # the rival's bid, uploaded by our vendor
    error = _refused(setup, stolen, code="E_KEY_MISMATCH")
    assert "bidder" in str(error.message)
    refusal = AuditEvent.objects.get(action="bid.finalize_refused")
    assert refusal.changes["code"] == "E_KEY_MISMATCH"


def test_a_file_sealed_for_other_keys_or_tender_is_refused():
    setup = bid_setup()
    other = bid_setup()
    _refused(setup, seal_bytes(setup, keys=other.keys["single"]), code="E_KEY_MISMATCH")
    _refused(setup, seal_bytes(setup, tender_code=other.tender.code), code="E_KEY_MISMATCH")


def test_a_new_upload_replaces_the_effective_bid():
    setup = bid_setup()
    first = submit(setup, seal_bytes(setup))
    second = submit(setup, seal_bytes(setup, plaintext=b"%PDF-1.4 v2"))
    first.refresh_from_db()
    assert (first.version, first.is_effective) == (1, False)
    assert first.replaced_at == second.received_at
    assert (second.version, second.is_effective) == (2, True)
    assert second.receipt["receipt"]["version"] == 2
    assert AuditEvent.objects.filter(action="bid.submit").count() == 2


def test_withdrawal_before_the_deadline():
    setup = bid_setup()
    submission = submit(setup, seal_bytes(setup))
    withdrawn = services.submission_withdraw(
        actor=setup.user, tender=setup.tender, envelope="single"
    )
    assert withdrawn.pk == submission.pk
    withdrawn.refresh_from_db()
    assert not withdrawn.is_effective and withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_by == setup.user
    assert AuditEvent.objects.filter(action="bid.withdraw").count() == 1
    with pytest.raises(errors.Conflict) as caught:
        services.submission_withdraw(actor=setup.user, tender=setup.tender, envelope="single")
    assert caught.value.code == "nothing_to_withdraw"


def test_withdrawal_after_the_deadline_is_refused():
    setup = bid_setup()
    submit(setup, seal_bytes(setup))
    with clock.frozen(setup.deadline), pytest.raises(errors.Conflict) as caught:
        services.submission_withdraw(actor=setup.user, tender=setup.tender, envelope="single")
    assert caught.value.code == "upload_deadline_passed"
    assert Submission.objects.get().is_effective


def test_finalize_at_the_deadline_is_refused_to_the_millisecond():
    setup = bid_setup()
    data = seal_bytes(setup)
    late = start(setup, data)
    send(setup, late, data)
    with clock.frozen(setup.deadline), pytest.raises(errors.Conflict) as caught:
        services.submission_finalize(actor=setup.user, upload_id=late.pk)
    assert caught.value.code == "upload_deadline_passed"
    message = str(caught.value.message)
    label = upload_services.local_datetime_label(setup.deadline, setup.tender.lpse.time_zone)
    assert message == (
        f"The upload deadline was {label} by the server's clock. This upload was not finalized "
        "before it, so it was not accepted. A bid counts only when its upload is finished "
        "before the deadline: start uploading early, not in the last minutes."
    )
    assert not Submission.objects.exists()
    on_time = start(setup, data)
    send(setup, on_time, data)
    with clock.frozen(setup.deadline - dt.timedelta(milliseconds=1)):
        submission = services.submission_finalize(actor=setup.user, upload_id=on_time.pk)
    assert submission.received_at == setup.deadline - dt.timedelta(milliseconds=1)


def test_bytes_after_the_deadline_are_refused():
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    with clock.frozen(setup.deadline), pytest.raises(errors.Conflict) as caught:
        send(setup, upload, data)
    assert caught.value.code == "upload_deadline_passed"
    upload.refresh_from_db()
    assert upload.offset == 0


def test_fsync_order_file_then_directory_before_the_commit(monkeypatch):
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    send(setup, upload, data)
    calls: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def spy(fd):
        path = os.readlink(f"/proc/self/fd/{fd}")
        kind = "dir" if os.path.isdir(path) else "file"
        calls.append((kind, Submission.objects.count()))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    services.submission_finalize(actor=setup.user, upload_id=upload.pk)
    kinds = [k for k, _count in calls]
    assert kinds[kinds.index("file") :][:2] == ["file", "dir"]
    assert all(count == 0 for _kind, count in calls)  # both before the row exists
    assert Submission.objects.count() == 1


def test_terminated_upload_takes_no_bytes_and_cannot_finalize():
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    upload_services.upload_terminate(actor=setup.user, upload_id=upload.pk)
    assert Upload.objects.get(pk=upload.pk).status == "terminated"
    with pytest.raises(errors.Conflict) as caught:
        send(setup, upload, data)
    assert caught.value.code == "upload_closed"
    with pytest.raises(errors.Conflict):
        services.submission_finalize(actor=setup.user, upload_id=upload.pk)


def test_prakualifikasi_qualification_envelope_uses_the_qualification_stage():
    from openlpse.tenders.enums import TenderMethod

    setup = bid_setup(method=TenderMethod.PRA_2_FILE, open_stage="kirim_kualifikasi")
    assert set(setup.keys) == {"qualification", "file_1", "file_2"}
    submission = submit(
        setup, seal_bytes(setup, envelope="qualification"), envelope="qualification"
    )
    assert submission.envelope == "qualification" and submission.version == 1
    data = seal_bytes(setup, envelope="file_1")
    with pytest.raises(errors.Conflict) as caught:
        start(setup, data, envelope="file_1")
    assert caught.value.code == "stage_not_started"
    with pytest.raises(errors.ValidationError) as unknown:
        start(setup, data, envelope="single")
    assert unknown.value.code == "unknown_envelope"
