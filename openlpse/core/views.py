from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openlpse.accounts.enums import MFA_REQUIRED_ROLES
from openlpse.core import clock, portal
from openlpse.core.timezones import local_datetime_label

logger = logging.getLogger(__name__)

# Logos are shown to everyone; only raster types, never SVG (it can carry script).
LOGO_CONTENT_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The deployment's front page: every LPSE it hosts, to choose from."""
    request.lpse = None  # type: ignore[attr-defined]  # the deployment as a whole
    lpses = list(portal.active_lpses())
    return render(request, "core/home.html", {"lpses": lpses, "now": clock.now()})


@require_safe
def choose_lpse(request: HttpRequest) -> HttpResponse:
    """Target of the LPSE chooser (a GET form, so it works without JavaScript)."""
    slug = request.GET.get("lpse", "")
    if not slug:
        request.session.pop(portal.SESSION_KEY, None)
        return redirect("core:home")
    lpse = portal.find_lpse(slug)
    if lpse is None:
        messages.error(request, _("That LPSE was not found. Choose one from the list."))
        return redirect("core:home")
    portal.remember_lpse(request, lpse)
    return redirect("core:lpse_home", lpse_slug=lpse.slug)


@require_safe
def lpse_home(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    """An LPSE's public profile: region, address, contacts, helpdesk hours, local time."""
    lpse = portal.find_lpse(lpse_slug)
    if lpse is None:
        raise Http404("no such LPSE")
    request.lpse = lpse  # type: ignore[attr-defined]
    context = {"lpse": lpse, "local_now": local_datetime_label(clock.now(), lpse.time_zone)}
    return render(request, "core/lpse_home.html", context)


@require_safe
def lpse_logo(request: HttpRequest, lpse_slug: str) -> FileResponse:
    lpse = get_object_or_404(portal.active_lpses().select_related("logo"), slug=lpse_slug)
    logo = lpse.logo
    if logo is None or logo.content_type not in LOGO_CONTENT_TYPES:
        raise Http404("no logo")
    response = FileResponse(
        default_storage.open(logo.storage_key, "rb"), content_type=logo.content_type
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Signed-in start page: who you are here, your roles and scopes, the state of your MFA."""
    from openlpse.accounts.selectors import user_has_confirmed_totp

    user = request.user
    assignments = list(portal.active_role_assignments(user))
    # A session that passed the second factor has a device: no need to ask the database.
    verified = getattr(user, "is_verified", None)
    context = {
        "assignments": assignments,
        "mfa_required": any(a.role in MFA_REQUIRED_ROLES for a in assignments),
        "mfa_enrolled": (callable(verified) and verified()) or user_has_confirmed_totp(user),
    }
    return render(request, "core/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # any failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "pending_migrations": 0})


def _other_language() -> str:
    """Error pages repeat their message in one line of the language not in use."""
    return "en" if (get_language() or "id").lower().startswith("id") else "id"


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    context = {"status_code": status, "other_language": _other_language()}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request: no context processors, no database, no session, since
    any of them may be what failed."""
    html = loader.render_to_string("errors/500.html", {"other_language": _other_language()})
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _error(request, 403, "errors/csrf.html")
