"""Key pages (issue 5 item 1; names `key_*`): the member's personal key, the LPSE admin's
confirmation, the chair's key ceremony per tender (under the set-up prefix
`tender/kelola/<id>/kunci/`) and the re-split pages after a change of Pokja. The JSON
endpoints are those the sealing widgets post to (session + CSRF)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.bids.views import keys as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("kunci/", views.key_personal, name="key_personal"),
    path("kunci/daftar/", views.key_register, name="key_register"),
    path("kunci/<int:key_id>/cabut/", views.key_revoke, name="key_revoke"),
    path("lpse/kunci/", views.key_admin, name="key_admin"),
    path("lpse/kunci/<int:key_id>/konfirmasi/", views.key_confirm, name="key_confirm"),
    path("tender/kelola/<int:tender_id>/kunci/", views.key_ceremony, name="key_ceremony"),
    path("tender/kelola/<int:tender_id>/kunci/simpan/", views.key_store, name="key_store"),
    path(
        "tender/kelola/<int:tender_id>/kunci/pecah-ulang/<int:resplit_id>/serah/",
        views.key_resplit_handover,
        name="key_resplit_handover",
    ),
    path(
        "tender/kelola/<int:tender_id>/kunci/pecah-ulang/<int:resplit_id>/serah/kirim/",
        views.key_resplit_handover_post,
        name="key_resplit_handover_post",
    ),
    path(
        "tender/kelola/<int:tender_id>/kunci/pecah-ulang/<int:resplit_id>/selesai/",
        views.key_resplit_complete,
        name="key_resplit_complete",
    ),
    path(
        "tender/kelola/<int:tender_id>/kunci/pecah-ulang/<int:resplit_id>/selesai/kirim/",
        views.key_resplit_complete_post,
        name="key_resplit_complete_post",
    ),
    path(
        "tender/kelola/<int:tender_id>/kunci/pecah-ulang/<int:resplit_id>/berita-acara.pdf",
        views.key_resplit_minutes,
        name="key_resplit_minutes",
    ),
]
