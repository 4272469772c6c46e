"""The vendor's data tabs, its staff and the directory of verified vendors, under
/penyedia/data/ (namespace "vendors")."""

from django.urls import URLPattern, URLResolver, path

from openlpse.vendors.views import data, directory, staff

urlpatterns: list[URLPattern | URLResolver] = [
    path("", data.data_index, name="data_index"),
    # Staff (issue 3 item 4).
    path("staf/", staff.staff_list, name="staff_list"),
    path("staf/tambah/", staff.staff_add, name="staff_add"),
    path("staf/<int:assignment_id>/hapus/", staff.staff_remove, name="staff_remove"),
    # Directory for officials (issue 3 item 6).
    path("direktori/", directory.directory, name="directory"),
    path("direktori/<int:vendor_id>/", directory.directory_detail, name="directory_detail"),
    path("direktori/<int:vendor_id>/<slug:tab>/", directory.directory_detail, name="directory_tab"),
    path(
        "direktori/<int:vendor_id>/<slug:tab>/<int:record_id>/berkas/",
        directory.directory_file,
        name="directory_file",
    ),
    # Identity (tab "identitas").
    path("identitas/ubah/", data.identity_edit, name="identity_edit"),
    path("identitas/perubahan/", data.identity_change, name="identity_change"),
    path(
        "identitas/perubahan/tarik/",
        data.identity_change_withdraw,
        name="identity_change_withdraw",
    ),
    # The other tabs.
    path("<slug:tab>/", data.data_tab, name="data_tab"),
    path("<slug:tab>/tambah/", data.data_add, name="data_add"),
    path("<slug:tab>/<int:record_id>/ubah/", data.data_edit, name="data_edit"),
    path("<slug:tab>/<int:record_id>/hapus/", data.data_delete, name="data_delete"),
    path("<slug:tab>/<int:record_id>/berkas/", data.data_file, name="data_file"),
]
