"""The vendors' tender pages, under /penyedia/tender/ (namespace "tenders", names vendor_*)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import vendor

urlpatterns: list[URLPattern | URLResolver] = [
    path("penyedia/tender/", vendor.vendor_open_tenders, name="vendor_open_tenders"),
    path("penyedia/tender/saya/", vendor.vendor_my_tenders, name="vendor_my_tenders"),
    path(
        "penyedia/tender/<int:tender_id>/",
        vendor.vendor_tender_detail,
        name="vendor_tender_detail",
    ),
    path("penyedia/tender/<int:tender_id>/ikut/", vendor.vendor_join, name="vendor_join"),
    path(
        "penyedia/tender/<int:tender_id>/dokumen/<int:document_id>/unduh/",
        vendor.vendor_document_download,
        name="vendor_document_download",
    ),
]
