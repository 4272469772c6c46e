"""Committee keys at the announcement: the preparer refuses without keys, stores the system
key and the canary with them; the canary opens with the committee key and the key service's
half after the opening time."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone, translation

from openlpse.bids import keyclient
from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.sealedfile import open_sealed
from openlpse.bids.services import committee
from openlpse.bids.tests.factories import make_envelope_keys, sealed_bid
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.tenders.enums import TenderMethod, TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.services import setup as setup_services

pytestmark = pytest.mark.django_db


def _open(data: bytes, row: EnvelopeKeys, committee_key) -> bytes:  # type: ignore[no-untyped-def]
    def half(epk: bytes) -> bytes:
        return keyclient.system_halves(kid=row.system_kid, epks=[epk])[0]

    out = io.BytesIO()
    open_sealed(
        io.BytesIO(data),
        out,
        committee_key=committee_key,
        system_half=half,
        expected_kids=(row.committee_kid, row.system_kid),
    )
    return out.getvalue()


@pytest.fixture(autouse=True)
def _frozen():
    from openlpse.tenders.tests.setup_support import monday_morning

    with clock.frozen(monday_morning()), translation.override("en"):
        yield


def _ready(method: str = TenderMethod.PASCA_1_FILE, keys: bool = True) -> Tender:
    from openlpse.tenders.tests.setup_support import approve_all, draft, upload_document

    tender = draft(method=method)
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    if keys:
        tender.key_material = make_envelope_keys(tender, with_system=False)  # type: ignore[attr-defined]
    tender.refresh_from_db()
    return tender


def test_announce_is_refused_without_committee_keys_and_nothing_changes():
    tender = _ready(keys=False)
    with pytest.raises(errors.Conflict) as caught:
        setup_services.tender_announce(actor=tender.committee.chair, tender=tender)
    assert caught.value.code == "committee_keys_missing"
    assert caught.value.message.startswith(
        "The tender cannot be announced before the committee keys are made: no committee key "
        "for the envelope “Bid (one file)”"
    )
    assert "key ceremony page" in caught.value.message
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()
    assert not AuditEvent.objects.filter(action="tender.announce").exists()


def test_announce_is_refused_when_a_member_has_no_share():
    tender = _ready()
    row = EnvelopeKeys.objects.get(tender=tender)
    member = tender.committee.pokja[2]
    row.shares.filter(member=member).delete()
    with pytest.raises(errors.Conflict) as caught:
        setup_services.tender_announce(actor=tender.committee.chair, tender=tender)
    assert caught.value.code == "committee_keys_missing"
    assert f"the envelope “Bid (one file)” has no share for {member.display_name}" in (
        caught.value.message
    )
    row.refresh_from_db()
    assert (row.system_kid, row.canary) == ("", None)


def test_announce_with_keys_stores_the_system_key_and_the_canary_which_opens_after_opening():
    tender = _ready(method=TenderMethod.PASCA_2_FILE)
    material = tender.key_material  # type: ignore[attr-defined]
    announced = setup_services.tender_announce(actor=tender.committee.chair, tender=tender)
    assert announced.status == TenderStatus.ANNOUNCED
    event = AuditEvent.objects.get(action="tender.announce")
    assert set(event.changes["sealing_keys"]) == {"file_1", "file_2"}
    for env in ("file_1", "file_2"):
        row = EnvelopeKeys.objects.get(tender=tender, envelope=env)
        assert row.system_kid and row.system_public and row.prepared_at == clock.now()
        assert event.changes["sealing_keys"][env]["system_fingerprint"] == row.system_fingerprint
        assert len(row.canary_sha256) == 64
        opening = committee.opening_at(tender, env)
        with pytest.raises(keyclient.TooEarly):
            _open(bytes(row.canary), row, material[env].committee_key)
        with clock.frozen(opening + dt.timedelta(seconds=1)):
            plain = _open(bytes(row.canary), row, material[env].committee_key)
        assert hashlib.sha256(plain).hexdigest() == row.canary_sha256
    assert committee.opening_stage_code(tender, "file_1") == "pembukaan_file_1"
    assert committee.opening_stage_code(tender, "file_2") == "pembukaan_file_2"


def test_a_bid_sealed_with_the_factories_opens_with_k_shares():
    from openlpse.bids import ceremony

    tender = _ready()
    material = tender.key_material  # type: ignore[attr-defined]
    setup_services.tender_announce(actor=tender.committee.chair, tender=tender)
    data = sealed_bid(tender, "single", 7, b"OPENLPSE-DEMO-PLAINTEXT bid")
    env = material["single"]
    row = EnvelopeKeys.objects.get(tender=tender, envelope="single")
    shares = []
    for share in row.shares.filter(generation=1).order_by("x")[: row.threshold]:
        shares.append(
            ceremony.open_share(
                share.sealed, material.member_keys[share.member_id], env.contexts[share.member_id]
            )
        )
        assert hashlib.sha256(shares[-1]).hexdigest() == share.share_sha256
    key = ceremony.combine(shares)
    with clock.frozen(committee.opening_at(tender, "single") + dt.timedelta(minutes=1)):
        assert _open(data, row, key) == b"OPENLPSE-DEMO-PLAINTEXT bid"


def test_prakualifikasi_qualification_opens_after_its_upload_stage():
    tender = _ready(method=TenderMethod.PRA_1_FILE)
    assert committee.opening_stage_code(tender, "qualification") is not None
    setup_services.tender_announce(actor=tender.committee.chair, tender=tender)
    assert set(EnvelopeKeys.objects.filter(tender=tender).values_list("envelope", flat=True)) == {
        "qualification",
        "single",
    }


def test_pengadaan_langsung_is_a_committee_of_one():
    from openlpse.tenders.tests.setup_support import draft, ready
    from openlpse.vendors.tests.factories import make_verified_vendor

    tender = draft(method=TenderMethod.PENGADAAN_LANGSUNG)
    tender = ready(tender, vendor=make_verified_vendor(lpse=tender.lpse))
    setup_services.tender_announce(actor=tender.chair, tender=tender)
    row = EnvelopeKeys.objects.get(tender=tender)
    assert (row.threshold, row.share_count) == (1, 1)
    assert timezone.now()
