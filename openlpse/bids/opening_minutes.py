"""The BA Pembukaan (berita acara pembukaan penawaran): the minutes of one opening ceremony
(issue 5 item 7; LT 31(3); security-reference §1.4 step 4).

It records the tender, the envelope, the time, the Pokja members present (each offered their
share signed in with MFA), the closing checkpoint of the audit chain, and per bid: vendor,
receipt number, ciphertext SHA-256, the result and the plain file's SHA-256 or the error
class. Generated in Indonesian, the language of the official record, with ReportLab
(core.pdf), stored with file_store (kind "opening_minutes", SHA-256 recorded).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from openlpse.bids import selectors_opening as selectors
from openlpse.bids.enums import OpenedStatus
from openlpse.bids.models import OpeningSession
from openlpse.core.pdf import a4_pdf
from openlpse.tenders.enums import Envelope, TenderMethod

MINUTES_LANGUAGE = "id"


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["Normal"], fontName="Helvetica", fontSize=9, leading=11
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7, leading=9),
        "mono": ParagraphStyle("mono", parent=body, fontName="Courier", fontSize=7.5, leading=9),
        "bold": ParagraphStyle("bold", parent=body, fontName="Helvetica-Bold"),
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontName="Helvetica-Bold", fontSize=14, leading=18
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=11,
            spaceBefore=8,
            spaceAfter=3,
        ),
    }


GRID = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
)


def text(value: Any) -> str:
    return escape(str(value if value not in (None, "") else "-")).replace("\n", "<br/>")


def facts_table(rows: list[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(escape(str(k)), st["body"]), Paragraph(v, st["body"])] for k, v in rows],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(GRID)
    return table


def checkpoint_paragraph(checkpoint: str, st: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(text(checkpoint.strip()), st["mono"])


def minutes_pdf(*, session: OpeningSession, language: str = MINUTES_LANGUAGE) -> bytes:
    with translation.override(language):
        return _render(session)


def _render(session: OpeningSession) -> bytes:
    from openlpse.bids.services.opening import time_label

    tender = session.tender
    zone = tender.lpse.time_zone
    st = styles()
    envelope = Envelope(session.envelope).label
    facts = [
        (_("Tender code"), text(tender.code)),
        (_("Tender name"), text(tender.name)),
        (_("Method"), text(TenderMethod(tender.method).label)),
        ("LPSE", text(tender.lpse.name)),
        (_("Envelope"), text(envelope)),
        (_("Started at"), text(time_label(session.started_at, zone))),
        (_("Opened at"), text(time_label(session.opened_at, zone) if session.opened_at else "")),
        (
            _("Committee key"),
            text(
                _("rebuilt from %(k)d of %(n)d shares; matches the published key %(kid)s")
                % {
                    "k": session.keys.threshold,
                    "n": session.keys.share_count,
                    "kid": session.keys.committee_kid,
                }
            ),
        ),
        (_("System key"), text(session.keys.system_kid)),
        (_("Canary envelope"), text(_("opened") if session.canary_ok else _("not opened"))),
    ]
    story: list[Any] = [
        Paragraph(escape(_("Minutes of the bid opening (BA Pembukaan)")), st["title"]),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "The Pokja opened the sealed bids of the envelope below in the electronic "
                    "procurement system after the opening time, with the shares of the members "
                    "listed, each signed in with a second factor. The results are recorded "
                    "as follows."
                )
            ),
            st["body"],
        ),
        Paragraph(escape(_("The tender")), st["heading"]),
        facts_table(facts, st),
        Paragraph(escape(_("Members present")), st["heading"]),
    ]
    members = [
        [
            Paragraph(escape(_("Name")), st["bold"]),
            Paragraph(escape(_("Share offered at")), st["bold"]),
            Paragraph(escape(_("MFA")), st["bold"]),
            Paragraph(escape(_("Signature")), st["bold"]),
        ]
    ]
    for offer in selectors.offers(session):
        members.append(
            [
                Paragraph(
                    text(getattr(offer.member, "display_name", "") or offer.member.username),
                    st["body"],
                ),
                Paragraph(text(time_label(offer.offered_at, zone)), st["body"]),
                Paragraph(escape(_("yes")), st["body"]),
                "",
            ]
        )
    table = Table(members, colWidths=[60 * mm, 55 * mm, 15 * mm, 40 * mm])
    table.setStyle(GRID)
    story.append(table)
    story.append(Paragraph(escape(_("Bids")), st["heading"]))
    results = list(selectors.results(session))
    for number, opened in enumerate(results, start=1):
        submission = opened.submission
        if opened.status == OpenedStatus.OPENED:
            outcome_label, outcome = _("Plain file SHA-256"), opened.plaintext_sha256
        elif opened.status == OpenedStatus.FAILED:
            outcome_label, outcome = _("Error class"), opened.error_class
        else:
            outcome_label, outcome = _("Reason"), _("did not pass file I")
        rows = [
            [Paragraph(escape(_("Bid %(number)d") % {"number": number}), st["bold"]), ""],
            [
                Paragraph(escape(_("Vendor")), st["body"]),
                Paragraph(text(submission.vendor.name), st["body"]),
            ],
            [
                Paragraph(escape(_("Receipt no.")), st["body"]),
                Paragraph(text(submission.receipt_number), st["mono"]),
            ],
            [
                Paragraph(escape(_("Ciphertext SHA-256")), st["body"]),
                Paragraph(text(submission.sha256), st["mono"]),
            ],
            [
                Paragraph(escape(_("Result")), st["body"]),
                Paragraph(text(OpenedStatus(opened.status).label), st["body"]),
            ],
            [Paragraph(escape(outcome_label), st["body"]), Paragraph(text(outcome), st["mono"])],
        ]
        block = Table(rows, colWidths=[45 * mm, 125 * mm])
        block.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (1, 0)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (1, 0), colors.whitesmoke),
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ]
            )
        )
        story += [block, Spacer(1, 2 * mm)]
    if not results:
        story.append(Paragraph(escape(_("No bid was submitted for this envelope.")), st["body"]))
    story += [
        Paragraph(escape(_("Closing checkpoint of the audit chain")), st["heading"]),
        Paragraph(
            escape(
                _(
                    "Size and RFC 6962 Merkle root of the audit log when the envelope was "
                    "opened; `manage.py audit_verify` proves later that the log still holds "
                    "exactly these events."
                )
            ),
            st["small"],
        ),
        checkpoint_paragraph(session.closing_checkpoint, st),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "A bid that could not be opened is sent to the LPSE for its witness report "
                    "(berita acara kesaksian); it may be declared non-compliant only after that "
                    "report (LT 27(2)-(3))."
                )
            ),
            st["small"],
        ),
    ]
    footer = _("BA Pembukaan %(code)s · %(envelope)s · session %(id)d") % {
        "code": tender.code,
        "envelope": session.envelope,
        "id": session.pk,
    }
    return a4_pdf(
        story, title=_("Minutes of the bid opening (BA Pembukaan)"), subject=footer, footer=footer
    )
