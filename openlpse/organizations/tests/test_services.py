import datetime as dt

import pytest
from django.utils import translation

from openlpse.accounts import permissions
from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.services.roles import role_grant
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock
from openlpse.core.errors import Conflict, PermissionDenied, SeparationOfDuties, ValidationError
from openlpse.core.models import AuditEvent
from openlpse.organizations import services
from openlpse.organizations.enums import AgencyKind, LpseUnitKind, TimeZone
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory
from openlpse.organizations.tests.world import build_world, snapshot

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)

EVERYONE_BUT_OPERATOR = [
    "lpse_admin",
    "other_lpse_admin",
    "lpse_staff",
    "agency_admin",
    "pa",
    "kpa",
    "ppk",
    "ulp_head",
    "pokja_member",
    "pejabat_pengadaan",
    "auditor",
    "vendor_admin",
    "vendor_staff",
    "nobody",
]
NOT_LPSE_ADMIN = [w for w in EVERYONE_BUT_OPERATOR if w != "lpse_admin"]


@pytest.fixture(autouse=True)
def frozen_clock():
    # Messages are asserted in English (the source language); the catalogue translates them.
    with clock.frozen(NOW), translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world()


def last_event():
    return AuditEvent.objects.order_by("-seq").first()


# --- LPSE -------------------------------------------------------------------------------------------


def test_operator_creates_an_lpse_with_its_eight_units(world):
    lpse = services.lpse_create(
        actor=world.operator,
        slug="Kota-Contoh",
        name="LPSE Kota Contoh",
        region="Kota Contoh",
        province="Papua",
        time_zone=TimeZone.WIT,
        working_days="4,0,1,2,3",
    )
    assert lpse.slug == "kota-contoh"
    assert lpse.working_days == "0,1,2,3,4"
    assert set(LpseUnit.objects.filter(lpse=lpse).values_list("kind", flat=True)) == set(
        LpseUnitKind.values
    )
    event = last_event()
    assert (event.action, event.lpse_id, event.changes["time_zone"]) == (
        "lpse.create",
        lpse.pk,
        "Asia/Jayapura",
    )
    assert len(event.changes["units"]) == 8


@pytest.mark.parametrize("who", EVERYONE_BUT_OPERATOR)
def test_only_operators_create_an_lpse(world, who):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.lpse_create(
            actor=world.users[who], slug="baru", name="LPSE Baru", region="Kabupaten Baru"
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"slug": "lampung-timur"}, "slug"),
        ({"slug": "bad slug!"}, "slug"),
        ({"time_zone": "Europe/Paris"}, "time_zone"),
        ({"name": "  "}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"working_days": "7"}, "working_days"),
        ({"working_days": ""}, "working_days"),
        (
            {"working_hours_start": dt.time(16, 0), "working_hours_end": dt.time(8, 0)},
            "working_hours_end",
        ),
    ],
)
def test_lpse_create_validates(world, values, field):
    data = {"slug": "baru", "name": "LPSE Baru", "region": "Kabupaten Baru", **values}
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.lpse_create(actor=world.operator, **data)
    assert field in exc.value.fields
    assert snapshot() == before


def test_lpse_create_refuses_unknown_fields(world):
    with pytest.raises(ValidationError, match="These fields are not known: is_active"):
        services.lpse_create(actor=world.operator, slug="x", name="X", region="X", is_active=False)


def test_lpse_admin_updates_the_profile_and_the_audit_records_the_difference(world):
    lpse = services.lpse_update(
        actor=world.users["lpse_admin"],
        lpse=world.lpse,
        changes={
            "name": "LPSE Kabupaten Lampung Timur",
            "address": "Jl. Buay Subing, Sukadana",
            "helpdesk_hours": "Senin-Jumat 08.00-16.00 WIB",
            "working_hours_end": dt.time(15, 30),
        },
    )
    assert lpse.address == "Jl. Buay Subing, Sukadana"
    event = last_event()
    assert event.action == "lpse.update"
    assert event.changes == {
        "address": ["", "Jl. Buay Subing, Sukadana"],
        "helpdesk_hours": ["", "Senin-Jumat 08.00-16.00 WIB"],
        "working_hours_end": ["16:00:00", "15:30:00"],
    }


