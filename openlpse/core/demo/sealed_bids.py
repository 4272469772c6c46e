"""Demo: a tender past its bid deadline whose three bids were sealed by the Python client
(issue 5 item 10), ready for the demo Pokja to open with 2 of its 3 key files.

The tender (Lampung Timur, pascakualifikasi 1 file) is laid out so that its opening stage
(pembukaan) is open at the time of loading. Three vendors joined, and each sealed a PDF with
`openlpse.bids.client.seal_file` (the same code as `python -m openlpse.bids.client seal`) and
sent it through the upload and finalize services that the tus endpoint uses, inside the upload
stage (the service clock replayed at that moment). Every bid's plaintext holds the text
`OPENLPSE-DEMO-PLAINTEXT` (uncompressed PDF), so anyone can check that it is nowhere in the
database or the storage before the opening. Two of the vendors sent from the same IP address:
the auditors' collusion signals flag it.

Idempotent: skipped when the RUP item exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from pathlib import Path

from reportlab.pdfgen import canvas

from openlpse.accounts.models.user import User
from openlpse.bids.client import seal_file
from openlpse.bids.models import EnvelopeKeys
from openlpse.bids.services.submissions import submission_finalize
from openlpse.bids.services.uploads import upload_append, upload_create
from openlpse.core import clock
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.demo import data
from openlpse.core.demo import tenders as demo_tenders
from openlpse.plans.models import RupItem
from openlpse.tenders.enums import Envelope, StageAction, TenderMethod
from openlpse.tenders.models import Tender
from openlpse.tenders.services import participation
from openlpse.tenders.stages import stages_with
from openlpse.vendors.models import Vendor

MARKER = "OPENLPSE-DEMO-PLAINTEXT"

SCENARIO = demo_tenders.Scenario(
    7,
    "Rehabilitasi Saluran Irigasi Desa Braja Sakti",
    TenderMethod.PASCA_1_FILE,
    "pembukaan",
    hps=demo_tenders._WORKS,
)

# (vendor admin username, bid total in the letter, IP address the bid came from)
BIDS = [
    ("vendor.admin", "Rp 1.986.400.000", "103.10.64.21"),
    ("vendor.bumi", "Rp 2.041.750.000", "36.85.12.7"),
    ("vendor.tirta", "Rp 2.012.300.000", "36.85.12.7"),
]


def bid_pdf(company: str, tender: Tender, total: str) -> bytes:
    """A small, uncompressed PDF bid letter holding the demo marker in its text and title."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pageCompression=0)
    pdf.setTitle(f"Surat Penawaran {company} ({MARKER})")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 770, "SURAT PENAWARAN")
    pdf.setFont("Helvetica", 11)
    lines = [
        f"Tender: {tender.code} - {tender.package.name}",
        f"Penyedia: {company}",
        f"Harga penawaran (termasuk PPN): {total}",
        "Masa berlaku penawaran: 60 hari kalender.",
        f"Penanda demo: {MARKER}",
    ]
    for index, line in enumerate(lines):
        pdf.drawString(72, 740 - 18 * index, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _seal_and_send(tender: Tender, user: User, vendor: Vendor, total: str, ip: str) -> None:
    keys = EnvelopeKeys.objects.get(tender=tender, envelope=Envelope.SINGLE)
    with tempfile.TemporaryDirectory(prefix="openlpse-demo-bid-") as folder:
        source = Path(folder) / "surat-penawaran.pdf"
        sealed = Path(folder) / "surat-penawaran.pdf.lpsebid"
        source.write_bytes(bid_pdf(vendor.name, tender, total))
        result = seal_file(
            str(source),
            str(sealed),
            tender=tender.code,
            envelope=Envelope.SINGLE,
            bidder=str(vendor.pk),
            committee_public=keys.committee_public,
            system_public=keys.system_public,
        )
        content = sealed.read_bytes()
    upload = upload_create(
        actor=user,
        tender=tender,
        envelope=Envelope.SINGLE,
        length=len(content),
        file_name="surat-penawaran.pdf.lpsebid",
        declared_sha256=result.ciphertext_sha256,
        ip=ip,
        user_agent="openlpse-bids-client/demo",
    )
    upload_append(
        actor=user,
        upload_id=upload.pk,
        offset=0,
        chunk=content,
        checksum_sha256=hashlib.sha256(content).digest(),
    )
    submission_finalize(actor=user, upload_id=upload.pk)


def load() -> None:
    spec = data.LAMPUNG_TIMUR
    people = demo_tenders._people(spec)
    year = clock.now().year
    code = demo_tenders._rup_code(people.lpse, year, SCENARIO.number)
    if RupItem.objects.filter(lpse=people.lpse, code=code).exists():
        return
    bidders = []
    for username, total, ip in BIDS:
        vendor = Vendor.objects.filter(created_by__username=username).first()
        if vendor is None:
            return  # the demo vendors were not loaded (a partial demo database)
        bidders.append((vendor.created_by, vendor, total, ip))
    now = clock.now()
    cal = WorkingCalendar.for_lpse(people.lpse)
    layout = demo_tenders._find_start(SCENARIO.method, SCENARIO.open_stage or "", cal, now)
    first_start = min(b for b, _e in layout.values())

    def prepare() -> Tender:
        item = demo_tenders._rup(people, SCENARIO, year)
        package = demo_tenders._package(people, SCENARIO, item)
        return demo_tenders._set_up(people, SCENARIO, package, None)

    tender = demo_tenders._at(first_start - dt.timedelta(days=3), prepare)
    tender = demo_tenders._at(
        first_start - dt.timedelta(hours=1),
        lambda: demo_tenders._announce(people, SCENARIO, tender, layout),
    )
    join_codes = [s.code for s in stages_with(SCENARIO.method, StageAction.JOIN)]
    joined_at = demo_tenders._inside(layout, join_codes, now)
    upload_begins, upload_ends = layout["upload_penawaran"]
    if joined_at is None or upload_ends > now:
        return
    for index, (user, _vendor, _total, _ip) in enumerate(bidders):
        with clock.frozen(joined_at + dt.timedelta(minutes=7 * index)):
            participation.tender_join(actor=user, tender=tender)
    for index, (user, vendor, total, ip) in enumerate(bidders):
        moment = upload_begins + dt.timedelta(hours=2, minutes=23 * index)
        with clock.frozen(moment):
            _seal_and_send(Tender.objects.get(pk=tender.pk), user, vendor, total, ip)
