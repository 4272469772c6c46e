"""Verification pages under /verifikasi/ (namespace `vendors`)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.vendors.views import verification as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.verification_queue, name="verification_queue"),
    path("<int:request_id>/", views.verification_detail, name="verification_detail"),
    path(
        "<int:request_id>/dokumen/<int:document_id>/",
        views.verification_document,
        name="verification_document",
    ),
    path("jadwal/", views.verification_slots, name="verification_slots"),
    path(
        "jadwal/<int:slot_id>/batal/",
        views.verification_slot_cancel,
        name="verification_slot_cancel",
    ),
    path("janji/", views.verification_booking, name="verification_booking"),
    path(
        "janji/<int:appointment_id>/batal/",
        views.verification_booking_cancel,
        name="verification_booking_cancel",
    ),
]
