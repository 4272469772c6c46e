"""Load the demo world through the services, idempotently.

Each step first looks whether its row is already there and skips it if so, so a second load
writes nothing (no rows, no audit events). Everything happens in one transaction: a load that
fails half-way leaves nothing behind.

Actors: the system (actor None) creates the LPSEs, their first administrators, the accounts and
the vendor administrator, as a deployment's operator and the vendor registration would; the
LPSE administrator then does the LPSE's work (calendar, agencies, staff, agency admins,
auditor), the agency administrator registers the officials, and the vendor administrator adds
their staff, exactly as in real use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import permissions
from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.services.roles import role_grant
from openlpse.accounts.services.users import user_create
from openlpse.core import audit, clock
from openlpse.core.demo import data
from openlpse.core.demo import vendors as demo_vendors
from openlpse.core.demo.holidays import NATIONAL_HOLIDAYS
from openlpse.core.demo.totp import demo_totp_key_hex, demo_totp_secret_base32
from openlpse.organizations import services as org
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit

ROLE_ORDER = {str(role): i for i, role in enumerate(Role)}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    where: str
    lpse: str
    password: str
    totp_secret: str


# --- steps ----------------------------------------------------------------------------------------


def _user(person: data.PersonSpec) -> User:
    existing = User.objects.filter(username__iexact=person.username).first()
    if existing is not None:
        return existing
    return user_create(
        actor=None,
        username=person.username,
        email=f"{person.username}@{data.DEMO_EMAIL_DOMAIN}",
        password=data.DEMO_PASSWORD,
        full_name=person.full_name,
    )


def _lpse(spec: data.LpseSpec) -> Lpse:
    lpse = Lpse.objects.filter(slug=spec.slug).first()
    if lpse is None:
        lpse = org.lpse_create(
            actor=None,
            slug=spec.slug,
            name=spec.name,
            region=spec.region,
            province=spec.province,
            time_zone=spec.time_zone,
            address=spec.address,
            email=spec.email,
            helpdesk_hours=spec.helpdesk_hours,
        )
    org.lpse_units_ensure(actor=None, lpse=lpse)
    return lpse


def _holidays(lpse: Lpse, admin: User) -> None:
    taken = set(Holiday.objects.filter(lpse=lpse).values_list("date", flat=True))
    for day, name in NATIONAL_HOLIDAYS:
        if day not in taken:
            org.holiday_add(actor=admin, lpse=lpse, date=day, name=name)


def _agencies(lpse: Lpse, spec: data.LpseSpec, admin: User) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for agency_spec in spec.agencies:
        agency = Agency.objects.filter(lpse=lpse, code=agency_spec.code).first()
        if agency is None:
            agency = org.agency_create(
                actor=admin,
                lpse=lpse,
                kind=agency_spec.kind,
                code=agency_spec.code,
                name=agency_spec.name,
                address=agency_spec.address,
            )
        for unit_spec in agency_spec.work_units:
            if not WorkUnit.objects.filter(agency=agency, code=unit_spec.code).exists():
                org.work_unit_create(
                    actor=admin, agency=agency, code=unit_spec.code, name=unit_spec.name
                )
        agencies[agency_spec.code] = agency
    return agencies


def _grant_once(*, actor: User | None, user: User, role: str, **scope: Any) -> None:
    lookup = {
        "lpse": scope.get("lpse"),
        "agency": scope.get("agency"),
        "work_unit": scope.get("work_unit"),
        "lpse_unit": scope.get("lpse_unit"),
        "scope_ref": scope.get("scope_ref", ""),
    }
    if scope.get("work_unit") is not None:
        lookup["agency"] = scope["work_unit"].agency
    if lookup["agency"] is not None:
        lookup["lpse"] = lookup["agency"].lpse
    if RoleAssignment.objects.filter(
        user=user, role=role, revoked_at__isnull=True, **lookup
    ).exists():
        return
    role_grant(actor=actor, user=user, role=role, **scope)


def _sk(spec: data.LpseSpec, number: int, issuer: str) -> dict[str, Any]:
    return {
        "letter_kind": LetterKind.SK,
        "letter_number": f"800/{number:03d}/SK/{issuer}-{spec.letter_tag}/2026",
        "letter_date": data.SK_DATE,
        "starts_on": data.START,
    }


def _load_lpse(spec: data.LpseSpec) -> None:
    lpse = _lpse(spec)
    admin = _user(spec.admin)
    _grant_once(actor=None, user=admin, role=Role.LPSE_ADMIN, lpse=lpse, **_sk(spec, 1, "LPSE"))
    _holidays(lpse, admin)
    agencies = _agencies(lpse, spec, admin)

    units = {unit.kind: unit for unit in LpseUnit.objects.filter(lpse=lpse)}
    for number, staff in enumerate(spec.staff, start=10):
        person = _user(staff.person)
        unit = units[staff.unit]
        if not StaffAssignment.objects.filter(
            unit=unit, user=person, ended_at__isnull=True
        ).exists():
            sk = _sk(spec, number, "LPSE")
            org.staff_assign(
                actor=admin,
                unit=unit,
                user=person,
                position=staff.position,
                is_head=True,
                starts_on=sk["starts_on"],
                sk_number=sk["letter_number"],
                sk_date=sk["letter_date"],
            )

    agency_admin = _user(spec.agency_admin)
    for number, code in enumerate(spec.agency_admin_of, start=30):
        _grant_once(
            actor=admin,
            user=agency_admin,
            role=Role.AGENCY_ADMIN,
            agency=agencies[code],
            **_sk(spec, number, "LPSE"),
        )

    for number, official in enumerate(spec.officials, start=1):
        person = _user(official.person)
        agency = agencies[official.agency]
        scope: dict[str, Any] = {"agency": agency}
        if official.work_unit:
            scope = {"work_unit": WorkUnit.objects.get(agency=agency, code=official.work_unit)}
        sk = _sk(spec, number, official.agency)
        sk["letter_number"] = f"027/{number:03d}/SK/{official.agency}-{spec.letter_tag}/2026"
        _grant_once(actor=agency_admin, user=person, role=official.role, **scope, **sk)

    auditor = _user(spec.auditor)
    # LT 25(7): the auditor's access rests on a surat tugas, for a period.
    _grant_once(
        actor=admin,
        user=auditor,
        role=Role.AUDITOR,
        lpse=lpse,
        starts_on=data.START,
        ends_on=data.AUDIT_END,
        letter_kind=LetterKind.SURAT_TUGAS,
        letter_number=f"700/015/ST/ITKAB-{spec.letter_tag}/2026",
        letter_date=data.SK_DATE,
    )


VENDORS_WEEKS_AGO = 8


def _load_vendor() -> None:
    """The vendors register and are verified through the vendors app's services
    (core/demo/vendors.py); the staff member's account exists first, as the admin adds it."""
    _user(data.VENDOR_STAFF)
    lpses = {lpse.slug: lpse for lpse in Lpse.objects.filter(slug__in=[s.slug for s in data.LPSES])}
    # The vendors registered some weeks ago, so the demo tenders' past (joining, questions)
    # finds them verified at the time (core/demo/tenders.py replays it).
    with clock.frozen(clock.now() - dt.timedelta(days=VENDORS_WEEKS_AGO * 7)):
        demo_vendors.load(lpses)


