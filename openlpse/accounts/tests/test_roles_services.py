import datetime as dt

import pytest
from django.utils import translation

from openlpse.accounts import permissions
from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment
from openlpse.accounts.services.roles import role_grant, role_revoke
from openlpse.accounts.tests.factories import UserFactory
from openlpse.core import clock
from openlpse.core.errors import Conflict, PermissionDenied, SeparationOfDuties, ValidationError
from openlpse.core.models import AuditEvent
from openlpse.organizations.enums import LpseUnitKind
from openlpse.organizations.models import StaffAssignment
from openlpse.organizations.tests.factories import AgencyFactory, WorkUnitFactory
from openlpse.organizations.tests.world import VENDOR_REF, build_world, give, snapshot

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)  # 10:00 WIB, Monday 2 March 2026
TODAY = dt.date(2026, 3, 2)
SK = {
    "letter_kind": LetterKind.SK,
    "letter_number": "800/12/SK/2026",
    "letter_date": dt.date(2026, 2, 20),
}
ST = {
    "letter_kind": LetterKind.SURAT_TUGAS,
    "letter_number": "700/5/ST/ITKAB/2026",
    "letter_date": dt.date(2026, 2, 27),
}


@pytest.fixture(autouse=True)
def frozen_clock():
    # Messages are asserted in English (the source language); the catalogue translates them.
    with clock.frozen(NOW), translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world()


def grant(actor, user, role, **kw):
    kw.setdefault("starts_on", TODAY)
    letter = ST if role == Role.AUDITOR else SK
    for key, value in letter.items():
        kw.setdefault(key, value)
    return role_grant(actor=actor, user=user, role=role, **kw)


# --- allowed grants ---------------------------------------------------------------------------------


def test_lpse_admin_grants_lpse_admin_and_the_audit_chain_records_it(world):
    admin = world.users["lpse_admin"]
    person = UserFactory(full_name="Siti Rahmawati")
    before = AuditEvent.objects.count()
    assignment = grant(admin, person, Role.LPSE_ADMIN, lpse=world.lpse)
    assert assignment.scope_kind == ScopeKind.LPSE
    assert assignment.lpse == world.lpse
    assert assignment.granted_by == admin
    assert assignment.granted_at == NOW
    assert permissions.is_lpse_admin(person, world.lpse)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "role.grant"
    assert event.actor_id == admin.pk
    assert event.lpse_id == world.lpse.pk
    assert event.object_id == str(assignment.pk)
    assert event.changes["role"] == "lpse_admin"
    assert event.changes["letter_number"] == "800/12/SK/2026"


def test_operator_grants_the_first_lpse_admin(world):
    person = UserFactory()
    assignment = grant(world.operator, person, Role.LPSE_ADMIN, lpse=world.other_lpse)
    assert assignment.lpse == world.other_lpse


def test_lpse_admin_grants_lpse_staff_in_a_unit(world):
    person = UserFactory()
    unit = world.units[LpseUnitKind.LAYANAN_DUKUNGAN]
    assignment = grant(
        world.users["lpse_admin"], person, Role.LPSE_STAFF, lpse=world.lpse, lpse_unit=unit
    )
    assert assignment.lpse_unit == unit
    assert permissions.is_lpse_staff(person, world.lpse, LpseUnitKind.LAYANAN_DUKUNGAN)


def test_lpse_admin_grants_agency_admin_inferring_the_lpse(world):
    person = UserFactory()
    assignment = grant(world.users["lpse_admin"], person, Role.AGENCY_ADMIN, agency=world.agency2)
    assert assignment.scope_kind == ScopeKind.AGENCY
    assert assignment.lpse == world.lpse
    assert permissions.is_agency_admin(person, world.agency2)


