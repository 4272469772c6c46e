"""Sign-up of a vendor by e-mail (LT 25(1)a.1): a person gives an e-mail address and the LPSE
that should verify the company; a signed link valid for 48 hours is mailed to that address
(`signup_request`). The link proves the address: the person chooses a user ID and password,
which creates the account and a draft vendor registered by it (`signup_confirm`). The
registration then continues in services.registration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.models.user import User
from openlpse.accounts.services.users import clean_email, user_create
from openlpse.core import audit, clock, errors
from openlpse.core.models import AuditEvent
from openlpse.core.notifications import Message, send_mail_to_address
from openlpse.core.portal import active_lpses
from openlpse.organizations.models import Lpse
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.errors import mask_email
from openlpse.vendors.models import Vendor

SIGNUP_SALT = "openlpse.vendors.signup"
SIGNUP_LINK_VALIDITY = dt.timedelta(hours=48)
# At most this many confirmation mails per address and hour; more requests are accepted
# silently (the answer never tells whether a mail went out) and send nothing.
SIGNUP_MAILS_PER_HOUR = 3
ADMIN_NAME_MAX = 200

_LANGUAGES = {code for code, _label in settings.LANGUAGES}


def normalise_email(value: str, *, field: str = "email") -> str:
    """A company's e-mail address (accounts.services.users.clean_email, with a company
    example in the message)."""
    return clean_email(value, field=field, example="name@company.co.id")


def _email_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignupClaim:
    """What a valid confirmation link proves: this person reads mail at `email`."""

    email: str
    lpse: Lpse
    language: str
    issued_at: dt.datetime


def _email_in_use() -> errors.Conflict:
    message = _(
        "An account already uses this e-mail address. Sign in with it, or use “Forgot your "
        "password?” on the sign-in page if you do not remember the password."
    )
    return errors.Conflict(message, code="email_in_use", fields={"email": [message]})


def signup_token(*, email: str, lpse: Lpse, language: str) -> str:
    """A signed link token (HMAC of the secret key) with its issue time from the clock."""
    payload = {
        "e": email,
        "l": lpse.pk,
        "g": language,
        "t": int(clock.now().timestamp()),
    }
    return signing.dumps(payload, salt=SIGNUP_SALT, compress=True)


def signup_request(*, email: str, lpse: Lpse | None, language: str = "id") -> bool:
    """Mail a confirmation link to `email` (sent after the commit). Returns False when the
    address had enough mails this hour and nothing was sent; callers answer the same way."""
    address = normalise_email(email)
    if lpse is None or not active_lpses().filter(pk=lpse.pk).exists():
        raise errors.field_error(
            "lpse", _("Choose the LPSE where your company will be verified."), code="invalid"
        )
    if language not in _LANGUAGES:
        raise errors.field_error("language", _("Choose Indonesian or English."))
    if User.objects.filter(email__iexact=address).exists():
        raise _email_in_use()
    digest = _email_hash(address)
    since = clock.now() - dt.timedelta(hours=1)
    sent = AuditEvent.objects.filter(
        action="vendor.signup_request", occurred_at__gte=since, changes__email_hash=digest
    ).count()
    if sent >= SIGNUP_MAILS_PER_HOUR:
        return False
    token = signup_token(email=address, lpse=lpse, language=language)
    hours = int(SIGNUP_LINK_VALIDITY.total_seconds() // 3600)
    lpse_name = lpse.name
    message = Message(
        topic="vendor.signup",
        subject=lambda: _("Confirm your e-mail address to register your company"),
        body=lambda: (
            _(
                "Someone (we hope you) started registering a company as a vendor with this e-mail "
                "address, to be verified by %(lpse)s.\n\n"
                "Open the link below within %(hours)d hours to confirm the address and choose your "
                "user ID and password. If you did not ask for this, ignore this e-mail: nothing "
                "happens without the link."
            )
            % {"lpse": lpse_name, "hours": hours}
        ),
        url=reverse("vendors:signup_confirm", args=[token]),
    )
    with transaction.atomic():
        send_mail_to_address(address=address, message=message, language=language)
        audit.record(
            actor=None,
            action="vendor.signup_request",
            changes={
                "email_hash": digest,
                "email": mask_email(address),
                "lpse": lpse.slug,
                "language": language,
            },
            lpse_id=lpse.pk,
        )
    return True


def signup_claim(*, token: str) -> SignupClaim:
    """Read a confirmation link. Raises ValidationError (code signup_link_invalid or
    signup_link_expired) or Conflict (signup_already_confirmed: the account exists)."""
    try:
        payload = signing.loads(token, salt=SIGNUP_SALT)
        address, lpse_id, language = str(payload["e"]), int(payload["l"]), str(payload["g"])
        issued_at = dt.datetime.fromtimestamp(int(payload["t"]), tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise errors.ValidationError(
            _(
                "This confirmation link is not valid. It may have been copied incompletely from "
                "the e-mail. Start the registration again to receive a new link."
            ),
            code="signup_link_invalid",
        ) from None
    if clock.now() - issued_at > SIGNUP_LINK_VALIDITY:
        raise errors.ValidationError(
            _(
                "This confirmation link has expired: links are valid for %(hours)d hours. Start "
                "the registration again to receive a new link."
            )
            % {"hours": int(SIGNUP_LINK_VALIDITY.total_seconds() // 3600)},
            code="signup_link_expired",
        )
    if User.objects.filter(email__iexact=address).exists():
        raise errors.Conflict(
            _(
                "This e-mail address is already confirmed and its account exists. Sign in with "
                "your user name and password to continue the registration."
            ),
            code="signup_already_confirmed",
        )
    lpse = active_lpses().filter(pk=lpse_id).first()
    if lpse is None:
        raise errors.ValidationError(
            _(
                "The LPSE chosen in this link no longer takes registrations. Start the "
                "registration again and choose another LPSE."
            ),
            code="signup_link_invalid",
        )
    if language not in _LANGUAGES:
        language = settings.LANGUAGE_CODE
    return SignupClaim(email=address, lpse=lpse, language=language, issued_at=issued_at)


def signup_confirm(*, token: str, username: str, password: str, admin_name: str) -> Vendor:
    """Create the person's account and their draft vendor in one transaction (LT 25(1)a.1).

    The account holds no vendor role yet: it may edit and submit this registration only, until
    the verifikator approves it. The caller signs the person in."""
    claim = signup_claim(token=token)
    admin_name = " ".join((admin_name or "").split())
    if not admin_name:
        raise errors.field_error(
            "admin_name", _("Enter your full name as it is written on your KTP.")
        )
    if len(admin_name) > ADMIN_NAME_MAX:
        raise errors.field_error("admin_name", _("Use at most 200 characters for the name."))
    now = clock.now()
    try:
        with transaction.atomic():
            user = user_create(
                actor=None,
                username=username,
                email=claim.email,
                password=password,
                full_name=admin_name,
                preferred_language=claim.language,
            )
            vendor = Vendor.objects.create(
                name="",
                status=VendorStatus.DRAFT,
                registration_lpse=claim.lpse,
                email=claim.email,
                admin_name=admin_name,
                created_by=user,
                email_confirmed_at=now,
                created_at=now,
                updated_at=now,
            )
            audit.record(
                actor=user,
                action="vendor.register",
                obj=vendor,
                changes={
                    "username": user.username,
                    "email": claim.email,
                    "registration_lpse": claim.lpse.slug,
                    "admin_name": admin_name,
                },
                lpse_id=claim.lpse.pk,
            )
    except errors.ValidationError as exc:
        if "email" in exc.fields:  # the same link used twice at once: the other one won
            signup_claim(token=token)
        raise
    return vendor