def test_lpse_update_without_a_change_records_nothing(world):
    before = snapshot()
    services.lpse_update(
        actor=world.users["lpse_admin"], lpse=world.lpse, changes={"name": world.lpse.name}
    )
    assert snapshot() == before


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_lpse_update_refused_for_everyone_but_its_admin(world, who):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.lpse_update(actor=world.users[who], lpse=world.lpse, changes={"name": "Diganti"})
    assert snapshot() == before
    world.lpse.refresh_from_db()
    assert world.lpse.name == "LPSE Kabupaten Lampung Timur"


def test_lpse_update_refuses_slug_and_activation(world):
    with pytest.raises(ValidationError, match="cannot be changed: is_active, slug"):
        services.lpse_update(
            actor=world.users["lpse_admin"],
            lpse=world.lpse,
            changes={"slug": "x", "is_active": False},
        )


def test_lpse_update_keeps_the_database_unchanged_on_invalid_values(world):
    before = snapshot()
    with pytest.raises(ValidationError):
        services.lpse_update(
            actor=world.users["lpse_admin"], lpse=world.lpse, changes={"name": "Baru", "email": "x"}
        )
    world.lpse.refresh_from_db()
    assert world.lpse.name == "LPSE Kabupaten Lampung Timur"
    assert snapshot() == before


def test_operator_deactivates_and_reactivates_an_lpse(world):
    services.lpse_set_active(actor=world.operator, lpse=world.other_lpse, active=False)
    world.other_lpse.refresh_from_db()
    assert not world.other_lpse.is_active
    assert last_event().action == "lpse.deactivate"
    with pytest.raises(PermissionDenied):
        services.lpse_set_active(
            actor=world.users["other_lpse_admin"], lpse=world.other_lpse, active=True
        )
    services.lpse_set_active(actor=world.operator, lpse=world.other_lpse, active=True)
    assert last_event().action == "lpse.activate"


def test_lpse_units_ensure_creates_the_missing_units_once(world):
    lpse = LpseFactory()
    LpseUnit.objects.create(lpse=lpse, kind=LpseUnitKind.KEPALA, name="Kepala LPSE")
    units = services.lpse_units_ensure(actor=world.operator, lpse=lpse)
    assert len(units) == 8
    assert last_event().changes["created"] == [
        k for k in LpseUnitKind.values if k != LpseUnitKind.KEPALA
    ]
    before = snapshot()
    services.lpse_units_ensure(actor=world.operator, lpse=lpse)
    assert snapshot() == before


def test_lpse_units_ensure_refused_for_other_lpse_admin(world):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.lpse_units_ensure(actor=world.users["other_lpse_admin"], lpse=world.lpse)
    assert snapshot() == before


# --- holidays ---------------------------------------------------------------------------------------


def test_lpse_admin_adds_and_removes_a_holiday(world):
    admin = world.users["lpse_admin"]
    holiday = services.holiday_add(
        actor=admin, lpse=world.lpse, date=dt.date(2026, 3, 19), name=" Hari Suci Nyepi "
    )
    assert holiday.name == "Hari Suci Nyepi"
    assert last_event().changes == {"date": "2026-03-19", "name": "Hari Suci Nyepi"}
    services.holiday_remove(actor=admin, holiday=holiday)
    assert not Holiday.objects.exists()
    event = last_event()
    assert (event.action, event.object_type, event.changes["date"]) == (
        "holiday.remove",
        "organizations.holiday",
        "2026-03-19",
    )


def test_the_same_day_twice_is_refused(world):
    admin = world.users["lpse_admin"]
    services.holiday_add(
        actor=admin, lpse=world.lpse, date=dt.date(2026, 8, 17), name="Hari Kemerdekaan"
    )
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.holiday_add(actor=admin, lpse=world.lpse, date=dt.date(2026, 8, 17), name="Lagi")
    assert "date" in exc.value.fields
    assert snapshot() == before
    # Another LPSE may have the same day.
    services.holiday_add(
        actor=world.users["other_lpse_admin"],
        lpse=world.other_lpse,
        date=dt.date(2026, 8, 17),
        name="HUT RI",
    )


