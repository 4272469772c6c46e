"""What every page needs to know: the current LPSE, the chooser list, the server time.

The current LPSE comes from, in order: a view that set ``request.lpse`` itself; the
``lpse_slug`` of the URL (``/lpse/<slug>/...``); the visitor's choice in the LPSE chooser,
kept in the session. Pages of the deployment as a whole have none and show "OpenLPSE".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpRequest

from openlpse.core import clock
from openlpse.core.timezones import DEFAULT_ZONE, local_time_label, to_local, zone_abbreviation

if TYPE_CHECKING:
    from openlpse.accounts.models.roles import RoleAssignment
    from openlpse.organizations.models import Lpse

DEPLOYMENT_NAME = "OpenLPSE"
SESSION_KEY = "openlpse_lpse"


def active_lpses() -> QuerySet[Lpse]:
    from openlpse.organizations.models import Lpse

    return Lpse.objects.filter(is_active=True)


def find_lpse(slug: str | None) -> Lpse | None:
    if not slug:
        return None
    return active_lpses().filter(slug=slug).first()


def current_lpse(request: HttpRequest) -> Lpse | None:
    """The LPSE this request is about, or None; looked up once and kept on ``request.lpse``."""
    if hasattr(request, "lpse"):
        return request.lpse  # type: ignore[no-any-return]
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("lpse_slug") if match is not None else None
    if slug is None and hasattr(request, "session"):
        slug = request.session.get(SESSION_KEY)
    lpse = find_lpse(slug) if slug is not None else home_lpse(getattr(request, "user", None))
    request.lpse = lpse  # type: ignore[attr-defined]
    return lpse


def home_lpse(user: Any) -> Lpse | None:
    """An official whose roles in force are all at one LPSE works in that LPSE's context
    (its name, logo and time zone) on pages that name no LPSE; anyone else gets none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    in_force = active_role_assignments(user).values("lpse_id")
    candidates = list(active_lpses().filter(pk__in=in_force)[:2])  # one query
    return candidates[0] if len(candidates) == 1 else None


def remember_lpse(request: HttpRequest, lpse: Lpse) -> None:
    """Keep the visitor's chooser selection for the pages that name no LPSE."""
    if request.session.get(SESSION_KEY) != lpse.slug:
        request.session[SESSION_KEY] = lpse.slug


def active_role_assignments(user: Any) -> QuerySet[RoleAssignment]:
    """The user's role assignments in force today, with their LPSE, agency and units.

    The rule of "in force" (period, revocation, active organisation) is the accounts app's
    (``accounts.permissions.active_assignments``), so the dashboard lists exactly the roles
    that permission checks honour.
    """
    from openlpse.accounts.permissions import active_assignments

    return active_assignments(user)


def context_for(request: HttpRequest) -> dict[str, Any]:
    lpse = current_lpse(request)
    zone = lpse.time_zone if lpse is not None else DEFAULT_ZONE
    now = clock.now()
    return {
        "deployment_name": DEPLOYMENT_NAME,
        "current_lpse": lpse,
        # Lazy: evaluated only by the templates that show the chooser.
        "all_lpses": active_lpses().only("slug", "name", "region", "time_zone"),
        "server_time": local_time_label(now, zone),
        "server_time_iso": to_local(now, zone).isoformat(timespec="minutes"),
        "server_zone": zone_abbreviation(zone),
    }
