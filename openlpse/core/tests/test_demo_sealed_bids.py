"""The demo's sealed-bid tender (issue 5 item 10): three bids sealed by the Python client, no
plaintext anywhere before the opening, and the demo Pokja opens them with 2 of its 3 key files
and the passphrases the demo command prints."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from openlpse.bids import demo_keys, keyfile, receipts
from openlpse.bids.models import EnvelopeKeys, OpenedBid, Submission
from openlpse.bids.sealedfile import open_from_personal_key
from openlpse.bids.selectors_keys import current_shares, share_context
from openlpse.bids.services.opening import opening_offer_share, opening_start
from openlpse.bids.services.submissions import receipt_document
from openlpse.core import clock
from openlpse.core.demo import sealed_bids
from openlpse.tenders.models import Tender

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)
MARKER = sealed_bids.MARKER.encode()


def _files_holding(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_demo_tender_has_three_sealed_bids_that_two_of_three_members_open(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path / "var"
    with clock.frozen(NOW):
        out = io.StringIO()
        call_command("demo", stdout=out)
    printed = out.getvalue()
    tender = Tender.objects.get(name=sealed_bids.SCENARIO.name)
    submissions = list(Submission.objects.filter(tender=tender, is_effective=True))
    assert len(submissions) == 3
    assert {s.vendor.created_by.username for s in submissions} == {
        u for u, _t, _ip in sealed_bids.BIDS
    }
    for submission in submissions:
        assert receipts.verify_document(receipt_document(submission)).valid

    # Before the opening: the marker (and the PDF magic) is nowhere in storage or database.
    sealed_files = [p for p in (Path(settings.MEDIA_ROOT) / "bids").rglob("*") if p.is_file()]
    assert len(sealed_files) == 3
    assert _files_holding(Path(settings.MEDIA_ROOT), MARKER) == []
    assert _files_holding(Path(settings.MEDIA_ROOT) / "bids", b"%PDF") == []
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert MARKER.decode() not in dump.getvalue()

    # The demo command printed where the key files are and their passphrases.
    keys = EnvelopeKeys.objects.get(tender=tender, envelope="single")
    shares = {s.member.username: s for s in current_shares(keys)}
    assert set(shares) == {"lt.pokja1", "lt.pokja2", "lt.pokja3"}
    assert keys.threshold == 2
    for username in ("lt.pokja1", "lt.pokja3"):
        assert demo_keys.passphrase_for(username) in printed

    with clock.frozen(NOW):
        members = [shares["lt.pokja1"].member, shares["lt.pokja3"].member]
        session = opening_start(actor=members[0], tender=tender, envelope="single")
        for member in members:
            path = demo_keys.key_path(member.username)
            assert path.parent == Path(settings.VAR_DIR) / "demo-keys"
            private = keyfile.read_key_file(
                path.read_bytes(), demo_keys.passphrase_for(member.username)
            )
            share = shares[member.username]
            plain_share = open_from_personal_key(
                share.sealed,
                recipient=private,
                context=share_context(tender.code, "single", keys.generation, member.pk),
            )
            session = opening_offer_share(
                actor=member, session=session, share=plain_share, mfa_verified=True, ip=None
            )
    assert session.status == "opened"
    assert session.canary_ok is True
    opened = OpenedBid.objects.filter(session=session)
    assert sorted(o.status for o in opened) == ["opened", "opened", "opened"]
    for bid in opened:
        with default_storage.open(bid.plain_file.storage_key, "rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert MARKER in content
    # The same scan finds the plain files once they are opened (so it did look at the storage).
    assert len(_files_holding(Path(settings.MEDIA_ROOT), MARKER)) == 3
