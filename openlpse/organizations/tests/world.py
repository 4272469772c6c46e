"""A small, fully built world for permission tests: two LPSEs with their units, agencies and
work units, and one user per role (made with factories: no services, no audit events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core.models import AuditEvent, StoredFile
from openlpse.organizations.enums import LpseUnitKind, TimeZone
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit
from openlpse.organizations.tests.factories import AgencyFactory, LpseFactory, WorkUnitFactory
from openlpse.organizations.units import LPSE_UNITS

VENDOR_REF = "demo-vendor-1"


@dataclass
class World:
    lpse: Lpse
    other_lpse: Lpse
    agency: Agency
    agency2: Agency
    other_agency: Agency
    work_unit: WorkUnit
    work_unit2: WorkUnit
    other_work_unit: WorkUnit
    units: dict[str, LpseUnit]
    other_units: dict[str, LpseUnit]
    operator: User
    users: dict[str, User] = field(default_factory=dict)

    def unit(self, kind: str) -> LpseUnit:
        return self.units[kind]


def make_units(lpse: Lpse) -> dict[str, LpseUnit]:
    return {
        str(u.kind): LpseUnit.objects.create(lpse=lpse, kind=u.kind, name=u.name, duties=u.duties)
        for u in LPSE_UNITS
    }


def give(user: User, role: str, **scope: object) -> RoleAssignment:
    """Set-up shortcut: an assignment straight into the table, in force since 2020."""
    scope.setdefault("starts_on", dt.date(2020, 1, 1))
    scope.setdefault("letter_date", dt.date(2019, 12, 30))
    if role == Role.AUDITOR:
        scope.setdefault("letter_kind", LetterKind.SURAT_TUGAS)
    if role in (Role.VENDOR_ADMIN, Role.VENDOR_STAFF):
        scope.setdefault("scope_kind", ScopeKind.VENDOR)
        scope.setdefault("lpse", None)
        scope.setdefault("scope_ref", VENDOR_REF)
    elif "work_unit" in scope:
        scope.setdefault("scope_kind", ScopeKind.WORK_UNIT)
        scope.setdefault("agency", scope["work_unit"].agency)  # type: ignore[attr-defined]
        scope.setdefault("lpse", scope["agency"].lpse)  # type: ignore[attr-defined]
    elif "agency" in scope:
        scope.setdefault("scope_kind", ScopeKind.AGENCY)
        scope.setdefault("lpse", scope["agency"].lpse)  # type: ignore[attr-defined]
    return RoleAssignmentFactory(user=user, role=role, **scope)


def build_world() -> World:
    lpse = LpseFactory(
        slug="lampung-timur", name="LPSE Kabupaten Lampung Timur", region="Kabupaten Lampung Timur"
    )
    other = LpseFactory(
        slug="karangasem",
        name="LPSE Kabupaten Karangasem",
        region="Kabupaten Karangasem",
        province="Bali",
        time_zone=TimeZone.WITA,
    )
    agency = AgencyFactory(lpse=lpse, code="DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang")
    agency2 = AgencyFactory(lpse=lpse, code="DINKES", name="Dinas Kesehatan")
    other_agency = AgencyFactory(lpse=other, code="DPUPR", name="Dinas PUPR Karangasem")
    world = World(
        lpse=lpse,
        other_lpse=other,
        agency=agency,
        agency2=agency2,
        other_agency=other_agency,
        work_unit=WorkUnitFactory(agency=agency, code="BM", name="Bidang Bina Marga"),
        work_unit2=WorkUnitFactory(agency=agency2, code="RS", name="Puskesmas Sukadana"),
        other_work_unit=WorkUnitFactory(
            agency=other_agency, code="BM", name="Bidang Bina Marga Karangasem"
        ),
        units=make_units(lpse),
        other_units=make_units(other),
        operator=UserFactory(
            username="operator", full_name="Operator Platform", is_superuser=True, is_staff=True
        ),
    )
    u = world.users
    u["lpse_admin"] = UserFactory(username="lt.admin", full_name="Admin Lampung Timur")
    give(u["lpse_admin"], Role.LPSE_ADMIN, lpse=lpse)
    u["other_lpse_admin"] = UserFactory(username="ka.admin", full_name="Admin Karangasem")
    give(u["other_lpse_admin"], Role.LPSE_ADMIN, lpse=other)
    u["lpse_staff"] = UserFactory(username="lt.verifikator", full_name="Budi Santoso")
    give(
        u["lpse_staff"],
        Role.LPSE_STAFF,
        lpse=lpse,
        lpse_unit=world.units[LpseUnitKind.REGISTRASI_VERIFIKASI],
    )
    u["agency_admin"] = UserFactory(username="lt.agency", full_name="Admin DPUPR")
    give(u["agency_admin"], Role.AGENCY_ADMIN, agency=agency)
    u["agency2_admin"] = UserFactory(username="lt.agency2", full_name="Admin Dinkes")
    give(u["agency2_admin"], Role.AGENCY_ADMIN, agency=agency2)
    u["other_agency_admin"] = UserFactory(username="ka.agency", full_name="Admin PUPR Karangasem")
    give(u["other_agency_admin"], Role.AGENCY_ADMIN, agency=other_agency)
    for role in (
        Role.PA,
        Role.KPA,
        Role.PPK,
        Role.ULP_HEAD,
        Role.POKJA_MEMBER,
        Role.PEJABAT_PENGADAAN,
    ):
        u[str(role)] = UserFactory(username=f"lt.{role}", full_name=f"Pejabat {role}")
        give(u[str(role)], role, agency=agency)
    u["auditor"] = UserFactory(username="lt.auditor", full_name="Auditor Inspektorat")
    give(u["auditor"], Role.AUDITOR, lpse=lpse, ends_on=dt.date(2099, 12, 31))
    u["vendor_admin"] = UserFactory(username="vendor.admin", full_name="Direktur CV Contoh")
    give(u["vendor_admin"], Role.VENDOR_ADMIN)
    u["vendor_staff"] = UserFactory(username="vendor.staff", full_name="Staf CV Contoh")
    give(u["vendor_staff"], Role.VENDOR_STAFF)
    u["nobody"] = UserFactory(username="warga", full_name="Warga Biasa")
    return world


def snapshot() -> dict[str, int]:
    """Row counts of everything the organisation and role services write, the statuses they
    change (deactivated, logo, ended, revoked), stored files and audit events."""
    return {
        "lpse": Lpse.objects.count(),
        "inactive_lpse": Lpse.objects.filter(is_active=False).count(),
        "logos": Lpse.objects.filter(logo__isnull=False).count(),
        "inactive_agency": Agency.objects.filter(is_active=False).count(),
        "inactive_work_unit": WorkUnit.objects.filter(is_active=False).count(),
        "ended_staff": StaffAssignment.objects.filter(ended_at__isnull=False).count(),
        "files": StoredFile.objects.count(),
        "holiday": Holiday.objects.count(),
        "agency": Agency.objects.count(),
        "work_unit": WorkUnit.objects.count(),
        "lpse_unit": LpseUnit.objects.count(),
        "staff": StaffAssignment.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "revoked": RoleAssignment.objects.filter(revoked_at__isnull=False).count(),
        "audit": AuditEvent.objects.count(),
        "users": User.objects.count(),
    }


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def sign_in(client, user):
    """Sign the test client in as `user`, past the second factor (officials need it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
