"""Document kinds of the opening ceremony and of unopenable bids (core.filetypes)."""

from django.utils.translation import gettext_lazy as _

from openlpse.core.filetypes import register_kind

# The plain bid as opened (the browser accepts PDF or ZIP before sealing).
register_kind(
    "opened_bid",
    label=_("opened bids"),
    accepted=("pdf", "zip"),
    max_mb=4096,
)
# BA Pembukaan and the berita acara kesaksian.
register_kind(
    "opening_minutes",
    label=_("opening minutes (berita acara)"),
    accepted=("pdf",),
    max_mb=50,
)
# The evidence bundle of a bid that cannot be opened (LT 27(2)-(3)): holds the ciphertext.
register_kind(
    "unopenable_evidence",
    label=_("evidence bundles of unopenable bids"),
    accepted=("zip",),
    max_mb=4096,
)
