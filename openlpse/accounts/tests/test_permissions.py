import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from openlpse.accounts import permissions
from openlpse.accounts.enums import MFA_REQUIRED_ROLES, Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.tests.world import build_world, give

pytestmark = pytest.mark.django_db

NOON_WIB = dt.datetime(2026, 6, 15, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    return build_world()


def test_today_is_the_date_in_wib():
    # 2026-06-15 18:30 UTC is already 16 June in Jakarta.
    with clock.frozen(dt.datetime(2026, 6, 15, 18, 30, tzinfo=dt.UTC)):
        assert permissions.today() == dt.date(2026, 6, 16)


def test_active_assignments_respect_period_and_revocation():
    user = UserFactory()
    with clock.frozen(NOON_WIB):
        current = give(user, Role.PPK, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 15))
        give(user, Role.KPA, starts_on=dt.date(2026, 6, 16))
        give(user, Role.PA, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 14))
        revoked = give(user, Role.ULP_HEAD, starts_on=dt.date(2026, 1, 1))
        revoked.revoked_at = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)
        revoked.revoke_reason = "mutasi"
        revoked.save()
        assert list(permissions.active_assignments(user)) == [current]
        on_june_9 = {a.role for a in permissions.active_assignments(user, on=dt.date(2026, 6, 9))}
        assert on_june_9 == {Role.PPK, Role.PA, Role.ULP_HEAD}
        assert {a.role for a in permissions.active_assignments(user, on=dt.date(2026, 6, 10))} == {
            Role.PPK,
            Role.PA,
        }


def test_anonymous_and_deactivated_users_hold_nothing(world):
    admin = world.users["lpse_admin"]
    assert permissions.active_assignments(AnonymousUser()).count() == 0
    assert not permissions.is_lpse_admin(AnonymousUser(), world.lpse)
    admin.is_active = False
    admin.save()
    assert not permissions.is_lpse_admin(admin, world.lpse)
    assert permissions.roles_for_navigation(admin) == frozenset()


def test_roles_of_a_deactivated_agency_or_lpse_stop_applying(world):
    ppk = world.users["ppk"]
    assert permissions.has_active_role(ppk, Role.PPK, agency=world.agency)
    world.agency.is_active = False
    world.agency.save()
    assert not permissions.has_active_role(ppk, Role.PPK, agency=world.agency)
    admin = world.users["lpse_admin"]
    world.lpse.is_active = False
    world.lpse.save()
    assert not permissions.is_lpse_admin(admin, world.lpse)


def test_agency_scoped_role_applies_to_its_work_units_only(world):
    ppk = world.users["ppk"]
    assert permissions.has_active_role(ppk, Role.PPK, agency=world.agency)
    assert permissions.has_active_role(ppk, Role.PPK, work_unit=world.work_unit)
    assert not permissions.has_active_role(ppk, Role.PPK, work_unit=world.work_unit2)
    assert not permissions.has_active_role(ppk, Role.PPK, agency=world.agency2)
    assert permissions.has_active_role(ppk, Role.PPK)
    assert not permissions.has_active_role(ppk, Role.PA)


def test_work_unit_scoped_role_does_not_apply_to_the_whole_agency(world):
    kpa = UserFactory()
    give(kpa, Role.KPA, work_unit=world.work_unit)
    assert permissions.has_active_role(kpa, Role.KPA, work_unit=world.work_unit)
    assert not permissions.has_active_role(kpa, Role.KPA, agency=world.agency)
    assert not permissions.has_active_role(kpa, Role.KPA, lpse=world.lpse)


def test_lpse_scoped_role_applies_to_the_agencies_and_work_units_of_that_lpse(world):
    auditor = world.users["auditor"]
    assert permissions.has_active_role(auditor, Role.AUDITOR, lpse=world.lpse)
    assert permissions.has_active_role(auditor, Role.AUDITOR, agency=world.agency)
    assert permissions.has_active_role(auditor, Role.AUDITOR, work_unit=world.work_unit)
    assert not permissions.has_active_role(auditor, Role.AUDITOR, lpse=world.other_lpse)
    assert not permissions.has_active_role(auditor, Role.AUDITOR, agency=world.other_agency)


