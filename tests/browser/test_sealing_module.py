"""The sealing modules in a real browser (headless Debian Chromium through Playwright): a 5 MB
Blob sealed by seal.mjs (OPFS), opened by Python; the key ceremony with the Shamir library from
node_modules through the import map under the page's CSP; and the widgets themselves (personal
key, bid upload through a small tus server) driven as a person would. Security-reference §1.7
item 1. The pages and the tus server are test-only (tests/browser/sealing_urls.py)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import pyshamir
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from playwright.sync_api import expect

from openlpse.bids import sealedfile
from tests.browser import sealing_urls

SHAMIR = Path(settings.BASE_DIR) / "node_modules" / "shamir-secret-sharing" / "esm" / "index.js"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.sealing_urls"),
    pytest.mark.skipif(
        not SHAMIR.exists(), reason="node_modules is missing: run `npm ci` (make test does it)"
    ),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture(autouse=True)
def _fresh():
    sealing_urls.reset()
    sealing_urls.CONFIGS.clear()
    yield
    sealing_urls.reset()
    sealing_urls.CONFIGS.clear()


@pytest.fixture(autouse=True)
def _english(page, live_server):
    """These tests find the widgets' controls by their English labels."""
    page.context.add_cookies([{"name": "openlpse_language", "value": "en", "url": live_server.url}])


@pytest.fixture
def keys():
    committee = ec.generate_private_key(ec.SECP256R1())
    system = ec.generate_private_key(ec.SECP256R1())
    return committee, system


def open_sealed(sealed: bytes, committee, system) -> bytes:
    out = io.BytesIO()
    sealedfile.open_sealed(
        io.BytesIO(sealed),
        out,
        committee_key=committee,
        system_half=lambda epk: system.exchange(ec.ECDH(), sealedfile.load_public(epk)),
        expected_kids=(
            sealedfile.key_id(sealedfile.public_raw(committee)),
            sealedfile.key_id(sealedfile.public_raw(system)),
        ),
    )
    return out.getvalue()


def pattern(size: int) -> bytes:
    return bytes((i * 31 + (i >> 8)) & 255 for i in range(size))


