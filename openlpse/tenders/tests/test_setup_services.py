"""Tender set-up services: create, evaluation, requirements, documents, guarantees, schedule,
approvals (kolektif kolegial) and the announcement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.ops.models import DueCheck
from openlpse.tenders import schedule, sealing
from openlpse.tenders.enums import (
    DocumentKind,
    Envelope,
    EvaluationMethod,
    GuaranteeKind,
    RequirementKind,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.models import Tender, TenderApproval, TenderDocument, TenderStage
from openlpse.tenders.services import setup as services
from openlpse.tenders.stages import template_for
from openlpse.tenders.tests.factories import assigned_package
from openlpse.tenders.tests.setup_support import (
    approve_all,
    draft,
    monday_morning,
    ready,
    upload_document,
)
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    make_verified_vendor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(monday_morning()), translation.override("en"):
        yield


# --- create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(TenderMethod))
def test_the_chair_creates_a_draft_with_the_default_schedule_of_its_method(method):
    tender = draft(method=method)
    assert tender.status == TenderStatus.DRAFT
    assert tender.method == method
    assert tender.setup_version == 1
    assert tender.code == f"{tender.package.code}-1"
    codes = list(TenderStage.objects.filter(tender=tender).values_list("code", flat=True))
    assert codes == [s.code for s in template_for(method)]
    assert schedule.tender_problems(tender, now=clock.now()) == []
    first = TenderStage.objects.get(tender=tender, position=1)
    # The next working day's opening time (Tuesday 08:00 WIB).
    assert first.starts_at == monday_morning().replace(hour=8) + dt.timedelta(days=1)
    event = AuditEvent.objects.get(action="tender.create")
    assert event.object_id == str(tender.pk)


def test_a_pokja_package_cannot_use_pengadaan_langsung_and_vice_versa():
    package = assigned_package()
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_create(
            actor=package.committee.chair, package=package, method=TenderMethod.PENGADAAN_LANGSUNG
        )
    assert caught.value.code == "method_not_allowed"
    assert "four tender methods" in caught.value.message
    small = assigned_package(pengadaan_langsung=True)
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_create(
            actor=small.committee.pejabat_pengadaan, package=small, method=TenderMethod.PASCA_1_FILE
        )
    assert caught.value.code == "method_not_allowed"
    assert Tender.objects.count() == 0


def test_a_second_live_tender_of_the_package_is_refused():
    tender = draft()
    with pytest.raises(errors.Conflict) as caught:
        services.tender_create(
            actor=tender.chair, package=tender.package, method=TenderMethod.PASCA_2_FILE
        )
    assert caught.value.code == "tender_exists"
    assert tender.code in caught.value.message
    assert Tender.objects.count() == 1


# --- evaluation --------------------------------------------------------------------------------


def test_sistem_nilai_weights_must_add_up_to_100():
    tender = draft(method=TenderMethod.PASCA_2_FILE)
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_update_setup(
            actor=tender.chair,
            tender=tender,
            evaluation_method=EvaluationMethod.SISTEM_NILAI,
            technical_weight="60",
            price_weight="30",
            technical_passing_grade="70",
            bid_validity_days=60,
        )
    assert caught.value.fields == {
        "price_weight": [
            "The technical weight (60) and the price weight (30) add up to 90; they must add up "
            "to 100."
        ]
    }
    tender.refresh_from_db()
    assert tender.setup_version == 1


def test_a_one_file_tender_is_evaluated_by_the_lowest_price():
    tender = draft()
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_update_setup(
            actor=tender.chair,
            tender=tender,
            evaluation_method=EvaluationMethod.SISTEM_NILAI,
            technical_weight="70",
            price_weight="30",
            technical_passing_grade="70",
            bid_validity_days=60,
        )
    assert list(caught.value.fields) == ["evaluation_method"]


def test_umur_ekonomis_needs_the_economic_life_and_a_valid_update_bumps_the_version():
    tender = draft(method=TenderMethod.PRA_2_FILE)
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_update_setup(
            actor=tender.chair,
            tender=tender,
            evaluation_method=EvaluationMethod.UMUR_EKONOMIS,
            bid_validity_days=90,
        )
    assert list(caught.value.fields) == ["economic_life_years"]
    updated = services.tender_update_setup(
        actor=tender.chair,
        tender=tender,
        evaluation_method=EvaluationMethod.UMUR_EKONOMIS,
        economic_life_years=10,
        technical_weight="70",
        bid_validity_days=90,
    )
    assert (
        updated.evaluation_method,
        updated.economic_life_years,
        updated.technical_weight,
        updated.bid_validity_days,
        updated.setup_version,
    ) == (EvaluationMethod.UMUR_EKONOMIS, 10, None, 90, 2)


def test_pengadaan_langsung_invites_a_verified_vendor_that_is_not_blacklisted():
    tender = draft(method=TenderMethod.PENGADAAN_LANGSUNG)
    base = dict(
        actor=tender.chair,
        tender=tender,
        evaluation_method=EvaluationMethod.HARGA_TERENDAH,
        bid_validity_days=30,
    )
    with pytest.raises(errors.ValidationError):
        services.tender_update_setup(**base)
    with pytest.raises(errors.PermissionDenied) as caught:
        services.tender_update_setup(**base, invited_vendor=VendorFactory())
    assert caught.value.code == "vendor_not_verified"
    blacklisted = make_verified_vendor(lpse=tender.lpse)
    BlacklistEntryFactory(vendor=blacklisted, npwp=blacklisted.npwp)
    with pytest.raises(errors.DomainError):
        services.tender_update_setup(**base, invited_vendor=blacklisted)
    tender.refresh_from_db()
    assert tender.invited_vendor_id is None
    good = make_verified_vendor(lpse=tender.lpse)
    assert services.tender_update_setup(**base, invited_vendor=good).invited_vendor_id == good.pk


# --- requirements, documents, guarantees --------------------------------------------------------


def test_requirements_replace_the_old_ones_and_a_licence_names_its_kind():
    tender = draft()
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_set_requirements(
            actor=tender.chair,
            tender=tender,
            items=[{"kind": RequirementKind.LICENCE, "text": "Memiliki izin usaha"}],
        )
    assert list(caught.value.fields) == ["requirements.1.licence_kind"]
    rows = services.tender_set_requirements(
        actor=tender.chair,
        tender=tender,
        items=[
            {
                "kind": RequirementKind.LICENCE,
                "licence_kind": "nib",
                "classification": "41011",
                "text": "NIB dengan KBLI 41011",
            },
            {
                "kind": RequirementKind.EXPERIENCE,
                "licence_kind": "nib",
                "text": "Pengalaman 1 paket",
            },
        ],
    )
    assert [(r.position, r.kind, r.licence_kind) for r in rows] == [
        (1, "licence", "nib"),
        (2, "experience", ""),
    ]
    tender.refresh_from_db()
    assert tender.setup_version == 2


def test_required_documents_only_in_the_envelopes_of_the_method():
    tender = draft()  # pasca 1 file: one envelope
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_set_required_documents(
            actor=tender.chair,
            tender=tender,
            items=[{"envelope": Envelope.FILE_2, "name": "Surat penawaran harga"}],
        )
    assert list(caught.value.fields) == ["documents.1.envelope"]
    assert "Bid (one file)" in caught.value.message
    two = draft(method=TenderMethod.PRA_2_FILE)
    rows = services.tender_set_required_documents(
        actor=two.chair,
        tender=two,
        items=[
            {"envelope": Envelope.QUALIFICATION, "name": "Formulir isian kualifikasi"},
            {"envelope": Envelope.FILE_1, "name": "Usulan teknis"},
            {"envelope": Envelope.FILE_2, "name": "Surat penawaran harga", "mandatory": True},
        ],
    )
    assert sorted((r.envelope, r.position) for r in rows) == [
        ("file_1", 1),
        ("file_2", 1),
        ("qualification", 1),
    ]


def test_a_bid_guarantee_is_one_to_three_percent_of_the_hps():
    tender = draft()
    hps = tender.package.hps_total  # 600.000.000
    assert hps == Decimal("600000000.00")
    with pytest.raises(errors.ValidationError) as caught:
        services.tender_set_guarantees(
            actor=tender.chair,
            tender=tender,
            items=[{"kind": GuaranteeKind.BID, "amount": "1000000"}],
        )
    assert caught.value.fields == {
        "guarantees.bid": [
            "A bid guarantee is 1% to 3% of the HPS (Rp 600000000.00): enter an amount from "
            "Rp 6000000.00 to Rp 18000000.00."
        ]
    }
    rows = services.tender_set_guarantees(
        actor=tender.chair,
        tender=tender,
        items=[
            {"kind": GuaranteeKind.BID, "amount": "12000000"},
            {"kind": GuaranteeKind.PERFORMANCE, "notes": "5% dari nilai kontrak"},
        ],
    )
    assert sorted((r.kind, r.amount) for r in rows) == [
        ("bid", Decimal("12000000.00")),
        ("performance", None),
    ]


# --- schedule ----------------------------------------------------------------------------------


def test_an_invalid_schedule_is_refused_with_each_problem_and_nothing_saved():
    tender = draft()
    before = schedule.rows_of(tender)
    rows = dict(before)
    _start, end = rows["upload_penawaran"]
    rows["upload_penawaran"] = (rows["penjelasan"][0], end)
    with pytest.raises(schedule.ScheduleInvalid) as caught:
        services.tender_set_schedule(actor=tender.chair, tender=tender, rows=rows)
    assert [p.key for p in caught.value.problems] == ["upload_penawaran.starts_at"]
    assert caught.value.message.startswith("The schedule has 1 problem: “Bid upload” must start")
    assert schedule.rows_of(tender) == before
    tender.refresh_from_db()
    assert tender.setup_version == 1


def test_a_valid_schedule_is_saved_and_bumps_the_version():
    tender = draft()
    rows = schedule.rows_of(tender)
    start, end = rows["kontrak"]
    rows["kontrak"] = (start, end + dt.timedelta(days=1))
    services.tender_set_schedule(actor=tender.chair, tender=tender, rows=rows)
    assert schedule.rows_of(tender)["kontrak"] == (start, end + dt.timedelta(days=1))
    tender.refresh_from_db()
    assert tender.setup_version == 2


# --- approvals and announcement ----------------------------------------------------------------


def test_each_member_approves_once_and_a_change_voids_earlier_approvals():
    tender = draft()
    member = tender.committee.pokja[1]
    first = services.tender_approve(actor=member, tender=tender)
    assert services.tender_approve(actor=member, tender=tender).pk == first.pk
    assert [u.pk for u in services.approvals_missing(tender)] == [
        tender.committee.pokja[0].pk,
        tender.committee.pokja[2].pk,
    ]
    services.tender_set_requirements(
        actor=tender.chair, tender=tender, items=[{"kind": "tax", "text": "Lunas pajak"}]
    )
    tender.refresh_from_db()
    assert len(services.approvals_missing(tender)) == 3


def test_the_announcement_waits_for_every_approval_then_for_the_document():
    tender = draft()
    services.tender_approve(actor=tender.chair, tender=tender)
    with pytest.raises(errors.Conflict) as caught:
        services.tender_announce(actor=tender.chair, tender=tender)
    missing = tender.committee.pokja[1:]
    names = ", ".join(u.get_full_name() or u.username for u in missing)
    assert caught.value.message == (
        "The tender cannot be announced yet: Every committee member must approve the current "
        f"set-up (version 1); still missing: {names}."
    )
    approve_all(tender)
    with pytest.raises(errors.Conflict) as caught:
        services.tender_announce(actor=tender.chair, tender=tender)
    assert "Upload the Selection document (dokumen pemilihan)" in caught.value.message
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_prakualifikasi_needs_the_qualification_document():
    tender = draft(method=TenderMethod.PRA_1_FILE)
    approve_all(tender)
    upload_document(tender, DocumentKind.DOKUMEN_PEMILIHAN)
    with pytest.raises(errors.Conflict) as caught:
        services.tender_announce(actor=tender.chair, tender=tender)
    assert "dokumen kualifikasi" in caught.value.message


def test_a_schedule_whose_first_stage_has_passed_blocks_the_announcement():
    tender = ready(draft())
    first = TenderStage.objects.get(tender=tender, position=1)
    with (
        clock.frozen(first.starts_at + dt.timedelta(minutes=1)),
        pytest.raises(errors.Conflict) as caught,
    ):
        services.tender_announce(actor=tender.chair, tender=tender)
    assert "would start in the past" in caught.value.message
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_a_member_who_is_not_the_chair_cannot_announce():
    tender = ready(draft())
    with pytest.raises(errors.PermissionDenied):
        services.tender_announce(actor=tender.committee.pokja[1], tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_the_chair_announces_and_the_sealing_seam_is_called(monkeypatch):
    calls = []

    def preparer(*, tender, actor, envelopes):
        calls.append((tender.pk, actor.pk, envelopes))
        return {"keys": len(envelopes)}

    monkeypatch.setattr(sealing, "_preparers", [preparer])
    tender = ready(draft(method=TenderMethod.PASCA_2_FILE))
    document = TenderDocument.objects.get(tender=tender)
    announced = services.tender_announce(actor=tender.chair, tender=tender)
    assert announced.status == TenderStatus.ANNOUNCED
    assert announced.announced_at == clock.now()
    assert announced.announced_by == tender.chair
    assert announced.public_modified_at == clock.now()
    assert calls == [(tender.pk, tender.chair.pk, ["file_1", "file_2"])]
    document.refresh_from_db()
    assert document.published_at == clock.now()
    event = AuditEvent.objects.get(action="tender.announce")
    assert event.changes == {"setup_version": 1, "sealing_prepared": True, "keys": 2}
    check = DueCheck.objects.get(kind=services.STAGE_NOTICES)
    assert check.object_ref == str(tender.pk)
    assert check.due_at == TenderStage.objects.get(tender=tender, position=1).starts_at
    assert set(
        Notification.objects.filter(topic="tender.announced").values_list("user_id", flat=True)
    ) == {u.pk for u in tender.committee.pokja}


def test_a_failing_sealing_step_leaves_the_tender_unannounced(monkeypatch):
    def broken(**kwargs):
        raise errors.Conflict("The key service is not reachable.", code="keys_unavailable")

    monkeypatch.setattr(sealing, "_preparers", [broken])
    tender = ready(draft())
    with pytest.raises(errors.Conflict):
        services.tender_announce(actor=tender.chair, tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT
    assert not AuditEvent.objects.filter(action="tender.announce").exists()


def test_pengadaan_langsung_is_announced_by_its_pejabat_pengadaan_alone():
    tender = draft(method=TenderMethod.PENGADAAN_LANGSUNG)
    tender = ready(tender, vendor=make_verified_vendor(lpse=tender.lpse))
    assert TenderApproval.objects.filter(tender=tender).count() == 1
    announced = services.tender_announce(actor=tender.chair, tender=tender)
    assert announced.status == TenderStatus.ANNOUNCED
