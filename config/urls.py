from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for later apps)
from django.contrib import admin
from django.urls import include, path

from openlpse.core import views as core_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", include("openlpse.core.api_urls")),
    path("akun/", include("openlpse.accounts.urls")),
    path("organisasi/", include("openlpse.organizations.urls")),
    path("ops/", include("openlpse.ops.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("openlpse.core.urls")),
]

handler400 = "openlpse.core.views.bad_request"
handler403 = "openlpse.core.views.permission_denied"
handler404 = "openlpse.core.views.page_not_found"
handler500 = "openlpse.core.views.server_error"
