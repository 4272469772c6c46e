"""Session state of a sign-in: Django's login, the pending second-factor step, timestamps.

Keys kept in the session:

* ``accounts_login_at`` / ``accounts_seen_at``: ISO times from `clock.now()` of the sign-in
  and of the last request, for the absolute and idle limits (SessionExpiryMiddleware).
* ``accounts_pending_*``: a password that was right for a user who still has to give a
  second factor. The user is *not* signed in until the code step succeeds.
* ``accounts_notice``: why the last session ended, shown once on the sign-in page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device

from openlpse.accounts.models.user import User
from openlpse.accounts.services import auth
from openlpse.core import clock

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
PENDING_USER = "accounts_pending_user"
PENDING_SINCE = "accounts_pending_since"
PENDING_NEXT = "accounts_pending_next"
NOTICE = "accounts_notice"

# How long the code step waits after a correct password.
PENDING_SECONDS = 300
BACKEND = "openlpse.accounts.backends.UsernameOrEmailBackend"


def parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def sign_in(request: HttpRequest, user: User, device: Device | None = None) -> None:
    """Sign the user in (new session key: ASVS 7.2.4), mark the second factor, log it."""
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)
    auth_login(request, user, backend=BACKEND)  # rotates the session key
    if device is not None:
        otp_login(request, device)
    now = clock.now().isoformat()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    lpse = getattr(request, "lpse", None)
    auth.login_record(user=user, device=device, lpse_id=getattr(lpse, "pk", None))


def mark_verified(request: HttpRequest, device: Device) -> None:
    """A signed-in session gave its second factor: bind the device, new session key."""
    request.session.cycle_key()
    otp_login(request, device)


def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        auth.logout_record(user=user)
    auth_logout(request)


def expire(request: HttpRequest, *, reason: str, minutes: int) -> None:
    """End the session because of a time limit; the sign-in page says why."""
    auth.session_expired_record(user=request.user, reason=reason)  # type: ignore[arg-type]
    auth_logout(request)
    request.session[NOTICE] = {"kind": reason, "minutes": minutes}


def set_notice(request: HttpRequest, kind: str, **params: Any) -> None:
    request.session[NOTICE] = {"kind": kind, **params}


def pop_notice(request: HttpRequest) -> dict[str, Any] | None:
    notice = request.session.pop(NOTICE, None)
    return notice if isinstance(notice, dict) else None


def pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = clock.now().isoformat()
    request.session[PENDING_NEXT] = next_url


def pending_clear(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)


def pending_user(request: HttpRequest) -> tuple[User | None, bool]:
    """(user waiting for the code step, whether a pending step just timed out)."""
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return None, False
    since = parse_time(request.session.get(PENDING_SINCE))
    if since is None or (clock.now() - since).total_seconds() > PENDING_SECONDS:
        pending_clear(request)
        return None, True
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        pending_clear(request)
    return user, False


def pending_next(request: HttpRequest) -> str:
    value = request.session.get(PENDING_NEXT)
    return value if isinstance(value, str) else ""


def idle_seconds() -> int:
    return int(settings.SESSION_IDLE_SECONDS)


def absolute_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_SECONDS)