def test_holiday_needs_a_name(world):
    with pytest.raises(ValidationError) as exc:
        services.holiday_add(
            actor=world.users["lpse_admin"], lpse=world.lpse, date=dt.date(2026, 1, 1), name=" "
        )
    assert "name" in exc.value.fields


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_holidays_refused_for_everyone_but_the_lpse_admin(world, who):
    holiday = Holiday.objects.create(lpse=world.lpse, date=dt.date(2026, 1, 1), name="Tahun Baru")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.holiday_add(
            actor=world.users[who], lpse=world.lpse, date=dt.date(2026, 5, 1), name="Hari Buruh"
        )
    with pytest.raises(PermissionDenied):
        services.holiday_remove(actor=world.users[who], holiday=holiday)
    assert snapshot() == before


# --- agencies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_lpse_admin_creates_an_agency_of_every_kind(world, kind):
    agency = services.agency_create(
        actor=world.users["lpse_admin"],
        lpse=world.lpse,
        kind=kind,
        code=f" {kind[:6]} ",
        name="Instansi Contoh",
    )
    assert (agency.kind, agency.code, agency.lpse) == (kind, kind[:6], world.lpse)
    assert last_event().action == "agency.create"


def test_agency_code_is_unique_per_lpse(world):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.agency_create(
            actor=world.users["lpse_admin"],
            lpse=world.lpse,
            kind=AgencyKind.SKPD,
            code="DPUPR",
            name="X",
        )
    assert "code" in exc.value.fields
    assert snapshot() == before
    # The same code in another LPSE is fine (Karangasem already has DPUPR; Lampung Timur adds DINSOS).
    services.agency_create(
        actor=world.users["other_lpse_admin"],
        lpse=world.other_lpse,
        kind=AgencyKind.SKPD,
        code="DINKES",
        name="Dinas Kesehatan",
    )


def test_agency_parent_must_be_in_the_same_lpse_and_not_a_cycle(world):
    admin = world.users["lpse_admin"]
    with pytest.raises(ValidationError) as exc:
        services.agency_create(
            actor=admin,
            lpse=world.lpse,
            kind=AgencyKind.SKPD,
            code="SUB",
            name="Sub",
            parent=world.other_agency,
        )
    assert "parent" in exc.value.fields
    child = services.agency_create(
        actor=admin,
        lpse=world.lpse,
        kind=AgencyKind.SKPD,
        code="SUB",
        name="Sub",
        parent=world.agency,
    )
    with pytest.raises(ValidationError, match="under itself"):
        services.agency_update(actor=admin, agency=world.agency, changes={"parent": child})


def test_agency_kind_must_be_known(world):
    with pytest.raises(ValidationError) as exc:
        services.agency_create(
            actor=world.users["lpse_admin"], lpse=world.lpse, kind="yayasan", code="Y", name="Y"
        )
    assert "kind" in exc.value.fields


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_agency_writes_refused_for_everyone_but_the_lpse_admin(world, who):
    actor = world.users[who]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=actor,
            lpse=world.lpse,
            kind=AgencyKind.BUMD,
            code="PDAM",
            name="PDAM Way Sekampung",
        )
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=actor, agency=world.agency, changes={"name": "Diganti"})
    with pytest.raises(PermissionDenied):
        services.agency_deactivate(actor=actor, agency=world.agency)
    assert snapshot() == before
    world.agency.refresh_from_db()
    assert (world.agency.name, world.agency.is_active) == (
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        True,
    )


def test_agency_update_records_the_difference(world):
    services.agency_update(
        actor=world.users["lpse_admin"],
        agency=world.agency,
        changes={"name": "Dinas PUPR", "code": "DPUPR", "kind": AgencyKind.PERANGKAT_DAERAH},
    )
    assert last_event().changes == {
        "name": ["Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"],
        "kind": ["skpd", "perangkat_daerah"],
    }


def test_agency_update_to_a_taken_code_is_refused(world):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.agency_update(
            actor=world.users["lpse_admin"], agency=world.agency, changes={"code": "DINKES"}
        )
    assert "code" in exc.value.fields
    assert snapshot() == before


