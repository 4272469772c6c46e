"""Races the tender row lock decides (PostgreSQL): a double click on "ikut tender" from two
people of one vendor; two committee members publishing the same addendum."""

from __future__ import annotations

import contextvars
import threading

import pytest
from django.db import connection, connections

from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.tenders.enums import AddendumStatus, DocumentKind
from openlpse.tenders.models import Addendum, Participant, TenderDocument
from openlpse.tenders.services import addenda
from openlpse.tenders.services.participation import tender_join
from openlpse.tenders.tests.participation_support import (
    PDF_V2,
    tender_with_document,
    upload,
    vendor_for,
    vendor_staff,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _race(*targets):
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


def test_two_joins_at_once_give_one_participant():
    tender = tender_with_document(open_stage="pengumuman")
    vendor = vendor_for(tender)
    staff = vendor_staff(vendor)

    results = _race(
        lambda: tender_join(actor=vendor.created_by, tender=tender),
        lambda: tender_join(actor=staff, tender=tender),
    )

    assert all(isinstance(r, Participant) for r in results), results
    assert results[0].pk == results[1].pk
    assert Participant.objects.filter(tender=tender).count() == 1
    assert AuditEvent.objects.filter(action="tender.join").count() == 1


def test_two_publications_of_one_addendum_publish_it_once():
    tender = tender_with_document()
    addendum = addenda.addendum_create(
        actor=tender.committee.chair,
        tender=tender,
        reason="Perubahan volume",
        documents=[addenda.NewDocument(DocumentKind.DOKUMEN_PEMILIHAN, "Adendum", upload(PDF_V2))],
    )

    results = _race(
        lambda: addenda.addendum_publish(actor=tender.committee.chair, addendum=addendum),
        lambda: addenda.addendum_publish(actor=tender.committee.pokja[1], addendum=addendum),
    )

    published = [r for r in results if isinstance(r, Addendum)]
    refused = [r for r in results if isinstance(r, errors.Conflict)]
    assert len(published) == 1
    assert len(refused) == 1
    assert refused[0].code == "addendum_published"
    assert Addendum.objects.get().status == AddendumStatus.PUBLISHED
    assert TenderDocument.objects.filter(tender=tender, superseded_at__isnull=True).count() == 1
