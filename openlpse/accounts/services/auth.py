"""Sign-in, second factor at sign-in, sign-out and session expiry: the decisions and the records.

The session handling itself (Django's login, the pending second-factor step) lives in
`services.sessions`; these functions decide and write the access log and audit chain.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import selectors
from openlpse.accounts.models.access_log import AccessEvent
from openlpse.accounts.models.user import User
from openlpse.accounts.services.access_log import access_log_record
from openlpse.accounts.services.throttle import login_throttle_check
from openlpse.core import errors, request_context


class InvalidCredentials(errors.DomainError):
    """One answer for an unknown name, a wrong password and an inactive account (ASVS 6.3.8)."""

    code = "invalid_credentials"
    http_status = 400
    default_message = _(
        "The user name, e-mail address or password is not correct. Check them and try again."
    )


class InvalidSecondFactor(errors.DomainError):
    code = "invalid_code"
    http_status = 400
    default_message = _(
        "This code is not valid. Enter the current 6-digit code from your authenticator app, "
        "or one of your unused recovery codes."
    )


def _throttle_or_record(*, identifier: str, user: User | None) -> None:
    """Refuse (and log) a throttled attempt before any secret is checked."""
    try:
        login_throttle_check(identifier=identifier, ip=request_context.current().ip, user=user)
    except errors.Throttled:
        access_log_record(
            event=AccessEvent.LOGIN_THROTTLED, user=user, username_attempted=identifier
        )
        raise


def login_check_password(*, request: HttpRequest | None, identifier: str, password: str) -> User:
    """First sign-in step: throttle, then the password. Returns the user or raises.

    Raises Throttled (with the wait) or InvalidCredentials; both are written to the access log.
    """
    identifier = identifier.strip()
    account = selectors.user_by_identifier(identifier)
    _throttle_or_record(identifier=identifier, user=account)
    user = authenticate(request, username=identifier, password=password)
    if not isinstance(user, User):
        access_log_record(
            event=AccessEvent.LOGIN_FAILED, user=account, username_attempted=identifier
        )
        raise InvalidCredentials()
    return user


def _normalize_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def login_check_second_factor(*, user: User, code: str) -> Device:
    """Second step: a TOTP code or an unused recovery code. Returns the device that accepted it.

    A TOTP code is accepted once (django-otp keeps the last time step used), a recovery code
    is deleted when used. Wrong codes count towards sign-in throttling.
    """
    _throttle_or_record(identifier=user.username, user=user)
    token = _normalize_code(code)
    devices: list[Device]
    if token.isdigit() and len(token) == 6:
        devices = list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))
        detail = "totp"
    else:
        devices = list(StaticDevice.objects.filter(user_id=user.pk, confirmed=True))
        detail = "recovery_code"
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    access_log_record(event=AccessEvent.MFA_FAILED, user=user, detail=detail)
    raise InvalidSecondFactor()


def login_record(*, user: User, device: Device | None, lpse_id: int | None = None) -> None:
    """Write the sign-in (and the accepted second factor) to the access log and audit chain."""
    with transaction.atomic():
        if device is not None:
            kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
            access_log_record(
                event=AccessEvent.MFA_VERIFIED, user=user, detail=kind, lpse_id=lpse_id
            )
        access_log_record(event=AccessEvent.LOGIN, user=user, lpse_id=lpse_id)


def mfa_record_verified(*, user: User, device: Device) -> None:
    """A signed-in session proved its second factor later (the device was added elsewhere)."""
    kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    access_log_record(event=AccessEvent.MFA_VERIFIED, user=user, detail=kind)


def logout_record(*, user: User) -> None:
    access_log_record(event=AccessEvent.LOGOUT, user=user)


def session_expired_record(*, user: User, reason: str) -> None:
    access_log_record(event=AccessEvent.SESSION_EXPIRED, user=user, detail=reason)