def test_packages_scoped_auditor_is_not_an_lpse_wide_auditor(world):
    auditor = UserFactory()
    give(auditor, Role.AUDITOR, lpse=world.lpse, scope_kind="packages", scope_ref="PKT-1,PKT-2")
    assert permissions.has_active_role(auditor, Role.AUDITOR)
    assert not permissions.has_active_role(auditor, Role.AUDITOR, lpse=world.lpse)
    assert permissions.can_read_access_log(auditor)


def test_is_lpse_admin_and_staff_are_per_lpse(world):
    admin = world.users["lpse_admin"]
    staff = world.users["lpse_staff"]
    assert permissions.is_lpse_admin(admin, world.lpse)
    assert not permissions.is_lpse_admin(admin, world.other_lpse)
    assert not permissions.is_lpse_admin(staff, world.lpse)
    assert permissions.is_lpse_staff(staff, world.lpse)
    assert permissions.is_lpse_staff(staff, world.lpse, LpseUnitKind.REGISTRASI_VERIFIKASI)
    assert not permissions.is_lpse_staff(staff, world.lpse, LpseUnitKind.LAYANAN_DUKUNGAN)
    assert not permissions.is_lpse_staff(staff, world.other_lpse)
    assert not permissions.is_lpse_staff(admin, world.lpse)


def test_is_agency_admin(world):
    assert permissions.is_agency_admin(world.users["agency_admin"], world.agency)
    assert not permissions.is_agency_admin(world.users["agency_admin"], world.agency2)
    assert not permissions.is_agency_admin(world.users["lpse_admin"], world.agency)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", True),
        ("lpse_admin", True),
        ("other_lpse_admin", False),
        ("lpse_staff", False),
        ("agency_admin", False),
        ("ppk", False),
        ("auditor", False),
        ("vendor_admin", False),
        ("nobody", False),
    ],
)
def test_can_manage_lpse(world, who, expected):
    user = world.operator if who == "operator" else world.users[who]
    assert permissions.can_manage_lpse(user, world.lpse) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", True),
        ("lpse_admin", True),
        ("agency_admin", True),
        ("agency2_admin", False),
        ("ppk", False),
    ],
)
def test_can_manage_work_units(world, who, expected):
    user = world.operator if who == "operator" else world.users[who]
    assert permissions.can_manage_work_units(user, world.agency) is expected


# Who may grant what, at the test LPSE / its agency: the full table, one row per granter.
GRANT_TABLE = {
    "operator": {
        Role.LPSE_ADMIN,
        Role.LPSE_STAFF,
        Role.AGENCY_ADMIN,
        Role.AUDITOR,
        Role.VENDOR_ADMIN,
    },
    "lpse_admin": {Role.LPSE_ADMIN, Role.LPSE_STAFF, Role.AGENCY_ADMIN, Role.AUDITOR},
    "other_lpse_admin": set(),
    "lpse_staff": set(),
    "agency_admin": {
        Role.PA,
        Role.KPA,
        Role.PPK,
        Role.ULP_HEAD,
        Role.POKJA_MEMBER,
        Role.PEJABAT_PENGADAAN,
    },
    "agency2_admin": set(),
    "pa": set(),
    "kpa": set(),
    "ppk": set(),
    "ulp_head": set(),
    "pokja_member": set(),
    "pejabat_pengadaan": set(),
    "auditor": set(),
    "vendor_admin": {Role.VENDOR_STAFF},
    "vendor_staff": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(GRANT_TABLE))
def test_can_grant_role_for_every_role_and_granter(world, who):
    user = world.operator if who == "operator" else world.users[who]
    allowed = set()
    for role in Role:
        if role in (Role.VENDOR_ADMIN, Role.VENDOR_STAFF):
            ok = permissions.can_grant_role(user, role, scope_ref="demo-vendor-1")
        elif role in permissions.AGENCY_OFFICIAL_ROLES or role == Role.AGENCY_ADMIN:
            ok = permissions.can_grant_role(user, role, agency=world.agency)
        else:
            ok = permissions.can_grant_role(user, role, lpse=world.lpse)
        if ok:
            allowed.add(role)
    assert allowed == GRANT_TABLE[who]


def test_agency_admin_grants_in_work_units_of_their_agency_only(world):
    admin = world.users["agency_admin"]
    assert permissions.can_grant_role(admin, Role.PPK, work_unit=world.work_unit)
    assert not permissions.can_grant_role(admin, Role.PPK, work_unit=world.work_unit2)
    assert not permissions.can_grant_role(admin, Role.PPK, lpse=world.lpse)


