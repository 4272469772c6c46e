"""Blacklist pages, under /daftar-hitam/ (namespace "vendors")."""

from django.urls import URLPattern, URLResolver, path

from openlpse.vendors.views import blacklist

urlpatterns: list[URLPattern | URLResolver] = [
    path("", blacklist.blacklist_public, name="blacklist_public"),
    path("permohonan/", blacklist.blacklist_requests, name="blacklist_requests"),
    path("permohonan/baru/", blacklist.blacklist_request_new, name="blacklist_request_new"),
    path(
        "permohonan/<int:request_id>/",
        blacklist.blacklist_request_detail,
        name="blacklist_request_detail",
    ),
    path(
        "permohonan/<int:request_id>/tarik/",
        blacklist.blacklist_request_withdraw,
        name="blacklist_request_withdraw",
    ),
    path(
        "permohonan/<int:request_id>/bukti/<int:file_id>/",
        blacklist.blacklist_evidence,
        name="blacklist_evidence",
    ),
    path("penetapan/", blacklist.blacklist_entries, name="blacklist_entries"),
    path(
        "penetapan/<int:entry_id>/cabut/",
        blacklist.blacklist_entry_lift,
        name="blacklist_entry_lift",
    ),
    path(
        "penonaktifan/",
        blacklist.vendor_account_deactivation,
        name="vendor_account_deactivation",
    ),
]
