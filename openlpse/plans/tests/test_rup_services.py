"""RUP services: create, change, announce (with the public history), withdraw; bad input and
the permission matrix (refusals change nothing)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.plans.enums import RupStatus
from openlpse.plans.models import RupItem, RupRevision
from openlpse.plans.selectors import rup_items_for_package
from openlpse.plans.services.rup import (
    parse_pagu,
    rup_announce,
    rup_create,
    rup_update,
    rup_withdraw,
)
from openlpse.plans.tests.factories import RupItemFactory, announced_rup
from openlpse.plans.tests.plans_support import actions, build_scene, rup_fields, snapshot
from openlpse.tenders.enums import PackageStatus
from openlpse.tenders.tests.factories import PackageFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)


@pytest.fixture
def scene():
    return build_scene()


def test_pa_creates_a_draft_with_exact_fields_and_audit(scene):
    with clock.frozen(NOW):
        item = rup_create(actor=scene.users["pa"], agency=scene.agency, data=rup_fields())
    item.refresh_from_db()
    assert item.status == RupStatus.DRAFT
    assert item.revision == 0
    assert item.lpse_id == scene.lpse.pk
    assert item.work_unit is None
    assert item.code == "26000001"
    assert item.pagu == Decimal("1500000000.00")
    assert item.created_at == NOW
    assert item.created_by == scene.users["pa"]
    assert item.announced_at is None
    assert actions() == ["rup.create"]


def test_kpa_creates_for_own_work_unit_only(scene):
    kpa = scene.users["kpa"]
    item = rup_create(actor=kpa, agency=scene.agency, work_unit=scene.work_unit, data=rup_fields())
    assert item.work_unit == scene.work_unit
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        rup_create(actor=kpa, agency=scene.agency, data=rup_fields(code="X2"))
    with pytest.raises(errors.PermissionDenied):
        rup_create(
            actor=kpa, agency=scene.agency, work_unit=scene.other_unit, data=rup_fields(code="X3")
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    "role",
    [
        "ppk",
        "agency_admin",
        "kpa_other_unit",
        "pa_other_agency",
        "lpse_admin",
        "lpse_staff",
        "pa_and_lpse_staff",
        "nobody",
    ],
)
def test_only_the_pa_or_kpa_of_the_scope_creates(scene, role):
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as caught:
        rup_create(
            actor=scene.users[role],
            agency=scene.agency,
            work_unit=scene.work_unit,
            data=rup_fields(),
        )
    assert str(caught.value) == (
        f"Only the PA or KPA of {scene.work_unit.name} can write its RUP items. Ask your agency "
        "administrator for the role if you should have it."
    )
    assert snapshot() == before


def test_duplicate_code_names_the_existing_item(scene):
    existing = announced_rup(agency=scene.agency, code="26000001", name="Jalan Lama")
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        rup_create(actor=scene.users["pa"], agency=scene.agency, data=rup_fields(code=" 26000001 "))
    assert caught.value.code == "rup_code_taken"
    assert str(caught.value) == (
        f"RUP code 26000001 is already used by “Jalan Lama” ({existing.agency.name}, fiscal "
        "year 2026). Each RUP code is used once: enter another code, or open that item to "
        "change it."
    )
    assert caught.value.fields["code"] == [str(caught.value)]
    assert snapshot() == before


def test_bad_fields_are_each_explained(scene):
    before = snapshot()
    data = rup_fields(
        code="",
        pagu=Decimal("0"),
        selection_start_month=5,
        selection_end_month=3,
        contract_start_month=2,
        contract_end_month=1,
        funding_source="gaib",
        location="",
        fiscal_year=1990,
    )
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        rup_create(actor=scene.users["pa"], agency=scene.agency, data=data)
    fields = {k: [str(m) for m in v] for k, v in caught.value.fields.items()}
    assert fields == {
        "code": ["Enter the RUP code."],
        "fiscal_year": ["Enter a fiscal year from 2000 to 2028."],
        "pagu": ["The pagu must be more than Rp 0. Enter the budget of the item."],
        "funding_source": [
            "“gaib” is not a source of funds. Use one of: apbd, apbdp, apbn, blud, bumd, dak, "
            "phln, other."
        ],
        "selection_end_month": [
            "The selection cannot end (month 3) before it starts (month 5). Choose an end month "
            "on or after the start month."
        ],
        "contract_end_month": [
            "The contract cannot end (month 1) before it starts (month 2). Choose an end month "
            "on or after the start month."
        ],
        "contract_start_month": [
            "The contract cannot start (month 2) before the selection ends (month 3). Choose a "
            "contract start on or after the end of the selection."
        ],
        "location": ["Enter where the work takes place."],
    }
    assert snapshot() == before


def test_negative_pagu_and_month_13_are_refused(scene):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        rup_create(
            actor=scene.users["pa"],
            agency=scene.agency,
            data=rup_fields(pagu=Decimal("-5"), contract_end_month=13),
        )
    assert set(caught.value.fields) == {"pagu", "contract_end_month"}
    assert str(caught.value.fields["contract_end_month"][0]) == (
        "Enter a month from 1 (January) to 12 (December)."
    )
    assert RupItem.objects.count() == 0


def test_work_unit_of_another_agency_is_refused(scene):
    # The PA of the work unit's own agency, naming another agency: the unit does not belong.
    with pytest.raises(errors.ValidationError) as caught:
        rup_create(
            actor=scene.users["pa"],
            agency=scene.other_agency,
            work_unit=scene.work_unit,
            data=rup_fields(),
        )
    assert list(caught.value.fields) == ["work_unit"]
    assert RupItem.objects.count() == 0


def test_first_announcement_publishes_revision_one(scene):
    item = rup_create(actor=scene.users["pa"], agency=scene.agency, data=rup_fields())
    with clock.frozen(NOW):
        rup_announce(actor=scene.users["pa"], item=item)
    item.refresh_from_db()
    assert item.status == RupStatus.ANNOUNCED
    assert item.revision == 1
    assert item.announced_at == NOW
    assert item.last_announced_at == NOW
    [revision] = item.revisions.all()
    assert revision.number == 1
    assert revision.reason == ""
    assert revision.announced_by == scene.users["pa"]
    assert revision.snapshot["pagu"] == "1500000000.00"
    assert revision.snapshot["agency"] == scene.agency.name
    assert revision.snapshot["code"] == "26000001"
    assert actions() == ["rup.create", "rup.announce"]


def test_change_after_announcement_waits_and_needs_a_reason(scene):
    pa = scene.users["pa"]
    item = rup_create(actor=pa, agency=scene.agency, data=rup_fields())
    rup_announce(actor=pa, item=item)
    rup_update(actor=pa, item=item, data=rup_fields(pagu=Decimal("1200000000")))
    item.refresh_from_db()
    # The public columns still hold what was announced.
    assert item.pagu == Decimal("1500000000.00")
    assert item.pending_changes == {"pagu": "1200000000.00"}
    assert item.has_unannounced_changes is True

    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        rup_announce(actor=pa, item=item, reason="   ")
    assert caught.value.code == "rup_reason_required"
    assert str(caught.value) == (
        "Give the reason for the change. A change after announcement is published with its "
        "reason in the item's public history."
    )
    assert snapshot() == before

    rup_announce(actor=pa, item=item, reason="Efisiensi anggaran")
    item.refresh_from_db()
    assert item.pagu == Decimal("1200000000.00")
    assert item.revision == 2
    assert item.pending_changes == {}
    assert item.has_unannounced_changes is False
    assert [(r.number, r.reason, r.snapshot["pagu"]) for r in item.revisions.all()] == [
        (1, "", "1500000000.00"),
        (2, "Efisiensi anggaran", "1200000000.00"),
    ]


def test_re_entering_the_same_values_is_no_change(scene):
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency, code="26000001", **_factory_fields())
    rup_update(actor=pa, item=item, data=rup_fields(pagu=Decimal("1500000000")))
    item.refresh_from_db()
    assert item.pending_changes == {}
    with pytest.raises(errors.Conflict) as caught:
        rup_announce(actor=pa, item=item, reason="Tidak ada")
    assert caught.value.code == "rup_nothing_to_announce"
    assert item.revisions.count() == 1


def _factory_fields():
    data = rup_fields().as_json()
    data.pop("code")
    data["pagu"] = Decimal(data["pagu"])
    return data


def test_code_and_work_unit_of_an_announced_item_are_fixed(scene):
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency, code="26000001")
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        rup_update(actor=pa, item=item, data=rup_fields(code="99"))
    assert caught.value.code == "rup_code_fixed"
    with pytest.raises(errors.ValidationError) as caught:
        rup_update(actor=pa, item=item, data=rup_fields(), work_unit=scene.work_unit)
    assert caught.value.code == "rup_work_unit_fixed"
    assert snapshot() == before


def test_draft_changes_apply_at_once_and_code_stays_unique(scene):
    pa = scene.users["pa"]
    RupItemFactory(agency=scene.agency, code="26000002")
    item = rup_create(actor=pa, agency=scene.agency, data=rup_fields())
    rup_update(actor=pa, item=item, data=rup_fields(name="Jalan Baru"), work_unit=scene.work_unit)
    item.refresh_from_db()
    assert (item.name, item.work_unit) == ("Jalan Baru", scene.work_unit)
    assert item.pending_changes == {}
    before = snapshot()
    with pytest.raises(errors.Conflict):
        rup_update(actor=pa, item=item, data=rup_fields(code="26000002"))
    assert snapshot() == before


@pytest.mark.parametrize(
    "role", ["ppk", "agency_admin", "kpa_other_unit", "pa_other_agency", "lpse_admin", "nobody"]
)
def test_others_cannot_change_announce_or_withdraw(scene, role):
    item = announced_rup(agency=scene.agency, work_unit=scene.work_unit)
    draft = RupItemFactory(agency=scene.agency, work_unit=scene.work_unit)
    actor = scene.users[role]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        rup_update(actor=actor, item=item, data=rup_fields(code=item.code))
    with pytest.raises(errors.PermissionDenied):
        rup_announce(actor=actor, item=draft)
    with pytest.raises(errors.PermissionDenied):
        rup_withdraw(actor=actor, item=item, reason="x")
    assert snapshot() == before


def test_withdraw_needs_reason_and_no_live_package(scene):
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency)
    before = snapshot()
    with pytest.raises(errors.ValidationError):
        rup_withdraw(actor=pa, item=item, reason=" ")
    package = PackageFactory(rup_item=item, agency=scene.agency, ppk=scene.users["ppk"])
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        rup_withdraw(actor=pa, item=item, reason="Tidak jadi")
    assert str(caught.value) == (
        f"Package {package.code} is made from RUP item {item.code}. It must be cancelled "
        "before the item can be withdrawn."
    )
    assert snapshot() == before
    package.status = PackageStatus.CANCELLED
    package.save()
    with clock.frozen(NOW):
        rup_withdraw(actor=pa, item=item, reason="Tidak jadi")
    item.refresh_from_db()
    assert item.status == RupStatus.WITHDRAWN
    assert item.withdrawn_at == NOW
    assert item.withdraw_reason == "Tidak jadi"
    with pytest.raises(errors.Conflict) as caught:
        rup_announce(actor=pa, item=item)
    assert caught.value.code == "rup_withdrawn"
    with pytest.raises(errors.Conflict):
        rup_update(actor=pa, item=item, data=rup_fields(code=item.code))


def test_draft_cannot_be_withdrawn(scene):
    draft = RupItemFactory(agency=scene.agency)
    with pytest.raises(errors.Conflict) as caught:
        rup_withdraw(actor=scene.users["pa"], item=draft, reason="x")
    assert caught.value.code == "rup_not_announced"


def test_pagu_cut_below_a_package_hps_is_refused_at_announcement(scene):
    pa = scene.users["pa"]
    item = announced_rup(agency=scene.agency, code="26000001", **_factory_fields())
    package = PackageFactory(rup_item=item, agency=scene.agency, ppk=scene.users["ppk"])
    hps = package.hps_total
    assert hps > 0
    rup_update(actor=pa, item=item, data=rup_fields(pagu=hps - Decimal("1")))
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        rup_announce(actor=pa, item=item, reason="Efisiensi")
    assert caught.value.code == "rup_pagu_below_hps"
    assert snapshot() == before
    assert RupRevision.objects.filter(rup_item=item).count() == 1


def test_rup_items_for_package_contract(scene):
    unit_item = announced_rup(agency=scene.agency, work_unit=scene.work_unit)
    agency_item = announced_rup(agency=scene.agency)
    RupItemFactory(agency=scene.agency, work_unit=scene.work_unit)  # draft
    withdrawn = announced_rup(agency=scene.agency, work_unit=scene.work_unit)
    withdrawn.status = RupStatus.WITHDRAWN
    withdrawn.withdraw_reason = "x"
    withdrawn.save()
    announced_rup(agency=scene.other_agency)
    announced_rup(agency=scene.agency, work_unit=scene.work_unit, planned_method="swakelola")
    # The PPK of the work unit sees only that unit's announced items.
    assert list(rup_items_for_package(user=scene.users["ppk"])) == [unit_item]
    # An agency-wide PPK sees every announced item of the agency.
    from openlpse.accounts.enums import Role
    from openlpse.plans.tests.factories import grant

    grant(scene.users["nobody"], Role.PPK, agency=scene.agency)
    assert set(rup_items_for_package(user=scene.users["nobody"])) == {unit_item, agency_item}
    assert list(rup_items_for_package(user=scene.users["pa"])) == []


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1500000000", Decimal("1500000000")),
        ("1.500.000.000", Decimal("1500000000")),
        ("Rp 1.500.000.000,50", Decimal("1500000000.50")),
        ("1,500,000,000.50", Decimal("1500000000.50")),
        ("1500000000.5", Decimal("1500000000.5")),
        ("2.500", Decimal("2500")),
        (1500000000, Decimal("1500000000")),
        (1500000000.0, Decimal("1500000000.0")),
        ("satu juta", None),
        ("", None),
    ],
)
def test_parse_pagu(text, amount):
    assert parse_pagu(text) == amount


def test_a_code_taken_by_a_concurrent_request_is_named_not_a_crash(scene, monkeypatch):
    """The unique constraint catches what the check missed (another request between the check
    and the insert): the same Conflict, and the transaction stays usable."""
    from openlpse.plans.services import rup as rup_module

    existing = announced_rup(agency=scene.agency, code="26000001", name="Jalan Lama")
    monkeypatch.setattr(rup_module, "_refuse_duplicate", lambda **kwargs: None)
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        rup_create(actor=scene.users["pa"], agency=scene.agency, data=rup_fields())
    assert caught.value.code == "rup_code_taken"
    assert "“Jalan Lama”" in str(caught.value)
    assert snapshot() == before
    assert RupItem.objects.get(code="26000001") == existing