def test_lpse_admin_grants_an_auditor_on_a_surat_tugas_for_named_packages(world):
    person = UserFactory()
    assignment = grant(
        world.users["lpse_admin"],
        person,
        Role.AUDITOR,
        scope_kind=ScopeKind.PACKAGES,
        lpse=world.lpse,
        scope_ref="PKT-2026-001, PKT-2026-002",
        ends_on=dt.date(2026, 4, 30),
    )
    assert assignment.letter_kind == LetterKind.SURAT_TUGAS
    assert assignment.scope_ref == "PKT-2026-001, PKT-2026-002"
    assert assignment.ends_on == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    "role", [Role.PA, Role.KPA, Role.PPK, Role.ULP_HEAD, Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN]
)
def test_agency_admin_grants_officials_in_the_agency_and_its_work_units(world, role):
    admin = world.users["agency_admin"]
    a = grant(admin, UserFactory(), role, agency=world.agency)
    b = grant(admin, UserFactory(), role, work_unit=world.work_unit)
    assert (a.scope_kind, a.agency, a.work_unit, a.lpse) == (
        ScopeKind.AGENCY,
        world.agency,
        None,
        world.lpse,
    )
    assert (b.scope_kind, b.agency, b.work_unit, b.lpse) == (
        ScopeKind.WORK_UNIT,
        world.agency,
        world.work_unit,
        world.lpse,
    )


def test_pokja_member_can_be_scoped_to_a_tender(world):
    a = grant(
        world.users["agency_admin"],
        UserFactory(),
        Role.POKJA_MEMBER,
        scope_kind=ScopeKind.TENDER,
        agency=world.agency,
        scope_ref="T-2026-0007",
    )
    assert a.scope_kind == ScopeKind.TENDER
    assert a.scope_ref == "T-2026-0007"


def test_vendor_admin_grants_vendor_staff_of_the_same_vendor(world):
    person = UserFactory()
    a = role_grant(
        actor=world.users["vendor_admin"],
        user=person,
        role=Role.VENDOR_STAFF,
        scope_ref=VENDOR_REF,
        starts_on=TODAY,
        letter_kind=LetterKind.OTHER,
        letter_number="Surat Kuasa 01/2026",
        letter_date=TODAY,
    )
    assert (a.scope_kind, a.lpse, a.scope_ref) == (ScopeKind.VENDOR, None, VENDOR_REF)


# --- refused grants: every role and granter that may not, nothing changes ------------------------------


