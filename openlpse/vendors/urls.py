"""The vendors app's pages. Each part has its own URL module; all share the `vendors`
namespace."""

from django.urls import include, path

app_name = "vendors"

urlpatterns = [
    path("daftar/", include("openlpse.vendors.urls_signup")),
    path("penyedia/", include("openlpse.vendors.urls_registration")),
    path("penyedia/data/", include("openlpse.vendors.urls_data")),
    path("verifikasi/", include("openlpse.vendors.urls_verification")),
    path("daftar-hitam/", include("openlpse.vendors.urls_blacklist")),
]
