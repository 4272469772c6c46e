"""Officials, auditors and the inbox, under /akun/ (namespace "accounts")."""

from django.urls import path

from openlpse.accounts.views import auditors, inbox, officials

urlpatterns = [
    path("pejabat/", officials.officials_list, name="officials_list"),
    path("pejabat/daftar/", officials.official_register_view, name="official_register"),
    path(
        "pejabat/<int:assignment_id>/akhiri/",
        officials.official_end_term_view,
        name="official_end_term",
    ),
    path("pejabat/<int:assignment_id>/sk/", officials.official_letter, name="official_letter"),
    path("auditor/daftar/", auditors.auditor_request_create, name="auditor_request_create"),
    path("auditor/daftar/terkirim/", auditors.auditor_request_sent, name="auditor_request_sent"),
    path("auditor/permohonan/", auditors.auditor_requests_list, name="auditor_requests_list"),
    path(
        "auditor/permohonan/<int:registration_id>/",
        auditors.auditor_request_detail,
        name="auditor_request_detail",
    ),
    path(
        "auditor/permohonan/<int:registration_id>/setujui/",
        auditors.auditor_request_approve_view,
        name="auditor_request_approve",
    ),
    path(
        "auditor/permohonan/<int:registration_id>/tolak/",
        auditors.auditor_request_reject_view,
        name="auditor_request_reject",
    ),
    path(
        "auditor/permohonan/<int:registration_id>/surat-tugas/",
        auditors.auditor_request_letter,
        name="auditor_request_letter",
    ),
    path("kotak-masuk/", inbox.inbox_view, name="inbox"),
    path("kotak-masuk/dibaca-semua/", inbox.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("kotak-masuk/<int:notification_id>/", inbox.inbox_open, name="inbox_open"),
    path(
        "kotak-masuk/<int:notification_id>/dibaca/", inbox.inbox_mark_read, name="inbox_mark_read"
    ),
]