ALLOWED = {
    "operator": {
        Role.LPSE_ADMIN,
        Role.LPSE_STAFF,
        Role.AGENCY_ADMIN,
        Role.AUDITOR,
        Role.VENDOR_ADMIN,
    },
    "lpse_admin": {Role.LPSE_ADMIN, Role.LPSE_STAFF, Role.AGENCY_ADMIN, Role.AUDITOR},
    "agency_admin": {
        Role.PA,
        Role.KPA,
        Role.PPK,
        Role.ULP_HEAD,
        Role.POKJA_MEMBER,
        Role.PEJABAT_PENGADAAN,
    },
    "vendor_admin": {Role.VENDOR_STAFF},
}
GRANTERS = [
    "operator",
    "lpse_admin",
    "other_lpse_admin",
    "lpse_staff",
    "agency_admin",
    "agency2_admin",
    "other_agency_admin",
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
REFUSED = [(who, role) for who in GRANTERS for role in Role if role not in ALLOWED.get(who, set())]


def _scope_for(world, role):
    if role in (Role.VENDOR_ADMIN, Role.VENDOR_STAFF):
        return {"scope_ref": VENDOR_REF, "letter_kind": LetterKind.OTHER}
    if role == Role.LPSE_STAFF:
        return {"lpse": world.lpse, "lpse_unit": world.units[LpseUnitKind.SEKRETARIAT]}
    if role == Role.AUDITOR:
        return {"lpse": world.lpse, "ends_on": dt.date(2026, 12, 31)}
    if role == Role.LPSE_ADMIN:
        return {"lpse": world.lpse}
    return {"agency": world.agency}


@pytest.mark.parametrize(("who", "role"), REFUSED)
def test_grant_refused_for_every_role_a_granter_may_not_grant(world, who, role):
    actor = world.operator if who == "operator" else world.users[who]
    person = UserFactory()
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        grant(actor, person, role, **_scope_for(world, role))
    assert exc.value.code == "permission_denied"
    assert snapshot() == before
    assert not person.role_assignments.exists()


def test_grant_to_yourself_is_refused(world):
    admin = world.users["lpse_admin"]
    before = snapshot()
    with pytest.raises(PermissionDenied, match="cannot grant a role to yourself"):
        grant(admin, admin, Role.AUDITOR, lpse=world.lpse, ends_on=dt.date(2026, 12, 31))
    assert snapshot() == before


def test_grant_to_a_deactivated_account_is_refused(world):
    person = UserFactory(is_active=False)
    before = snapshot()
    with pytest.raises(ValidationError, match="deactivated"):
        grant(world.users["lpse_admin"], person, Role.LPSE_ADMIN, lpse=world.lpse)
    assert snapshot() == before


def test_duplicate_grant_is_a_conflict(world):
    person = UserFactory()
    grant(world.users["lpse_admin"], person, Role.LPSE_ADMIN, lpse=world.lpse)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        grant(
            world.users["lpse_admin"],
            person,
            Role.LPSE_ADMIN,
            lpse=world.lpse,
            starts_on=dt.date(2026, 5, 1),
        )
    assert exc.value.code == "role_already_held"
    assert snapshot() == before


# --- scope validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("work_unit_of_other_agency", "work_unit", "does not belong to the agency"),
        ("agency_of_other_lpse", "agency", "does not belong to"),
        ("staff_without_unit", "lpse_unit", "Choose the LPSE unit"),
        ("staff_unit_of_other_lpse", "lpse_unit", "does not belong to"),
        ("unit_for_non_staff", "lpse_unit", "Only LPSE staff"),
        ("ppk_at_lpse_scope", "scope_kind", "cannot be granted for this kind of scope"),
        ("admin_at_agency_scope", "scope_kind", "cannot be granted for this kind of scope"),
        ("packages_without_list", "scope_ref", "package codes"),
        ("tender_without_code", "scope_ref", "tender code"),
        ("auditor_with_agency", "agency", "do not choose an agency"),
        ("lpse_role_without_lpse", "lpse", "Choose the LPSE"),
        ("vendor_role_with_lpse", "scope_kind", "do not choose an LPSE"),
        ("vendor_role_without_vendor", "scope_ref", "Name the vendor"),
    ],
)
def test_scope_inconsistencies_are_refused_with_the_field_named(world, case, field, message):
    lpse_admin = world.users["lpse_admin"]
    agency_admin = world.users["agency_admin"]
    cases = {
        "work_unit_of_other_agency": (
            agency_admin,
            Role.PPK,
            {"agency": world.agency, "work_unit": world.work_unit2},
        ),
        "agency_of_other_lpse": (
            lpse_admin,
            Role.AGENCY_ADMIN,
            {"lpse": world.lpse, "agency": world.other_agency},
        ),
        "staff_without_unit": (lpse_admin, Role.LPSE_STAFF, {"lpse": world.lpse}),
        "staff_unit_of_other_lpse": (
            lpse_admin,
            Role.LPSE_STAFF,
            {"lpse": world.lpse, "lpse_unit": world.other_units[LpseUnitKind.SEKRETARIAT]},
        ),
        "unit_for_non_staff": (
            lpse_admin,
            Role.LPSE_ADMIN,
            {"lpse": world.lpse, "lpse_unit": world.units[LpseUnitKind.SEKRETARIAT]},
        ),
        "ppk_at_lpse_scope": (agency_admin, Role.PPK, {"lpse": world.lpse}),
        "admin_at_agency_scope": (lpse_admin, Role.LPSE_ADMIN, {"agency": world.agency}),
        "packages_without_list": (
            lpse_admin,
            Role.AUDITOR,
            {"lpse": world.lpse, "scope_kind": ScopeKind.PACKAGES, "ends_on": dt.date(2026, 6, 30)},
        ),
        "tender_without_code": (
            agency_admin,
            Role.POKJA_MEMBER,
            {"agency": world.agency, "scope_kind": ScopeKind.TENDER},
        ),
        "auditor_with_agency": (
            lpse_admin,
            Role.AUDITOR,
            {"agency": world.agency, "scope_kind": ScopeKind.LPSE, "ends_on": dt.date(2026, 6, 30)},
        ),
        "lpse_role_without_lpse": (lpse_admin, Role.LPSE_ADMIN, {}),
        "vendor_role_with_lpse": (
            world.operator,
            Role.VENDOR_ADMIN,
            {"lpse": world.lpse, "scope_ref": VENDOR_REF},
        ),
        "vendor_role_without_vendor": (world.operator, Role.VENDOR_ADMIN, {}),
    }
    actor, role, scope = cases[case]
    person = UserFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        grant(actor, person, role, **scope)
    assert field in exc.value.fields
    assert message in str(exc.value)
    assert snapshot() == before


