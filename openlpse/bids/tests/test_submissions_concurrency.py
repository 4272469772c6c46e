"""Exactly once under races (PostgreSQL row locks): concurrent finalizes of one upload give
one Submission and one receipt; concurrent PATCHes at one offset advance it once."""

from __future__ import annotations

import contextvars
import hashlib
import threading

import pytest
from django.db import connection, connections

from openlpse.bids.models import Submission, Upload
from openlpse.bids.services import submissions as services
from openlpse.bids.services import uploads as upload_services
from openlpse.bids.tests.submissions_support import bid_setup, seal_bytes, send, start
from openlpse.core.models import AuditEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _race(*targets):
    start_line = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)

    def run(index, target, context):
        try:
            start_line.wait(timeout=30)
            results[index] = context.run(target)
        except BaseException as exc:  # reported to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, t, contextvars.copy_context()))
        for i, t in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return results


def test_concurrent_finalizes_give_one_submission():
    setup = bid_setup()
    data = seal_bytes(setup, plaintext=b"%PDF-1.4 " + b"z" * 200_000)
    upload = start(setup, data)
    send(setup, upload, data)

    def finalize():
        return services.submission_finalize(actor=setup.user, upload_id=upload.pk)

    results = _race(*([finalize] * 4))
    assert all(isinstance(r, Submission) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert len({r.receipt_signature for r in results}) == 1
    assert Submission.objects.count() == 1
    assert AuditEvent.objects.filter(action="bid.submit").count() == 1


def test_concurrent_patches_at_one_offset_advance_it_once():
    setup = bid_setup()
    data = seal_bytes(setup)
    upload = start(setup, data)
    chunk = data[:4096]

    def patch():
        return upload_services.upload_append(
            actor=setup.user,
            upload_id=upload.pk,
            offset=0,
            chunk=chunk,
            checksum_sha256=hashlib.sha256(chunk).digest(),
        )

    results = _race(patch, patch, patch)
    assert sum(isinstance(r, Upload) for r in results) == 1
    assert sum(isinstance(r, upload_services.OffsetMismatch) for r in results) == 2
    assert Upload.objects.get().offset == 4096