def test_agency_update_refuses_unknown_fields(world):
    with pytest.raises(ValidationError, match="lpse"):
        services.agency_update(
            actor=world.users["lpse_admin"], agency=world.agency, changes={"lpse": world.other_lpse}
        )


def test_deactivating_an_agency_stops_its_roles_and_can_be_undone(world):
    admin = world.users["lpse_admin"]
    services.agency_deactivate(actor=admin, agency=world.agency)
    assert not permissions.has_active_role(world.users["ppk"], Role.PPK)
    before = snapshot()
    services.agency_deactivate(
        actor=admin, agency=world.agency
    )  # already inactive: nothing happens
    assert snapshot() == before
    services.agency_reactivate(actor=admin, agency=world.agency)
    assert permissions.has_active_role(world.users["ppk"], Role.PPK)
    assert last_event().action == "agency.reactivate"


# --- work units -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["operator", "lpse_admin", "agency_admin"])
def test_work_units_are_created_by_the_lpse_admin_or_the_agency_admin(world, who):
    actor = world.operator if who == "operator" else world.users[who]
    unit = services.work_unit_create(
        actor=actor, agency=world.agency, code="CK", name="Bidang Cipta Karya"
    )
    assert (unit.agency, unit.code) == (world.agency, "CK")
    event = last_event()
    assert (event.action, event.lpse_id) == ("work_unit.create", world.lpse.pk)


@pytest.mark.parametrize(
    "who", [w for w in NOT_LPSE_ADMIN if w != "agency_admin"] + ["agency2_admin"]
)
def test_work_unit_writes_refused_for_others(world, who):
    actor = world.users[who]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.work_unit_create(
            actor=actor, agency=world.agency, code="CK", name="Bidang Cipta Karya"
        )
    with pytest.raises(PermissionDenied):
        services.work_unit_update(actor=actor, work_unit=world.work_unit, changes={"name": "X"})
    with pytest.raises(PermissionDenied):
        services.work_unit_deactivate(actor=actor, work_unit=world.work_unit)
    assert snapshot() == before


def test_work_unit_code_unique_per_agency(world):
    admin = world.users["agency_admin"]
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.work_unit_create(actor=admin, agency=world.agency, code="BM", name="Dup")
    assert "code" in exc.value.fields
    assert snapshot() == before
    services.work_unit_create(
        actor=world.users["agency2_admin"], agency=world.agency2, code="BM", name="Beda instansi"
    )


def test_work_unit_update_deactivate_reactivate(world):
    admin = world.users["agency_admin"]
    services.work_unit_update(
        actor=admin, work_unit=world.work_unit, changes={"name": "Bidang Bina Marga dan Jembatan"}
    )
    assert last_event().changes == {"name": ["Bidang Bina Marga", "Bidang Bina Marga dan Jembatan"]}
    services.work_unit_deactivate(actor=admin, work_unit=world.work_unit)
    world.work_unit.refresh_from_db()
    assert not world.work_unit.is_active
    services.work_unit_reactivate(actor=admin, work_unit=world.work_unit)
    world.work_unit.refresh_from_db()
    assert world.work_unit.is_active


def test_work_unit_of_a_deactivated_agency_cannot_be_added_or_reactivated(world):
    lpse_admin = world.users["lpse_admin"]
    services.work_unit_deactivate(actor=lpse_admin, work_unit=world.work_unit)
    services.agency_deactivate(actor=lpse_admin, agency=world.agency)
    world.agency.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="deactivated"):
        services.work_unit_create(actor=lpse_admin, agency=world.agency, code="NEW", name="Baru")
    with pytest.raises(ValidationError, match="deactivated"):
        services.work_unit_reactivate(actor=lpse_admin, work_unit=world.work_unit)
    assert snapshot() == before


def test_work_unit_update_to_a_taken_code_is_refused(world):
    services.work_unit_create(
        actor=world.users["agency_admin"], agency=world.agency, code="CK", name="Cipta Karya"
    )
    with pytest.raises(ValidationError) as exc:
        services.work_unit_update(
            actor=world.users["agency_admin"], work_unit=world.work_unit, changes={"code": "CK"}
        )
    assert "code" in exc.value.fields


