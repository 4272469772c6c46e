"""The public sees an announced tender and its schedule; a vendor joins it and asks a
question in pemberian penjelasan, in a real browser."""

from __future__ import annotations

import pytest

from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import Participant, Question
from openlpse.tenders.tests.factories import announced_tender, lay_out_stages
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_list_and_schedule_show_the_tender_in_the_lpse_zone(page, screenshot):
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="penjelasan")

    page.goto("/tender/")
    assert page.locator("h1").first.is_visible()
    row = page.locator("table tbody tr", has_text=tender.name)
    assert row.count() == 1
    screenshot(page, "tender-public-list")

    page.goto(f"/tender/{tender.code}/jadwal/")
    table = page.locator("main table").first
    assert "Pemberian Penjelasan" in table.inner_text()
    assert "WIB" in table.inner_text()
    screenshot(page, "tender-public-schedule")
    assert page.problems.console == []
    assert page.problems.failed == []


def test_vendor_joins_and_asks_a_question(page, browser_sign_in, live_server, screenshot):
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="download_dokumen")
    vendor = make_verified_vendor(lpse=tender.lpse)
    browser_sign_in(page, vendor.created_by)

    page.goto(f"/penyedia/tender/{tender.pk}/")
    page.locator("main form button[type=submit]", has_text="ikut tender").click()
    page.wait_for_load_state()
    assert Participant.objects.filter(tender=tender, vendor=vendor).count() == 1
    screenshot(page, "tender-vendor-joined")

    lay_out_stages(tender, "penjelasan")  # the schedule moves on to the explanation stage
    page.goto(f"/penyedia/tender/{tender.pk}/penjelasan/")
    page.locator("main textarea[name=text]").fill("Apakah boleh memakai agregat dari luar daerah?")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert Question.objects.filter(tender=tender).count() == 1
    assert "Apakah boleh memakai agregat" in page.locator("main").inner_text()
    screenshot(page, "tender-vendor-question")
    assert page.problems.failed == []
