"""Qualification submission pages (names `qual_*`): the vendor's under
`penyedia/tender/<code>/kualifikasi/`, the committee's under `tender/kelola/<code>/kualifikasi/`."""

from django.urls import URLPattern, URLResolver, path

from openlpse.bids.views import qualification as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("penyedia/tender/<str:code>/kualifikasi/", views.qual_vendor, name="qual_vendor"),
    path(
        "penyedia/tender/<str:code>/kualifikasi/tarik/",
        views.qual_withdraw,
        name="qual_withdraw",
    ),
    path(
        "kualifikasi/<int:submission_id>/data.json",
        views.qual_snapshot,
        name="qual_snapshot",
    ),
    path(
        "kualifikasi/<int:submission_id>/dokumen/<int:document_id>/",
        views.qual_document,
        name="qual_document",
    ),
    path("tender/kelola/<str:code>/kualifikasi/", views.qual_committee, name="qual_committee"),
]
