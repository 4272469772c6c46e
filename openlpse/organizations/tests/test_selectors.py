import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from openlpse.core.errors import NotFound
from openlpse.organizations import selectors
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.models import Holiday, StaffAssignment
from openlpse.organizations.tests.factories import AgencyFactory
from openlpse.organizations.tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_public_sees_active_lpses_only(world):
    world.other_lpse.is_active = False
    world.other_lpse.save()
    assert list(selectors.lpse_list_public()) == [world.lpse]
    assert selectors.lpse_get_public(slug="lampung-timur") == world.lpse
    with pytest.raises(NotFound):
        selectors.lpse_get_public(slug="karangasem")
    with pytest.raises(NotFound):
        selectors.lpse_get_public(slug="tidak-ada")


def test_lpse_list_visible_is_the_lpses_where_the_user_holds_a_role(world):
    assert list(selectors.lpse_list_visible(user=world.users["ppk"])) == [world.lpse]
    assert list(selectors.lpse_list_visible(user=world.users["other_lpse_admin"])) == [
        world.other_lpse
    ]
    assert list(selectors.lpse_list_visible(user=world.users["vendor_admin"])) == []
    assert list(selectors.lpse_list_visible(user=AnonymousUser())) == []
    assert set(selectors.lpse_list_visible(user=world.operator)) == {world.lpse, world.other_lpse}


def test_access_lpse_gives_the_same_not_found_for_hidden_and_missing(world):
    user = world.users["lpse_admin"]
    assert selectors.access_lpse(user=user, slug="lampung-timur") == world.lpse
    with pytest.raises(NotFound) as hidden:
        selectors.access_lpse(user=user, slug="karangasem")
    with pytest.raises(NotFound) as missing:
        selectors.access_lpse(user=user, slug="tidak-ada")
    assert (hidden.value.code, str(hidden.value)) == (missing.value.code, str(missing.value))


def test_an_inactive_lpse_is_hidden_from_its_own_people_but_not_from_operators(world):
    world.lpse.is_active = False
    world.lpse.save()
    with pytest.raises(NotFound):
        selectors.access_lpse(user=world.users["lpse_admin"], slug="lampung-timur")
    assert selectors.access_lpse(user=world.operator, slug="lampung-timur") == world.lpse


def test_management_access_only_for_admins(world):
    assert (
        selectors.access_lpse_for_management(user=world.users["lpse_admin"], slug="lampung-timur")
        == world.lpse
    )
    for who in ("lpse_staff", "ppk", "agency_admin", "other_lpse_admin"):
        with pytest.raises(NotFound):
            selectors.access_lpse_for_management(user=world.users[who], slug="lampung-timur")


def test_agency_list_is_scoped_by_the_viewer(world):
    inactive = AgencyFactory(lpse=world.lpse, code="OLD", name="Dinas Lama", is_active=False)
    admin_view = set(
        selectors.agency_list_visible(user=world.users["lpse_admin"], lpse=world.lpse, status="all")
    )
    assert admin_view == {world.agency, world.agency2, inactive}
    assert set(selectors.agency_list_visible(user=world.users["lpse_staff"], lpse=world.lpse)) == {
        world.agency,
        world.agency2,
    }
    assert set(selectors.agency_list_visible(user=world.users["auditor"], lpse=world.lpse)) == {
        world.agency,
        world.agency2,
    }
    assert list(
        selectors.agency_list_visible(user=world.users["agency_admin"], lpse=world.lpse)
    ) == [world.agency]
    assert list(selectors.agency_list_visible(user=world.users["ppk"], lpse=world.lpse)) == [
        world.agency
    ]
    assert (
        list(selectors.agency_list_visible(user=world.users["other_lpse_admin"], lpse=world.lpse))
        == []
    )


def test_agency_list_filters_and_sorts(world):
    admin = world.users["lpse_admin"]
    assert [
        a.code for a in selectors.agency_list_visible(user=admin, lpse=world.lpse, sort="-code")
    ] == ["DPUPR", "DINKES"]
    assert [
        a.code for a in selectors.agency_list_visible(user=admin, lpse=world.lpse, query="kes")
    ] == ["DINKES"]
    assert [
        a.code for a in selectors.agency_list_visible(user=admin, lpse=world.lpse, kind="bumd")
    ] == []
    assert [
        a.code
        for a in selectors.agency_list_visible(user=admin, lpse=world.lpse, status="inactive")
    ] == []
    # An unknown sort key falls back to the name.
    assert [
        a.code for a in selectors.agency_list_visible(user=admin, lpse=world.lpse, sort="password")
    ] == ["DINKES", "DPUPR"]
    units = {
        a.code: a.work_unit_count
        for a in selectors.agency_list_visible(user=admin, lpse=world.lpse)
    }
    assert units == {"DPUPR": 1, "DINKES": 1}


