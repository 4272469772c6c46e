"""Adoption plans: save, propose, decide by the LPSE admin; the permission matrix; and the
progress of packages tendered electronically against the plan."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from openlpse.core import errors
from openlpse.core.models import Notification
from openlpse.plans.enums import AdoptionPlanStatus
from openlpse.plans.selectors import access_adoption_plan, adoption_progress
from openlpse.plans.services.adoption import (
    adoption_plan_decide,
    adoption_plan_propose,
    adoption_plan_save,
)
from openlpse.plans.tests.factories import AdoptionPlanFactory, announced_rup
from openlpse.plans.tests.plans_support import actions, build_scene, snapshot
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.tests.factories import PackageFactory, TenderFactory, assigned_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def save(scene, actor="agency_admin", **overrides):
    values = {
        "fiscal_year": 2026,
        "value_threshold": Decimal("200000000"),
        "target_count": 10,
        "target_value": None,
        "notes": "Tahap 1",
    }
    values.update(overrides)
    return adoption_plan_save(actor=scene.users[actor], agency=scene.agency, **values)


@pytest.mark.parametrize("role", ["agency_admin", "pa"])
def test_agency_admin_pa_and_kpa_save_the_plan(scene, role):
    plan = save(scene, actor=role)
    plan.refresh_from_db()
    assert plan.status == AdoptionPlanStatus.DRAFT
    assert plan.lpse_id == scene.lpse.pk
    assert (plan.value_threshold, plan.target_count, plan.target_value) == (
        Decimal("200000000.00"),
        10,
        None,
    )
    assert plan.notes == "Tahap 1"
    assert actions() == ["adoption_plan.save"]


@pytest.mark.parametrize(
    "role",
    ["ppk", "kpa", "pa_other_agency", "lpse_admin", "lpse_staff", "pa_and_lpse_staff", "nobody"],
)
def test_others_cannot_save_or_propose(scene, role):
    plan = AdoptionPlanFactory(agency=scene.agency)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        save(scene, actor=role)
    with pytest.raises(errors.PermissionDenied):
        adoption_plan_propose(actor=scene.users[role], plan=plan)
    assert snapshot() == before


def test_a_plan_needs_a_target_and_sane_numbers(scene):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        save(scene, value_threshold=None, target_count=None, target_value=None)
    assert caught.value.fields == {
        "__all__": [
            "Set at least one target: a pagu threshold, a number of packages or a value of "
            "packages to go through e-procurement (LT 37(2))."
        ]
    }
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        save(scene, value_threshold=Decimal("0"), target_count=0, fiscal_year=1999)
    assert set(caught.value.fields) == {"value_threshold", "target_count", "fiscal_year"}
    assert snapshot()["plans"] == []


def test_save_again_updates_the_same_plan(scene):
    first = save(scene)
    second = save(scene, target_count=12)
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.target_count == 12


def test_propose_agree_flow_notifies_and_locks(scene):
    plan = save(scene)
    adoption_plan_propose(actor=scene.users["pa"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == AdoptionPlanStatus.PROPOSED
    assert plan.proposed_by == scene.users["pa"]
    assert list(Notification.objects.values_list("user_id", "topic")) == [
        (scene.users["lpse_admin"].pk, "plans.adoption_proposed")
    ]
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.Conflict) as caught:
        save(scene, target_count=3)
    assert str(caught.value) == (
        f"The 2026 plan of {scene.agency.name} has the status “Waiting for the LPSE's "
        "agreement”, so it cannot change. Ask the LPSE administrator to return it first."
    )
    assert snapshot() == before

    adoption_plan_decide(actor=scene.users["lpse_admin"], plan=plan, agree=True)
    plan.refresh_from_db()
    assert plan.status == AdoptionPlanStatus.AGREED
    assert plan.decided_by == scene.users["lpse_admin"]
    assert (
        Notification.objects.filter(user=scene.users["pa"], topic="plans.adoption_decided").count()
        == 1
    )
    assert actions() == [
        "adoption_plan.save",
        "adoption_plan.propose",
        "adoption_plan.decide",
    ]


def test_returning_needs_a_note_and_reopens_the_plan(scene):
    plan = save(scene)
    adoption_plan_propose(actor=scene.users["pa"], plan=plan)
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        adoption_plan_decide(actor=scene.users["lpse_admin"], plan=plan, agree=False, note=" ")
    assert caught.value.fields == {
        "note": ["Say what the agency should change before it proposes the plan again."]
    }
    assert snapshot() == before
    adoption_plan_decide(
        actor=scene.users["lpse_admin"], plan=plan, agree=False, note="Naikkan target"
    )
    plan.refresh_from_db()
    assert (plan.status, plan.decision_note) == (AdoptionPlanStatus.RETURNED, "Naikkan target")
    save(scene, target_count=20)
    plan.refresh_from_db()
    assert (plan.status, plan.target_count) == (AdoptionPlanStatus.DRAFT, 20)


@pytest.mark.parametrize(
    "role", ["pa", "agency_admin", "lpse_staff", "pa_other_agency", "nobody", "ppk"]
)
def test_only_the_lpse_admin_decides(scene, role):
    plan = AdoptionPlanFactory(agency=scene.agency, status=AdoptionPlanStatus.PROPOSED)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        adoption_plan_decide(actor=scene.users[role], plan=plan, agree=True)
    assert snapshot() == before


def test_a_draft_cannot_be_decided(scene):
    plan = AdoptionPlanFactory(agency=scene.agency)
    with pytest.raises(errors.Conflict) as caught:
        adoption_plan_decide(actor=scene.users["lpse_admin"], plan=plan, agree=True)
    assert caught.value.code == "adoption_plan_not_proposed"


def test_visibility_of_a_plan(scene):
    plan = AdoptionPlanFactory(agency=scene.agency)
    for role in ("pa", "agency_admin", "lpse_admin", "lpse_staff"):
        assert access_adoption_plan(user=scene.users[role], plan_id=plan.pk) == plan
    # An adoption plan is the agency's: a work-unit KPA neither writes nor reads it.
    for role in ("ppk", "kpa", "pa_other_agency", "nobody"):
        with pytest.raises(errors.NotFound):
            access_adoption_plan(user=scene.users[role], plan_id=plan.pk)
    with pytest.raises(errors.NotFound):
        access_adoption_plan(user=scene.users["pa"], plan_id=plan.pk + 100)


def test_progress_counts_packages_whose_tender_was_announced(scene):
    officials = scene.officials
    plan = AdoptionPlanFactory(
        agency=scene.agency,
        value_threshold=Decimal("1000000000"),
        target_count=4,
        target_value=Decimal("3000000000"),
    )
    big = announced_rup(agency=scene.agency, pagu=Decimal("1500000000"))
    big2 = announced_rup(agency=scene.agency, pagu=Decimal("1200000000"))
    announced_rup(agency=scene.agency, pagu=Decimal("100000000"))
    announced_rup(agency=scene.agency, pagu=Decimal("900000000"), planned_method="swakelola")
    announced_rup(agency=scene.agency, pagu=Decimal("5000000000"), fiscal_year=2025)
    # Tendered: a package of `big` with an announced tender (and a failed one before it).
    tendered = assigned_package(officials, rup_item=big)
    TenderFactory(package=tendered, status=TenderStatus.FAILED, announced_at=timezone.now())
    TenderFactory(package=tendered, status=TenderStatus.ANNOUNCED, announced_at=timezone.now())
    # Not tendered: a package of `big2` whose tender is still a draft, and one with none.
    drafted = assigned_package(officials, rup_item=big2)
    TenderFactory(package=drafted)
    PackageFactory(agency=scene.agency, rup_item=big2)
    progress = adoption_progress(plan=plan)
    assert progress.rup_count == 3
    assert progress.rup_value == Decimal("2800000000.00")
    assert progress.tendered_count == 1
    assert progress.tendered_pagu == Decimal("1500000000.00")
    assert progress.tendered_hps == tendered.hps_total
    assert (progress.count.planned, progress.count.done, progress.count.percent) == (4, 1, 25)
    assert progress.value.percent == 50
    assert (progress.threshold_count, progress.threshold_tendered) == (2, 1)
    assert progress.threshold.percent == 50
