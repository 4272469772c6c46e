"""Refusals over every role that must not act, for the package, Pokja, set-up, schedule
change and cancellation services: each refusal is a PermissionDenied with a code and a
sentence, and nothing changes (fields, row counts, no new AuditEvent)."""

import datetime as dt

import pytest
from django.utils import translation

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.organizations.tests.factories import LpseUnitFactory
from openlpse.plans.tests.factories import announced_rup, grant, make_planning_officials
from openlpse.tenders import schedule
from openlpse.tenders.enums import EvaluationMethod, TenderMethod
from openlpse.tenders.models import ScheduleChange, Tender, TenderApproval, TenderStage
from openlpse.tenders.services import cancellation, schedule_changes
from openlpse.tenders.services import packages as package_services
from openlpse.tenders.services import pokja as pokja_services
from openlpse.tenders.services import setup as setup_services
from openlpse.tenders.tests.factories import make_committee
from openlpse.tenders.tests.packages_support import (
    HPS,
    build_scene,
    ready_package,
    sent_package,
    snapshot,
)
from openlpse.tenders.tests.setup_support import draft, monday_morning, ready
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _assert_refusal(caught):
    error = caught.value
    assert error.code
    assert str(error.message).strip().endswith(".")


# --- packages and Pokja -----------------------------------------------------------------------


def _package_people(scene):
    other = build_scene()
    return {
        "ppk": scene.ppk,
        "other_ppk": other.ppk,
        "pokja": scene.committee.pokja[0],
        "head": scene.head,
        "other_head": other.head,
        "lpse_admin": scene.lpse_admin,
        "lpse_staff": scene.lpse_staff,
        "vendor": make_verified_vendor(lpse=scene.officials.lpse).created_by,
    }


def _assigned(scene):
    package = sent_package(scene)
    pokja_services.pokja_assign(
        actor=scene.head,
        package=package,
        members=scene.committee.pokja[:3],
        chair=scene.committee.pokja[0],
        sk_number="027/SK-POKJA/2026",
    )
    package.refresh_from_db()
    return package


