"""The tenders app's pages. Each part has its own URL module with full paths; all share the
`tenders` namespace (names are prefixed by part: package_, setup_, document_, vendor_, qa_,
public_)."""

from django.urls import include, path

app_name = "tenders"

urlpatterns = [
    path("", include("openlpse.tenders.urls_packages")),
    path("", include("openlpse.tenders.urls_setup")),
    path("", include("openlpse.tenders.urls_documents")),
    path("", include("openlpse.tenders.urls_vendor")),
    path("", include("openlpse.tenders.urls_questions")),
    path("", include("openlpse.tenders.urls_public")),
]
