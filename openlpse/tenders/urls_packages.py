"""Package and Pokja pages under /paket/ (namespace "tenders", names package_*).

Menu (the lead wires navigation): "tenders:package_list" for PPKs (My packages),
"tenders:package_create" (from an RUP item) for PPKs, "tenders:package_incoming" for heads of
a ULP/UKPBJ, "tenders:package_committee" for Pokja members and Pejabat Pengadaan."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import packages as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("paket/", views.package_list, name="package_list"),
    path("paket/baru/", views.package_create, name="package_create"),
    path("paket/masuk/", views.package_incoming, name="package_incoming"),
    path("paket/panitia/", views.package_committee, name="package_committee"),
    path("paket/<int:package_id>/", views.package_detail, name="package_detail"),
    path("paket/<int:package_id>/ubah/", views.package_edit, name="package_edit"),
    path("paket/<int:package_id>/hps/", views.package_hps, name="package_hps"),
    path("paket/<int:package_id>/lokasi/", views.package_locations, name="package_locations"),
    path("paket/<int:package_id>/dokumen/", views.package_documents, name="package_documents"),
    path(
        "paket/<int:package_id>/dokumen/<str:which>/",
        views.package_document,
        name="package_document",
    ),
    path("paket/<int:package_id>/kirim/", views.package_send, name="package_send"),
    path("paket/<int:package_id>/kembalikan/", views.package_return, name="package_return"),
    path("paket/<int:package_id>/pokja/", views.package_pokja_assign, name="package_pokja_assign"),
    path(
        "paket/<int:package_id>/pokja/ganti/",
        views.package_pokja_replace,
        name="package_pokja_replace",
    ),
]
