"""The bids app's pages; all share the `bids` namespace (names prefixed by part: key_,
bid_, opening_, case_, qual_, audit_)."""

from django.urls import include, path

app_name = "bids"

urlpatterns = [
    path("", include("openlpse.bids.urls_keys")),
    path("", include("openlpse.bids.urls_vendor")),
    path("", include("openlpse.bids.urls_opening")),
    path("", include("openlpse.bids.urls_cases")),
    path("", include("openlpse.bids.urls_qualification")),
    path("", include("openlpse.bids.urls_audit")),
]
