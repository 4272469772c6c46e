"""The permission matrix of the set-up services: every role that is not the committee (or not
its chair, where the chair acts) is refused and nothing changes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.plans.tests.factories import grant
from openlpse.tenders import schedule
from openlpse.tenders.enums import EvaluationMethod, TenderStatus
from openlpse.tenders.models import Tender, TenderApproval
from openlpse.tenders.services import setup as services
from openlpse.tenders.tests.factories import make_committee
from openlpse.tenders.tests.setup_support import draft, monday_morning, ready
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    with clock.frozen(monday_morning()), translation.override("en"):
        tender = ready(draft())
        other = make_committee(tender.officials)
        lpse_admin = UserFactory()
        grant(lpse_admin, Role.LPSE_ADMIN, lpse=tender.lpse)
        people = {
            "member": tender.committee.pokja[1],
            "other_pokja": other.pokja[0],
            "ppk": tender.officials.ppk,
            "ulp_head": tender.committee.ulp_head,
            "pa": tender.officials.pa,
            "lpse_admin": lpse_admin,
            "vendor": make_verified_vendor(lpse=tender.lpse).created_by,
            "anonymous": AnonymousUser(),
        }
        yield tender, people


def snapshot(tender):
    tender = Tender.objects.get(pk=tender.pk)
    return (
        tender.status,
        tender.setup_version,
        tender.evaluation_method,
        TenderApproval.objects.filter(tender=tender).count(),
        tuple(tender.requirements.values_list("text", flat=True)),
        tuple(tender.guarantees.values_list("kind", flat=True)),
        tuple(tender.required_documents.values_list("name", flat=True)),
        tuple(sorted(schedule.rows_of(tender).items())),
        AuditEvent.objects.count(),
    )


CALLS = {
    "update_setup": lambda actor, t: services.tender_update_setup(
        actor=actor,
        tender=t,
        evaluation_method=EvaluationMethod.HARGA_TERENDAH,
        bid_validity_days=30,
    ),
    "requirements": lambda actor, t: services.tender_set_requirements(
        actor=actor, tender=t, items=[{"kind": "tax", "text": "Lunas pajak"}]
    ),
    "documents": lambda actor, t: services.tender_set_required_documents(
        actor=actor, tender=t, items=[{"envelope": "single", "name": "Penawaran"}]
    ),
    "guarantees": lambda actor, t: services.tender_set_guarantees(
        actor=actor, tender=t, items=[{"kind": "performance"}]
    ),
    "schedule": lambda actor, t: services.tender_set_schedule(
        actor=actor, tender=t, rows=schedule.rows_of(t)
    ),
    "approve": lambda actor, t: services.tender_approve(actor=actor, tender=t),
    "announce": lambda actor, t: services.tender_announce(actor=actor, tender=t),
    "create": lambda actor, t: services.tender_create(
        actor=actor, package=t.package, method="pasca_1_file"
    ),
}

OUTSIDERS = ["other_pokja", "ppk", "ulp_head", "pa", "lpse_admin", "vendor", "anonymous"]


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_are_refused_and_nothing_changes(scene, call, who):
    tender, people = scene
    before = snapshot(tender)
    with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
        CALLS[call](people[who], tender)
    assert snapshot(tender) == before
    assert Tender.objects.count() == 1


@pytest.mark.parametrize("call", ["announce", "create"])
def test_a_member_who_is_not_the_chair_cannot_announce_or_create(scene, call):
    tender, people = scene
    before = snapshot(tender)
    with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
        CALLS[call](people["member"], tender)
    assert snapshot(tender) == before


@pytest.mark.parametrize(
    "call", ["update_setup", "requirements", "documents", "guarantees", "schedule", "approve"]
)
def test_every_member_may_work_on_the_set_up(scene, call):
    tender, people = scene
    with clock.frozen(monday_morning()):
        CALLS[call](people["member"], tender)


def test_after_the_announcement_the_set_up_is_frozen(scene):
    tender, _people = scene
    with clock.frozen(monday_morning()):
        announced = services.tender_announce(actor=tender.created_by, tender=tender)
    assert announced.status == TenderStatus.ANNOUNCED
    before = snapshot(tender)
    for call in ("update_setup", "requirements", "schedule", "approve"):
        with clock.frozen(monday_morning()), pytest.raises(errors.PermissionDenied):
            CALLS[call](tender.created_by, announced)
    assert snapshot(tender) == before