PACKAGE_CALLS = {
    # name: (prepare package, call, refused roles)
    "package_create": (
        lambda scene: None,
        lambda actor, scene, package: package_services.package_create(
            actor=actor,
            rup_item=announced_rup(agency=scene.officials.agency),
            contract_type="harga_satuan",
            business_qualification="non_kecil",
        ),
        ["other_ppk", "pokja", "head", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
    "package_set_hps": (
        ready_package,
        lambda actor, scene, package: package_services.package_set_hps(
            actor=actor, package=package, items=HPS[:1]
        ),
        ["other_ppk", "pokja", "head", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
    "package_send": (
        ready_package,
        lambda actor, scene, package: package_services.package_send(
            actor=actor, package=package, ulp_agency=scene.committee.ulp_agency
        ),
        ["other_ppk", "pokja", "head", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
    "package_return": (
        sent_package,
        lambda actor, scene, package: package_services.package_return(
            actor=actor, package=package, reason="KAK belum lengkap"
        ),
        ["ppk", "other_ppk", "pokja", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
    "pokja_assign": (
        sent_package,
        lambda actor, scene, package: pokja_services.pokja_assign(
            actor=actor,
            package=package,
            members=scene.committee.pokja[:3],
            chair=scene.committee.pokja[0],
            sk_number="027/SK-POKJA/2026",
        ),
        ["ppk", "other_ppk", "pokja", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
    "pokja_replace": (
        _assigned,
        lambda actor, scene, package: pokja_services.pokja_replace_member(
            actor=actor,
            package=package,
            member=scene.committee.pokja[1],
            replacement=scene.committee.pokja[3],
            reason="Mutasi",
        ),
        ["ppk", "other_ppk", "pokja", "other_head", "lpse_admin", "lpse_staff", "vendor"],
    ),
}

PACKAGE_CASES = [(call, who) for call, (_p, _c, roles) in PACKAGE_CALLS.items() for who in roles]


@pytest.mark.parametrize(("call", "who"), PACKAGE_CASES)
def test_package_and_pokja_services_refuse_and_change_nothing(call, who):
    scene = build_scene(members=5)
    prepare, run, _roles = PACKAGE_CALLS[call]
    package = prepare(scene)
    people = _package_people(scene)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied) as caught:
        run(people[who], scene, package)
    _assert_refusal(caught)
    assert snapshot() == before


# --- set-up, schedule change and cancellation -----------------------------------------------


def _tender_people(tender):
    officials = tender.officials
    other_officials = make_planning_officials()
    other_committee = make_committee(other_officials)
    lpse_admin, lpse_staff = UserFactory(), UserFactory()
    grant(lpse_admin, Role.LPSE_ADMIN, lpse=tender.lpse)
    RoleAssignmentFactory(
        user=lpse_staff,
        role=Role.LPSE_STAFF,
        scope_kind=ScopeKind.LPSE,
        lpse=tender.lpse,
        lpse_unit=LpseUnitFactory(lpse=tender.lpse),
    )
    return {
        "ppk": officials.ppk,
        "other_ppk": other_officials.ppk,
        "member": tender.committee.pokja[1],
        "other_pokja": make_committee(officials).pokja[0],
        "ulp_head": tender.committee.ulp_head,
        "other_head": other_committee.ulp_head,
        "lpse_admin": lpse_admin,
        "lpse_staff": lpse_staff,
        "vendor": make_verified_vendor(lpse=tender.lpse).created_by,
    }


def _tender_state(tender):
    tender = Tender.objects.get(pk=tender.pk)
    return (
        tender.status,
        tender.setup_version,
        tender.evaluation_method,
        tender.bid_validity_days,
        tender.schedule_change_count,
        tender.cancel_reason,
        Tender.objects.count(),
        TenderApproval.objects.count(),
        ScheduleChange.objects.count(),
        tuple(sorted(schedule.rows_of(tender).items())),
        tuple(TenderStage.objects.order_by("pk").values_list("change_count", flat=True)),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def _later_contract(tender):
    start, end = schedule.rows_of(tender)["kontrak"]
    return {"kontrak": (start, end + dt.timedelta(days=1))}


OUTSIDERS = [
    "ppk",
    "other_ppk",
    "other_pokja",
    "ulp_head",
    "other_head",
    "lpse_admin",
    "lpse_staff",
    "vendor",
]

TENDER_CALLS = {
    # name: (announced?, call, refused roles)
    "tender_create": (
        False,
        lambda actor, t: setup_services.tender_create(
            actor=actor, package=t.package, method=TenderMethod.PASCA_1_FILE
        ),
        [*OUTSIDERS, "member"],
    ),
    "tender_update_setup": (
        False,
        lambda actor, t: setup_services.tender_update_setup(
            actor=actor,
            tender=t,
            evaluation_method=EvaluationMethod.HARGA_TERENDAH,
            bid_validity_days=45,
        ),
        OUTSIDERS,
    ),
    "tender_set_schedule": (
        False,
        lambda actor, t: setup_services.tender_set_schedule(
            actor=actor, tender=t, rows=schedule.rows_of(t)
        ),
        OUTSIDERS,
    ),
    "tender_approve": (
        False,
        lambda actor, t: setup_services.tender_approve(actor=actor, tender=t),
        OUTSIDERS,
    ),
    "tender_announce": (
        False,
        lambda actor, t: setup_services.tender_announce(actor=actor, tender=t),
        [*OUTSIDERS, "member"],
    ),
    "schedule_change": (
        True,
        lambda actor, t: schedule_changes.schedule_change(
            actor=actor, tender=t, rows=_later_contract(t), reason="Banyak pertanyaan"
        ),
        OUTSIDERS,
    ),
    "stage_extend": (
        True,
        lambda actor, t: schedule_changes.stage_extend(
            actor=actor,
            tender=t,
            code="kontrak",
            new_end=schedule.rows_of(t)["kontrak"][1] + dt.timedelta(days=1),
            reason="Banyak pertanyaan",
        ),
        OUTSIDERS,
    ),
    "tender_cancel": (
        True,
        lambda actor, t: cancellation.tender_cancel(actor=actor, tender=t, reason="Batal"),
        [*OUTSIDERS, "member"],
    ),
}

TENDER_CASES = [(call, who) for call, (_a, _c, roles) in TENDER_CALLS.items() for who in roles]


@pytest.mark.parametrize(("call", "who"), TENDER_CASES)
def test_tender_services_refuse_and_change_nothing(call, who):
    announce, run, _roles = TENDER_CALLS[call]
    with clock.frozen(monday_morning()):
        prepared = ready(draft())
        tender = (
            setup_services.tender_announce(actor=prepared.chair, tender=prepared)
            if announce
            else prepared
        )
        tender.officials, tender.committee = prepared.officials, prepared.committee
        people = _tender_people(tender)
        before = _tender_state(tender)
        with pytest.raises(errors.PermissionDenied) as caught:
            run(people[who], tender)
    _assert_refusal(caught)
    assert _tender_state(tender) == before