def test_chromium_seals_5_mb_that_python_opens(page, keys):
    committee, system = keys
    page.goto("/_test/sealing/")
    page.wait_for_function("window.sealingReady === true")
    size = 5 * 1024 * 1024 + 123
    result = page.evaluate(
        "(opts) => window.sealTest(opts)",
        {
            "size": size,
            "tender": "T-2026-0042",
            "envelope": "file_2",
            "bidder": "17",
            "committeePublic": b64(sealedfile.public_raw(committee)),
            "systemPublic": b64(sealedfile.public_raw(system)),
            "chunk": 1024 * 1024,
        },
    )
    sealed = base64.b64decode(result["sealed"])
    plaintext = pattern(size)

    assert result["kind"] == "opfs"  # Chromium has the Origin Private File System
    assert result["chunks"] == 6
    assert result["steps"] == 7  # 0 %, then one step per chunk
    assert result["size"] == len(sealed)
    assert result["ciphertextSha256"] == hashlib.sha256(sealed).hexdigest()
    assert result["plaintextSha256"] == hashlib.sha256(plaintext).hexdigest()
    assert open_sealed(sealed, committee, system) == plaintext
    header = sealedfile.read_header(io.BytesIO(sealed))
    assert (header.tender, header.envelope, header.bidder) == ("T-2026-0042", "file_2", "17")
    tampered = bytearray(sealed)
    tampered[len(sealed) // 2] ^= 0x20
    with pytest.raises(sealedfile.OpenError) as caught:
        open_sealed(bytes(tampered), committee, system)
    assert caught.value.code == sealedfile.E_CHUNK_AUTH
    page.problems.assert_clean()


def test_chromium_seals_240_mb_into_opfs_without_holding_it_in_memory(page, keys):
    """Issue 5 item 2: files of 100 MB and more are sealed slice by slice; the JS heap stays
    well below the file size (a size bound, not a timing). The garbage of each chunk is
    collected when V8 decides, so the heap grows by a roughly constant amount (about 100 MB
    seen for 60, 120 and 240 MiB files), not with the file."""
    committee, system = keys
    page.goto("/_test/sealing/")
    page.wait_for_function("window.sealingReady === true")
    mib = 240
    result = page.evaluate(
        "(opts) => window.sealLargeTest(opts)",
        {
            "mib": mib,
            "tender": "T-2026-0042",
            "envelope": "single",
            "bidder": "17",
            "committeePublic": b64(sealedfile.public_raw(committee)),
            "systemPublic": b64(sealedfile.public_raw(system)),
            "chunk": 1024 * 1024,
        },
    )
    assert result["kind"] == "opfs"
    assert result["plainSize"] == mib * 1024 * 1024
    assert result["chunks"] == mib
    # Each chunk adds its 16-byte tag and 4-byte length to the plaintext.
    assert result["size"] == result["expected"] > mib * 1024 * 1024 + mib * 20
    assert result["heapBefore"] > 0  # Chromium exposes performance.memory
    assert result["heapPeak"] - result["heapBefore"] < 0.6 * mib * 1024 * 1024
    page.problems.assert_clean()


def test_chromium_key_ceremony_with_the_npm_shamir_library(page):
    members = {uid: ec.generate_private_key(ec.SECP256R1()) for uid in (11, 12, 13)}
    material = {
        "tender": "T-2026-0042",
        "envelopes": ["file_1", "file_2"],
        "members": [
            {"user_id": uid, "public_key": b64(sealedfile.public_raw(key))}
            for uid, key in members.items()
        ],
        "threshold": 2,
    }
    page.goto("/_test/sealing/")
    page.wait_for_function("window.sealingReady === true")
    payload = page.evaluate("(m) => window.ceremonyTest(m)", material)

    assert set(payload["envelopes"]) == {"file_1", "file_2"}
    for env, entry in payload["envelopes"].items():
        assert entry["threshold"] == 2
        shares = {}
        for uid, key in members.items():
            slot = entry["shares"][str(uid)]
            share = sealedfile.open_from_personal_key(
                slot["sealed"], recipient=key, context=f"T-2026-0042/{env}/g1/u{uid}"
            )
            assert hashlib.sha256(share).hexdigest() == slot["share_sha256"]
            shares[uid] = bytearray(share)
        for pair in ((11, 12), (13, 11), (12, 13)):
            scalar = bytes(pyshamir.combine([shares[pair[0]], shares[pair[1]]]))
            rebuilt = sealedfile.private_from_scalar(scalar)
            assert b64(sealedfile.public_raw(rebuilt)) == entry["public_key"]
    assert (
        payload["envelopes"]["file_1"]["public_key"] != payload["envelopes"]["file_2"]["public_key"]
    )
    page.problems.assert_clean()


def test_personal_key_widget_downloads_a_key_file_and_registers(page, live_server):
    sealing_urls.CONFIGS["personal_key"] = {
        "username": "pokja.ani",
        "lpse": "kota-contoh",
        "register_url": "/_test/posted/",
    }
    page.goto("/_test/sealing/personal_key/")
    page.wait_for_selector("[data-sealing-widget=personal_key][data-ready=true]")
    page.get_by_label("Passphrase (at least 12 characters)").fill("short")
    page.get_by_label("The same passphrase again").fill("short")
    page.get_by_role("button", name="Make and download my key file").click()
    expect(page.locator("[data-status]")).to_contain_text("too short")

    passphrase = "kuda lari di padang 2026"
    page.get_by_label("Passphrase (at least 12 characters)").fill(passphrase)
    page.get_by_label("The same passphrase again").fill(passphrase)
    with page.expect_download() as caught:
        page.get_by_role("button", name="Make and download my key file").click()
    download = caught.value
    assert download.suggested_filename == "openlpse-kunci-pokja.ani.json"
    doc = json.loads(Path(download.path()).read_text())
    page.wait_for_selector("[data-status][data-kind=ok]")

    assert [{"public_key": doc["public_key"]}] == sealing_urls.POSTED
    fp = doc["fingerprint"]
    shown = page.locator("[data-field=fingerprint]").inner_text()
    assert shown == sealedfile.format_fingerprint(fp)
    # The key file opens with the passphrase (the format of the brief, read with cryptography).
    kek = PBKDF2HMAC(
        hashes.SHA256(), 32, base64.b64decode(doc["kdf"]["salt"]), doc["kdf"]["iterations"]
    ).derive(passphrase.encode())
    der = AESGCM(kek).decrypt(
        base64.b64decode(doc["cipher"]["iv"]), base64.b64decode(doc["private_key"]), fp.encode()
    )
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert b64(sealedfile.public_raw(key)) == doc["public_key"]
    assert doc["kdf"]["iterations"] == 600000
    page.problems.assert_clean()


@pytest.mark.parametrize("name", ["penawaran.pdf", "retry-penawaran.pdf"])
def test_bid_upload_widget_seals_uploads_and_shows_the_receipt(page, keys, name, screenshot):
    committee, system = keys
    committee_raw, system_raw = sealedfile.public_raw(committee), sealedfile.public_raw(system)
    sealing_urls.CONFIGS["bid_upload"] = {
        "tender": "T-2026-0042",
        "envelope": "single",
        "bidder": "17",
        "committee_public": b64(committee_raw),
        "system_public": b64(system_raw),
        "committee_kid": sealedfile.key_id(committee_raw),
        "system_kid": sealedfile.key_id(system_raw),
        "chunk_size": 256 * 1024,
        "max_bytes": 50 * 1024 * 1024,
        "accepted": ["pdf", "zip"],
        "tus_endpoint": "/_test/tus/",
        "finalize_url_template": "/_test/tus/{id}/finalize",
        "deadline": "2999-01-01T00:00:00Z",
        "receipt_url_template": "/_test/receipt/{receipt_number}",
    }
    page.goto("/_test/sealing/bid_upload/")
    page.wait_for_selector("[data-sealing-widget=bid_upload][data-ready=true]")
    plaintext = b"%PDF-1.7\n" + pattern(1024 * 1024 + 5000)

    # Not a PDF inside: refused before anything is sealed.
    page.get_by_label("Bid file (PDF or ZIP)").set_input_files(
        files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 10}]
    )
    page.get_by_role("button", name="Seal and upload").click()
    expect(page.locator("[data-status]")).to_contain_text("not a real PDF or ZIP")
    assert sealing_urls.UPLOADS == {}

    page.get_by_label("Bid file (PDF or ZIP)").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": plaintext}]
    )
    page.get_by_role("button", name="Seal and upload").click()
    receipt = page.locator("[data-receipt]")
    receipt.wait_for(state="visible", timeout=60000)

    (upload,) = sealing_urls.UPLOADS.values()
    sealed = bytes(upload["data"])
    assert upload["meta"] == {
        "filename": name,
        "tender": "T-2026-0042",
        "envelope": "single",
        "sha256": hashlib.sha256(sealed).hexdigest(),
    }
    assert open_sealed(sealed, committee, system) == plaintext
    chunks = -(-len(sealed) // (256 * 1024))
    assert upload["patches"] == chunks + (1 if name.startswith("retry") else 0)
    assert receipt.locator("[data-field=receipt_number]").inner_text() == "R-TEST-0001"
    assert (
        receipt.locator("[data-field=local_sha256]").inner_text()
        == hashlib.sha256(sealed).hexdigest()
    )
    assert receipt.locator("[data-field=match]").get_attribute("data-kind") == "ok"
    progress = page.locator("[data-progress=upload] progress")
    assert progress.get_attribute("aria-valuenow") == "100"
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('openlpse-upload:'))")
        == []
    )
    screenshot(page, f"sealing-bid-upload-{name.removesuffix('.pdf')}")
    page.problems.console = [c for c in page.problems.console if "503" not in c]
    page.problems.failed = [f for f in page.problems.failed if " 503" not in f]
    page.problems.assert_clean()


