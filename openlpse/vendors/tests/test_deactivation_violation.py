"""Deactivation of a vendor's accounts for a violation (LT 12(4) first half), and
reactivation with a reason."""

import pytest

from openlpse.accounts.models import ApiToken
from openlpse.core import errors
from openlpse.core.models import AuditEvent, Notification
from openlpse.vendors.services import deactivation
from openlpse.vendors.tests.blacklist_support import (
    blacklist,
    build_scene,
    issue_token,
    refresh,
    snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def test_deactivation_stops_every_account_of_the_company_and_is_audited(scene):
    issue_token(scene.staff)
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Akun dipinjamkan"
    )
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"violation:{scene.vendor.pk}"
        assert person.deactivated_until is None
        assert person.deactivation_reason == "Akun dipinjamkan"
    assert ApiToken.objects.get(user=scene.staff).revoked_at is not None
    event = AuditEvent.objects.filter(action="vendor.accounts_deactivate").get()
    assert event.actor_id == scene.verifikator.pk
    assert event.changes["reason"] == "Akun dipinjamkan"
    assert {n.user_id for n in Notification.objects.filter(topic="vendor.deactivated")} == {
        scene.admin.pk,
        scene.staff.pk,
    }
    # Another company's people are untouched.
    assert scene.world.users["vendor_admin"].is_active


def test_deactivation_needs_a_reason_and_happens_once(scene):
    before = snapshot()
    with pytest.raises(errors.ValidationError) as caught:
        deactivation.vendor_account_deactivate(
            actor=scene.verifikator, vendor=scene.vendor, reason=" "
        )
    assert "reason" in caught.value.fields
    assert snapshot() == before
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Pelanggaran"
    )
    before = snapshot()
    with pytest.raises(errors.Conflict) as conflict:
        deactivation.vendor_account_deactivate(
            actor=scene.verifikator, vendor=scene.vendor, reason="Lagi"
        )
    assert conflict.value.code == "vendor_already_deactivated"
    assert snapshot() == before


def test_reactivation_with_a_reason_restores_the_accounts(scene):
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Pelanggaran"
    )
    released = deactivation.vendor_account_reactivate(
        actor=scene.other_verifikator, vendor=scene.vendor, reason="Sudah klarifikasi"
    )
    assert {u.pk for u in released} == {scene.admin.pk, scene.staff.pk}
    refresh(*scene.people)
    assert all(p.is_active and p.deactivation_ref == "" for p in scene.people)
    event = AuditEvent.objects.filter(action="vendor.accounts_reactivate").get()
    assert event.changes["reason"] == "Sudah klarifikasi"
    assert Notification.objects.filter(topic="vendor.reactivated").count() == 2


def test_reactivating_a_company_that_is_not_deactivated_is_a_conflict(scene):
    before = snapshot()
    with pytest.raises(errors.Conflict) as caught:
        deactivation.vendor_account_reactivate(
            actor=scene.verifikator, vendor=scene.vendor, reason="x"
        )
    assert caught.value.code == "vendor_not_deactivated"
    assert snapshot() == before


def test_reactivation_keeps_the_accounts_stopped_while_a_blacklisting_is_in_force(scene):
    entry = blacklist(scene)
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Pelanggaran"
    )
    refresh(*scene.people)
    assert scene.admin.deactivation_ref == f"violation:{scene.vendor.pk}"
    released = deactivation.vendor_account_reactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Klarifikasi"
    )
    assert released == []
    refresh(*scene.people)
    for person in scene.people:
        assert not person.is_active
        assert person.deactivation_ref == f"blacklist:{entry.pk}"
        assert person.deactivated_until == entry.ends_on


def test_a_verifikator_who_acts_for_the_company_is_refused(scene):
    from openlpse.accounts.enums import Role
    from openlpse.vendors.tests.factories import grant_vendor_role

    grant_vendor_role(scene.other_verifikator, scene.vendor, Role.VENDOR_STAFF)
    before = snapshot()
    with pytest.raises(errors.SeparationOfDuties):
        deactivation.vendor_account_deactivate(
            actor=scene.other_verifikator, vendor=scene.vendor, reason="x"
        )
    assert snapshot() == before