def test_lpse_admin_cannot_grant_agency_admin_without_an_agency_nor_in_another_lpse(world):
    admin = world.users["lpse_admin"]
    assert not permissions.can_grant_role(admin, Role.AGENCY_ADMIN, lpse=world.lpse)
    assert not permissions.can_grant_role(admin, Role.AGENCY_ADMIN, agency=world.other_agency)
    assert not permissions.can_grant_role(admin, Role.LPSE_STAFF)


def test_vendor_admin_grants_staff_of_their_own_vendor_only(world):
    admin = world.users["vendor_admin"]
    assert permissions.can_grant_role(admin, Role.VENDOR_STAFF, scope_ref="demo-vendor-1")
    assert not permissions.can_grant_role(admin, Role.VENDOR_STAFF, scope_ref="another-vendor")
    assert not permissions.can_grant_role(admin, Role.VENDOR_STAFF)


def test_can_revoke_role_never_own(world):
    admin = world.users["lpse_admin"]
    own = admin.role_assignments.get()
    other_admin = UserFactory()
    theirs = give(other_admin, Role.LPSE_ADMIN, lpse=world.lpse)
    assert not permissions.can_revoke_role(admin, own)
    assert permissions.can_revoke_role(admin, theirs)
    assert not permissions.can_revoke_role(world.users["other_lpse_admin"], theirs)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("operator", True),
        ("lpse_admin", True),
        ("auditor", True),
        ("lpse_staff", False),
        ("agency_admin", False),
        ("ppk", False),
        ("vendor_admin", False),
        ("nobody", False),
    ],
)
def test_can_read_access_log(world, who, expected):
    user = world.operator if who == "operator" else world.users[who]
    assert permissions.can_read_access_log(user) is expected


def test_can_read_access_log_of_one_lpse(world):
    assert permissions.can_read_access_log(world.users["lpse_admin"], world.lpse)
    assert not permissions.can_read_access_log(world.users["lpse_admin"], world.other_lpse)


@pytest.mark.parametrize("role", list(Role))
def test_requires_mfa_follows_the_role(world, role):
    key = {
        Role.AGENCY_ADMIN: "agency_admin",
        Role.LPSE_ADMIN: "lpse_admin",
        Role.LPSE_STAFF: "lpse_staff",
    }.get(role, str(role))
    assert permissions.requires_mfa(world.users[key]) is (role in MFA_REQUIRED_ROLES)


def test_requires_mfa_for_operators_and_django_staff_but_not_plain_users(world):
    assert permissions.requires_mfa(world.operator)
    staff = UserFactory(is_staff=True)
    assert permissions.requires_mfa(staff)
    assert not permissions.requires_mfa(world.users["nobody"])
    assert not permissions.requires_mfa(AnonymousUser())


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("lpse_admin", False),
        ("lpse_staff", False),
        ("operator", False),
        ("ppk", True),
        ("pokja_member", True),
        ("agency_admin", True),
        ("vendor_admin", True),
        ("nobody", True),
    ],
)
def test_may_write_procurement_is_false_for_lpse_people(world, who, expected):
    # LT 8(4), KA 6(3)
    user = world.operator if who == "operator" else world.users[who]
    assert permissions.may_write_procurement(user) is expected


def test_may_write_procurement_false_for_anonymous():
    assert permissions.may_write_procurement(AnonymousUser()) is False


def test_roles_for_navigation_lists_active_roles(world):
    ppk = world.users["ppk"]
    give(ppk, Role.KPA, agency=world.agency2)
    assert permissions.roles_for_navigation(ppk) == frozenset({"ppk", "kpa"})
    assert permissions.roles_for_navigation(world.users["nobody"]) == frozenset()


def test_can_view_lpse_backoffice(world):
    assert permissions.can_view_lpse_backoffice(world.users["ppk"], world.lpse)
    assert not permissions.can_view_lpse_backoffice(world.users["ppk"], world.other_lpse)
    assert not permissions.can_view_lpse_backoffice(world.users["vendor_admin"], world.lpse)
    assert permissions.can_view_lpse_backoffice(world.operator, world.other_lpse)