def key_file(key: ec.EllipticCurvePrivateKey, user: str, passphrase: str) -> bytes:
    """A personal key file in the brief's format (1000 iterations, for speed)."""
    raw = sealedfile.public_raw(key)
    fp = sealedfile.fingerprint(raw)
    salt, iv = b"s" * 16, b"i" * 12
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, 1000).derive(passphrase.encode())
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    doc = {
        "format": "openlpse-personal-key", "v": 1, "user": user, "lpse": "kota-contoh",
        "public_key": b64(raw), "fingerprint": fp, "created": "2026-01-01T00:00:00.000Z",
        "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": 1000, "salt": b64(salt)},
        "cipher": {"name": "AES-GCM", "iv": b64(iv)},
        "private_key": b64(AESGCM(kek).encrypt(iv, der, fp.encode())),
    }  # fmt: skip
    return json.dumps(doc).encode()


def choose_key_file(page, data: bytes, passphrase: str) -> None:
    page.locator("[data-input=keyfile]").set_input_files(
        files=[{"name": "openlpse-kunci-x.json", "mimeType": "application/json", "buffer": data}]
    )
    page.locator("[data-input=passphrase]").fill(passphrase)


def test_share_unlock_widget_offers_the_opened_share(page, screenshot):
    member = ec.generate_private_key(ec.SECP256R1())
    share = bytes(range(33))
    context = "T-2026-0042/single/g1/u11"
    sealing_urls.CONFIGS["share_unlock"] = {
        "sealed": sealedfile.seal_to_personal_key(
            share, recipient_pub=sealedfile.public_raw(member), context=context
        ),
        "context": context,
        "committee_public": b64(sealedfile.public_raw(ec.generate_private_key(ec.SECP256R1()))),
        "offer_url": "/_test/posted/",
        "share_sha256": hashlib.sha256(share).hexdigest(),
    }
    page.goto("/_test/sealing/share_unlock/")
    page.wait_for_selector("[data-sealing-widget=share_unlock][data-ready=true]")
    button = page.get_by_role("button", name="Unlock and offer my share")

    choose_key_file(page, key_file(member, "ani", "benar sekali 2026"), "salah sekali 2026")
    button.click()
    expect(page.locator("[data-status]")).to_contain_text("passphrase does not open")
    choose_key_file(page, b'{"format": "other"}', "benar sekali 2026")
    button.click()
    expect(page.locator("[data-status]")).to_contain_text("not an OpenLPSE personal key file")
    other = ec.generate_private_key(ec.SECP256R1())
    choose_key_file(page, key_file(other, "ani", "benar sekali 2026"), "benar sekali 2026")
    button.click()
    expect(page.locator("[data-status]")).to_contain_text("sealed to another key")
    assert sealing_urls.POSTED == []

    choose_key_file(page, key_file(member, "ani", "benar sekali 2026"), "benar sekali 2026")
    button.click()
    expect(page.locator("[data-status]")).to_contain_text("Your share is offered")
    assert [{"share": b64(share)}] == sealing_urls.POSTED
    assert page.locator("[data-input=passphrase]").input_value() == ""
    screenshot(page, "sealing-share-unlock")
    page.problems.assert_clean()


