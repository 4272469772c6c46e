"""The permission matrix of the blacklist and of deactivation, over every role of the world:
requesters ask only at their own LPSE; the verifikator of the LPSE decides and lifts; a
verifikator of any LPSE deactivates for a violation; everyone else is refused, and nothing
changes after a refusal."""

import datetime as dt

import pytest

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import today
from openlpse.core import errors
from openlpse.organizations.tests.world import give
from openlpse.vendors import permissions
from openlpse.vendors.enums import BlacklistRequestStatus
from openlpse.vendors.services import blacklist as services
from openlpse.vendors.services import deactivation
from openlpse.vendors.tests.blacklist_support import (
    NON_REQUESTER_KEYS,
    REQUESTER_KEYS,
    blacklist,
    build_scene,
    evidence,
    file_request,
    snapshot,
)

pytestmark = pytest.mark.django_db

# Who may decide, lift and deactivate: only verifikators. Everyone but the LPSE's own
# verifikator ("lpse_staff" in the world) is refused deciding and lifting.
NOT_DECIDERS = tuple(k for k in (*REQUESTER_KEYS, *NON_REQUESTER_KEYS) if k != "lpse_staff")


@pytest.fixture
def scene():
    return build_scene()


def _request_as(scene, user, lpse=None):
    start = today()
    return services.blacklist_request_create(
        actor=user,
        vendor=scene.vendor,
        lpse=lpse or scene.world.lpse,
        reason="Wanprestasi",
        legal_basis="Peraturan LKPP 17/2018",
        starts_on=start,
        ends_on=start + dt.timedelta(days=30),
        evidence=[evidence()],
    )


@pytest.mark.parametrize("key", REQUESTER_KEYS)
def test_every_requester_role_may_request_at_its_lpse(scene, key):
    user = scene.world.users[key]
    assert permissions.can_request_blacklist(user, scene.world.lpse)
    request = _request_as(scene, user)
    assert request.requester_role == key
    assert request.agency == scene.world.agency


@pytest.mark.parametrize("key", REQUESTER_KEYS)
def test_requesters_are_refused_at_another_lpse(scene, key):
    user = scene.world.users[key]
    assert not permissions.can_request_blacklist(user, scene.world.other_lpse)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _request_as(scene, user, lpse=scene.world.other_lpse)
    assert snapshot() == before


@pytest.mark.parametrize("key", NON_REQUESTER_KEYS)
def test_other_roles_may_not_request(scene, key):
    user = scene.world.users[key]
    assert not permissions.can_request_blacklist(user, scene.world.lpse)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        _request_as(scene, user)
    assert snapshot() == before


def test_vendor_people_and_the_other_lpses_verifikator_may_not_request(scene):
    for user in (scene.admin, scene.staff, scene.other_verifikator):
        before = snapshot()
        with pytest.raises(errors.PermissionDenied):
            _request_as(scene, user)
        assert snapshot() == before


def test_an_ended_or_revoked_requester_role_no_longer_counts(scene):
    from openlpse.accounts.tests.factories import UserFactory

    former = UserFactory()
    give(former, Role.PPK, agency=scene.world.agency, ends_on=today() - dt.timedelta(days=1))
    with pytest.raises(errors.PermissionDenied):
        _request_as(scene, former)


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_only_the_lpses_verifikator_decides(scene, key):
    request = file_request(scene, actor=scene.world.users["pa"])
    user = scene.world.users[key]
    assert not permissions.can_decide_blacklist(user, scene.world.lpse)
    before = snapshot()
    for decision in (True, False):
        with pytest.raises(errors.PermissionDenied):
            services.blacklist_request_decide(
                actor=user, request=request, approve=decision, note="x"
            )
    assert snapshot() == before


def test_the_other_lpses_verifikator_and_the_vendors_people_do_not_decide(scene):
    request = file_request(scene)
    for user in (scene.other_verifikator, scene.admin, scene.staff):
        before = snapshot()
        with pytest.raises(errors.PermissionDenied):
            services.blacklist_request_decide(actor=user, request=request, approve=True, note="")
        assert snapshot() == before
    services.blacklist_request_decide(
        actor=scene.verifikator, request=request, approve=True, note=""
    )
    request.refresh_from_db()
    assert request.status == BlacklistRequestStatus.APPROVED


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_only_the_lpses_verifikator_lifts(scene, key):
    entry = blacklist(scene)
    user = scene.world.users[key]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        services.blacklist_entry_lift(actor=user, entry=entry, reason="x")
    assert snapshot() == before


def test_the_other_lpses_verifikator_does_not_lift(scene):
    entry = blacklist(scene)
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        services.blacklist_entry_lift(actor=scene.other_verifikator, entry=entry, reason="x")
    assert snapshot() == before


@pytest.mark.parametrize("key", NOT_DECIDERS)
def test_only_a_verifikator_deactivates_or_reactivates_for_a_violation(scene, key):
    user = scene.world.users[key]
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        deactivation.vendor_account_deactivate(actor=user, vendor=scene.vendor, reason="x")
    assert snapshot() == before
    deactivation.vendor_account_deactivate(
        actor=scene.verifikator, vendor=scene.vendor, reason="Pelanggaran"
    )
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        deactivation.vendor_account_reactivate(actor=user, vendor=scene.vendor, reason="x")
    assert snapshot() == before


@pytest.mark.parametrize("verifikator", ["verifikator", "other_verifikator"])
def test_a_verifikator_of_any_lpse_deactivates_for_a_violation(scene, verifikator):
    actor = getattr(scene, verifikator)
    people = deactivation.vendor_account_deactivate(
        actor=actor, vendor=scene.vendor, reason="Pelanggaran"
    )
    assert {p.pk for p in people} == {scene.admin.pk, scene.staff.pk}


def test_the_vendors_own_people_may_not_deactivate_or_lift_their_company(scene):
    entry = blacklist(scene)
    for user in (scene.admin, scene.staff):
        user.refresh_from_db()
        before = snapshot()
        with pytest.raises(errors.PermissionDenied):
            services.blacklist_entry_lift(actor=user, entry=entry, reason="x")
        with pytest.raises(errors.PermissionDenied):
            deactivation.vendor_account_reactivate(actor=user, vendor=scene.vendor, reason="x")
        assert snapshot() == before