def demo_usernames() -> list[str]:
    names = [data.VENDOR_ADMIN.username, data.VENDOR_STAFF.username]
    names += list(demo_vendors.DEMO_VENDOR_USERNAMES)
    for spec in data.LPSES:
        names += [spec.admin.username, spec.agency_admin.username, spec.auditor.username]
        names += [s.person.username for s in spec.staff] + [
            o.person.username for o in spec.officials
        ]
    return names


def _install_demo_totp() -> None:
    """A confirmed authenticator for every demo user whose roles require one.

    DEMO ONLY: the secret is derived from the user name (see totp.py) so it can be printed.
    Real users enrol their own device on the profile page."""
    for user in User.objects.filter(username__in=demo_usernames()).order_by("username"):
        if (
            not permissions.requires_mfa(user)
            or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        ):
            continue
        device = TOTPDevice.objects.create(
            user=user,
            name="demo authenticator",
            key=demo_totp_key_hex(user.username),
            confirmed=True,
        )
        audit.record(
            actor=None,
            action="mfa.demo_device_install",
            obj=user,
            changes={"device_id": device.pk, "demo": True},
        )


# --- entry points ---------------------------------------------------------------------------------


def load() -> None:
    """Load (or complete) the demo world. Idempotent."""
    with transaction.atomic():
        for spec in data.LPSES:
            _load_lpse(spec)
        _load_vendor()
        _install_demo_totp()
    from openlpse.core.demo import tenders

    # Plans and tenders each commit scenario by scenario: a tender's past is replayed with the
    # service clock frozen at the moments things happened.
    tenders.load()
    # Issue 5: a tender in its opening stage with three bids sealed by the Python client.
    from openlpse.core.demo import sealed_bids

    sealed_bids.load()


def logins() -> list[DemoLogin]:
    """One row per demo user and role in force, for the printed table."""
    users = {u.pk: u for u in User.objects.filter(username__in=demo_usernames())}
    has_totp = set(
        TOTPDevice.objects.filter(
            user_id__in=users, confirmed=True, name="demo authenticator"
        ).values_list("user_id", flat=True)
    )
    from openlpse.accounts.services.roles import scope_label

    rows = []
    assignments = RoleAssignment.objects.filter(
        permissions.in_force_q(permissions.today()), user_id__in=users
    ).select_related("user", "lpse", "agency", "work_unit", "lpse_unit")
    for a in assignments:
        user = users[a.user_id]
        rows.append(
            DemoLogin(
                username=user.username,
                full_name=user.full_name,
                role=str(a.role),
                where=scope_label(a),
                lpse=a.lpse.slug if a.lpse else "-",
                password=data.DEMO_PASSWORD,
                totp_secret=demo_totp_secret_base32(user.username) if user.pk in has_totp else "-",
            )
        )
    listed = {row.username for row in rows}
    for user in users.values():
        if user.username in listed:
            continue
        # Registered but not verified yet: no role, signs in only to follow the registration.
        rows.append(
            DemoLogin(
                username=user.username,
                full_name=user.full_name,
                role="-",
                where="vendor registration waiting for verification",
                lpse="-",
                password=data.DEMO_PASSWORD,
                totp_secret="-",  # noqa: S106  (no secret: a placeholder)
            )
        )
    lpse_order = {spec.slug: i for i, spec in enumerate(data.LPSES)}
    return sorted(
        rows,
        key=lambda r: (lpse_order.get(r.lpse, 99), ROLE_ORDER.get(r.role, 99), r.username, r.where),
    )


def format_table(rows: list[DemoLogin]) -> str:
    headers = ("username", "role", "LPSE", "where", "password", "TOTP secret (base32)")
    body = [(r.username, r.role, r.lpse, r.where, r.password, r.totp_secret) for r in rows]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *body, strict=False)
    ]
    line = "  ".join("-" * w for w in widths)

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([fmt(headers), line, *(fmt(row) for row in body)])