def test_resplit_handover_then_complete(page):
    committee = ec.generate_private_key(ec.SECP256R1())
    committee_pub = b64(sealedfile.public_raw(committee))
    old = {uid: ec.generate_private_key(ec.SECP256R1()) for uid in (11, 12, 13)}
    chair = old[11]
    shares = pyshamir.split(sealedfile.scalar_of(committee), 3, 2)
    sealed_old = {
        uid: sealedfile.seal_to_personal_key(
            bytes(shares[i]),
            recipient_pub=sealedfile.public_raw(key),
            context=f"T-2026-0042/single/g1/u{uid}",
        )
        for i, (uid, key) in enumerate(old.items())
    }
    # Members 12 and 13 hand their shares to the chair (resplit 5).
    handovers = {}
    for uid in (12, 13):
        sealing_urls.reset()
        sealing_urls.CONFIGS["resplit_handover"] = {
            "sealed": sealed_old[uid],
            "context": f"T-2026-0042/single/g1/u{uid}",
            "chair_public": b64(sealedfile.public_raw(chair)),
            "handover_context": f"T-2026-0042/single/resplit5/u{uid}",
            "post_url": "/_test/posted/",
        }
        page.goto("/_test/sealing/resplit_handover/")
        page.wait_for_selector("[data-sealing-widget=resplit_handover][data-ready=true]")
        choose_key_file(
            page, key_file(old[uid], f"m{uid}", "benar sekali 2026"), "benar sekali 2026"
        )
        page.get_by_role("button", name="Hand over my share").click()
        expect(page.locator("[data-status]")).to_contain_text("handed to the chair")
        (posted,) = sealing_urls.POSTED
        handovers[str(uid)] = posted["sealed_to_chair"]
        assert sealedfile.open_from_personal_key(
            handovers[str(uid)], recipient=chair, context=f"T-2026-0042/single/resplit5/u{uid}"
        ) == bytes(shares[list(old).index(uid)])

    new = {uid: ec.generate_private_key(ec.SECP256R1()) for uid in (11, 12, 14, 15, 16)}
    sealing_urls.reset()
    sealing_urls.CONFIGS["resplit_complete"] = {
        "tender": "T-2026-0042",
        "envelope": "single",
        "generation": 2,
        "resplit_id": 5,
        "committee_public": committee_pub,
        "threshold": 3,
        "members": [
            {"user_id": uid, "name": f"Member {uid}", "public_key": b64(sealedfile.public_raw(k)),
             "fingerprint": sealedfile.fingerprint(sealedfile.public_raw(k))}
            for uid, k in new.items()
        ],
        "handovers": handovers,
        "post_url": "/_test/posted/",
    }  # fmt: skip
    page.goto("/_test/sealing/resplit_complete/")
    page.wait_for_selector("[data-sealing-widget=resplit_complete][data-ready=true]")
    choose_key_file(page, key_file(chair, "m11", "benar sekali 2026"), "benar sekali 2026")
    page.get_by_role("button", name="Rebuild and split the key").click()
    expect(page.locator("[data-status]")).to_contain_text("split for the new Pokja")
    (payload,) = sealing_urls.POSTED
    assert (payload["public_key"], payload["threshold"], payload["generation"]) == (
        committee_pub,
        3,
        2,
    )
    opened = [
        bytearray(
            sealedfile.open_from_personal_key(
                payload["shares"][str(uid)]["sealed"],
                recipient=new[uid],
                context=f"T-2026-0042/single/g2/u{uid}",
            )
        )
        for uid in (12, 15, 16)
    ]
    rebuilt = sealedfile.private_from_scalar(bytes(pyshamir.combine(opened)))
    assert b64(sealedfile.public_raw(rebuilt)) == committee_pub
    page.problems.assert_clean()