def test_grant_in_a_deactivated_agency_or_work_unit_is_refused(world):
    admin = world.users["agency_admin"]
    unit = WorkUnitFactory(agency=world.agency, is_active=False)
    inactive = AgencyFactory(lpse=world.lpse, is_active=False)
    person = UserFactory()
    before = snapshot()
    with pytest.raises(ValidationError, match="deactivated"):
        grant(admin, person, Role.PPK, work_unit=unit)
    with pytest.raises(ValidationError, match="deactivated"):
        grant(world.users["lpse_admin"], person, Role.AGENCY_ADMIN, agency=inactive)
    assert snapshot() == before


def test_grant_in_a_deactivated_lpse_is_refused(world):
    world.other_lpse.is_active = False
    world.other_lpse.save()
    person = UserFactory()
    before = snapshot()
    with pytest.raises(ValidationError, match="deactivated"):
        grant(world.operator, person, Role.LPSE_ADMIN, lpse=world.other_lpse)
    assert snapshot() == before


# --- period and letter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "changes", "field"),
    [
        (
            Role.LPSE_ADMIN,
            {"ends_on": dt.date(2026, 3, 1), "starts_on": dt.date(2026, 3, 5)},
            "ends_on",
        ),
        (
            Role.LPSE_ADMIN,
            {"starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 2, 1)},
            "ends_on",
        ),
        (Role.AUDITOR, {}, "ends_on"),
        (Role.AUDITOR, {"ends_on": dt.date(2026, 6, 30), **SK}, "letter_kind"),
        (Role.LPSE_ADMIN, {"letter_kind": LetterKind.SURAT_TUGAS}, "letter_kind"),
        (Role.LPSE_ADMIN, {"letter_number": "   "}, "letter_number"),
        (Role.LPSE_ADMIN, {"letter_date": dt.date(2026, 3, 3)}, "letter_date"),
    ],
)
def test_invalid_period_or_letter_is_refused(world, role, changes, field):
    person = UserFactory()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        grant(world.users["lpse_admin"], person, role, lpse=world.lpse, **changes)
    assert field in exc.value.fields
    assert snapshot() == before


def test_officials_need_an_sk(world):
    with pytest.raises(ValidationError) as exc:
        grant(
            world.users["agency_admin"],
            UserFactory(),
            Role.PPK,
            agency=world.agency,
            letter_kind=LetterKind.OTHER,
        )
    assert "letter_kind" in exc.value.fields


def test_a_future_role_may_be_granted_and_starts_later(world):
    person = UserFactory()
    grant(
        world.users["lpse_admin"],
        person,
        Role.LPSE_ADMIN,
        lpse=world.lpse,
        starts_on=dt.date(2026, 4, 1),
    )
    assert not permissions.is_lpse_admin(person, world.lpse)
    with clock.frozen(dt.datetime(2026, 4, 1, 1, 0, tzinfo=dt.UTC)):
        assert permissions.is_lpse_admin(person, world.lpse)


# --- separation of duties ------------------------------------------------------------------------


