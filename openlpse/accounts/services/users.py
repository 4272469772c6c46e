"""Writes on user accounts: create, profile, password, activation. Each one audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openlpse.accounts import selectors
from openlpse.accounts.enums import Role
from openlpse.accounts.models.access_log import AccessEvent
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.services.access_log import access_log_record
from openlpse.accounts.services.throttle import login_throttle_check
from openlpse.core import audit, clock, errors, request_context

USERNAME_MAX = 150
_LANGUAGES = {code for code, _label in settings.LANGUAGES}


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise errors.field_error("username", _("Enter a user name."))
    if len(username) > USERNAME_MAX:
        raise errors.field_error(
            "username", _("The user name is too long. Use at most 150 characters.")
        )
    if "@" in username:
        # A name with "@" would be read as an e-mail address at sign-in.
        raise errors.field_error(
            "username", _("A user name cannot contain “@”. Use letters, digits and . + - _ only.")
        )
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError:
        raise errors.field_error(
            "username", _("A user name may contain only letters, digits and . + - _ (no spaces).")
        ) from None
    return username


def clean_email(email: str, *, field: str = "email", example: str = "name@example.go.id") -> str:
    """The address normalised, or a field error that says what a valid one looks like. Every
    form that takes an e-mail address uses this (accounts, officials, auditors, vendors)."""
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise errors.field_error(field, _("Enter an e-mail address."))
    try:
        validate_email(email)
    except DjangoValidationError:
        raise errors.field_error(
            field,
            _("Enter a valid e-mail address, such as %(example)s.") % {"example": example},
        ) from None
    return email


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise errors.ValidationError(fields={field: list(exc.messages)}) from None


def _check_unique(
    *, username: str | None, email: str | None, exclude_pk: int | None = None
) -> None:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk is not None else User.objects.all()
    problems: dict[str, list[Any]] = {}
    if username is not None and others.filter(username__iexact=username).exists():
        problems["username"] = [
            _("The user name “%(username)s” is already taken. Choose another one.")
            % {"username": username}
        ]
    if email is not None and others.filter(email__iexact=email).exists():
        problems["email"] = [
            _("Another account already uses this e-mail address. Use a different address.")
        ]
    if problems:
        raise errors.ValidationError(fields=problems)


def _may_manage_users(actor: Any) -> bool:
    if actor is None:
        return True  # the system itself: demo data, self-registration (checked by its caller)
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return selectors._active_assignments(actor, {Role.LPSE_ADMIN, Role.AGENCY_ADMIN}).exists()


def user_create(
    *,
    username: str,
    email: str,
    actor: User | None,
    password: str | None = None,
    full_name: str = "",
    phone: str = "",
    preferred_language: str = "id",
    is_staff: bool = False,
) -> User:
    """Create an account. Name and e-mail are unique without regard to case.

    Without a password the account cannot sign in until a password is set by reset.
    `actor` None means the system (demo data, or a registration service that checked itself).
    """
    if not _may_manage_users(actor):
        raise errors.PermissionDenied(_("Only administrators can create accounts."))
    username = _check_username(username)
    email = clean_email(email)
    if preferred_language not in _LANGUAGES:
        raise errors.field_error("preferred_language", _("Choose Indonesian or English."))
    user = User(
        username=username,
        email=email,
        full_name=full_name.strip()[:200],
        phone=phone.strip()[:40],
        preferred_language=preferred_language,
        is_staff=is_staff,
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
        user.password_changed_at = clock.now()
    else:
        user.set_unusable_password()
    with transaction.atomic():
        _check_unique(username=username, email=email)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Lost a race with another request creating the same name: same clear error.
            _check_unique(username=username, email=email)
            raise
        audit.record(
            actor=actor,
            action="user.create",
            obj=user,
            changes={"username": username, "email": email, "is_staff": is_staff},
        )
    return user


def user_update_profile(
    *, user: User, actor: User, full_name: str, phone: str, preferred_language: str
) -> User:
    if not (actor.pk == user.pk or actor.is_superuser):
        raise errors.PermissionDenied(_("You can change only your own profile."))
    if preferred_language not in _LANGUAGES:
        raise errors.field_error("preferred_language", _("Choose Indonesian or English."))
    new = {
        "full_name": full_name.strip()[:200],
        "phone": phone.strip()[:40],
        "preferred_language": preferred_language,
    }
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changes = {k: [getattr(locked, k), v] for k, v in new.items() if getattr(locked, k) != v}
        if not changes:
            return locked
        for key, value in new.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(new))
        audit.record(actor=actor, action="user.update_profile", obj=locked, changes=changes)
    for key, value in new.items():
        setattr(user, key, value)
    return user


def reauthenticate(*, user: User, password: str, field: str = "password") -> None:
    """Confirm the current password before a sensitive change (ASVS 7.5.1).

    Wrong answers count as failed sign-ins, so a stolen session cannot guess the password.
    """
    login_throttle_check(identifier=user.username, ip=request_context.current().ip, user=user)
    if not user.check_password(password):
        access_log_record(event=AccessEvent.LOGIN_FAILED, user=user, detail="reauthentication")
        raise errors.field_error(field, _("Your current password is not correct. Enter it again."))


def user_change_password(
    *, user: User, actor: User, current_password: str, new_password: str
) -> User:
    """Change one's own password. Other sessions of the user end (ASVS 7.4.3).

    Django ties every session to a hash of the password, so sessions signed in with the old
    password are refused from their next request; the caller keeps its own session alive with
    `update_session_auth_hash`.
    """
    if actor.pk != user.pk:
        raise errors.PermissionDenied(_("You can change only your own password."))
    reauthenticate(user=user, password=current_password, field="current_password")
    if current_password == new_password:
        raise errors.field_error(
            "new_password1", _("The new password must be different from the current one.")
        )
    _check_password(new_password, user, field="new_password1")
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = clock.now()
        user.save(update_fields=["password", "password_changed_at"])
        access_log_record(event=AccessEvent.PASSWORD_CHANGED, user=user)
    return user


def user_set_password_after_reset(*, user: User, new_password: str) -> User:
    """Set a password from a valid reset link. The second factor still applies at sign-in
    (ASVS 6.4.3): this only changes the password and never signs the user in."""
    _check_password(new_password, user, field="new_password1")
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = clock.now()
        user.save(update_fields=["password", "password_changed_at"])
        access_log_record(event=AccessEvent.PASSWORD_RESET_DONE, user=user)
    return user


def may_administer_user(actor: User, user: User) -> bool:
    """The platform operator, or an administrator of an LPSE where `user` holds a role."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    admin_lpses = selectors._active_assignments(actor, {Role.LPSE_ADMIN}).values_list(
        "lpse_id", flat=True
    )
    return RoleAssignment.objects.filter(user_id=user.pk, lpse_id__in=admin_lpses).exists()


