"""The vendors app's JSON API: registration, documents, status, verification decisions and
the public blacklist (issue 3 item 10). Mounted under /api/v1/ by core.api_urls."""

from ninja import Router

from openlpse.vendors.api import blacklist, data, registration, verification

router = Router()
router.add_router("", registration.router)
router.add_router("", data.router)
router.add_router("", verification.router)
router.add_router("", blacklist.router)
