"""Document kinds of packages and tenders (core.filetypes)."""

from django.utils.translation import gettext_lazy as _

from openlpse.core.filetypes import register_kind

register_kind(
    "package_document",
    label=_("package documents (KAK, draft contract)"),
    accepted=("pdf", "docx", "xlsx", "zip"),
    max_mb=50,
)
register_kind(
    "tender_document",
    label=_("tender documents"),
    accepted=("pdf", "docx", "xlsx", "zip"),
    max_mb=100,
)
register_kind(
    "tender_minutes",
    label=_("minutes (berita acara)"),
    accepted=("pdf",),
    max_mb=20,
)
