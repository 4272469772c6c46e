"""Session limits and the two-factor requirement, checked on every request."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from openlpse.accounts import selectors
from openlpse.accounts.services import sessions
from openlpse.core import clock

# The last-seen time is written at most this often, so a page view is not a session write.
SEEN_GRANULARITY_SECONDS = 30


class SessionExpiryMiddleware:
    """Idle and absolute session limits (ASVS 7.3.1, 7.3.2), measured with `clock.now()`.

    When a limit is reached the user is signed out, the access log gets `session_expired`,
    and the browser goes to the sign-in page, which says why in the user's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = clock.now()
        login_at = sessions.parse_time(session.get(sessions.LOGIN_AT))
        seen_at = sessions.parse_time(session.get(sessions.SEEN_AT))
        if login_at is None or seen_at is None:
            # A session made outside the sign-in page (tests, admin tools): start counting now.
            session[sessions.LOGIN_AT] = (login_at or now).isoformat()
            session[sessions.SEEN_AT] = now.isoformat()
            return None
        idle, absolute = sessions.idle_seconds(), sessions.absolute_seconds()
        if (now - login_at).total_seconds() >= absolute:
            sessions.expire(request, reason="absolute", minutes=absolute // 60)
        elif (now - seen_at).total_seconds() >= idle:
            sessions.expire(request, reason="idle", minutes=idle // 60)
        else:
            if (now - seen_at).total_seconds() >= SEEN_GRANULARITY_SECONDS:
                session[sessions.SEEN_AT] = now.isoformat()
            return None
        if request.path.startswith("/api/"):
            return None  # the API answers for itself (tokens, or 401 for a dead session)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


@cache
def _mfa_paths() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(always open, open while enrolling, open while verifying): path prefixes."""
    always = (
        reverse("accounts:logout"),
        settings.STATIC_URL or "/static/",
        "/i18n/",
        reverse("healthz"),
        reverse("readyz"),
        "/api/",
    )
    enrolling = (reverse("accounts:mfa_setup"), reverse("accounts:mfa_recovery_codes"))
    verifying = (reverse("accounts:mfa_verify"),)
    return always, enrolling, verifying


class MfaEnforcementMiddleware:
    """Officials, LPSE staff and operators must have a second factor, and must have used it.

    * A user with a confirmed authenticator whose session has not given a code is sent to
      the code step (this holds for vendors who turned it on, too).
    * A user whose roles require it (`MFA_REQUIRED_ROLES`, or staff/superuser) and who has
      no confirmed authenticator is sent to enrolment.

    Sign-out, static files, language switching, health checks and the API (which uses
    tokens) stay reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        always, enrolling, verifying = _mfa_paths()
        path = request.path
        if path.startswith(always):
            return self.get_response(request)
        is_verified = getattr(user, "is_verified", None)
        if callable(is_verified) and is_verified():
            return self.get_response(request)
        if selectors.user_has_confirmed_totp(user):
            if path.startswith(verifying):
                return self.get_response(request)
            return HttpResponseRedirect(f"{reverse('accounts:mfa_verify')}?{_next(request)}")
        if selectors.user_requires_mfa(user) and not path.startswith(enrolling):
            return HttpResponseRedirect(reverse("accounts:mfa_setup"))
        return self.get_response(request)


def _next(request: HttpRequest) -> str:
    return urlencode({"next": request.get_full_path()})
