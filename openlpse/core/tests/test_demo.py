import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import permissions
from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.core import clock
from openlpse.core.demo import data, loader
from openlpse.core.demo.holidays import NATIONAL_HOLIDAYS
from openlpse.core.demo.totp import demo_totp_key, demo_totp_secret_base32
from openlpse.core.models import AuditEvent
from openlpse.organizations.enums import AgencyKind, LpseUnitKind
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


def run(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_twice_changes_nothing():
    run()
    counts, events = row_counts(), AuditEvent.objects.count()
    head = AuditEvent.objects.order_by("-seq").values_list("row_hash", flat=True).first()
    run()
    assert row_counts() == counts
    assert AuditEvent.objects.count() == events
    assert AuditEvent.objects.order_by("-seq").values_list("row_hash", flat=True).first() == head


def test_demo_completes_a_partial_load_without_duplicates():
    run()
    # Someone removed a holiday; the demo puts back only that one.
    Holiday.objects.filter(date=dt.date(2026, 8, 17), lpse__slug="karangasem").delete()
    counts = row_counts()
    run()
    after = row_counts()
    assert after["organizations.Holiday"] == counts["organizations.Holiday"] + 1
    assert {
        k: v for k, v in after.items() if k not in ("organizations.Holiday", "core.AuditEvent")
    } == {k: v for k, v in counts.items() if k not in ("organizations.Holiday", "core.AuditEvent")}


def test_demo_writes_go_through_the_services_into_the_audit_chain():
    run()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "lpse.create",
        "holiday.add",
        "agency.create",
        "work_unit.create",
        "staff.assign",
        "role.grant",
        "user.create",
        "mfa.demo_device_install",
    } <= actions
    assert AuditEvent.objects.filter(action="role.grant").count() == RoleAssignment.objects.count()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")


def test_demo_lpses_zones_and_units():
    run()
    lt = Lpse.objects.get(slug="lampung-timur")
    ka = Lpse.objects.get(slug="karangasem")
    assert (lt.name, lt.time_zone, lt.province) == (
        "LPSE Kabupaten Lampung Timur",
        "Asia/Jakarta",
        "Lampung",
    )
    assert (ka.name, ka.time_zone, ka.province) == (
        "LPSE Kabupaten Karangasem",
        "Asia/Makassar",
        "Bali",
    )
    for lpse in (lt, ka):
        assert set(LpseUnit.objects.filter(lpse=lpse).values_list("kind", flat=True)) == set(
            LpseUnitKind.values
        )
        assert StaffAssignment.objects.filter(unit__lpse=lpse, ended_at__isnull=True).count() == 8
        assert Holiday.objects.filter(lpse=lpse).count() == len(NATIONAL_HOLIDAYS)
        agencies = Agency.objects.filter(lpse=lpse)
        assert agencies.count() == 6
        assert {AgencyKind.SKPD, AgencyKind.PERANGKAT_DAERAH, AgencyKind.BUMD} <= set(
            agencies.values_list("kind", flat=True)
        )
        assert WorkUnit.objects.filter(agency__lpse=lpse).count() >= 12


def test_the_2026_holidays_match_the_skb_list():
    days_2026 = {d for d, _name in NATIONAL_HOLIDAYS if d.year == 2026}
    expected = {
        dt.date(2026, m, d)
        for m, d in [
            (1, 1),
            (1, 16),
            (2, 17),
            (3, 19),
            (3, 20),
            (3, 21),
            (4, 3),
            (4, 5),
            (5, 1),
            (5, 14),
            (5, 27),
            (5, 31),
            (6, 1),
            (6, 16),
            (8, 17),
            (8, 25),
            (12, 25),
        ]
    }
    assert days_2026 == expected


@pytest.mark.parametrize("slug", ["lampung-timur", "karangasem"])
def test_every_lpse_role_is_held_in_force_at_each_lpse(slug):
    run()
    lpse = Lpse.objects.get(slug=slug)
    held = set(
        RoleAssignment.objects.filter(
            permissions.in_force_q(permissions.today()), lpse=lpse
        ).values_list("role", flat=True)
    )
    assert held == {str(r) for r in Role} - {Role.VENDOR_ADMIN, Role.VENDOR_STAFF}
    assert RoleAssignment.objects.filter(lpse=lpse, role=Role.POKJA_MEMBER).count() == 3
    staff_units = set(
        RoleAssignment.objects.filter(lpse=lpse, role=Role.LPSE_STAFF).values_list(
            "lpse_unit__kind", flat=True
        )
    )
    assert staff_units == set(LpseUnitKind.values)
    auditor = RoleAssignment.objects.get(lpse=lpse, role=Role.AUDITOR)
    assert (auditor.letter_kind, auditor.ends_on) == ("surat_tugas", data.AUDIT_END)