def test_lpse_staff_may_not_become_ppk_with_the_rule_in_the_message(world):
    staff = world.users["lpse_staff"]  # Budi Santoso, Unit Registrasi dan Verifikasi
    before = snapshot()
    with pytest.raises(SeparationOfDuties) as exc:
        grant(world.users["agency_admin"], staff, Role.PPK, agency=world.agency)
    assert str(exc.value) == (
        "Budi Santoso is LPSE staff (Unit Registrasi dan Verifikasi) and may not also be PPK "
        "(Perbup Lampung Timur 16(3), Karangasem 14(3))."
    )
    assert exc.value.code == "separation_of_duties.lpse_staff_not_official"
    assert exc.value.http_status == 403
    assert snapshot() == before


def test_ppk_may_not_become_lpse_staff(world):
    ppk = world.users["ppk"]
    before = snapshot()
    with pytest.raises(SeparationOfDuties) as exc:
        grant(
            world.users["lpse_admin"],
            ppk,
            Role.LPSE_STAFF,
            lpse=world.lpse,
            lpse_unit=world.units[LpseUnitKind.LAYANAN_DUKUNGAN],
        )
    assert str(exc.value) == (
        "Pejabat ppk is PPK (Dinas Pekerjaan Umum dan Penataan Ruang) and may not also be LPSE staff "
        "(Perbup Lampung Timur 16(3), Karangasem 14(3))."
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "official", [Role.PPK, Role.ULP_HEAD, Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN]
)
@pytest.mark.parametrize("lpse_role", [Role.LPSE_ADMIN, Role.LPSE_STAFF])
def test_lpse_roles_and_procurement_roles_exclude_each_other_both_ways(world, official, lpse_role):
    lpse_kw = {"lpse": world.lpse}
    if lpse_role == Role.LPSE_STAFF:
        lpse_kw["lpse_unit"] = world.units[LpseUnitKind.ADMIN_SISTEM]
    first = UserFactory()
    grant(world.users["lpse_admin"], first, lpse_role, **lpse_kw)
    with pytest.raises(SeparationOfDuties):
        grant(world.users["agency_admin"], first, official, agency=world.agency)
    second = UserFactory()
    grant(world.users["agency_admin"], second, official, agency=world.agency)
    with pytest.raises(SeparationOfDuties):
        grant(world.users["lpse_admin"], second, lpse_role, **lpse_kw)


def test_separation_holds_across_lpses(world):
    # An LPSE staff member of Lampung Timur may not be a PPK in Karangasem either.
    with pytest.raises(SeparationOfDuties):
        grant(
            world.users["other_agency_admin"],
            world.users["lpse_staff"],
            Role.PPK,
            agency=world.other_agency,
        )


@pytest.mark.parametrize("official", sorted(permissions.OFFICIAL_ROLES))
def test_officials_and_vendor_roles_exclude_each_other_both_ways(world, official):
    key = {
        "lpse_admin": "lpse_admin",
        "lpse_staff": "lpse_staff",
        "agency_admin": "agency_admin",
    }.get(official, official)
    holder = world.users[key]
    before = snapshot()
    with pytest.raises(SeparationOfDuties, match="officials may not act for a vendor"):
        role_grant(
            actor=world.users["vendor_admin"],
            user=holder,
            role=Role.VENDOR_STAFF,
            scope_ref=VENDOR_REF,
            starts_on=TODAY,
            letter_kind=LetterKind.OTHER,
            letter_number="SK-1",
            letter_date=TODAY,
        )
    assert snapshot() == before


def test_vendor_staff_may_not_become_an_official(world):
    vendor_staff = world.users["vendor_staff"]
    before = snapshot()
    with pytest.raises(SeparationOfDuties) as exc:
        grant(world.users["agency_admin"], vendor_staff, Role.POKJA_MEMBER, agency=world.agency)
    assert (
        "Staf CV Contoh is vendor staff (vendor demo-vendor-1) and may not also be a Pokja member"
        in str(exc.value)
    )
    assert snapshot() == before


def test_roles_that_do_not_overlap_in_time_do_not_clash(world):
    person = UserFactory()
    give(
        person,
        Role.LPSE_STAFF,
        lpse=world.lpse,
        lpse_unit=world.units[LpseUnitKind.SEKRETARIAT],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2026, 2, 28),
    )
    a = grant(world.users["agency_admin"], person, Role.PPK, agency=world.agency)
    assert a.role == Role.PPK