def user_set_active(*, user: User, is_active: bool, actor: User, reason: str) -> User:
    """Deactivate (or reactivate) an account. A deactivated user's sessions stop at once:
    Django refuses inactive users when it loads the session's user."""
    if actor.pk == user.pk:
        raise errors.PermissionDenied(_("You cannot deactivate or reactivate your own account."))
    if not may_administer_user(actor, user):
        raise errors.PermissionDenied(
            _(
                "Only an administrator of an LPSE where this person holds a role can change their account."
            )
        )
    reason = reason.strip()
    if not reason:
        raise errors.field_error(
            "reason", _("Give the reason for this change; it is kept in the audit log.")
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active == is_active:
            return locked
        locked.is_active = is_active
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="user.activate" if is_active else "user.deactivate",
            obj=locked,
            changes={"is_active": [not is_active, is_active], "reason": reason[:300]},
        )
    user.is_active = is_active
    return user


# --- deactivation for a decision (LT 12(4), KA 12(4)) ------------------------------------------
#
# Building blocks for the services that decide a deactivation (the blacklist and deactivation for
# a violation, in openlpse.vendors.services): those check who may act; these change the account.
# A deactivated account stops at once everywhere: Django refuses an inactive user when it loads
# a session, so every session ends on its next request, and every API token is revoked (not just
# refused), so a token never silently works again when the account is reactivated.

DEACTIVATION_REF_MAX = 60


def _lasts_longer(new_until: dt.date | None, old_until: dt.date | None) -> bool:
    """Does a deactivation until `new_until` outlast one until `old_until`? None is open-ended."""
    if old_until is None:
        return False
    return new_until is None or new_until > old_until


def _revoke_all_tokens(*, user: User, actor: User | None) -> list[str]:
    """Revoke every unrevoked API token of `user`; returns their prefixes (for the audit)."""
    from openlpse.accounts.models.tokens import ApiToken

    live = ApiToken.objects.select_for_update().filter(user_id=user.pk, revoked_at__isnull=True)
    prefixes = list(live.values_list("prefix", flat=True))
    if prefixes:
        ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now(), revoked_by=actor
        )
    return prefixes


def _check_decision(*, user: User, actor: User | None, reason: str, ref: str) -> str:
    if actor is not None and actor.pk == user.pk:
        raise errors.PermissionDenied(_("You cannot deactivate or reactivate your own account."))
    reason = reason.strip()
    if not reason:
        raise errors.field_error(
            "reason", _("Give the reason for this change; it is kept in the audit log.")
        )
    if len(ref) > DEACTIVATION_REF_MAX:
        raise ValueError("deactivation_ref is at most 60 characters")
    return reason


