"""Issue 5 item 1: public keys and fingerprints are part of the published announcement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.sealedfile import format_fingerprint
from openlpse.bids.templatetags.bids_public import announced_keys
from openlpse.bids.tests.factories import make_envelope_keys
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.tests.factories import announced_tender

pytestmark = pytest.mark.django_db


def _page(client, tender) -> str:  # type: ignore[no-untyped-def]
    client.cookies["openlpse_language"] = "en"  # the page's language comes from this cookie
    response = client.get(reverse("tenders:public_announcement", args=[tender.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_announcement_shows_both_fingerprints_k_of_n_and_the_generation(client):
    tender = announced_tender(open_stage="upload_penawaran")
    make_envelope_keys(tender)
    rows = list(EnvelopeKeys.objects.filter(tender=tender))
    assert rows and all(row.system_fingerprint for row in rows)
    content = _page(client, tender)
    assert "Sealing keys" in content
    assert f"/api/v1/tenders/{tender.code}/keys" in content
    for row in rows:
        assert format_fingerprint(row.committee_fingerprint) in content
        assert format_fingerprint(row.system_fingerprint) in content
        assert f"{row.threshold} of {row.share_count} Pokja members" in content
        assert "Share generation" in content


def test_the_keys_cost_one_query(django_assert_num_queries):
    tender = announced_tender(open_stage="upload_penawaran")
    make_envelope_keys(tender)
    with django_assert_num_queries(1):
        envelopes = announced_keys(tender)
    assert [e["envelope"] for e in envelopes] == sorted(
        EnvelopeKeys.objects.filter(tender=tender).values_list("envelope", flat=True)
    )


def test_an_envelope_without_its_system_key_is_not_shown(client):
    tender = announced_tender(open_stage="upload_penawaran")
    make_envelope_keys(tender, with_system=False)
    content = _page(client, tender)
    assert "Sealing keys" not in content
    row = EnvelopeKeys.objects.filter(tender=tender).first()
    assert row is not None and format_fingerprint(row.committee_fingerprint) not in content


def test_a_tender_in_preparation_shows_nothing(django_assert_num_queries):
    tender = announced_tender(open_stage="upload_penawaran")
    make_envelope_keys(tender)
    tender.status = TenderStatus.DRAFT
    tender.announced_at = None
    with django_assert_num_queries(0):
        assert announced_keys(tender) == []
