"""Password reset by e-mail, with Django's signed, single-use tokens.

The answer is the same whether or not the address has an account (ASVS 6.3.8): the request
is logged either way and a mail goes out only to an active account with that address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from openlpse.accounts.models.access_log import AccessEvent
from openlpse.accounts.models.user import User
from openlpse.accounts.services.access_log import access_log_record
from openlpse.accounts.services.throttle import (
    password_reset_mail_allowed,
    password_reset_throttle_check,
)
from openlpse.core import request_context

# (uidb64, token) -> absolute URL of the reset page
LinkBuilder = Callable[[str, str], str]


def reset_link_parts(user: User) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def _send_reset_mail(user: User, link: str) -> None:
    with translation.override(user.preferred_language):
        context = {"user": user, "link": link, "site_name": "OpenLPSE"}
        subject = "".join(
            render_to_string("accounts/email/password_reset_subject.txt", context).splitlines()
        )
        body = render_to_string("accounts/email/password_reset_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def password_reset_request(*, email: str, build_link: LinkBuilder) -> None:
    """Log the request and, for an active account with that address, mail a reset link
    after commit. Raises Throttled when this address has asked too often."""
    email = email.strip()
    password_reset_throttle_check(ip=request_context.current().ip)
    allowed = password_reset_mail_allowed(email=email)
    # Accounts created without a password (by an administrator) get theirs this way too.
    users = list(User.objects.filter(email__iexact=email, is_active=True))
    with transaction.atomic():
        if not users:
            access_log_record(
                event=AccessEvent.PASSWORD_RESET_REQUESTED, user=None, username_attempted=email
            )
        for user in users:
            access_log_record(
                event=AccessEvent.PASSWORD_RESET_REQUESTED,
                user=user,
                username_attempted=email,
                detail="" if allowed else "not_sent_limit",
            )
            if allowed:
                transaction.on_commit(
                    partial(_send_reset_mail, user, build_link(*reset_link_parts(user)))
                )
