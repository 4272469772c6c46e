"""The plans app's pages: back office under /perencanaan/, public RUP under /rup/."""

from django.urls import URLPattern, URLResolver, path

from openlpse.plans.views import adoption, public, rup

app_name = "plans"

urlpatterns: list[URLPattern | URLResolver] = [
    # Public (LT 34, KA 16: the RUP is announced to everyone).
    path("rup/", public.public_rup_list, name="public_rup_list"),
    path("rup/<int:rup_id>/", public.public_rup_detail, name="public_rup_detail"),
    # Back office: PA/KPA.
    path("perencanaan/rup/", rup.rup_list, name="rup_list"),
    path("perencanaan/rup/baru/", rup.rup_create, name="rup_create"),
    path("perencanaan/rup/impor/", rup.rup_import, name="rup_import"),
    path("perencanaan/rup/impor/templat.csv", rup.rup_import_template, name="rup_import_template"),
    path("perencanaan/rup/impor/<int:import_id>/", rup.rup_import_detail, name="rup_import_detail"),
    path("perencanaan/rup/<int:rup_id>/", rup.rup_detail, name="rup_detail"),
    path("perencanaan/rup/<int:rup_id>/ubah/", rup.rup_update, name="rup_update"),
    path("perencanaan/rup/<int:rup_id>/umumkan/", rup.rup_announce, name="rup_announce"),
    path("perencanaan/rup/<int:rup_id>/tarik/", rup.rup_withdraw, name="rup_withdraw"),
    # Back office: adoption plans (agency writes, LPSE admin agrees).
    path("perencanaan/adopsi/", adoption.adoption_list, name="adoption_list"),
    path("perencanaan/adopsi/baru/", adoption.adoption_create, name="adoption_create"),
    path("perencanaan/adopsi/<int:plan_id>/", adoption.adoption_detail, name="adoption_detail"),
    path(
        "perencanaan/adopsi/<int:plan_id>/ubah/", adoption.adoption_update, name="adoption_update"
    ),
    path(
        "perencanaan/adopsi/<int:plan_id>/ajukan/",
        adoption.adoption_propose,
        name="adoption_propose",
    ),
    path(
        "perencanaan/adopsi/<int:plan_id>/putuskan/",
        adoption.adoption_decide,
        name="adoption_decide",
    ),
]