# --- staff ---------------------------------------------------------------------------------------------


def assign(world, user, kind=LpseUnitKind.LAYANAN_DUKUNGAN, actor=None, **kw):
    kw.setdefault("position", "Petugas Helpdesk")
    kw.setdefault("starts_on", dt.date(2026, 1, 5))
    kw.setdefault("sk_number", "800/45/SK/LPSE/2026")
    kw.setdefault("sk_date", dt.date(2026, 1, 2))
    return services.staff_assign(
        actor=actor or world.users["lpse_admin"], unit=world.units[kind], user=user, **kw
    )


def test_staff_assign_places_the_person_and_grants_the_staff_role(world):
    person = UserFactory(full_name="Dewi Lestari")
    before = AuditEvent.objects.count()
    placement = assign(world, person, is_head=True)
    role = placement.role_assignment
    assert (role.role, role.lpse, role.lpse_unit, role.letter_kind, role.letter_number) == (
        Role.LPSE_STAFF,
        world.lpse,
        world.units[LpseUnitKind.LAYANAN_DUKUNGAN],
        LetterKind.SK,
        "800/45/SK/LPSE/2026",
    )
    assert permissions.is_lpse_staff(person, world.lpse, LpseUnitKind.LAYANAN_DUKUNGAN)
    assert [e.action for e in AuditEvent.objects.filter(seq__gt=before).order_by("seq")] == [
        "role.grant",
        "staff.assign",
    ]


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_staff_assign_refused_for_everyone_but_the_lpse_admin(world, who):
    person = UserFactory()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        assign(world, person, actor=world.users[who])
    assert snapshot() == before


def test_staff_assign_refuses_a_ppk_by_separation_of_duties(world):
    before = snapshot()
    with pytest.raises(
        SeparationOfDuties, match=r"Pejabat ppk is PPK .* may not also be LPSE staff"
    ):
        assign(world, world.users["ppk"])
    assert snapshot() == before


def test_a_placed_staff_member_cannot_then_become_pokja(world):
    person = UserFactory(full_name="Made Wirawan")
    assign(world, person)
    with pytest.raises(SeparationOfDuties) as exc:
        role_grant(
            actor=world.users["agency_admin"],
            user=person,
            role=Role.POKJA_MEMBER,
            agency=world.agency,
            starts_on=TODAY,
            letter_kind=LetterKind.SK,
            letter_number="027/1/POKJA/2026",
            letter_date=TODAY,
        )
    assert str(exc.value) == (
        "Made Wirawan is LPSE staff (Unit Layanan dan Dukungan) and may not also be a Pokja member "
        "(Perbup Lampung Timur 16(3), Karangasem 14(3))."
    )


def test_staff_assign_twice_in_the_same_unit_is_a_conflict(world):
    person = UserFactory()
    assign(world, person)
    before = snapshot()
    with pytest.raises(Conflict):
        assign(world, person)
    assert snapshot() == before


def test_staff_assign_needs_a_position_and_a_valid_sk(world):
    person = UserFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        assign(world, person, position="  ")
    assert "position" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        assign(world, person, sk_number="")
    assert "letter_number" in exc.value.fields
    assert snapshot() == before


def test_staff_end_ends_the_placement_and_revokes_the_role(world):
    person = UserFactory()
    placement = assign(world, person)
    ended = services.staff_end(
        actor=world.users["lpse_admin"], placement=placement, reason="Mutasi ke BKD"
    )
    assert (ended.ends_on, ended.ended_at, ended.end_reason) == (TODAY, NOW, "Mutasi ke BKD")
    role = ended.role_assignment
    role.refresh_from_db()
    assert role.revoked_at == NOW
    assert not permissions.is_lpse_staff(person, world.lpse)
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["staff.end", "role.revoke"]
    # Now the person may become a PPK.
    role_grant(
        actor=world.users["agency_admin"],
        user=person,
        role=Role.PPK,
        agency=world.agency,
        starts_on=dt.date(2026, 3, 3),
        letter_kind=LetterKind.SK,
        letter_number="SK PPK",
        letter_date=TODAY,
    )


