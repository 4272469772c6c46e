"""Document kinds of vendor registration and blacklist evidence (core.filetypes)."""

from django.utils.translation import gettext_lazy as _

from openlpse.core.filetypes import register_kind

register_kind(
    "vendor_document",
    label=_("registration documents"),
    accepted=("pdf", "jpeg", "png"),
    max_mb=10,
)
register_kind(
    "blacklist_evidence",
    label=_("blacklist evidence"),
    accepted=("pdf", "jpeg", "png", "docx", "xlsx", "zip"),
    max_mb=25,
)
