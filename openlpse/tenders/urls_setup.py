"""Committee pages of the tender set-up, schedule, announcement, changes and cancellation
(names `setup_*`, under `tender/kelola/`)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import setup as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("tender/kelola/", views.setup_my_tenders, name="setup_my_tenders"),
    path("tender/kelola/paket/<int:package_id>/buat/", views.setup_create, name="setup_create"),
    path("tender/kelola/<int:tender_id>/", views.setup_detail, name="setup_detail"),
    path("tender/kelola/<int:tender_id>/pengaturan/", views.setup_edit, name="setup_edit"),
    path(
        "tender/kelola/<int:tender_id>/persyaratan/",
        views.setup_requirements,
        name="setup_requirements",
    ),
    path(
        "tender/kelola/<int:tender_id>/dokumen-wajib/",
        views.setup_documents,
        name="setup_documents",
    ),
    path("tender/kelola/<int:tender_id>/jaminan/", views.setup_guarantees, name="setup_guarantees"),
    path("tender/kelola/<int:tender_id>/jadwal/", views.setup_schedule, name="setup_schedule"),
    path("tender/kelola/<int:tender_id>/setujui/", views.setup_approve, name="setup_approve"),
    path("tender/kelola/<int:tender_id>/umumkan/", views.setup_announce, name="setup_announce"),
    path("tender/kelola/<int:tender_id>/batal/", views.setup_cancel, name="setup_cancel"),
    path(
        "tender/kelola/<int:tender_id>/tahap/<str:code>/perpanjang/",
        views.setup_stage_extend,
        name="setup_stage_extend",
    ),
]
