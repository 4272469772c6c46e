"""Document kind of the qualification submissions (core.filetypes): the documents a vendor
uploads with its frozen qualification data (issue 5 item 5)."""

from django.utils.translation import gettext_lazy as _

from openlpse.core.filetypes import register_kind

QUALIFICATION_DOCUMENT = "qualification_document"

register_kind(
    QUALIFICATION_DOCUMENT,
    label=_("qualification documents"),
    accepted=("pdf", "zip"),
    max_mb=50,
)
