"""The receipt of a sealed bid as a PDF (issue 5 item 4): every receipt field, the Ed25519
signature and key id, and how to verify it. The PDF is a convenience copy; the JSON document
is what is signed and verified."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from openlpse.core.pdf import a4_pdf


def _labels() -> list[tuple[str, str]]:
    return [
        ("receipt_number", _("Receipt number")),
        ("tender", _("Tender code")),
        ("tender_name", _("Tender")),
        ("lpse", _("LPSE")),
        ("envelope", _("Envelope")),
        ("vendor", _("Vendor id")),
        ("vendor_name", _("Vendor")),
        ("file_name", _("File name")),
        ("size", _("Size (bytes)")),
        ("ciphertext_sha256", _("SHA-256 of the sealed file")),
        ("upload_id", _("Upload id")),
        ("version", _("Version")),
        ("received_at", _("Received at (server clock, UTC)")),
        ("audit_seq", _("Audit chain event")),
        ("software_version", _("Software")),
    ]


def receipt_pdf(document: dict[str, Any], *, site_url: str = "") -> bytes:
    """The PDF of a signed receipt document (format "openlpse-receipt" v1)."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    mono = styles["Code"].clone("mono", fontSize=7, leading=9)
    fields = document.get("receipt", {})
    story: list[Any] = [
        Paragraph(escape(_("Receipt of a sealed bid")), styles["Title"]),
        Paragraph(
            escape(
                _(
                    "The server received the sealed (encrypted) bid below and recorded it in the "
                    "audit chain. Nobody, the LPSE included, can read it before the opening."
                )
            ),
            small,
        ),
        Spacer(1, 4 * mm),
    ]
    rows = [
        [Paragraph(escape(label), small), Paragraph(escape(str(fields.get(key, ""))), mono)]
        for key, label in _labels()
    ]
    rows += [
        [
            Paragraph(escape(_("Signing key id")), small),
            Paragraph(escape(str(document.get("key_id", ""))), mono),
        ],
        [
            Paragraph(escape(_("Signature (Ed25519)")), small),
            Paragraph(escape(str(document.get("signature", ""))), mono),
        ],
    ]
    table = Table(rows, colWidths=[50 * mm, 120 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    story.append(Paragraph(escape(_("How to verify this receipt")), styles["Heading3"]))
    steps = [
        _(
            "1. Keep the receipt's JSON document (download it next to this PDF). The signature "
            "covers the “receipt” object, canonicalised with RFC 8785 (JCS)."
        ),
        _(
            "2. Get the server's receipt public key from %(url)s/api/v1/keys and check that its "
            "key id is the one above."
        )
        % {"url": site_url.rstrip("/")},
        _(
            "3. Verify with “python manage.py verify_receipt FILE”, with the API, or with "
            "“python -m openlpse.bids.client verify FILE”."
        ),
        _("4. Compare the SHA-256 above with the SHA-256 of your own copy of the sealed file."),
    ]
    story += [Paragraph(escape(step), small) for step in steps]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Receipt document (JSON)")), styles["Heading3"]),
    ]
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    story += [Paragraph(escape(line).replace(" ", "&nbsp;"), mono) for line in text.splitlines()]
    return a4_pdf(
        story,
        title=_("Receipt %(number)s") % {"number": fields.get("receipt_number", "")},
        subject=_("Receipt of a sealed bid"),
        footer=_("OpenLPSE receipt %(number)s, tender %(tender)s")
        % {"number": fields.get("receipt_number", ""), "tender": fields.get("tender", "")},
    )