def test_demo_vendors_are_registered_verified_blacklisted_and_waiting():
    from openlpse.vendors.enums import VendorStatus
    from openlpse.vendors.models import BlacklistEntry, Vendor, VerificationRequest

    run()
    main = Vendor.objects.get(name="PT Karya Lestari Nusantara")
    assert (main.status, main.verified_lpse.slug) == (VendorStatus.VERIFIED, "lampung-timur")
    for username, role in (
        ("vendor.admin", Role.VENDOR_ADMIN),
        ("vendor.staff", Role.VENDOR_STAFF),
    ):
        a = RoleAssignment.objects.get(role=role, user__username=username)
        assert (a.scope_kind, a.lpse, a.scope_ref) == (ScopeKind.VENDOR, None, str(main.pk))
    black = Vendor.objects.get(name="CV Sinar Abadi Konstruksi")
    assert BlacklistEntry.objects.filter(vendor=black, ended_at__isnull=True).count() == 1
    assert not User.objects.get(username="vendor.hitam").is_active
    waiting = Vendor.objects.get(name="PT Baru Mandiri Teknik")
    assert waiting.status == VendorStatus.SUBMITTED
    assert VerificationRequest.objects.get(vendor=waiting).lpse.slug == "karangasem"


def test_usernames_are_deterministic_and_the_password_works():
    run()
    for username in (
        "lt.admin",
        "lt.ppk",
        "ka.pokja1",
        "ka.verifikator",
        "vendor.admin",
        "vendor.staff",
    ):
        assert User.objects.get(username=username).check_password(data.DEMO_PASSWORD)
    assert User.objects.get(username="lt.verifikator").full_name == "Budi Santoso"


def test_every_user_who_needs_mfa_has_a_confirmed_device_with_the_derived_secret():
    run()
    for user in User.objects.filter(username__in=loader.demo_usernames()):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        if permissions.requires_mfa(user):
            device = devices.get()
            assert device.bin_key == demo_totp_key(user.username)
            token = TOTP(
                device.bin_key, device.step, device.t0, device.digits, device.drift
            ).token()
            assert device.verify_token(f"{token:06d}")
        else:
            assert user.username.startswith("vendor.")
            assert not devices.exists()


def test_demo_secret_is_stable_base32():
    secret = demo_totp_secret_base32("lt.admin")
    assert secret == demo_totp_secret_base32("LT.ADMIN")
    assert len(secret.replace(" ", "")) == 32


def test_output_is_a_plain_table_with_every_login():
    out = run()
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("username"))
    assert header.split() == [
        "username",
        "role",
        "LPSE",
        "where",
        "password",
        "TOTP",
        "secret",
        "(base32)",
    ]
    for username in loader.demo_usernames():
        assert any(line.startswith(username + " ") for line in lines), username
    assert f"password: {data.DEMO_PASSWORD}" in out
    lt_admin = next(line for line in lines if line.startswith("lt.admin "))
    assert demo_totp_secret_base32("lt.admin") in lt_admin
    vendor = next(line for line in lines if line.startswith("vendor.admin "))
    assert vendor.rstrip().endswith("-")


def test_if_empty_loads_into_an_empty_database():
    out = run("--if-empty")
    assert "Demo data loaded" in out
    assert Lpse.objects.count() == 2


def test_if_empty_does_nothing_when_an_lpse_exists_but_still_prints():
    LpseFactory(slug="kota-lain")
    counts = row_counts()
    out = run("--if-empty")
    assert row_counts() == counts
    assert "demo data not loaded" in out
    assert "No demo logins exist in this database." in out


def test_if_empty_after_a_load_prints_the_table_again():
    run()
    counts = row_counts()
    out = run("--if-empty")
    assert row_counts() == counts
    assert "lt.admin " in out
