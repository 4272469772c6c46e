"""The chair's ceremony through the service, its refusals, and a re-split after a change of
Pokja end to end in Python: the new generation's share hashes replace the old ones."""

from __future__ import annotations

import pytest
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import ceremony
from openlpse.bids.models import EnvelopeKeys, KeyResplit
from openlpse.bids.services import committee, resplit
from openlpse.bids.tests.factories import give_personal_keys
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.plans.tests.factories import grant
from openlpse.tenders.services import pokja
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.tests.setup_support import approve_all, draft, monday_morning, upload_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(monday_morning()), translation.override("en"):
        yield


def _tender():
    tender = draft()
    upload_document(tender, setup_services.required_document_kind(tender))
    approve_all(tender)
    keys = give_personal_keys(tender.committee.pokja)
    tender.refresh_from_db()
    return tender, keys


def test_ceremony_through_the_service_then_refused_for_non_chair_and_after_announcement():
    tender, _member_keys = _tender()
    chair, second = tender.committee.pokja[0], tender.committee.pokja[1]
    with pytest.raises(errors.PermissionDenied) as caught:
        committee.committee_material(actor=second, tender=tender)
    assert caught.value.code == "not_committee_chair"
    with pytest.raises(errors.NotFound):
        committee.committee_material(actor=UserFactory(), tender=tender)
    material = committee.committee_material(actor=chair, tender=tender)
    assert (material["threshold"], material["share_count"], material["missing"]) == (2, 3, [])
    result = ceremony.run_key_ceremony(material)
    bad = {"envelopes": {"single": dict(result.payload["envelopes"]["single"], threshold=3)}}
    with pytest.raises(errors.ValidationError):
        committee.committee_keys_store(actor=chair, tender=tender, envelopes=bad["envelopes"])
    assert not EnvelopeKeys.objects.filter(tender=tender).exists()
    with pytest.raises(errors.PermissionDenied):
        committee.committee_keys_store(
            actor=second, tender=tender, envelopes=result.payload["envelopes"]
        )
    rows = committee.committee_keys_store(
        actor=chair, tender=tender, envelopes=result.payload["envelopes"]
    )
    assert rows[0].shares.count() == 3
    setup_services.tender_announce(actor=chair, tender=tender)
    tender.refresh_from_db()
    with pytest.raises(errors.Conflict) as caught:
        committee.committee_keys_store(
            actor=chair, tender=tender, envelopes=result.payload["envelopes"]
        )
    assert caught.value.code == "ceremony_after_announcement"


def test_members_without_confirmed_key_block_the_ceremony():
    tender = draft()
    chair = tender.committee.pokja[0]
    give_personal_keys(tender.committee.pokja[:2])
    material = committee.committee_material(actor=chair, tender=tender)
    assert [m["user_id"] for m in material["missing"]] == [tender.committee.pokja[2].pk]
    result = ceremony.run_key_ceremony(material)
    with pytest.raises(errors.Conflict) as caught:
        committee.committee_keys_store(
            actor=chair, tender=tender, envelopes=result.payload["envelopes"]
        )
    assert caught.value.code == "members_without_keys"


def test_resplit_after_a_change_of_pokja_end_to_end():
    tender, member_keys = _tender()
    chair, second, third = tender.committee.pokja
    result = ceremony.run_key_ceremony(committee.committee_material(actor=chair, tender=tender))
    committee.committee_keys_store(
        actor=chair, tender=tender, envelopes=result.payload["envelopes"]
    )
    setup_services.tender_announce(actor=chair, tender=tender)
    tender.refresh_from_db()
    row = EnvelopeKeys.objects.get(tender=tender)
    old_hashes = set(row.shares.values_list("share_sha256", flat=True))

    newcomer = UserFactory()
    grant(newcomer, Role.POKJA_MEMBER, agency=tender.committee.ulp_agency)
    member_keys.update(give_personal_keys([newcomer]))
    pokja.pokja_replace_member(
        actor=tender.committee.ulp_head,
        package=tender.package,
        member=third,
        replacement=newcomer,
        reason="Mutasi jabatan",
    )
    row.refresh_from_db()
    assert row.resplit_required
    job = KeyResplit.objects.get(keys=row)
    assert (job.status, job.reason, job.removed, job.added) == (
        "pending",
        "Mutasi jabatan",
        third,
        newcomer,
    )
    # The removed member can no longer hand over; the newcomer holds no share.
    with pytest.raises(errors.NotFound):
        resplit.resplit_handover(actor=third, resplit=job, sealed_to_chair={})
    with pytest.raises(errors.PermissionDenied):
        resplit.resplit_handover(actor=newcomer, resplit=job, sealed_to_chair={})
    # The second member hands their share to the chair.
    mat = resplit.resplit_material(actor=second, resplit=job)
    sealed = ceremony.handover(
        mat["own_share"]["sealed"],
        member_key=member_keys[second.pk],
        context=mat["own_share"]["context"],
        chair_public=mat["chair_public"],
        handover_context=mat["handover_context"],
    )
    resplit.resplit_handover(actor=second, resplit=job, sealed_to_chair=sealed)
    chair_mat = resplit.resplit_material(actor=chair, resplit=job)
    payload = ceremony.complete_resplit(chair_mat, chair_key=member_keys[chair.pk])
    with pytest.raises(errors.PermissionDenied):
        resplit.resplit_complete(actor=second, resplit=job, envelope_payload=payload)
    done = resplit.resplit_complete(actor=chair, resplit=job, envelope_payload=payload)
    assert done.status == "done" and done.minutes is not None
    row.refresh_from_db()
    assert (row.generation, row.resplit_required) == (2, False)
    current = row.shares.filter(generation=2)
    assert {s.member_id for s in current} == {chair.pk, second.pk, newcomer.pk}
    assert not old_hashes & set(current.values_list("share_sha256", flat=True))
    assert row.shares.filter(generation=1, superseded_at__isnull=True).count() == 0
    # The newcomer's new share rebuilds the committee key with the chair's.
    shares = [
        ceremony.open_share(
            s.sealed, member_keys[s.member_id], f"{tender.code}/single/g2/u{s.member_id}"
        )
        for s in current.filter(member_id__in=[chair.pk, newcomer.pk])
    ]
    assert ceremony.combine(shares).private_numbers() == (
        result.committee_keys["single"].private_numbers()
    )
    assert AuditEvent.objects.filter(action="bids.resplit_complete").count() == 1
    with pytest.raises(errors.Conflict):
        resplit.resplit_complete(actor=chair, resplit=job, envelope_payload=payload)
