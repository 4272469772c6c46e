"""auditor_package_codes: what an auditor may examine at an LPSE, from the surat tugas in force;
and who decides auditor requests."""

import datetime as dt

import pytest

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import User
from openlpse.accounts.permissions import auditor_package_codes
from openlpse.accounts.permissions_registrations import (
    can_decide_auditor_requests,
    can_open_auditor_requests,
    can_open_official_pages,
    can_register_officials,
    can_view_officials,
)
from openlpse.accounts.tests.factories import UserFactory
from openlpse.accounts.tests.registrations_support import days
from openlpse.core import clock, navigation
from openlpse.organizations.tests.world import build_world, give

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def auditor_of(lpse, codes="", **period):
    user = UserFactory()
    period.setdefault("ends_on", days(30))
    if codes:
        give(
            user, Role.AUDITOR, lpse=lpse, scope_kind=ScopeKind.PACKAGES, scope_ref=codes, **period
        )
    else:
        give(user, Role.AUDITOR, lpse=lpse, scope_kind=ScopeKind.LPSE, **period)
    return user


def test_packages_named_in_the_letter(world):
    user = auditor_of(world.lpse, "P-1, P-2")
    assert auditor_package_codes(user, world.lpse) == frozenset({"P-1", "P-2"})


def test_several_letters_add_up(world):
    user = auditor_of(world.lpse, "P-1,P-2")
    give(
        user,
        Role.AUDITOR,
        lpse=world.lpse,
        scope_kind=ScopeKind.PACKAGES,
        scope_ref="P-3",
        ends_on=days(10),
    )
    assert auditor_package_codes(user, world.lpse) == frozenset({"P-1", "P-2", "P-3"})


def test_a_letter_for_the_whole_lpse_is_none(world):
    user = auditor_of(world.lpse, "P-1")
    give(user, Role.AUDITOR, lpse=world.lpse, scope_kind=ScopeKind.LPSE, ends_on=days(10))
    assert auditor_package_codes(user, world.lpse) is None


def test_other_lpses_and_non_auditors_see_nothing(world):
    user = auditor_of(world.lpse)
    assert auditor_package_codes(user, world.other_lpse) == frozenset()
    assert auditor_package_codes(world.users["lpse_admin"], world.lpse) == frozenset()
    assert auditor_package_codes(world.users["ppk"], world.lpse) == frozenset()
    assert auditor_package_codes(world.users["vendor_admin"], world.lpse) == frozenset()


def test_outside_the_period_or_revoked_or_deactivated_sees_nothing(world):
    ended = auditor_of(world.lpse, "P-1", starts_on=days(-20), ends_on=days(-1))
    later = auditor_of(world.lpse, "P-1", starts_on=days(5), ends_on=days(20))
    revoked = auditor_of(world.lpse)
    revoked.role_assignments.update(revoked_at=clock.now(), revoke_reason="Selesai")
    inactive = auditor_of(world.lpse)
    inactive.is_active = False
    inactive.save()
    for user in (ended, later, revoked, inactive):
        assert auditor_package_codes(user, world.lpse) == frozenset()
    assert auditor_package_codes(later, world.lpse, on=days(6)) == frozenset({"P-1"})


def test_the_period_is_checked_on_the_given_day(world):
    user = auditor_of(world.lpse, "P-9", starts_on=days(0), ends_on=days(3))
    with clock.frozen(clock.now() + dt.timedelta(days=4)):
        assert auditor_package_codes(user, world.lpse) == frozenset()


def test_who_decides_auditor_requests(world):
    allowed = {"lpse_admin", "lpse_staff"}  # lpse_staff is the world's verifikator
    for name, user in world.users.items():
        assert can_decide_auditor_requests(user, world.lpse) is (name in allowed), name
        assert can_open_auditor_requests(user) is (name in allowed | {"other_lpse_admin"}), name
    assert can_decide_auditor_requests(world.users["other_lpse_admin"], world.lpse) is False
    assert can_decide_auditor_requests(world.operator, world.lpse) is False


def test_who_registers_and_sees_officials(world):
    for name, user in world.users.items():
        assert can_register_officials(user, world.agency) is (name == "agency_admin"), name
        assert can_view_officials(user, world.agency) is (name in {"agency_admin", "lpse_admin"}), (
            name
        )
        assert can_open_official_pages(user) is (
            name
            in {
                "agency_admin",
                "agency2_admin",
                "other_agency_admin",
                "lpse_admin",
                "other_lpse_admin",
            }
        ), name


def test_menu_entries_by_role_share_one_query(world, rf, django_assert_num_queries):
    def entries(user):
        request = rf.get("/dasbor/")
        request.user = user
        return {
            item.key
            for section in navigation.menu_for(
                request, sections=(navigation.WORK, navigation.ORGANIZATION)
            )
            for item in section.items
        }

    mine = {"accounts.officials", "accounts.auditor_requests"}
    assert entries(world.users["agency_admin"]) & mine == {"accounts.officials"}
    assert entries(world.users["lpse_staff"]) & mine == {"accounts.auditor_requests"}
    assert entries(world.users["lpse_admin"]) & mine == mine
    assert entries(world.users["ppk"]) & mine == set()
    fresh = User.objects.get(pk=world.users["lpse_admin"].pk)  # nothing cached on it yet
    with django_assert_num_queries(1):
        assert can_open_official_pages(fresh) and can_open_auditor_requests(fresh)


def test_menu_roles_are_read_once_and_empty_for_anonymous_or_deactivated(
    world, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from openlpse.accounts.permissions import menu_roles

    staff = User.objects.get(pk=world.users["lpse_staff"].pk)
    with django_assert_num_queries(1):
        assert menu_roles(staff) == frozenset({("lpse_staff", "registrasi_verifikasi")})
        assert menu_roles(staff) == frozenset({("lpse_staff", "registrasi_verifikasi")})
    assert menu_roles(AnonymousUser()) == frozenset()
    inactive = User.objects.get(pk=staff.pk)
    inactive.is_active = False
    assert menu_roles(inactive) == frozenset()
