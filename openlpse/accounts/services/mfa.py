"""Two-factor authentication with TOTP (django-otp): enrolment, recovery codes, removal.

A user has at most one confirmed TOTP device (their authenticator app) and one static device
holding single-use recovery codes. Enrolment creates an unconfirmed device, shows its secret
as a QR code, and confirms it with a first code; replacing a phone works the same way while
the old device stays valid until the new one is confirmed.
"""

from __future__ import annotations

import secrets
from base64 import b32encode

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import selectors
from openlpse.accounts.models.access_log import AccessEvent
from openlpse.accounts.models.user import User
from openlpse.accounts.services.access_log import access_log_record
from openlpse.accounts.services.users import reauthenticate
from openlpse.core import audit, errors

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # about 49 bits each, and every wrong try is throttled


class WrongEnrolmentCode(errors.DomainError):
    code = "invalid_code"
    http_status = 400
    default_message = _(
        "This code does not match. Check that your phone's clock is set automatically, then "
        "enter the 6-digit code your app shows now."
    )


def format_recovery_code(token: str) -> str:
    return f"{token[:5]}-{token[5:]}"


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps want it typed: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    tokens = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(_RECOVERY_LENGTH))
        for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in tokens])
    return [format_recovery_code(token) for token in tokens]


def mfa_enrolment_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the existing unconfirmed one, or a new one."""
    pending = selectors.user_pending_totp(user)
    if pending is not None:
        return pending
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit.record(
            actor=user, action="mfa.enrolment_start", obj=user, changes={"device_id": device.pk}
        )
    return device


def mfa_replace_start(*, user: User, password: str) -> TOTPDevice:
    """Start moving the second factor to a new phone; the old one works until confirmed."""
    reauthenticate(user=user, password=password)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit.record(
            actor=user,
            action="mfa.enrolment_start",
            obj=user,
            changes={"device_id": device.pk, "replace": True},
        )
    return device


def mfa_enrolment_cancel(*, user: User) -> None:
    with transaction.atomic():
        deleted, _detail = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        if deleted:
            audit.record(actor=user, action="mfa.enrolment_cancel", obj=user)


def mfa_enrolment_confirm(*, user: User, device_id: int, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the new device with its first code. Returns it and 10 fresh recovery codes."""
    token = "".join(code.split())
    # Verified in its own transaction so that django-otp's failure counter is kept on refusal.
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise errors.NotFound(
                _("This enrolment is no longer open. Reload the page to start again.")
            )
        verified = token.isdigit() and device.verify_token(token)
    if not verified:
        raise WrongEnrolmentCode()
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced = list(
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).values_list("pk", flat=True)
        )
        TOTPDevice.objects.filter(pk__in=replaced).delete()
        codes = _new_recovery_codes(user)
        access_log_record(
            event=AccessEvent.MFA_ENABLED,
            user=user,
            changes={
                "device_id": device.pk,
                "replaced_device_ids": replaced,
                "recovery_codes": RECOVERY_CODE_COUNT,
            },
        )
    return device, codes


def mfa_recovery_codes_regenerate(*, user: User, password: str) -> list[str]:
    """Replace all recovery codes (the old ones stop working). Needs the password."""
    reauthenticate(user=user, password=password)
    if not selectors.user_has_confirmed_totp(user):
        raise errors.Conflict(
            _("Turn on two-factor authentication first; recovery codes come with it.")
        )
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit.record(
            actor=user,
            action="mfa.recovery_codes_regenerate",
            obj=user,
            changes={"count": RECOVERY_CODE_COUNT},
        )
    return codes


def mfa_disable(*, user: User, password: str) -> None:
    """Turn two-factor authentication off: only for users whose roles do not require it."""
    if selectors.user_requires_mfa(user):
        raise errors.PermissionDenied(
            _(
                "Your roles require two-factor authentication, so it cannot be turned off. "
                "To move it to a new phone, use “Replace authenticator”."
            )
        )
    reauthenticate(user=user, password=password)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        access_log_record(event=AccessEvent.MFA_DISABLED, user=user)


def mfa_reset_by_admin(*, actor: User, user: User, reason: str) -> None:
    """Remove a person's authenticator and recovery codes when they lost both (helpdesk case).

    Only the platform operator or an administrator of an LPSE where the person holds a role may
    do it, never for themselves, and only with a reason (the LPSE checks the person's identity
    as for registration, LT 12 / KA 12). The person must enrol a new authenticator at their
    next sign-in when their roles require one; open sessions lose their verified second factor
    at once because the device they were verified with no longer exists.
    """
    from openlpse.accounts.services.users import may_administer_user

    if actor.pk == user.pk:
        raise errors.PermissionDenied(
            _("You cannot reset your own two-factor authentication; ask another administrator.")
        )
    if not may_administer_user(actor, user):
        raise errors.PermissionDenied(
            _(
                "Only an administrator of an LPSE where this person holds a role can reset "
                "their two-factor authentication."
            )
        )
    reason = reason.strip()
    if not reason:
        raise errors.ValidationError(
            fields={"reason": [_("Give the reason for this reset; it is kept in the audit log.")]}
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed_totp, _detail = TOTPDevice.objects.filter(user=locked).delete()
        removed_static, _detail = StaticDevice.objects.filter(user=locked).delete()
        if not removed_totp and not removed_static:
            raise errors.Conflict(_("This person has no two-factor authentication to reset."))
        access_log_record(event=AccessEvent.MFA_DISABLED, user=locked, detail="reset_by_admin")
        audit.record(
            actor=actor,
            action="mfa.reset_by_admin",
            obj=locked,
            changes={"reason": reason[:300]},
        )
