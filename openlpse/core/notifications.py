"""Notifications: an in-app inbox row per recipient, and the same message by e-mail.

`notify()` runs inside the service's transaction: the inbox rows commit with the change, and
the e-mails are sent only after the commit (`transaction.on_commit`), each rendered in the
recipient's own language. A mail server that is down never undoes the change: the failure is
logged and the inbox still has the message. In the embedded default (`make run`) mail goes to
files under `var/mail/` (settings.local).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from openlpse.core import clock, errors
from openlpse.core.models import Notification

logger = logging.getLogger(__name__)

# A message is built per language: subject and body are callables run under the recipient's
# language, so `gettext` inside them translates for that person.
Text = Callable[[], str]


@dataclass(frozen=True)
class Message:
    topic: str
    subject: Text
    body: Text
    url: str = ""


def _render(message: Message, language: str) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(message.subject())[:200], str(message.body())


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.OPENLPSE_BASE_URL.rstrip("/") + url


def _send(notification_ids: list[int]) -> None:
    for item in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        if not item.user.email:
            continue
        body = item.body
        if item.url:
            body = f"{body}\n\n{_absolute(item.url)}"
        try:
            EmailMessage(item.subject, body, to=[item.user.email]).send()
        except Exception:  # the inbox has it; never undo the committed change
            logger.exception("notification %s: e-mail to user %s failed", item.pk, item.user_id)
            continue
        Notification.objects.filter(pk=item.pk).update(emailed=True)


def notify(
    *, users: Iterable[Any], message: Message, lpse: Any = None, email: bool = True
) -> list[Notification]:
    """Put `message` into each user's inbox and e-mail it after the commit."""
    created: list[Notification] = []
    now = clock.now()
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        subject, body = _render(message, getattr(user, "preferred_language", "") or "id")
        created.append(
            Notification(
                user=user,
                topic=message.topic[:60],
                subject=subject,
                body=body,
                url=message.url[:300],
                lpse=lpse,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(created)
    if email and created:
        ids = [n.pk for n in created if n.pk is not None]
        if not ids:  # backends that do not return keys from bulk_create
            ids = list(
                Notification.objects.filter(
                    user_id__in=seen, created_at=now, topic=message.topic[:60]
                ).values_list("pk", flat=True)
            )
        transaction.on_commit(lambda: _send(ids))
    return created


def send_mail_to_address(*, address: str, message: Message, language: str = "id") -> None:
    """E-mail someone who has no account yet (the registration confirmation link), after the
    commit of the current transaction (at once outside one)."""
    subject, body = _render(message, language)
    if message.url:
        body = f"{body}\n\n{_absolute(message.url)}"

    def send() -> None:
        # After the commit: a mail server that is down must not turn a saved change into an
        # error page. The failure is logged; the person can ask for the mail again.
        try:
            EmailMessage(subject, body, to=[address]).send()
        except Exception:
            logger.exception("e-mail to an address without an inbox failed")

    transaction.on_commit(send)


def inbox(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def access_notification(*, user: Any, notification_id: int) -> Notification:
    item = Notification.objects.filter(pk=notification_id, user_id=user.pk).first()
    if item is None:
        raise errors.NotFound()
    return item


def notification_mark_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one (or, with None, every) unread message of the user as read; returns how many."""
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=clock.now())
