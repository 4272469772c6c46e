"""The in-app inbox (issue 3 item 9): every notification of the signed-in user, unread first
in bold; opening one marks it read and follows its link (same-site links only)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.core import errors, notifications
from openlpse.core.models import Notification

PAGE_SIZE = 30


def same_site_link(url: str) -> str | None:
    """The notification's link if it is a path on this site ("/akun/..."), else None: a stored
    link never sends the reader to another site."""
    if (
        not url
        or not url.startswith("/")
        or url.startswith(("//", "/\\"))
        or not url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    ):
        return None
    return url


def _access(request: HttpRequest, notification_id: int) -> Notification:
    try:
        return notifications.access_notification(user=request.user, notification_id=notification_id)
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
@require_http_methods(["GET"])
def inbox_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    page = Paginator(notifications.inbox(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"n": n, "link": same_site_link(n.url)} for n in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "unread": notifications.unread_count(user=user),
    }
    return render(request, "accounts/inbox/list.html", context)


@login_required
@require_http_methods(["GET"])
def inbox_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the message read and go where it points; without a usable link, show it."""
    item = _access(request, notification_id)
    marked = notifications.notification_mark_read(user=request.user, notification_id=item.pk)
    link = same_site_link(item.url)
    if link is not None:
        return redirect(link)
    unread = getattr(request.user, "unread_notifications", None)
    if marked and isinstance(unread, int):
        request.user.unread_notifications = max(0, unread - marked)  # type: ignore[union-attr]
    item.refresh_from_db(fields=["read_at"])
    return render(request, "accounts/inbox/detail.html", {"n": item})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    item = _access(request, notification_id)
    notifications.notification_mark_read(user=request.user, notification_id=item.pk)
    return redirect(_back(request))


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d message marked as read.", "%(count)d messages marked as read.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no unread messages."))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """Back to the inbox page the form was on."""
    page = request.POST.get("page", "")
    target = reverse("accounts:inbox")
    return f"{target}?page={page}" if page.isdigit() else target
