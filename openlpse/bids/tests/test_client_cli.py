"""The Python client `python -m openlpse.bids.client` (issue 5 item 2): --help, sealing the
format the server opens, a resumable upload with receipt, status and verify. The HTTP calls
go through Django's test client instead of the network."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from openlpse.bids import client as bidclient
from openlpse.bids import receipts, sealedfile
from openlpse.bids.models import Submission, Upload
from openlpse.bids.tests.submissions_support import bid_setup, second_vendor
from openlpse.vendors.tests.blacklist_support import issue_token

ROOT = Path(__file__).resolve().parents[3]


class DjangoApi(bidclient.Api):
    """The client's Api over Django's test client."""

    def __init__(self, token: str) -> None:
        super().__init__("http://testserver", token)
        self.django = Client()
        self.calls: list[str] = []

    def request(self, method, path, *, body=None, headers=None, ok=(200,), auth=True):  # type: ignore[override]
        if path.startswith("http://testserver"):
            path = path[len("http://testserver") :]
        headers = dict(headers or {})
        extra = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if auth:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        content_type = headers.pop("Content-Type", "application/octet-stream")
        for name, value in headers.items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        self.calls.append(f"{method} {path}")
        raw = self.django.generic(method, path, body or b"", content_type=content_type, **extra)
        response = bidclient.Response(
            raw.status_code,
            {k: v for k, v in raw.items()},
            b"".join(raw.streaming_content) if raw.streaming else raw.content,
        )
        if response.status not in ok:
            error = (response.json() or {}).get("error", {}) if response.body else {}
            raise bidclient.ClientError(
                f"{method} {path}: {response.status}",
                code=error.get("code", ""),
                status=response.status,
            )
        return response


def test_help_runs_without_django():
    result = subprocess.run(
        [sys.executable, "-m", "openlpse.bids.client", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    for word in ("seal", "upload", "status", "verify", "OPENLPSE_URL", "OPENLPSE_TOKEN"):
        assert word in result.stdout
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, openlpse.bids.client; "
            "sys.exit(any(m.startswith('django') for m in sys.modules))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert check.returncode == 0, "the client must not import Django"


def test_seal_command_writes_a_file_both_keys_open(tmp_path):
    committee = ec.generate_private_key(ec.SECP256R1())
    system = ec.generate_private_key(ec.SECP256R1())
    source = tmp_path / "penawaran.pdf"
    plain = b"%PDF-1.4 OPENLPSE client " * 1000
    source.write_bytes(plain)
    code = bidclient.main(
        [
            "seal",
            str(source),
            "--tender",
            "T1",
            "--envelope",
            "single",
            "--bidder",
            "42",
            "--committee-public",
            sealedfile.b64(sealedfile.public_raw(committee)),
            "--system-public",
            sealedfile.b64(sealedfile.public_raw(system)),
        ]
    )
    assert code == 0
    sealed = (tmp_path / "penawaran.pdf.lpsebid").read_bytes()
    assert plain not in sealed
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
    assert out.getvalue() == plain


@pytest.mark.django_db
def test_upload_resumes_finalizes_and_the_receipt_verifies(tmp_path, monkeypatch):
    setup = bid_setup()
    api = DjangoApi(issue_token(setup.user))
    source = tmp_path / "penawaran.pdf"
    source.write_bytes(b"%PDF-1.4 " + b"y" * 300_000)
    committee, system, bidder = bidclient._keys_for(
        api,
        bidclient.build_parser().parse_args(["seal", str(source), "--tender", setup.tender.code]),
    )
    assert bidder == str(setup.vendor.pk)
    sealed = str(tmp_path / "penawaran.pdf.lpsebid")
    bidclient.seal_file(
        str(source),
        sealed,
        tender=setup.tender.code,
        envelope="single",
        bidder=bidder,
        committee_public=committee,
        system_public=system,
    )
    # The first attempt stops after one chunk (a dropped connection).
    with pytest.raises(bidclient.ClientError):
        bidclient.upload_sealed(
            api, sealed, tender=setup.tender.code, envelope="single", chunk=65536, stop_after=65536
        )
    assert Upload.objects.get().offset == 65536
    document = bidclient.upload_sealed(
        api, sealed, tender=setup.tender.code, envelope="single", chunk=65536
    )
    assert Upload.objects.count() == 1  # the same upload, resumed
    assert any(c.startswith("HEAD") for c in api.calls)
    assert receipts.verify_document(document).valid
    submission = Submission.objects.get()
    assert document["receipt"]["receipt_number"] == submission.receipt_number
    # verify: offline with the public key, and with the key fetched from /api/v1/keys
    info = receipts.public_key_info()
    assert bidclient.verify_receipt(document, info["public_key"]) == (True, "valid")
    tampered = json.loads(json.dumps(document))
    tampered["receipt"]["size"] += 1
    assert bidclient.verify_receipt(tampered, info["public_key"])[0] is False
    listing = api.get_json("/api/v1/keys", auth=False)
    found = bidclient._key_from_listing(listing, document["key_id"])
    assert found is not None and found["public_key"] == info["public_key"]
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_text(json.dumps(document))
    monkeypatch.setattr(bidclient, "Api", lambda url, token: api)
    assert (
        bidclient.main(
            ["--url", "http://testserver", "verify", str(receipt_file), "--sealed", sealed]
        )
        == 0
    )
    assert (
        bidclient.main(
            ["--url", "http://testserver", "--token", "x", "status", "--tender", setup.tender.code]
        )
        == 0
    )


@pytest.mark.django_db
def test_upload_of_a_competitors_file_is_refused(tmp_path):
    setup = bid_setup()
    rival = second_vendor(setup)
    api = DjangoApi(issue_token(setup.user))
    row = setup.keys["single"].row
    source = tmp_path / "bid.pdf"
    source.write_bytes(b"%PDF-1.4 rival")
    sealed = str(tmp_path / "bid.lpsebid")
    bidclient.seal_file(
        str(source),
        sealed,
        tender=setup.tender.code,
        envelope="single",
        bidder=str(rival.pk),
        committee_public=row.committee_public,
        system_public=row.system_public,
    )
    with pytest.raises(bidclient.ClientError) as caught:
        bidclient.upload_sealed(api, sealed, tender=setup.tender.code, envelope="single")
    assert (caught.value.status, caught.value.code) == (409, "E_KEY_MISMATCH")
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_cli_uploads_over_real_http(live_server, tmp_path, capsys):
    setup = bid_setup()
    token = issue_token(setup.user)
    source = tmp_path / "penawaran.pdf"
    source.write_bytes(b"%PDF-1.4 " + b"h" * 2_500_000)
    receipt = tmp_path / "receipt.json"
    base = ["--url", live_server.url, "--token", token]
    args = ["upload", str(source), "--tender", setup.tender.code, "-q", "--receipt", str(receipt)]
    assert bidclient.main([*base, *args]) == 0
    document = json.loads(receipt.read_text())
    assert receipts.verify_document(document).valid
    assert Submission.objects.get().sha256 == document["receipt"]["ciphertext_sha256"]
    assert bidclient.main([*base, "verify", str(receipt)]) == 0
    assert "VALID: valid" in capsys.readouterr().out
    assert bidclient.main([*base, "status", "--tender", setup.tender.code]) == 0
    assert document["receipt"]["receipt_number"] in capsys.readouterr().out