def test_future_role_clashes_with_a_current_one(world):
    person = UserFactory()
    grant(
        world.users["agency_admin"],
        person,
        Role.PPK,
        agency=world.agency,
        ends_on=dt.date(2026, 12, 31),
    )
    with pytest.raises(SeparationOfDuties):
        grant(
            world.users["lpse_admin"],
            person,
            Role.LPSE_ADMIN,
            lpse=world.lpse,
            starts_on=dt.date(2026, 9, 1),
        )


def test_revoked_role_does_not_clash(world):
    ppk = world.users["ppk"]
    assignment = ppk.role_assignments.get()
    role_revoke(
        actor=world.users["agency_admin"], assignment=assignment, reason="Mutasi ke Dinas lain"
    )
    new = grant(world.users["lpse_admin"], ppk, Role.LPSE_ADMIN, lpse=world.lpse)
    assert new.role == Role.LPSE_ADMIN


# --- revoke ------------------------------------------------------------------------------------


def test_revoke_ends_the_role_now_with_reason_and_audit(world):
    ppk = world.users["ppk"]
    assignment = ppk.role_assignments.get()
    before = AuditEvent.objects.count()
    revoked = role_revoke(
        actor=world.users["agency_admin"], assignment=assignment, reason="  Pensiun  "
    )
    assert revoked.revoked_at == NOW
    assert revoked.revoked_by == world.users["agency_admin"]
    assert revoked.revoke_reason == "Pensiun"
    assert not permissions.has_active_role(ppk, Role.PPK)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.changes["reason"]) == ("role.revoke", "Pensiun")


def test_revoke_needs_a_reason(world):
    assignment = world.users["ppk"].role_assignments.get()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        role_revoke(actor=world.users["agency_admin"], assignment=assignment, reason="  ")
    assert "reason" in exc.value.fields
    assert snapshot() == before


def test_revoke_twice_is_a_conflict(world):
    assignment = world.users["ppk"].role_assignments.get()
    role_revoke(actor=world.users["agency_admin"], assignment=assignment, reason="Mutasi")
    before = snapshot()
    with pytest.raises(Conflict):
        role_revoke(actor=world.users["agency_admin"], assignment=assignment, reason="Mutasi")
    assert snapshot() == before


@pytest.mark.parametrize(
    "who",
    ["other_lpse_admin", "agency2_admin", "lpse_staff", "ppk", "auditor", "nobody", "lpse_admin"],
)
def test_revoke_refused_for_those_who_may_not_grant_it(world, who):
    assignment = world.users["pokja_member"].role_assignments.get()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        role_revoke(actor=world.users[who], assignment=assignment, reason="Tidak berhak")
    assert snapshot() == before
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_revoking_your_own_role_is_refused(world):
    admin = world.users["lpse_admin"]
    before = snapshot()
    with pytest.raises(PermissionDenied, match="your own role"):
        role_revoke(actor=admin, assignment=admin.role_assignments.get(), reason="Mundur")
    assert snapshot() == before


def test_an_lpse_staff_role_with_a_placement_is_ended_through_the_placement(world):
    staff = world.users["lpse_staff"]
    assignment = staff.role_assignments.get()
    StaffAssignment.objects.create(
        unit=assignment.lpse_unit,
        user=staff,
        position="Verifikator",
        starts_on=assignment.starts_on,
        sk_number="800/1/2026",
        sk_date=assignment.letter_date,
        role_assignment=assignment,
    )
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        role_revoke(actor=world.users["lpse_admin"], assignment=assignment, reason="Mutasi")
    assert exc.value.code == "role_has_staff_placement"
    assert snapshot() == before


def test_revoked_assignments_stay_in_the_table(world):
    assignment = world.users["ppk"].role_assignments.get()
    role_revoke(actor=world.users["agency_admin"], assignment=assignment, reason="Mutasi")
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
