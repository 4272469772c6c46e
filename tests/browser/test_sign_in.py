"""An official signs in as a person would: password, then the code of their authenticator."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory
from openlpse.organizations.tests.factories import LpseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_official_signs_in_with_password_and_totp_and_lands_in_their_lpse(page, screenshot):
    lpse = LpseFactory(
        slug="karangasem", name="LPSE Kabupaten Karangasem", time_zone="Asia/Makassar"
    )
    official = UserFactory(username="ka.ppk", full_name="I Putu Ardana")
    RoleAssignmentFactory(user=official, role=Role.PPK, lpse=lpse)
    device = TOTPDevice.objects.create(user=official, name="authenticator", confirmed=True)

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau alamat e-mail").fill("KA.PPK")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/akun/masuk/kode/**")
    page.locator("main input[name=code]").fill(_code(device))
    page.locator("main input[name=code]").press("Enter")

    page.wait_for_url("**/dasbor/")
    assert page.locator("h1").inner_text() == "Selamat datang, I Putu Ardana"
    assert "WITA" in page.locator("footer").inner_text()
    assert "LPSE Kabupaten Karangasem" in page.locator("header").inner_text()
    screenshot(page, "dashboard-after-sign-in")
    assert page.problems.console == []
    assert page.problems.failed == []


def test_wrong_password_keeps_the_name_and_says_what_to_do(page):
    UserFactory(username="budi")

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau alamat e-mail").fill("budi")
    page.get_by_label("Kata sandi").fill("not the password")
    page.locator("main button[type=submit]").click()

    alert = page.locator("[role=alert]").first
    assert alert.is_visible()
    assert page.get_by_label("Nama pengguna atau alamat e-mail").input_value() == "budi"
    assert page.url.endswith("/akun/masuk/")