def test_access_agency_hides_other_lpses_and_other_agencies(world):
    with pytest.raises(NotFound):
        selectors.access_agency(
            user=world.users["lpse_admin"], lpse=world.lpse, agency_id=world.other_agency.pk
        )
    with pytest.raises(NotFound):
        # The other LPSE's agency under its own LPSE is still hidden from this admin.
        selectors.access_agency(
            user=world.users["lpse_admin"], lpse=world.other_lpse, agency_id=world.other_agency.pk
        )
    with pytest.raises(NotFound):
        selectors.access_agency(
            user=world.users["agency_admin"], lpse=world.lpse, agency_id=world.agency2.pk
        )
    assert (
        selectors.access_agency(
            user=world.users["agency_admin"], lpse=world.lpse, agency_id=world.agency.pk
        )
        == world.agency
    )
    with pytest.raises(NotFound):
        selectors.access_agency_for_management(
            user=world.users["agency_admin"], lpse=world.lpse, agency_id=world.agency.pk
        )


def test_work_unit_access(world):
    unit = selectors.access_work_unit_for_management(
        user=world.users["agency_admin"], lpse=world.lpse, work_unit_id=world.work_unit.pk
    )
    assert unit == world.work_unit
    for who, unit_id in (
        ("agency_admin", world.work_unit2.pk),
        ("lpse_admin", world.other_work_unit.pk),
        ("ppk", world.work_unit.pk),
    ):
        with pytest.raises(NotFound):
            selectors.access_work_unit_for_management(
                user=world.users[who], lpse=world.lpse, work_unit_id=unit_id
            )
    assert list(selectors.work_unit_list(agency=world.agency)) == [world.work_unit]


def test_holidays_and_their_management_access(world):
    mine = Holiday.objects.create(lpse=world.lpse, date=dt.date(2026, 1, 1), name="Tahun Baru")
    theirs = Holiday.objects.create(
        lpse=world.other_lpse, date=dt.date(2026, 1, 1), name="Tahun Baru"
    )
    assert list(selectors.holiday_list(lpse=world.lpse, year=2026)) == [mine]
    assert list(selectors.holiday_list(lpse=world.lpse, year=2027)) == []
    assert (
        selectors.access_holiday(
            user=world.users["lpse_admin"], lpse=world.lpse, holiday_id=mine.pk
        )
        == mine
    )
    with pytest.raises(NotFound):
        selectors.access_holiday(
            user=world.users["lpse_admin"], lpse=world.lpse, holiday_id=theirs.pk
        )
    with pytest.raises(NotFound):
        selectors.access_holiday(
            user=world.users["lpse_staff"], lpse=world.lpse, holiday_id=mine.pk
        )


def test_lpse_units_in_the_order_of_the_regulation_with_open_placements(world):
    unit = world.units[LpseUnitKind.SEKRETARIAT]
    StaffAssignment.objects.create(
        unit=unit,
        user=world.users["nobody"],
        position="Sekretaris",
        starts_on=dt.date(2026, 1, 1),
        sk_number="1",
        sk_date=dt.date(2026, 1, 1),
    )
    StaffAssignment.objects.create(
        unit=unit,
        user=world.users["lpse_staff"],
        position="Staf",
        starts_on=dt.date(2025, 1, 1),
        sk_number="2",
        sk_date=dt.date(2025, 1, 1),
        ended_at=dt.datetime(2025, 12, 31, tzinfo=dt.UTC),
    )
    units = selectors.lpse_unit_list(user=world.users["lpse_admin"], lpse=world.lpse)
    assert [u.kind for u in units] == list(LpseUnitKind.values)
    secretariat = next(u for u in units if u.kind == LpseUnitKind.SEKRETARIAT)
    assert [p.position for p in secretariat.placements] == ["Sekretaris"]
    everyone = selectors.lpse_unit_list(
        user=world.users["lpse_admin"], lpse=world.lpse, include_ended=True
    )
    assert len(next(u for u in everyone if u.kind == LpseUnitKind.SEKRETARIAT).placements) == 2
    for who in ("ppk", "other_lpse_admin", "agency_admin"):
        with pytest.raises(NotFound):
            selectors.lpse_unit_list(user=world.users[who], lpse=world.lpse)


def test_unit_and_placement_management_access(world):
    their_unit = world.other_units[LpseUnitKind.SEKRETARIAT]
    with pytest.raises(NotFound):
        selectors.access_lpse_unit_for_management(
            user=world.users["lpse_admin"], lpse=world.lpse, unit_id=their_unit.pk
        )
    placement = StaffAssignment.objects.create(
        unit=their_unit,
        user=world.users["nobody"],
        position="X",
        starts_on=dt.date(2026, 1, 1),
        sk_number="1",
        sk_date=dt.date(2026, 1, 1),
    )
    with pytest.raises(NotFound):
        selectors.access_staff_assignment_for_management(
            user=world.users["lpse_admin"], lpse=world.lpse, placement_id=placement.pk
        )
    assert (
        selectors.access_staff_assignment_for_management(
            user=world.users["other_lpse_admin"], lpse=world.other_lpse, placement_id=placement.pk
        )
        == placement
    )


def test_factories_for_holidays_and_placements():
    from openlpse.organizations.tests.factories import HolidayFactory, StaffAssignmentFactory

    placement = StaffAssignmentFactory()
    holiday = HolidayFactory(lpse=placement.unit.lpse)
    assert placement.ended_at is None and placement.role_assignment is None
    assert holiday.lpse == placement.unit.lpse
