"""The tus endpoints for sealed-bid uploads (mounted at /api/v1/uploads/ before the API)."""

from django.urls import URLPattern, path

from openlpse.bids import tus

urlpatterns: list[URLPattern] = [
    path("", tus.tus_root, name="tus_root"),
    path("<uuid:upload_id>", tus.tus_upload, name="tus_upload"),
    path("<uuid:upload_id>/", tus.tus_upload),
    path("<uuid:upload_id>/finalize", tus.tus_finalize, name="tus_finalize"),
]