def test_staff_end_twice_is_a_conflict_and_needs_a_reason(world):
    placement = assign(world, UserFactory())
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.staff_end(actor=world.users["lpse_admin"], placement=placement, reason="")
    assert "reason" in exc.value.fields
    assert snapshot() == before
    services.staff_end(actor=world.users["lpse_admin"], placement=placement, reason="Selesai")
    before = snapshot()
    with pytest.raises(Conflict):
        services.staff_end(actor=world.users["lpse_admin"], placement=placement, reason="Selesai")
    assert snapshot() == before


def test_staff_end_of_a_future_placement_cancels_it(world):
    placement = assign(world, UserFactory(), starts_on=dt.date(2026, 4, 1))
    ended = services.staff_end(actor=world.users["lpse_admin"], placement=placement, reason="Batal")
    assert ended.ends_on == dt.date(2026, 4, 1)
    with pytest.raises(ValidationError):
        services.staff_end(
            actor=world.users["lpse_admin"],
            placement=assign(world, UserFactory(), starts_on=dt.date(2026, 4, 1)),
            reason="x",
            ends_on=dt.date(2026, 3, 1),
        )


@pytest.mark.parametrize("who", NOT_LPSE_ADMIN)
def test_staff_end_refused_for_everyone_but_the_lpse_admin(world, who):
    placement = assign(world, UserFactory())
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.staff_end(actor=world.users[who], placement=placement, reason="Coba")
    assert snapshot() == before
    assert StaffAssignment.objects.get(pk=placement.pk).ended_at is None


def test_models_counted_by_snapshot_exist():
    # Guards the helper itself: every model it counts is importable and empty at start.
    assert (Lpse.objects.count(), Agency.objects.count(), WorkUnit.objects.count()) == (0, 0, 0)
    assert AgencyFactory._meta.model is Agency


# --- the system actor (None): demo data and management commands ------------------------------------


def test_system_actor_creates_an_lpse_and_its_first_admin_and_the_audit_names_the_system(world):
    lpse = services.lpse_create(actor=None, slug="sistem", name="LPSE Sistem", region="Kota Sistem")
    event = last_event()
    assert (event.actor_id, event.actor_label) == (None, "system")
    admin = UserFactory()
    assignment = role_grant(
        actor=None,
        user=admin,
        role=Role.LPSE_ADMIN,
        lpse=lpse,
        starts_on=TODAY,
        letter_kind=LetterKind.SK,
        letter_number="800/1/SK/2026",
        letter_date=TODAY,
    )
    assert assignment.granted_by is None
    assert permissions.is_lpse_admin(admin, lpse)


def test_system_actor_still_obeys_separation_of_duties(world):
    with pytest.raises(SeparationOfDuties):
        role_grant(
            actor=None,
            user=world.users["lpse_staff"],
            role=Role.PPK,
            agency=world.agency,
            starts_on=TODAY,
            letter_kind=LetterKind.SK,
            letter_number="1",
            letter_date=TODAY,
        )


# --- logo -------------------------------------------------------------------------------------------


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_lpse_admin_sets_and_removes_the_logo(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = world.users["lpse_admin"]
    lpse = services.lpse_logo_set(
        actor=admin, lpse=world.lpse, upload=SimpleUploadedFile("logo.png", tiny_png())
    )
    assert lpse.logo.detected_type == "png"
    assert [e.action for e in AuditEvent.objects.order_by("-seq")[:2]] == [
        "lpse.logo_set",
        "file.store",
    ]
    services.lpse_logo_remove(actor=admin, lpse=lpse)
    world.lpse.refresh_from_db()
    assert world.lpse.logo is None


def test_a_logo_that_is_not_an_image_is_refused_on_the_logo_field(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.lpse_logo_set(
            actor=world.users["lpse_admin"],
            lpse=world.lpse,
            upload=SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image at all"),
        )
    assert "logo" in exc.value.fields
    assert snapshot() == before


def test_logo_refused_for_other_lpse_admin(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.lpse_logo_set(
            actor=world.users["other_lpse_admin"],
            lpse=world.lpse,
            upload=SimpleUploadedFile("logo.png", tiny_png()),
        )
    assert snapshot() == before
