"""The e-mail that lets a person registered by someone else choose their first password.

Accounts made for officials and auditors have no password. Their holder gets a link to the
password-reset page (Django's signed, single-use token, valid for PASSWORD_RESET_TIMEOUT), sent
after the commit to the address on the account. The link is never stored: it goes by e-mail
only, not into the in-app inbox.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from openlpse.accounts.models.user import User
from openlpse.accounts.services.passwords import reset_link_parts
from openlpse.core.notifications import Message, Text, send_mail_to_address


def invitation_send(*, user: User, topic: str, intro: Text, second_factor: bool = True) -> None:
    """Queue the invitation: `intro` (run in the person's language) says who registered them
    and as what; the rest explains the user name, the link and, for those who must use it
    (officials, auditors; not vendor staff), the second factor."""
    uidb64, token = reset_link_parts(user)
    url = reverse("accounts:password_reset_confirm", args=[uidb64, token])
    username = user.username

    def subject() -> str:
        return gettext("Your OpenLPSE account is ready: choose your password")

    def body() -> str:
        rest = gettext(
            "Your user name is %(username)s (you may also sign in with this e-mail address). "
            "To start, choose your password with the link below. The link works once and "
            "expires after a few days; if it has expired, use “Forgot password?” on the "
            "sign-in page with this e-mail address."
        ) % {"username": username}
        if second_factor:
            rest += " " + gettext(
                "At your first sign-in you will set up two-factor authentication with an "
                "authenticator app."
            )
        return f"{intro()}\n\n{rest}"

    send_mail_to_address(
        address=user.email,
        message=Message(topic, subject=subject, body=body, url=url),
        language=user.preferred_language,
    )
