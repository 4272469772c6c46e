"""Sealed bids end to end in headless Chromium against the real pages and endpoints (issue 5,
"Done when"): a vendor seals and uploads a PDF through the real tus endpoint and finalize and
gets a receipt that `verify_receipt` accepts; after the deadline two of the three Pokja members
unlock their shares with their key files and passphrases and the bids open; a stored file that
was damaged after its receipt becomes an unopenable bid whose case page gives the LPSE's
witness report (berita acara kesaksian, LT 27(2)-(3)).

Time: the browser talks to a live server in another thread, so the clock is never frozen; the
stage times are moved in the database instead. The in-process key service (`local:`) uses the
real clock too, so its system key is made while the schedule says the opening stage has
already started, and only then the schedule is moved back to the upload stage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from openlpse.bids import keyclient, keyfile, sealedfile
from openlpse.bids.enums import SessionStatus
from openlpse.bids.models import OpenedBid, OpeningSession, Submission, UnopenableCase
from openlpse.bids.services.committee import opening_stage_code
from openlpse.bids.services.opening import E_STORAGE
from openlpse.bids.services.submissions import open_stored
from openlpse.bids.tests.factories import make_envelope_keys, personal_key_row
from openlpse.bids.tests.opening_support import MARK, pdf_bytes, read_storage, write_storage
from openlpse.core.storage import file_open
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.models import TenderStage
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.vendors.tests.factories import make_verified_vendor, make_verifikator
from tests.browser.conftest import CSP_LISTENER, PageProblems

SHAMIR = Path(settings.BASE_DIR) / "node_modules" / "shamir-secret-sharing" / "esm" / "index.js"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "issue5"
PASSPHRASES = ["kuda lari di padang 2026", "ombak pantai kuta 2026", "gunung agung pagi 2026"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not SHAMIR.exists(), reason="node_modules is missing: run `npm ci` (make test does it)"
    ),
]


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Any:
    """new_page(): a page in its own browser context (its own cookies), one per person; the
    contexts are closed afterwards, so the live server's threads end and close their database
    connections before the test database is dropped."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 800},
            locale="id-ID",
            reduced_motion="reduce",
            accept_downloads=True,
        )
        contexts.append(context)
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        page.problems = PageProblems(page)
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def move_schedule(tender: Any, stage_code: str, *, started: dt.timedelta) -> None:
    """Shift every stage of the tender so that `stage_code` started `started` ago (real time)."""
    stage = TenderStage.objects.get(tender=tender, code=stage_code)
    delta = (timezone.now() - started) - stage.starts_at
    TenderStage.objects.filter(tender=tender).update(
        starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
    )


def upload_in_browser(page: Any, tender: Any, name: str, plaintext: bytes) -> Any:
    page.goto(f"/penyedia/tender/{tender.code}/penawaran/")
    widget = page.locator("[data-sealing-widget=bid_upload][data-ready=true]")
    widget.wait_for()
    widget.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": plaintext}]
    )
    widget.locator("[data-action=start]").click()
    receipt = widget.locator("[data-receipt]")
    receipt.wait_for(state="visible", timeout=60000)
    return receipt


def unlock_share(page: Any, key_file: bytes, passphrase: str) -> None:
    widget = page.locator("[data-sealing-widget=share_unlock][data-ready=true]")
    widget.wait_for()
    widget.locator("[data-input=keyfile]").set_input_files(
        files=[{"name": "openlpse-kunci.json", "mimeType": "application/json", "buffer": key_file}]
    )
    widget.locator("[data-input=passphrase]").fill(passphrase)
    with page.expect_navigation():
        widget.locator("[data-action=unlock]").click()


