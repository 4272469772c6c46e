"""The vendor's sealed-bid pages, under /penyedia/tender/<code>/penawaran/ (names bid_*)."""

from django.urls import URLPattern, path

from openlpse.bids.views import vendor

urlpatterns: list[URLPattern] = [
    path("penyedia/tender/<str:code>/penawaran/", vendor.bid_vendor, name="bid_vendor"),
    path(
        "penyedia/tender/<str:code>/penawaran/<str:envelope>/tarik/",
        vendor.bid_withdraw,
        name="bid_withdraw",
    ),
    path(
        "penyedia/tender/<str:code>/penawaran/<int:submission_id>/tanda-terima.pdf",
        vendor.bid_receipt_pdf,
        name="bid_receipt_pdf",
    ),
    path(
        "penyedia/tender/<str:code>/penawaran/<int:submission_id>/tanda-terima.json",
        vendor.bid_receipt_json,
        name="bid_receipt_json",
    ),
    path(
        "penyedia/tender/<str:code>/penawaran/<int:submission_id>/berkas-tersegel",
        vendor.bid_sealed,
        name="bid_sealed",
    ),
    path(
        "penyedia/tender/<str:code>/penawaran/unggahan/<uuid:upload_id>/tanda-terima/",
        vendor.bid_upload_receipt,
        name="bid_upload_receipt",
    ),
]
