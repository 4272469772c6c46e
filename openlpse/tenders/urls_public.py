"""Public tender pages (namespace "tenders", names `public_*`): the list at /tender/ and at
/lpse/<slug>/tender/, and per tender /tender/<code>/pengumuman/, jadwal/, peserta/, dokumen/
(the shape of SPSE's /lelang/<kode>/pengumumanlelang, jadwal, peserta)."""

from django.urls import URLPattern, URLResolver, path

from openlpse.tenders.views import public

urlpatterns: list[URLPattern | URLResolver] = [
    path("tender/", public.public_list, name="public_list"),
    path("lpse/<slug:lpse_slug>/tender/", public.public_list, name="public_lpse_list"),
    path("tender/<str:code>/", public.public_detail, name="public_detail"),
    path("tender/<str:code>/pengumuman/", public.public_announcement, name="public_announcement"),
    path("tender/<str:code>/jadwal/", public.public_schedule, name="public_schedule"),
    path("tender/<str:code>/peserta/", public.public_participants, name="public_participants"),
    path("tender/<str:code>/dokumen/", public.public_documents, name="public_documents"),
]
