from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for later apps)
from django.contrib import admin
from django.urls import include, path, re_path

from openlpse.core import views as core_views
from openlpse.core.api_errors import not_found_view as api_not_found

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/uploads/", include("openlpse.bids.urls_tus")),
    path("api/v1/", include("openlpse.core.api_urls")),
    re_path(r"^api/", api_not_found),  # JSON, never an HTML page, anywhere under /api/
    path("akun/", include("openlpse.accounts.urls")),
    path("organisasi/", include("openlpse.organizations.urls")),
    path("ops/", include("openlpse.ops.urls")),
    path("", include("openlpse.vendors.urls")),
    path("", include("openlpse.plans.urls")),
    path("", include("openlpse.tenders.urls")),
    path("", include("openlpse.bids.urls")),
    path("django-admin/", admin.site.urls),
    path("", include("openlpse.core.urls")),
]

handler400 = "openlpse.core.views.bad_request"
handler403 = "openlpse.core.views.permission_denied"
handler404 = "openlpse.core.views.page_not_found"
handler500 = "openlpse.core.views.server_error"
