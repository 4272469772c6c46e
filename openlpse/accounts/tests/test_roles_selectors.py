import datetime as dt

import pytest

from openlpse.accounts import selectors_roles
from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment
from openlpse.core import clock
from openlpse.core.errors import NotFound
from openlpse.organizations.tests.world import build_world, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def usernames(qs):
    return {a.user.username for a in qs}


def test_lpse_admin_sees_every_assignment_of_their_lpse_only(world):
    seen = usernames(selectors_roles.role_assignment_list_visible(user=world.users["lpse_admin"]))
    assert {"lt.admin", "lt.verifikator", "lt.agency", "lt.ppk", "lt.auditor"} <= seen
    assert "ka.admin" not in seen and "ka.agency" not in seen and "vendor.admin" not in seen


def test_agency_admin_sees_their_agency_and_its_work_units(world):
    kpa = give(world.users["nobody"], Role.KPA, work_unit=world.work_unit)
    seen = selectors_roles.role_assignment_list_visible(user=world.users["agency_admin"])
    assert kpa in seen
    assert usernames(seen) == {
        "lt.agency",
        "lt.pa",
        "lt.kpa",
        "lt.ppk",
        "lt.ulp_head",
        "lt.pokja_member",
        "lt.pejabat_pengadaan",
        "warga",
    }


def test_vendor_admin_sees_their_vendor(world):
    assert usernames(
        selectors_roles.role_assignment_list_visible(user=world.users["vendor_admin"])
    ) == {"vendor.admin", "vendor.staff"}


def test_everyone_sees_their_own(world):
    assert usernames(selectors_roles.role_assignment_list_visible(user=world.users["ppk"])) == {
        "lt.ppk"
    }
    assert (
        usernames(selectors_roles.role_assignment_list_visible(user=world.users["nobody"])) == set()
    )


def test_operator_sees_everything(world):
    assert (
        selectors_roles.role_assignment_list_visible(user=world.operator, status="all").count()
        == RoleAssignment.objects.count()
    )


def test_filters(world):
    admin = world.users["lpse_admin"]
    by_agency = selectors_roles.role_assignment_list_visible(user=admin, agency=world.agency2)
    assert usernames(by_agency) == {"lt.agency2"}
    assert usernames(selectors_roles.role_assignment_list_visible(user=admin, role=Role.PPK)) == {
        "lt.ppk"
    }
    assert usernames(selectors_roles.role_assignment_list_visible(user=admin, query="Budi")) == {
        "lt.verifikator"
    }


def test_status_active_and_ended(world):
    ppk = RoleAssignment.objects.get(user=world.users["ppk"])
    ppk.revoked_at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    ppk.revoke_reason = "Mutasi"
    ppk.save()
    expired = give(world.users["nobody"], Role.PA, agency=world.agency, ends_on=dt.date(2021, 1, 1))
    admin = world.users["lpse_admin"]
    active = selectors_roles.role_assignment_list_visible(user=admin)
    ended = selectors_roles.role_assignment_list_visible(user=admin, status="ended")
    assert ppk not in active and expired not in active
    assert set(ended) == {ppk, expired}


def test_access_role_assignment_same_not_found_for_hidden_and_missing(world):
    theirs = RoleAssignment.objects.get(user=world.users["other_lpse_admin"])
    with pytest.raises(NotFound) as hidden:
        selectors_roles.access_role_assignment(
            user=world.users["lpse_admin"], assignment_id=theirs.pk
        )
    with pytest.raises(NotFound) as missing:
        selectors_roles.access_role_assignment(user=world.users["lpse_admin"], assignment_id=987654)
    assert str(hidden.value) == str(missing.value)
    mine = RoleAssignment.objects.get(user=world.users["ppk"])
    assert (
        selectors_roles.access_role_assignment(
            user=world.users["lpse_admin"], assignment_id=mine.pk
        )
        == mine
    )


def test_grantable_roles_per_lpse(world):
    assert selectors_roles.grantable_roles(world.users["lpse_admin"], lpse=world.lpse) == [
        "lpse_admin",
        "lpse_staff",
        "agency_admin",
        "auditor",
    ]
    assert selectors_roles.grantable_roles(world.users["lpse_admin"], lpse=world.other_lpse) == []
    assert selectors_roles.grantable_roles(world.users["agency_admin"], lpse=world.lpse) == [
        "pa",
        "kpa",
        "ppk",
        "ulp_head",
        "pokja_member",
        "pejabat_pengadaan",
    ]
    assert selectors_roles.grantable_roles(world.users["ppk"], lpse=world.lpse) == []
    assert selectors_roles.agencies_for_official_grants(
        world.users["agency_admin"], lpse=world.lpse
    ) == [world.agency]


def test_future_assignments_count_as_active(world):
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        future = give(
            world.users["nobody"], Role.PA, agency=world.agency2, starts_on=dt.date(2026, 4, 1)
        )
        assert future in selectors_roles.role_assignment_list_visible(
            user=world.users["lpse_admin"]
        )
