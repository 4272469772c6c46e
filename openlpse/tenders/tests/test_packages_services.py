"""Package services: create from an announced RUP item only, HPS within the pagu, documents,
locations, send to the ULP or a Pejabat Pengadaan (pengadaan langsung ceilings), return."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.plans.enums import PlannedMethod, ProcurementType, RupStatus
from openlpse.plans.tests.factories import RupItemFactory, announced_rup
from openlpse.tenders import rules
from openlpse.tenders.enums import PackageStatus, SelectionUnit
from openlpse.tenders.models import HpsItem, Package
from openlpse.tenders.services import packages as services
from openlpse.tenders.tests.packages_support import (
    HPS,
    HPS_TOTAL,
    build_scene,
    pdf,
    ready_package,
    sent_package,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def _create(scene, **overrides):
    data = {
        "actor": scene.ppk,
        "rup_item": scene.rup,
        "contract_type": "harga_satuan",
        "business_qualification": "non_kecil",
        "description": "Peningkatan jalan",
    }
    data.update(overrides)
    return services.package_create(**data)


# --- create -------------------------------------------------------------------------------------


def test_ppk_creates_a_draft_package_from_an_announced_rup_item(scene):
    package = _create(scene)
    assert package.status == PackageStatus.DRAFT
    assert package.name == scene.rup.name
    assert package.pagu == scene.rup.pagu
    assert package.fiscal_year == scene.rup.fiscal_year
    assert package.procurement_type == scene.rup.procurement_type
    assert package.agency == scene.officials.agency
    # The PPK's role is in one work unit: the package belongs to it.
    assert package.work_unit == scene.officials.work_unit
    assert package.ppk == scene.ppk
    assert package.hps_total == Decimal("0")
    assert package.code == f"P{scene.rup.fiscal_year}{scene.rup.lpse_id:03d}00001"
    event = AuditEvent.objects.get(action="package.create")
    assert event.actor_id == scene.ppk.pk
    assert event.object_id == str(package.pk)
    assert event.changes["rup_item"] == scene.rup.code


def test_codes_are_unique_and_sequential(scene):
    first = _create(scene)
    second = _create(scene, rup_item=announced_rup(agency=scene.officials.agency))
    assert first.code.endswith("00001")
    assert second.code.endswith("00002")


def test_package_from_an_unannounced_rup_item_is_refused(scene):
    draft = RupItemFactory(agency=scene.officials.agency, status=RupStatus.DRAFT)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        _create(scene, rup_item=draft)
    assert caught.value.code == "rup_not_announced"
    assert str(caught.value) == (
        f"RUP item {draft.code} is not announced (draft). A package can only be made from an "
        "announced RUP item: ask the PA/KPA to announce it first."
    )
    assert snapshot() == before


def test_package_from_a_withdrawn_rup_item_is_refused(scene):
    scene.rup.status = RupStatus.WITHDRAWN
    scene.rup.save()
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        _create(scene)
    assert caught.value.code == "rup_not_announced"
    assert snapshot() == before


def test_package_from_a_swakelola_item_is_refused(scene):
    item = announced_rup(agency=scene.officials.agency, planned_method=PlannedMethod.SWAKELOLA)
    with pytest.raises(errors.Conflict) as caught:
        _create(scene, rup_item=item)
    assert caught.value.code == "rup_method_not_selection"
    assert not Package.objects.exists()


def test_second_package_from_the_same_item_is_refused_naming_the_first(scene):
    first = _create(scene)
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        _create(scene)
    assert caught.value.code == "rup_has_package"
    assert first.code in str(caught.value)
    assert Package.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["stranger", "pa", "kpa", "agency_admin", "head", "pokja", "lpse_staff", "lpse_admin"]
)
def test_only_a_ppk_of_the_agency_creates_packages(scene, who):
    actor = {
        "stranger": scene.stranger,
        "pa": scene.officials.pa,
        "kpa": scene.officials.kpa,
        "agency_admin": scene.officials.agency_admin,
        "head": scene.head,
        "pokja": scene.committee.pokja[0],
        "lpse_staff": scene.lpse_staff,
        "lpse_admin": scene.lpse_admin,
    }[who]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _create(scene, actor=actor)
    assert snapshot() == before


def test_ppk_of_another_agency_is_refused(scene):
    other = build_scene()
    with pytest.raises(errors.PermissionDenied):
        _create(scene, actor=other.ppk)
    assert not Package.objects.exists()


def test_work_unit_of_another_agency_is_refused(scene):
    other = build_scene()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        _create(scene, work_unit=other.officials.work_unit)
    assert caught.value.fields == {
        "work_unit": [
            f"Choose a work unit of {scene.officials.agency.name}, the agency of the RUP item."
        ]
    }


def test_bad_details_are_refused_field_by_field(scene):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        _create(scene, name="  ", contract_type="barter", business_qualification="huge")
    assert caught.value.fields == {
        "name": ["Enter the name of the package."],
        "contract_type": ["Choose the contract type from the list."],
        "business_qualification": ["Choose the business qualification from the list."],
    }
    assert not Package.objects.exists()


def test_update_changes_the_details_while_draft(scene):
    package = _create(scene)
    updated = services.package_update(
        actor=scene.ppk,
        package=package,
        name="Jalan Baru",
        contract_type="lump_sum",
        business_qualification="kecil",
        description="x",
    )
    assert (updated.name, updated.contract_type, updated.business_qualification) == (
        "Jalan Baru",
        "lump_sum",
        "kecil",
    )
    event = AuditEvent.objects.filter(action="package.update").get()
    assert event.changes["name"] == [scene.rup.name, "Jalan Baru"]


def test_update_after_sending_is_refused(scene):
    package = sent_package(scene)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        services.package_update(
            actor=scene.ppk,
            package=package,
            name="X",
            contract_type="lump_sum",
            business_qualification="kecil",
            description="",
        )
    assert caught.value.code == "package_not_editable"
    assert str(caught.value) == (
        f"Package {package.code} is sent to the procurement unit and can no longer be changed. "
        "Ask the head of the procurement unit to return it to you if something must change."
    )
    assert snapshot() == before


# --- HPS -----------------------------------------------------------------------------------------


def test_hps_rows_and_total_are_exact_decimals(scene):
    package = _create(scene)
    services.package_set_hps(actor=scene.ppk, package=package, items=HPS)
    package.refresh_from_db()
    assert package.hps_total == HPS_TOTAL
    rows = list(
        HpsItem.objects.filter(package=package).values_list(
            "position", "name", "unit", "quantity", "unit_price", "total"
        )
    )
    assert rows == [
        (
            1,
            "Pekerjaan tanah",
            "m3",
            Decimal("1000.0000"),
            Decimal("150000.00"),
            Decimal("150000000.00"),
        ),
        (
            2,
            "Lapis pondasi",
            "m3",
            Decimal("500.0000"),
            Decimal("900000.50"),
            Decimal("450000250.00"),
        ),
    ]


def test_line_totals_round_half_up_to_the_sen(scene):
    package = _create(scene)
    services.package_set_hps(
        actor=scene.ppk,
        package=package,
        items=[{"name": "Kabel", "unit": "m", "quantity": "0.3333", "unit_price": "10.05"}],
    )
    package.refresh_from_db()
    # 0.3333 x 10.05 = 3.349665 -> 3.35
    assert package.hps_total == Decimal("3.35")


def test_setting_the_hps_again_replaces_every_row(scene):
    package = _create(scene)
    services.package_set_hps(actor=scene.ppk, package=package, items=HPS)
    services.package_set_hps(
        actor=scene.ppk,
        package=package,
        items=[{"name": "Aspal", "unit": "ton", "quantity": 10, "unit_price": "1000000"}],
    )
    package.refresh_from_db()
    assert package.hps_total == Decimal("10000000.00")
    assert list(HpsItem.objects.filter(package=package).values_list("name", flat=True)) == ["Aspal"]
    event = AuditEvent.objects.filter(action="package.set_hps").order_by("seq").last()
    assert event.changes == {"hps_total": [str(HPS_TOTAL), "10000000.00"], "rows": [2, 1]}


def test_hps_over_the_pagu_is_refused_with_both_amounts(scene):
    package = _create(scene)
    services.package_set_hps(actor=scene.ppk, package=package, items=HPS)
    before = snapshot()
    over = [{"name": "Jembatan", "unit": "paket", "quantity": "1", "unit_price": "1500000000.01"}]
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.package_set_hps(actor=scene.ppk, package=package, items=over)
    assert caught.value.code == "hps_over_pagu"
    assert str(caught.value) == (
        "The HPS total of IDR 1,500,000,000.01 is more than the pagu of IDR 1,500,000,000.00, "
        "by IDR 0.01. Lower the quantities or unit prices so that the total is at most the pagu."
    )
    assert snapshot() == before
    package.refresh_from_db()
    assert package.hps_total == HPS_TOTAL


def test_hps_equal_to_the_pagu_is_accepted(scene):
    package = _create(scene)
    exact = [{"name": "Jembatan", "unit": "paket", "quantity": "1", "unit_price": "1500000000"}]
    services.package_set_hps(actor=scene.ppk, package=package, items=exact)
    package.refresh_from_db()
    assert package.hps_total == package.pagu


def test_bad_hps_rows_are_named_row_by_row(scene):
    package = _create(scene)
    rows = [
        {"name": "", "unit": "m", "quantity": "1", "unit_price": "1"},
        {"name": "Pipa", "unit": "", "quantity": "0", "unit_price": "-5"},
        {"name": "Semen", "unit": "sak", "quantity": "1.23456", "unit_price": "1.001"},
        {"name": "Pasir", "unit": "m3", "quantity": "abc", "unit_price": None},
    ]
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.package_set_hps(actor=scene.ppk, package=package, items=rows)
    assert caught.value.fields == {
        "items.0.name": ["Row 1: enter the item."],
        "items.1.unit": ["Row 2: enter the unit, for example m3, unit or paket."],
        "items.1.quantity": ["Row 2: enter a quantity greater than zero."],
        "items.1.unit_price": ["Row 2: enter a unit price of zero or more, in rupiah."],
        "items.2.quantity": ["Row 3: use at most 4 decimals and 16 digits for the quantity."],
        "items.2.unit_price": ["Row 3: use at most 2 decimals (sen) for the unit price."],
        "items.3.quantity": ["Row 4: enter a quantity greater than zero."],
        "items.3.unit_price": ["Row 4: enter a unit price of zero or more, in rupiah."],
    }
    assert str(caught.value) == "Row 1: enter the item."
    assert not HpsItem.objects.exists()


def test_empty_hps_is_refused(scene):
    package = _create(scene)
    with pytest.raises(errors.ValidationError) as caught:
        services.package_set_hps(actor=scene.ppk, package=package, items=[])
    assert list(caught.value.fields) == ["items"]


@pytest.mark.parametrize("who", ["stranger", "head", "lpse_staff", "pa"])
def test_only_the_ppk_sets_the_hps(scene, who):
    package = _create(scene)
    actor = {
        "stranger": scene.stranger,
        "head": scene.head,
        "lpse_staff": scene.lpse_staff,
        "pa": scene.officials.pa,
    }[who]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        services.package_set_hps(actor=actor, package=package, items=HPS)
    assert snapshot() == before


# --- documents and locations ----------------------------------------------------------------------


def test_kak_and_draft_contract_are_stored_with_their_hash(scene):
    package = _create(scene)
    services.package_upload_document(actor=scene.ppk, package=package, which="kak", upload=pdf())
    services.package_upload_document(
        actor=scene.ppk, package=package, which="draft_contract", upload=pdf("kontrak.pdf")
    )
    package.refresh_from_db()
    assert package.kak_file.original_name == "kak.pdf"
    assert package.draft_contract_file.original_name == "kontrak.pdf"
    event = AuditEvent.objects.filter(action="package.upload_document").order_by("seq").first()
    assert event.changes["sha256"] == package.kak_file.sha256
    assert event.changes["replaces"] is None


def test_unknown_document_and_missing_file_are_refused(scene):
    package = _create(scene)
    with pytest.raises(errors.ValidationError) as caught:
        services.package_upload_document(actor=scene.ppk, package=package, which="x", upload=pdf())
    assert list(caught.value.fields) == ["which"]
    with pytest.raises(errors.ValidationError) as caught:
        services.package_upload_document(actor=scene.ppk, package=package, which="kak", upload=None)
    assert list(caught.value.fields) == ["file"]


def test_locations_are_replaced_and_validated(scene):
    package = _create(scene)
    services.package_set_locations(
        actor=scene.ppk,
        package=package,
        locations=[
            {"province": "Lampung", "city": "Metro"},
            {"province": "Bali", "city": "Bangli"},
        ],
    )
    assert list(package.locations.values_list("city", flat=True)) == ["Metro", "Bangli"]
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.package_set_locations(
            actor=scene.ppk, package=package, locations=[{"province": "", "city": "Metro"}]
        )
    assert caught.value.fields == {"locations.0.province": ["Location 1: enter the province."]}
    assert list(package.locations.values_list("city", flat=True)) == ["Metro", "Bangli"]


# --- send and return --------------------------------------------------------------------------------


def test_send_to_the_ulp_notifies_its_head(scene):
    package = ready_package(scene)
    sent = services.package_send(
        actor=scene.ppk, package=package, ulp_agency=scene.committee.ulp_agency
    )
    assert sent.status == PackageStatus.SENT
    assert sent.selection_unit == SelectionUnit.ULP
    assert sent.ulp_agency == scene.committee.ulp_agency
    assert sent.sent_at is not None
    note = Notification.objects.get(topic="package.sent")
    assert note.user == scene.head
    assert AuditEvent.objects.filter(action="package.send").count() == 1


def test_send_without_hps_or_kak_is_refused(scene):
    package = _create(scene)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.package_send(
            actor=scene.ppk, package=package, ulp_agency=scene.committee.ulp_agency
        )
    assert caught.value.code == "package_incomplete"
    assert str(caught.value) == (
        f"Package {package.code} is not complete: Enter the itemised HPS first. "
        "Upload the KAK/specifications first."
    )
    assert snapshot() == before


def test_send_needs_exactly_one_target(scene):
    package = ready_package(scene)
    with pytest.raises(errors.ValidationError) as caught:
        services.package_send(actor=scene.ppk, package=package)
    assert caught.value.code == "send_target"
    with pytest.raises(errors.ValidationError):
        services.package_send(
            actor=scene.ppk,
            package=package,
            ulp_agency=scene.committee.ulp_agency,
            pejabat_pengadaan=scene.committee.pejabat_pengadaan,
        )
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT


def test_send_to_a_unit_without_a_head_is_refused(scene):
    package = ready_package(scene)
    with pytest.raises(errors.ValidationError) as caught:
        services.package_send(actor=scene.ppk, package=package, ulp_agency=scene.officials.agency)
    assert caught.value.code == "ulp_without_head"


def test_send_to_a_unit_of_another_lpse_is_refused(scene):
    other = build_scene()
    package = ready_package(scene)
    with pytest.raises(errors.ValidationError) as caught:
        services.package_send(
            actor=scene.ppk, package=package, ulp_agency=other.committee.ulp_agency
        )
    assert list(caught.value.fields) == ["ulp_agency"]


def _small_package(scene, procurement_type, unit_price):
    item = announced_rup(
        agency=scene.officials.agency,
        pagu=Decimal("900000000"),
        procurement_type=procurement_type,
        planned_method=PlannedMethod.PENGADAAN_LANGSUNG,
    )
    hps = [{"name": "Barang", "unit": "paket", "quantity": "1", "unit_price": unit_price}]
    return ready_package(scene, rup_item=item, hps=hps)


def test_send_to_a_pejabat_pengadaan_assigns_at_once(scene):
    package = _small_package(scene, ProcurementType.BARANG, "200000000")
    sent = services.package_send(
        actor=scene.ppk, package=package, pejabat_pengadaan=scene.committee.pejabat_pengadaan
    )
    assert sent.status == PackageStatus.ASSIGNED
    assert sent.selection_unit == SelectionUnit.PEJABAT_PENGADAAN
    assert sent.pejabat_pengadaan == scene.committee.pejabat_pengadaan
    assert sent.ulp_agency is None
    assert Notification.objects.get(topic="package.assigned_pp").user == (
        scene.committee.pejabat_pengadaan
    )


@pytest.mark.parametrize(
    ("procurement_type", "price", "allowed"),
    [
        (ProcurementType.BARANG, "200000000.01", False),
        (ProcurementType.JASA_LAINNYA, "200000000", True),
        (ProcurementType.KONSTRUKSI, "400000000", True),
        (ProcurementType.KONSTRUKSI, "400000000.01", False),
        (ProcurementType.KONSULTANSI_BADAN_USAHA, "100000000", True),
        (ProcurementType.KONSULTANSI_PERORANGAN, "100000000.01", False),
    ],
)
def test_pengadaan_langsung_ceilings(scene, procurement_type, price, allowed):
    package = _small_package(scene, procurement_type, price)
    pp = scene.committee.pejabat_pengadaan
    if allowed:
        assert (
            services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=pp).status
            == PackageStatus.ASSIGNED
        )
        return
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=pp)
    assert caught.value.code == "over_pengadaan_langsung_ceiling"
    assert "Send the package to the procurement unit (ULP/UKPBJ) for a tender instead." in str(
        caught.value
    )
    assert snapshot() == before


def test_construction_ceiling_before_perpres_46_2025_was_200_juta():
    on = rules.PERPRES_46_2025 - dt.timedelta(days=1)
    assert rules.pengadaan_langsung_ceiling(ProcurementType.KONSTRUKSI, on) == Decimal("2E+8")
    assert rules.pengadaan_langsung_ceiling(
        ProcurementType.KONSTRUKSI, rules.PERPRES_46_2025
    ) == Decimal("4E+8")


def test_construction_ceiling_depends_on_the_day_of_sending(scene, monkeypatch):
    package = _small_package(scene, ProcurementType.KONSTRUKSI, "300000000")
    pp = scene.committee.pejabat_pengadaan
    # The day the ceiling is read for (the roles stay in force: they are read for today).
    monkeypatch.setattr(services, "today", lambda: rules.PERPRES_46_2025 - dt.timedelta(days=1))
    with pytest.raises(errors.ValidationError) as caught:
        services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=pp)
    assert caught.value.code == "over_pengadaan_langsung_ceiling"
    monkeypatch.setattr(services, "today", lambda: rules.PERPRES_46_2025)
    sent = services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=pp)
    assert sent.status == PackageStatus.ASSIGNED


def test_ppk_cannot_be_the_pejabat_pengadaan(scene):
    package = _small_package(scene, ProcurementType.BARANG, "1000")
    with pytest.raises(errors.SeparationOfDuties) as caught:
        services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=scene.ppk)
    assert caught.value.code == "pejabat_is_ppk"


def test_pejabat_pengadaan_needs_the_role(scene):
    package = _small_package(scene, ProcurementType.BARANG, "1000")
    with pytest.raises(errors.ValidationError) as caught:
        services.package_send(actor=scene.ppk, package=package, pejabat_pengadaan=scene.stranger)
    assert caught.value.code == "not_pejabat_pengadaan"


def test_head_returns_a_sent_package_with_a_reason(scene):
    package = sent_package(scene)
    returned = services.package_return(actor=scene.head, package=package, reason="KAK kurang")
    assert returned.status == PackageStatus.RETURNED
    assert returned.return_reason == "KAK kurang"
    assert Notification.objects.get(topic="package.returned").user == scene.ppk
    # The PPK may change and send it again.
    services.package_set_hps(actor=scene.ppk, package=returned, items=HPS[:1])
    again = services.package_send(
        actor=scene.ppk, package=returned, ulp_agency=scene.committee.ulp_agency
    )
    assert again.status == PackageStatus.SENT
    assert again.return_reason == ""


def test_return_needs_a_reason_and_the_head(scene):
    package = sent_package(scene)
    before = snapshot()
    with pytest.raises(errors.ValidationError):
        services.package_return(actor=scene.head, package=package, reason="  ")
    for actor in (scene.ppk, scene.committee.pokja[0], scene.lpse_admin, scene.stranger):
        with pytest.raises(errors.PermissionDenied):
            services.package_return(actor=actor, package=package, reason="x")
    assert snapshot() == before


def test_draft_cannot_be_returned(scene):
    package = ready_package(scene)
    package.ulp_agency = scene.committee.ulp_agency
    package.save()
    with pytest.raises(errors.Conflict) as caught:
        services.package_return(actor=scene.head, package=package, reason="x")
    assert caught.value.code == "package_not_returnable"
