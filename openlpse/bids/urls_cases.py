"""Unopenable bids (LT 27(2)-(3)): the LPSE staff's list and case pages, the Pokja's
declaration and re-opening."""

from django.urls import path

from openlpse.bids.views import cases as views

urlpatterns = [
    path("lpse/tawaran-gagal/", views.case_list, name="case_list"),
    path("tawaran-gagal/<int:case_id>/", views.case_detail, name="case_detail"),
    path("tawaran-gagal/<int:case_id>/bukti.zip", views.case_evidence, name="case_evidence"),
    path(
        "tawaran-gagal/<int:case_id>/kesaksian.pdf",
        views.case_witness_download,
        name="case_witness_download",
    ),
    path("tawaran-gagal/<int:case_id>/temuan/", views.case_review, name="case_review"),
    path(
        "tawaran-gagal/<int:case_id>/kesaksian/",
        views.case_witness_report,
        name="case_witness_report",
    ),
    path("tawaran-gagal/<int:case_id>/eskalasi/", views.case_escalate, name="case_escalate"),
    path("tawaran-gagal/<int:case_id>/periksa-ulang/", views.case_recheck, name="case_recheck"),
    path("tawaran-gagal/<int:case_id>/pernyataan/", views.case_declare, name="case_declare"),
    path("tawaran-gagal/<int:case_id>/buka-ulang/", views.case_reopen, name="case_reopen"),
]