def user_deactivate(
    *,
    user: User,
    actor: User | None,
    reason: str,
    until: dt.date | None = None,
    ref: str = "",
) -> User:
    """Deactivate `user` because of a decision `ref` (e.g. "blacklist:12") until `until`
    (None: until reactivated). The caller has checked that `actor` may decide this; `actor`
    None is the system (the chronograph).

    Sessions end at their next request and every API token is revoked. When the account is
    already deactivated, the decision that lasts longer is kept (an open-ended one, such as an
    administrator's or a violation's, lasts longest), so the end of the shorter one never
    reactivates the account early.
    """
    reason = _check_decision(user=user, actor=actor, reason=reason, ref=ref)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        revoked = _revoke_all_tokens(user=locked, actor=actor)
        replace = locked.is_active or _lasts_longer(until, locked.deactivated_until)
        if not replace:
            if revoked:
                audit.record(
                    actor=actor,
                    action="user.tokens_revoke",
                    obj=locked,
                    changes={
                        "tokens_revoked": revoked,
                        "ref": ref,
                        "kept_ref": locked.deactivation_ref,
                    },
                )
            return locked
        changes: dict[str, Any] = {
            "is_active": [locked.is_active, False],
            "reason": reason[:300],
            "until": until.isoformat() if until else None,
            "ref": ref,
            "tokens_revoked": revoked,
        }
        if not locked.is_active:
            changes["replaces_ref"] = locked.deactivation_ref
        locked.is_active = False
        locked.deactivation_reason = reason[:300]
        locked.deactivated_until = until
        locked.deactivation_ref = ref
        locked.save(
            update_fields=[
                "is_active",
                "deactivation_reason",
                "deactivated_until",
                "deactivation_ref",
            ]
        )
        audit.record(actor=actor, action="user.deactivate", obj=locked, changes=changes)
    user.is_active = False
    user.deactivation_reason = locked.deactivation_reason
    user.deactivated_until = locked.deactivated_until
    user.deactivation_ref = locked.deactivation_ref
    return user


def user_reactivate(*, user: User, actor: User | None, reason: str) -> User:
    """Reactivate `user` and clear the deactivation fields; the caller has checked that `actor`
    may (None is the system). Revoked API tokens stay revoked: the person creates new ones."""
    reason = _check_decision(user=user, actor=actor, reason=reason, ref="")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            return locked
        changes = {
            "is_active": [False, True],
            "reason": reason[:300],
            "until": locked.deactivated_until.isoformat() if locked.deactivated_until else None,
            "ref": locked.deactivation_ref,
        }
        locked.is_active = True
        locked.deactivation_reason = ""
        locked.deactivated_until = None
        locked.deactivation_ref = ""
        locked.save(
            update_fields=[
                "is_active",
                "deactivation_reason",
                "deactivated_until",
                "deactivation_ref",
            ]
        )
        audit.record(actor=actor, action="user.activate", obj=locked, changes=changes)
    user.is_active = True
    user.deactivation_reason, user.deactivated_until, user.deactivation_ref = "", None, ""
    return user


def users_reactivate_by_ref(*, ref: str, actor: User | None = None, reason: str) -> list[User]:
    """Reactivate exactly the accounts that decision `ref` stopped (and that no longer-lasting
    decision took over since). Returns them."""
    if not ref:
        raise ValueError("users_reactivate_by_ref needs a decision reference")
    with transaction.atomic():
        stopped = list(
            User.objects.select_for_update()
            .filter(deactivation_ref=ref, is_active=False)
            .order_by("pk")
        )
        return [user_reactivate(user=u, actor=actor, reason=reason) for u in stopped]


def users_deactivation_hand_over(
    *, from_ref: str, to_ref: str, reason: str, until: dt.date | None, actor: User | None = None
) -> list[User]:
    """The accounts stopped by decision `from_ref` stay stopped, now because of `to_ref` (a
    decision still in force when `from_ref` ends). Returns them."""
    if not from_ref or not to_ref:
        raise ValueError("users_deactivation_hand_over needs both decision references")
    if len(to_ref) > DEACTIVATION_REF_MAX:
        raise ValueError("deactivation_ref is at most 60 characters")
    reason = reason.strip()[:300]
    handed: list[User] = []
    with transaction.atomic():
        stopped = list(
            User.objects.select_for_update()
            .filter(deactivation_ref=from_ref, is_active=False)
            .order_by("pk")
        )
        for locked in stopped:
            locked.deactivation_reason = reason
            locked.deactivated_until = until
            locked.deactivation_ref = to_ref
            locked.save(
                update_fields=["deactivation_reason", "deactivated_until", "deactivation_ref"]
            )
            handed.append(locked)
        for locked in handed:
            audit.record(
                actor=actor,
                action="user.deactivate",
                obj=locked,
                changes={
                    "ref": [from_ref, to_ref],
                    "reason": reason,
                    "until": until.isoformat() if until else None,
                },
            )
    return handed
