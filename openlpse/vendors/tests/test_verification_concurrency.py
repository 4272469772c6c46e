"""Races that the row locks decide (PostgreSQL): two verifikators deciding the same request at
once, two vendors taking the last place of a slot."""

from __future__ import annotations

import contextvars
import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from openlpse.core import errors
from openlpse.vendors.models import DocumentReview, VerificationAppointment, VerificationRequest
from openlpse.vendors.services.slots import appointment_book
from openlpse.vendors.services.verification import verification_approve, verification_reject
from openlpse.vendors.tests.factories import (
    VerificationSlotFactory,
    make_submitted_registration,
    make_verifikator,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _race(*targets):
    """Run the targets in threads that start together; return each one's result or error."""
    start = threading.Barrier(len(targets))
    results: list[object] = [None] * len(targets)

    def run(index, target, context):
        try:
            start.wait(timeout=30)
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


def test_two_verifikators_deciding_at_once_give_one_decision(lpse_lampung_timur):
    vreq = make_submitted_registration(lpse=lpse_lampung_timur)
    first = make_verifikator(lpse_lampung_timur)
    second = make_verifikator(lpse_lampung_timur)
    results = _race(
        lambda: verification_approve(actor=first, request=vreq),
        lambda: verification_reject(actor=second, request=vreq, reviews={"ktp": (False, "Buram.")}),
    )
    conflicts = [r for r in results if isinstance(r, errors.Conflict)]
    decided = [r for r in results if isinstance(r, VerificationRequest)]
    assert len(conflicts) == 1 and len(decided) == 1, results
    final = VerificationRequest.objects.get(pk=vreq.pk)
    assert final.status == decided[0].status
    # The findings are those of the one decision.
    expected = 6 if final.status == "approved" else 1
    assert DocumentReview.objects.filter(request=vreq).count() == expected


def test_two_vendors_never_take_the_last_place_together(lpse_karangasem):
    starts = timezone.now() + dt.timedelta(days=2)
    slot = VerificationSlotFactory(
        lpse=lpse_karangasem, starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )
    a = make_submitted_registration(lpse=lpse_karangasem, documents=False)
    b = make_submitted_registration(lpse=lpse_karangasem, documents=False)
    results = _race(
        lambda: appointment_book(actor=a.vendor.created_by, vendor=a.vendor, slot=slot),
        lambda: appointment_book(actor=b.vendor.created_by, vendor=b.vendor, slot=slot),
    )
    refused = [r for r in results if isinstance(r, errors.Conflict)]
    assert len(refused) == 1 and refused[0].code == "slot_full", results
    assert VerificationAppointment.objects.filter(slot=slot).count() == 1
