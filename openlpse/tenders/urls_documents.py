"""The committee's document and addendum pages and the PPK's decisions, under
/tender/kelola/ (namespace "tenders", names document_* and addendum_*)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import documents

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "tender/kelola/<int:tender_id>/dokumen/",
        documents.document_list,
        name="document_list",
    ),
    path(
        "tender/kelola/<int:tender_id>/dokumen/<int:document_id>/unduh/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "tender/kelola/<int:tender_id>/dokumen/unduhan/",
        documents.document_downloads,
        name="document_downloads",
    ),
    path(
        "tender/kelola/<int:tender_id>/adendum/baru/",
        documents.addendum_create,
        name="addendum_create",
    ),
    path(
        "tender/kelola/adendum/persetujuan/",
        documents.addendum_ppk_queue,
        name="addendum_ppk_queue",
    ),
    path(
        "tender/kelola/adendum/<int:addendum_id>/",
        documents.addendum_detail,
        name="addendum_detail",
    ),
    path(
        "tender/kelola/adendum/<int:addendum_id>/ajukan/",
        documents.addendum_submit,
        name="addendum_submit",
    ),
    path(
        "tender/kelola/adendum/<int:addendum_id>/putuskan/",
        documents.addendum_decide,
        name="addendum_decide",
    ),
    path(
        "tender/kelola/adendum/<int:addendum_id>/terbitkan/",
        documents.addendum_publish,
        name="addendum_publish",
    ),
    path(
        "tender/kelola/adendum/<int:addendum_id>/hapus/",
        documents.addendum_discard,
        name="addendum_discard",
    ),
]
