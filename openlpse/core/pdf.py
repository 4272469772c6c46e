"""The A4 page every generated PDF shares (the BAPP, the vendor registration form): margins,
a footer line with the page number, and deterministic bytes (ReportLab `invariant`), so the
same content in the same language gives the same file."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate


def a4_pdf(story: list[Any], *, title: str, subject: str, footer: str) -> bytes:
    """Lay `story` (ReportLab flowables) out on A4 pages with `footer` and "Page n" at the
    bottom of each; `title` and `subject` go into the document's properties."""

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(doc.leftMargin, 12 * mm, footer)
        canvas.drawRightString(
            A4[0] - doc.rightMargin, 12 * mm, _("Page %(page)d") % {"page": doc.page}
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=title,
        subject=subject,
        creator="OpenLPSE",
        author="OpenLPSE",
        invariant=1,
        pageCompression=0,
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
