"""The opening ceremony's pages (issue 5 item 7): the Pokja's per-tender and per-envelope
pages, the share endpoint of the share_unlock widget, and permission-checked downloads."""

from django.urls import path

from openlpse.bids.views import opening as views

urlpatterns = [
    path("tender/kelola/<int:tender_id>/pembukaan/", views.opening_tender, name="opening_tender"),
    path(
        "tender/kelola/<int:tender_id>/pembukaan/<str:envelope>/",
        views.opening_envelope,
        name="opening_envelope",
    ),
    path(
        "tender/kelola/<int:tender_id>/pembukaan/<str:envelope>/mulai/",
        views.opening_start,
        name="opening_start",
    ),
    path("pembukaan/<int:session_id>/bagian/", views.opening_offer, name="opening_offer"),
    path("pembukaan/<int:session_id>/buka/", views.opening_complete, name="opening_complete"),
    path("pembukaan/<int:session_id>/ulang/", views.opening_reopen, name="opening_reopen"),
    path(
        "pembukaan/<int:session_id>/berita-acara.pdf",
        views.opening_minutes_download,
        name="opening_minutes",
    ),
    path(
        "pembukaan/penawaran/<int:opened_id>/unduh/",
        views.opening_plain_download,
        name="opening_plain",
    ),
]
