"""Sign-in, second factor at sign-in, sign-out and session expiry: the decisions and the records.

The session handling itself (Django's login, the pending second-factor step) lives in
`services.sessions`; these functions decide and write the access log and audit chain.

Refusals after a correct password (issue 3 items 7 and 8) say why, because the person has proved
who they are: a deactivated account (LT 12(4), KA 12(4)) gives its reason and until when; an
official whose every appointment has ended, or whose appointment has not started yet, is told
the date and whom to ask (LT 25(1)b, 25(7): accounts stop working when the term ends). A wrong
password never says more than "not correct".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import dates
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import permissions, selectors
from openlpse.accounts.enums import Role
from openlpse.accounts.models.access_log import AccessEvent
from openlpse.accounts.models.roles import RoleAssignment
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


class SignInRefused(errors.PermissionDenied):
    """The password was right, but this account may not sign in now (the message says why)."""

    code = "sign_in_refused"
    http_status = 403


class AccountDeactivated(SignInRefused):
    code = "account_deactivated"
    until: dt.date | None = None
    default_message = _(
        "Your account is deactivated. Contact the LPSE that manages your account to ask why "
        "and how to reactivate it."
    )


class TermEnded(SignInRefused):
    code = "term_ended"
    ended_on: dt.date | None = None
    default_message = _(
        "Your appointment has ended, so this account can no longer sign in. Ask your agency's "
        "administrator to register your new appointment letter (SK)."
    )


class AppointmentNotStarted(SignInRefused):
    code = "appointment_not_started"
    starts_on: dt.date | None = None
    default_message = _("Your appointment has not started yet. You can sign in from its first day.")


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


def date_label(day: dt.date) -> str:
    """'21 November 2026', the month in the active language."""
    return f"{day.day} {dates.MONTHS[day.month]} {day.year}"


def deactivation_refusal(*, user: User) -> AccountDeactivated:
    """What a deactivated account's holder is told after a correct password: the reason, until
    when (for a blacklist period still running) and whom to contact (LT 12(4), KA 12(4))."""
    reason = user.deactivation_reason.strip().rstrip(".")
    if reason:
        parts = [gettext("Your account is deactivated: %(reason)s.") % {"reason": reason}]
    else:
        parts = [gettext("Your account is deactivated.")]
    until = user.deactivated_until
    if until is not None and until >= permissions.today():
        parts.append(gettext("It stays deactivated until %(date)s.") % {"date": date_label(until)})
    parts.append(
        gettext(
            "If you think this is a mistake, or to ask for reactivation, contact the LPSE that "
            "manages your account."
        )
    )
    refusal = AccountDeactivated(" ".join(parts))
    refusal.until = until
    return refusal


def _term_ended(role: str, ended_on: dt.date) -> TermEnded:
    date = date_label(ended_on)
    if role == Role.AUDITOR:
        # LT 25(7): an auditor's access lasts as long as the surat tugas.
        message = gettext(
            "Your auditor access ended on %(date)s, with the period of your letter of assignment "
            "(surat tugas). For a new assignment, submit the new surat tugas to the LPSE."
        )
    elif role in permissions.AGENCY_OFFICIAL_ROLES:
        message = gettext(
            "Your appointment ended on %(date)s, so this account can no longer sign in. If you "
            "have been appointed again, ask your agency's administrator to register the new "
            "appointment letter (SK)."
        )
    else:
        message = gettext(
            "Your appointment ended on %(date)s, so this account can no longer sign in. If you "
            "have been appointed again, ask the LPSE administrator to register the new "
            "appointment letter (SK)."
        )
    refusal = TermEnded(message % {"date": date})
    refusal.ended_on = ended_on
    return refusal


def appointment_refusal(*, user: User) -> SignInRefused | None:
    """Why an official may not sign in although the password was right, or None.

    Refused: a person whose every role assignment is over (its end date passed or revoked),
    with none in force and none still to start, who holds no vendor role and is not an
    operator: their term ended (LT 25(1)b, 25(7)). A person whose only appointments start
    later is told the first day. People without any role assignment (a vendor still
    registering, a new account) sign in as usual; so do vendor people, whose access the vendors
    app decides. The LPSE, agency or work unit being deactivated does not count here: that
    stops the role's powers, not the person's sign-in. One query.
    """
    if user.is_superuser:
        return None
    rows = list(
        RoleAssignment.objects.filter(user_id=user.pk).values_list(
            "role", "starts_on", "ends_on", "revoked_at"
        )
    )
    if not rows:
        return None
    today = permissions.today()
    zone = ZoneInfo(permissions.REFERENCE_ZONE)
    upcoming: list[dt.date] = []
    ended: list[tuple[dt.date, str]] = []
    for role, starts_on, ends_on, revoked_at in rows:
        if role in permissions.VENDOR_ROLES:
            return None
        if revoked_at is not None:
            revoked_on = revoked_at.astimezone(zone).date()
            ended.append((min(revoked_on, ends_on) if ends_on else revoked_on, role))
        elif starts_on > today:
            upcoming.append(starts_on)
        elif ends_on is None or ends_on >= today:
            return None  # in force today
        else:
            ended.append((ends_on, role))
    if upcoming:
        first = min(upcoming)
        refusal = AppointmentNotStarted(
            gettext(
                "Your appointment has not started yet: it starts on %(date)s. You can sign in "
                "from that day."
            )
            % {"date": date_label(first)}
        )
        refusal.starts_on = first
        return refusal
    ended_on, role = max(ended)
    return _term_ended(role, ended_on)


def login_check_password(*, request: HttpRequest | None, identifier: str, password: str) -> User:
    """First sign-in step: throttle, then the password, then whether the account may sign in.
    Returns the user or raises.

    Raises Throttled (with the wait), InvalidCredentials, or a SignInRefused (AccountDeactivated,
    TermEnded, AppointmentNotStarted) when the password was right; all are written to the access
    log.
    """
    identifier = identifier.strip()
    account = selectors.user_by_identifier(identifier)
    _throttle_or_record(identifier=identifier, user=account)
    if account is not None and not account.is_active:
        # The backend refuses a deactivated account whatever the password. Check the password
        # here, with the same single hash the backend computes (so the answer takes as long):
        # only its holder learns why; a wrong password gets the same answer as ever.
        if account.check_password(password):
            deactivated = deactivation_refusal(user=account)
            access_log_record(
                event=AccessEvent.LOGIN_REFUSED,
                user=account,
                username_attempted=identifier,
                detail=deactivated.code,
            )
            raise deactivated
        access_log_record(
            event=AccessEvent.LOGIN_FAILED, user=account, username_attempted=identifier
        )
        raise InvalidCredentials()
    user = authenticate(request, username=identifier, password=password)
    if not isinstance(user, User):
        access_log_record(
            event=AccessEvent.LOGIN_FAILED, user=account, username_attempted=identifier
        )
        raise InvalidCredentials()
    refusal = appointment_refusal(user=user)
    if refusal is not None:
        access_log_record(
            event=AccessEvent.LOGIN_REFUSED,
            user=user,
            username_attempted=identifier,
            detail=refusal.code,
        )
        raise refusal
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
