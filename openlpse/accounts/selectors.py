"""Reads about accounts that depend on who asks: MFA requirement, the access log.

Which roles are in force is decided in one place, `permissions.active_assignments`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import permissions
from openlpse.accounts.enums import Role
from openlpse.accounts.models.access_log import AccessEvent, AccessLogEntry
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.core import errors

ACCESS_LOG_READER_ROLES = frozenset({Role.AUDITOR, Role.LPSE_ADMIN})
VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.VENDOR_STAFF})


def _active_assignments(user: Any, roles: Iterable[str]) -> QuerySet[RoleAssignment]:
    """Assignments in force today of the given roles (the one rule: permissions.active_assignments)."""
    return permissions.active_assignments(user).filter(role__in=list(roles))


def user_requires_mfa(user: Any) -> bool:
    """Officials, LPSE staff, auditors and operators must use a second factor; vendors may."""
    return permissions.requires_mfa(user)


def user_has_confirmed_totp(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def user_pending_totp(user: Any) -> TOTPDevice | None:
    """A device being enrolled: created, shown as a QR code, not yet confirmed by a code."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()


def user_recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    return device.token_set.count() if device is not None else 0


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    required: bool
    recovery_codes_left: int

    @property
    def can_disable(self) -> bool:
        return self.enabled and not self.required


def user_mfa_status(user: Any) -> MfaStatus:
    return MfaStatus(
        enabled=user_has_confirmed_totp(user),
        required=user_requires_mfa(user),
        recovery_codes_left=user_recovery_codes_left(user),
    )


# --- access log ---------------------------------------------------------------------------


def can_read_access_log(user: Any) -> bool:
    """Auditors and LPSE administrators (active today) read the access log; so do operators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return permissions.can_read_access_log(user)


def can_read_own_access_log(user: Any) -> bool:
    """Vendors (and people with no official role) see their own entries, as SPSE shows them.

    Officials without a reader role see their recent entries on their profile page only.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can_read_access_log(user):
        return True
    return not user_requires_mfa(user)


def _reader_lpse_ids(user: Any) -> list[int]:
    return list(
        _active_assignments(user, ACCESS_LOG_READER_ROLES)
        .exclude(lpse_id__isnull=True)
        .values_list("lpse_id", flat=True)
        .distinct()
    )


def _entries_visible_to_reader(user: Any) -> QuerySet[AccessLogEntry]:
    entries = AccessLogEntry.objects.all()
    if user.is_superuser:
        return entries
    # Tenancy (architecture §3): a reader sees the entries of people who hold a role in their
    # LPSE, entries made at their LPSE, and the platform-wide ones (vendors, people without
    # any LPSE role, names that matched no account). Officials of another LPSE stay hidden.
    lpse_ids = _reader_lpse_ids(user)
    in_my_lpse = RoleAssignment.objects.filter(user_id=OuterRef("user_id"), lpse_id__in=lpse_ids)
    in_any_lpse = RoleAssignment.objects.filter(user_id=OuterRef("user_id"), lpse_id__isnull=False)
    return entries.filter(Q(lpse_id__in=lpse_ids) | Exists(in_my_lpse) | ~Exists(in_any_lpse))


@dataclass(frozen=True)
class AccessLogFilter:
    username: str = ""
    event: str = ""
    ip: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def access_log_entries(
    *, user: Any, filters: AccessLogFilter | None = None
) -> QuerySet[AccessLogEntry]:
    """The entries `user` may read, newest first.

    Raises PermissionDenied when the user may not open the access log at all, and NotFound when
    a vendor asks for someone else's entries (another account's existence is not revealed).
    """
    filters = filters or AccessLogFilter()
    if can_read_access_log(user):
        entries = _entries_visible_to_reader(user)
        if filters.username:
            name = filters.username.strip()
            entries = entries.filter(
                Q(user__username__iexact=name)
                | Q(user__email__iexact=name)
                | Q(username_attempted__iexact=name)
            )
    elif can_read_own_access_log(user):
        if filters.username and filters.username.strip().lower() not in {
            user.username.lower(),
            user.email.lower(),
        }:
            raise errors.NotFound()
        entries = AccessLogEntry.objects.filter(user_id=user.pk)
    else:
        raise errors.PermissionDenied(
            _(
                "Only auditors and LPSE administrators can read the access log. Your own recent "
                "sign-ins are listed on your profile page."
            )
        )
    if filters.event:
        entries = entries.filter(event=filters.event)
    if filters.ip:
        entries = entries.filter(ip=filters.ip)
    if filters.since is not None:
        entries = entries.filter(created_at__gte=filters.since)
    if filters.until is not None:
        entries = entries.filter(created_at__lt=filters.until)
    return entries.select_related("user", "lpse").order_by("-created_at", "-id")


def access_log_recent_own(*, user: Any, limit: int = 10) -> list[AccessLogEntry]:
    """The user's own latest entries, for the profile page."""
    return list(
        AccessLogEntry.objects.filter(user_id=user.pk)
        .select_related("lpse")
        .order_by("-created_at", "-id")[:limit]
    )


def access_log_event_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in AccessEvent.choices]


def user_by_identifier(identifier: str) -> User | None:
    """The account a sign-in name points at (user name or e-mail, case-insensitive), if any."""
    identifier = identifier.strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    return User.objects.filter(**{field: identifier}).first()
