"""Writes on user accounts: create, profile, password, activation. Each one audited."""

from __future__ import annotations

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


def _field_error(field: str, message: Any) -> errors.ValidationError:
    return errors.ValidationError(fields={field: [message]})


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise _field_error("username", _("Enter a user name."))
    if len(username) > USERNAME_MAX:
        raise _field_error("username", _("The user name is too long. Use at most 150 characters."))
    if "@" in username:
        # A name with "@" would be read as an e-mail address at sign-in.
        raise _field_error(
            "username", _("A user name cannot contain “@”. Use letters, digits and . + - _ only.")
        )
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError:
        raise _field_error(
            "username", _("A user name may contain only letters, digits and . + - _ (no spaces).")
        ) from None
    return username


def _check_email(email: str) -> str:
    email = User.objects.normalize_email(email.strip())
    if not email:
        raise _field_error("email", _("Enter an e-mail address."))
    try:
        validate_email(email)
    except DjangoValidationError:
        raise _field_error(
            "email", _("Enter a valid e-mail address, such as name@example.go.id.")
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
    email = _check_email(email)
    if preferred_language not in _LANGUAGES:
        raise _field_error("preferred_language", _("Choose Indonesian or English."))
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
        raise _field_error("preferred_language", _("Choose Indonesian or English."))
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
        raise _field_error(field, _("Your current password is not correct. Enter it again."))


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
        raise _field_error(
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
        raise _field_error(
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
