"""The JSON API root (django-ninja), served under /api/v1/.

* Errors: one format, `{"error": {"code", "message", "fields"?}}` (openlpse.core.api_errors).
* Input schemas derive from `InputSchema`, which refuses unknown fields.
* Lists are cursor-paginated (openlpse.core.pagination).
* Apps add their routers in `openlpse/core/api_urls.py` (so that app API modules can import
  this module without an import cycle).

The public LPSE endpoints live here because every other endpoint depends on the tenant list.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Query, Router, Schema
from ninja.renderers import JSONRenderer
from pydantic import ConfigDict

from openlpse.core import errors
from openlpse.core.api_errors import JsonParser, error_responses, install
from openlpse.core.pagination import CursorPage, PageParams, paginate
from openlpse.core.timezones import zone_abbreviation
from openlpse.organizations.models import Lpse


class InputSchema(Schema):
    """Base of every request body: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


api = NinjaAPI(
    title="OpenLPSE API",
    version="1",
    description=(
        "Public and integrator API of OpenLPSE. Errors always have the form "
        '{"error": {"code": ..., "message": ..., "fields": {...}}}; messages follow '
        "Accept-Language (id or en; Indonesian by default)."
    ),
    urls_namespace="api",
    parser=JsonParser(),
    renderer=JSONRenderer(),
    docs_url=None,  # Swagger UI loads from a CDN, which the CSP forbids; use openapi.json.
    openapi_url="/openapi.json",
)
install(api)


# --- LPSE tenants (public) ---------------------------------------------------------------------

lpse_router = Router(tags=["LPSE"])


class LpseOut(Schema):
    slug: str
    name: str
    region: str
    time_zone: str
    zone: str

    @staticmethod
    def resolve_zone(obj: Lpse) -> str:
        return zone_abbreviation(obj.time_zone)


class LpseDetailOut(LpseOut):
    province: str
    address: str
    phone: str
    email: str
    website: str
    helpdesk_hours: str


@lpse_router.get(
    "", response={200: CursorPage[LpseOut], **error_responses(400)}, summary="List the LPSEs"
)
def lpse_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, object]:
    """The active LPSEs of this deployment, by name."""
    page = paginate(
        Lpse.objects.filter(is_active=True),
        order_by="name",
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@lpse_router.get(
    "/{slug}", response={200: LpseDetailOut, **error_responses(404)}, summary="One LPSE"
)
def lpse_detail(request: HttpRequest, slug: str) -> Lpse:
    lpse = Lpse.objects.filter(slug=slug, is_active=True).first()
    if lpse is None:
        raise errors.NotFound(errors.NotFound.default_message)
    return lpse


api.add_router("/lpses", lpse_router)