def test_vendor_seals_pokja_opens_and_the_lpse_witnesses_a_damaged_bid(
    new_page: Any, browser_sign_in: Any, tmp_path: Path
) -> None:
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="upload_penawaran")
    opening_code = opening_stage_code(tender, "single")
    assert opening_code is not None
    pokja = list(tender.committee.pokja)  # type: ignore[attr-defined]
    assert len(pokja) == 3
    key_files: dict[int, Path] = {}
    member_keys = {}
    for member, passphrase in zip(pokja, PASSPHRASES, strict=True):
        doc, key = keyfile.make_key_file(
            user=member, lpse=tender.lpse, passphrase=passphrase, iterations=1000
        )
        personal_key_row(member, key, lpse=tender.lpse)
        member_keys[member.pk] = key
        key_files[member.pk] = tmp_path / f"openlpse-kunci-{member.username}.json"
        key_files[member.pk].write_text(json.dumps(doc))
    # The system key is made with the opening time already past by the real clock (the key
    # service cannot be moved into the past later), then the upload stage is opened again.
    move_schedule(tender, opening_code, started=dt.timedelta(minutes=5))
    material = make_envelope_keys(tender, member_keys=member_keys)
    move_schedule(tender, "upload_penawaran", started=dt.timedelta(hours=1))
    keys = material["single"].keys

    good_vendor = make_verified_vendor(lpse=tender.lpse)
    damaged_vendor = make_verified_vendor(lpse=tender.lpse)
    join(tender, good_vendor)
    join(tender, damaged_vendor)
    good_pdf = pdf_bytes("good bid", size=1536 * 1024)  # more than one 1 MiB chunk
    damaged_pdf = pdf_bytes("damaged bid", size=3000)

    # 1. The vendor seals and uploads in the browser and gets the receipt.
    vendor_page = new_page()
    browser_sign_in(vendor_page, good_vendor.created_by)
    receipt = upload_in_browser(vendor_page, tender, "penawaran.pdf", good_pdf)
    submission = Submission.objects.get(vendor=good_vendor)
    assert (submission.tender_id, submission.envelope, submission.version) == (
        tender.pk,
        "single",
        1,
    )
    assert submission.is_effective and submission.file_name == "penawaran.pdf"
    upload = submission.upload
    assert (upload.status, upload.offset, upload.length) == (
        "finalized",
        submission.size,
        submission.size,
    )
    assert upload.ip == "127.0.0.1" and "Chrome" in upload.user_agent  # collusion signals
    assert receipt.locator("[data-field=receipt_number]").inner_text() == (
        submission.receipt_number
    )
    assert receipt.locator("[data-field=local_sha256]").inner_text() == submission.sha256
    assert receipt.locator("[data-field=match]").get_attribute("data-kind") == "ok"
    expect(vendor_page.locator("[data-bid-versions-stale=single]")).to_be_visible()
    shot(vendor_page, "bid-page-receipt")
    vendor_page.problems.assert_clean()

    # The receipt JSON downloaded from the page verifies.
    vendor_page.reload()
    with vendor_page.expect_download() as caught:
        vendor_page.locator(f"a[href$='/{submission.pk}/tanda-terima.json']").click()
    shot(vendor_page, "bid-page-versions")
    receipt_file = tmp_path / "receipt.json"
    caught.value.save_as(receipt_file)
    document = json.loads(receipt_file.read_text())
    assert document["receipt"]["ciphertext_sha256"] == submission.sha256
    assert document["receipt"]["receipt_number"] == submission.receipt_number
    out = io.StringIO()
    call_command("verify_receipt", str(receipt_file), stdout=out)
    assert out.getvalue().splitlines()[0] == "VALID"

    # The stored file is the sealed bid: it opens with the committee key and the system half.
    stored = read_storage(submission.storage_name)
    assert hashlib.sha256(stored).hexdigest() == submission.sha256
    assert good_pdf[:64] not in stored and MARK not in stored
    opened = io.BytesIO()
    with open_stored(submission) as stream:
        sealedfile.open_sealed(
            stream,
            opened,
            committee_key=material["single"].committee_key,
            system_half=lambda epk: keyclient.system_halves(kid=keys.system_kid, epks=[epk])[0],
            expected_kids=(keys.committee_kid, keys.system_kid),
        )
    assert opened.getvalue() == good_pdf
    header = sealedfile.read_header(io.BytesIO(stored))
    assert (header.tender, header.envelope, header.bidder) == (
        tender.code,
        "single",
        str(good_vendor.pk),
    )

    # A second vendor's upload, then its stored file is damaged (a storage fault).
    other_page = new_page()
    browser_sign_in(other_page, damaged_vendor.created_by)
    upload_in_browser(other_page, tender, "dokumen-penawaran.pdf", damaged_pdf)
    other_page.problems.assert_clean()
    damaged = Submission.objects.get(vendor=damaged_vendor)
    data = bytearray(read_storage(damaged.storage_name))
    data[len(data) - 40] ^= 0x01
    write_storage(damaged.storage_name, bytes(data))

    # 2. After the deadline two of the three members open with their key files.
    move_schedule(tender, opening_code, started=dt.timedelta(seconds=30))
    page_url = f"/tender/kelola/{tender.pk}/pembukaan/single/"
    for index, member in enumerate(pokja[:2]):
        member_page = new_page()
        browser_sign_in(member_page, member, mfa=True)
        member_page.goto(page_url)
        if index == 0:
            start = member_page.locator(
                "main form[action$='/pembukaan/single/mulai/'] button[type=submit]"
            )
            with member_page.expect_navigation():
                start.click()
            member_page.locator("[data-sealing-widget=share_unlock][data-ready=true]").wait_for()
            shot(member_page, "opening-page-unlock")
        unlock_share(member_page, key_files[member.pk].read_bytes(), PASSPHRASES[index])
        if index == 0:
            assert OpeningSession.objects.get().status == SessionStatus.COLLECTING
            member_page.problems.assert_clean()
    session = OpeningSession.objects.get()
    assert session.status == SessionStatus.OPENED
    assert session.offers.count() == 2
    results = member_page.locator("main table").first
    expect(results).to_contain_text(submission.receipt_number)
    expect(results).to_contain_text(damaged.receipt_number)
    good = OpenedBid.objects.get(session=session, submission=submission)
    assert good.status == "opened"
    assert good.plaintext_sha256 == hashlib.sha256(good_pdf).hexdigest()
    assert good.plain_file is not None
    with file_open(stored_file=good.plain_file) as plain:
        assert hashlib.sha256(plain.read()).hexdigest() == hashlib.sha256(good_pdf).hexdigest()
    expect(results).to_contain_text(good.plaintext_sha256)
    bad = OpenedBid.objects.get(session=session, submission=damaged)
    # The stored bytes no longer match the receipt: a storage fault, never a plaintext.
    assert (bad.status, bad.error_class, bad.plain_file) == ("failed", E_STORAGE, None)
    shot(member_page, "opening-page-opened")
    member_page.problems.assert_clean()

    # 3. The damaged bid is an unopenable case; the LPSE's staff make the witness report.
    case = UnopenableCase.objects.get()
    assert case.opened_bid_id == bad.pk
    staff = make_verifikator(tender.lpse)
    staff_page = new_page()
    browser_sign_in(staff_page, staff, mfa=True)
    staff_page.goto(f"/tawaran-gagal/{case.pk}/")
    staff_page.locator("main textarea[name=finding]").fill(
        "The stored file differs from the receipt by one byte; the receipt hash is intact."
    )
    with staff_page.expect_navigation():
        staff_page.locator(f"main form[action$='/tawaran-gagal/{case.pk}/temuan/'] button").click()
    with staff_page.expect_navigation():
        staff_page.locator(
            f"main form[action$='/tawaran-gagal/{case.pk}/kesaksian/'] button"
        ).click()
    case.refresh_from_db()
    assert case.witness_report is not None
    with file_open(stored_file=case.witness_report) as report:
        assert report.read(5) == b"%PDF-"
    link = staff_page.locator(f"main a[href$='/tawaran-gagal/{case.pk}/kesaksian.pdf']")
    expect(link).to_be_visible()
    shot(staff_page, "case-page-witness")
    staff_page.problems.assert_clean()
