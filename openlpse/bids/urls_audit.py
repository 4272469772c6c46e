"""Collusion signals for auditors and LPSE staff (names `audit_*`, under `audit/tender/`)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.bids.views import audit as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/tender/sinyal/", views.audit_signal_tenders, name="audit_signal_tenders"),
    path("audit/tender/<str:code>/sinyal/", views.audit_signals, name="audit_signals"),
]
