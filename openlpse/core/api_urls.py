"""URLs under /api/v1/: the API's routers, then JSON answers for anything else.

Routers are mounted here rather than in `api.py`, so an app's `api.py` may import
`openlpse.core.api` (for `InputSchema`) without an import cycle.
"""

from django.urls import URLPattern, URLResolver, path, re_path

from openlpse.accounts.api import router as accounts_router
from openlpse.accounts.api_officials import router as accounts_officials_router
from openlpse.bids.api_committee import router as bids_committee_router
from openlpse.bids.api_keys import router as bids_keys_router
from openlpse.bids.api_opening import router as bids_opening_router
from openlpse.bids.api_qualification import router as bids_qualification_router
from openlpse.bids.api_submissions import router as bids_submissions_router
from openlpse.core.api import api
from openlpse.core.api_errors import json_method_not_allowed, not_found_view
from openlpse.plans.api import router as plans_router
from openlpse.tenders.api_packages import router as tenders_packages_router
from openlpse.tenders.api_participation import router as tenders_participation_router
from openlpse.tenders.api_public import router as tenders_public_router
from openlpse.tenders.api_questions import router as tenders_questions_router
from openlpse.tenders.api_setup import router as tenders_setup_router
from openlpse.vendors.api import router as vendors_router

api.add_router("", accounts_router)
api.add_router("", accounts_officials_router)
api.add_router("", vendors_router)
api.add_router("", plans_router)
api.add_router("", tenders_packages_router)
api.add_router("", tenders_setup_router)
api.add_router("", tenders_participation_router)
api.add_router("", tenders_questions_router)
api.add_router("", tenders_public_router)
api.add_router("", bids_keys_router)
api.add_router("", bids_submissions_router)
api.add_router("", bids_committee_router)
api.add_router("", bids_opening_router)
api.add_router("", bids_qualification_router)

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if isinstance(_pattern, URLPattern):
        _pattern.callback = json_method_not_allowed(_pattern.callback)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", (_patterns, _app_name, _namespace)),
    re_path(r"", not_found_view),
]
