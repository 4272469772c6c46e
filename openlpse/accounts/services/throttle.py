"""Sign-in throttling, counted from the access log so that it holds across processes.

Two limits, both over a sliding window of ``LOGIN_LOCK_SECONDS``:

* per account *and* IP: ``LOGIN_FAILURES_PER_ACCOUNT`` failures (wrong password or wrong second
  factor) on one account from one IP address. A rival cannot lock a vendor out before a
  deadline from elsewhere: the account stays open from every other address
  (security-reference §3.1, ASVS 6.1.1). A successful sign-in from that address clears it.
* per IP: ``LOGIN_FAILURES_PER_IP`` failures from one address, whatever the account.

A throttled attempt is refused before the password is checked. The wait ends when the oldest
counted failure leaves the window. Concurrent attempts may overshoot a limit by the number of
requests in flight, which the limits allow for; nothing is kept in process memory.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import ngettext_lazy

from openlpse.accounts.models.access_log import FAILURE_EVENTS, AccessEvent, AccessLogEntry
from openlpse.accounts.models.user import User
from openlpse.accounts.services.access_log import normalize_identifier
from openlpse.core import clock, errors


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)


def _at_ip(entries: QuerySet[AccessLogEntry], ip: str | None) -> QuerySet[AccessLogEntry]:
    return entries.filter(ip__isnull=True) if ip is None else entries.filter(ip=ip)


def _seconds_to_wait(entries: QuerySet[AccessLogEntry], *, limit: int, now: dt.datetime) -> int:
    """0 when fewer than `limit` entries are in the window, else seconds until one leaves it."""
    times = list(entries.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if limit <= 0 or len(times) < limit:
        return 0
    remaining = (times[-1] + _window() - now).total_seconds()
    return max(1, math.ceil(remaining))


def throttle_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return str(
        ngettext_lazy(
            "Too many failed sign-ins. Try again in %(minutes)d minute.",
            "Too many failed sign-ins. Try again in %(minutes)d minutes.",
            "minutes",
        )
        % {"minutes": minutes}
    )


def login_seconds_to_wait(*, identifier: str, ip: str | None, user: User | None) -> int:
    """How long sign-ins with this name from this address must wait (0: not throttled)."""
    now = clock.now()
    since = now - _window()
    failures = AccessLogEntry.objects.filter(event__in=FAILURE_EVENTS, created_at__gt=since)
    per_ip = _seconds_to_wait(_at_ip(failures, ip), limit=settings.LOGIN_FAILURES_PER_IP, now=now)

    account = (
        Q(user_id=user.pk)
        if user is not None
        else Q(username_attempted=normalize_identifier(identifier))
    )
    account_failures = _at_ip(failures.filter(account), ip)
    if user is not None:
        last_success = (
            _at_ip(
                AccessLogEntry.objects.filter(
                    user_id=user.pk, event=AccessEvent.LOGIN, created_at__gt=since
                ),
                ip,
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last_success is not None:
            account_failures = account_failures.filter(created_at__gt=last_success)
    per_account = _seconds_to_wait(
        account_failures, limit=settings.LOGIN_FAILURES_PER_ACCOUNT, now=now
    )
    return max(per_ip, per_account)


def login_throttle_check(*, identifier: str, ip: str | None, user: User | None) -> None:
    """Raise Throttled (with the wait in minutes) when this attempt must not be tried."""
    seconds = login_seconds_to_wait(identifier=identifier, ip=ip, user=user)
    if seconds:
        raise errors.Throttled(throttle_message(seconds), retry_after=seconds)


def password_reset_throttle_check(*, ip: str | None) -> None:
    """Reset requests from one address are limited like failed sign-ins from it."""
    now = clock.now()
    requests = _at_ip(
        AccessLogEntry.objects.filter(
            event=AccessEvent.PASSWORD_RESET_REQUESTED, created_at__gt=now - _window()
        ),
        ip,
    )
    seconds = _seconds_to_wait(requests, limit=settings.LOGIN_FAILURES_PER_IP, now=now)
    if seconds:
        minutes = max(1, math.ceil(seconds / 60))
        raise errors.Throttled(
            ngettext_lazy(
                "Too many password reset requests from your network. Try again in %(minutes)d minute.",
                "Too many password reset requests from your network. Try again in %(minutes)d minutes.",
                "minutes",
            )
            % {"minutes": minutes},
            retry_after=seconds,
        )


def password_reset_mail_allowed(*, email: str) -> bool:
    """At most LOGIN_FAILURES_PER_ACCOUNT reset mails per address and window (no mail flood).

    Over the limit the request is answered exactly as usual and no mail is sent, so the answer
    never tells whether the address has an account.
    """
    now = clock.now()
    sent = AccessLogEntry.objects.filter(
        event=AccessEvent.PASSWORD_RESET_REQUESTED,
        username_attempted=normalize_identifier(email),
        created_at__gt=now - _window(),
    )
    return sent.count() < settings.LOGIN_FAILURES_PER_ACCOUNT