def test_key_ceremony_widget_posts_the_envelopes(page, screenshot):
    members = {uid: ec.generate_private_key(ec.SECP256R1()) for uid in (11, 12, 13)}
    sealing_urls.CONFIGS["key_ceremony"] = {
        "material": {
            "tender": "T-2026-0042",
            "envelopes": ["single"],
            "threshold": 2,
            "members": [
                {"user_id": uid, "name": f"Member {uid}", "public_key": b64(sealedfile.public_raw(k)),
                 "fingerprint": sealedfile.fingerprint(sealedfile.public_raw(k))}
                for uid, k in members.items()
            ],
        },
        "store_url": "/_test/posted/",
    }  # fmt: skip
    page.goto("/_test/sealing/key_ceremony/")
    page.wait_for_selector("[data-sealing-widget=key_ceremony][data-ready=true]")
    page.get_by_role("button", name="Make and distribute the keys").click()
    expect(page.locator("[data-status]")).to_contain_text("The committee keys are stored")
    (payload,) = sealing_urls.POSTED
    entry = payload["envelopes"]["single"]
    assert set(entry["shares"]) == {"11", "12", "13"}
    fp = sealedfile.fingerprint(base64.b64decode(entry["public_key"]))
    expect(page.locator("[data-fingerprints]")).to_contain_text(sealedfile.format_fingerprint(fp))
    screenshot(page, "sealing-key-ceremony")
    page.problems.assert_clean()
