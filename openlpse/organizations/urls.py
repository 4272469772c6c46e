"""Back-office pages of the organisations, under /organisasi/."""

from django.urls import path

from openlpse.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.index, name="index"),
    path("lpse/baru/", views.lpse_create, name="lpse_create"),
    path("<slug:lpse_slug>/", views.lpse_detail, name="lpse_detail"),
    path("<slug:lpse_slug>/ubah/", views.lpse_edit, name="lpse_edit"),
    path("<slug:lpse_slug>/logo/", views.lpse_logo, name="lpse_logo"),
    path("<slug:lpse_slug>/hari-libur/", views.holiday_list, name="holiday_list"),
    path(
        "<slug:lpse_slug>/hari-libur/<int:holiday_id>/hapus/",
        views.holiday_remove,
        name="holiday_remove",
    ),
    path("<slug:lpse_slug>/instansi/", views.agency_list, name="agency_list"),
    path("<slug:lpse_slug>/instansi/baru/", views.agency_create, name="agency_create"),
    path("<slug:lpse_slug>/instansi/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("<slug:lpse_slug>/instansi/<int:agency_id>/ubah/", views.agency_edit, name="agency_edit"),
    path(
        "<slug:lpse_slug>/instansi/<int:agency_id>/nonaktifkan/",
        views.agency_set_active,
        {"active": False},
        name="agency_deactivate",
    ),
    path(
        "<slug:lpse_slug>/instansi/<int:agency_id>/aktifkan/",
        views.agency_set_active,
        {"active": True},
        name="agency_reactivate",
    ),
    path(
        "<slug:lpse_slug>/instansi/<int:agency_id>/satker/baru/",
        views.work_unit_create,
        name="work_unit_create",
    ),
    path(
        "<slug:lpse_slug>/satker/<int:work_unit_id>/ubah/",
        views.work_unit_edit,
        name="work_unit_edit",
    ),
    path(
        "<slug:lpse_slug>/satker/<int:work_unit_id>/nonaktifkan/",
        views.work_unit_set_active,
        {"active": False},
        name="work_unit_deactivate",
    ),
    path(
        "<slug:lpse_slug>/satker/<int:work_unit_id>/aktifkan/",
        views.work_unit_set_active,
        {"active": True},
        name="work_unit_reactivate",
    ),
    path("<slug:lpse_slug>/unit/", views.lpse_units, name="lpse_units"),
    path("<slug:lpse_slug>/unit/<int:unit_id>/tempatkan/", views.staff_assign, name="staff_assign"),
    path("<slug:lpse_slug>/staf/<int:placement_id>/akhiri/", views.staff_end, name="staff_end"),
]
