"""The vendor's staff accounts (issue 3 item 4: "vendor staff accounts are added by the vendor
admin"). One user ID per vendor: the company has one administrator account, and the
administrator adds the people who work for it as staff (role vendor_staff, scope: the vendor).

A new staff member gets an account without a password and an e-mail with a link to choose
one (the password-reset token of accounts.services.passwords: single use, time-limited).
Staff edit the company data; only the administrator adds or removes staff.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.permissions import today
from openlpse.accounts.services.invitations import invitation_send
from openlpse.accounts.services.roles import role_grant, role_revoke
from openlpse.accounts.services.users import user_create
from openlpse.core import audit, errors
from openlpse.core.notifications import Message, Text, notify
from openlpse.vendors import permissions
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.models import Vendor

# The "letter" of a staff appointment is the administrator's own act (stored, not translated).
STAFF_LETTER_NUMBER = "Penunjukan staf oleh admin penyedia"


def _require_admin(actor: Any, vendor: Vendor) -> None:
    if not permissions.is_vendor_admin(actor, vendor):
        raise errors.PermissionDenied(
            _(
                "Only the administrator of %(company)s may add or remove its staff. Ask the "
                "administrator to do it."
            )
            % {"company": vendor.name}
        )
    if vendor.status != VendorStatus.VERIFIED:
        raise errors.PermissionDenied(
            _("Staff can be added once %(company)s is verified by the LPSE.")
            % {"company": vendor.name},
            code="vendor_not_verified",
        )


def _invitation_intro(user: User, vendor: Vendor, admin: User) -> Text:
    params = {"name": user.display_name, "company": vendor.name, "admin": admin.display_name}

    def intro() -> str:
        return _("Hello %(name)s,\n\n%(admin)s added you as staff of %(company)s on OpenLPSE.") % (
            params
        )

    return intro


def staff_add(
    *,
    actor: User,
    vendor: Vendor,
    full_name: str,
    email: str,
    username: str,
    preferred_language: str = "id",
) -> RoleAssignment:
    """Create a staff account for the vendor, grant it vendor_staff from today and e-mail
    the person a link to set their password. Only the vendor's administrator may."""
    _require_admin(actor, vendor)
    full_name = full_name.strip()
    if not full_name:
        raise errors.field_error("full_name", _("Enter the staff member's full name."))
    address = email.strip()
    if address and User.objects.filter(email__iexact=address).exists():
        raise errors.field_error(
            "email",
            _(
                "An account already uses this e-mail address. Each person has one account: "
                "enter another address for this staff member."
            ),
        )
    with transaction.atomic():
        user = user_create(
            actor=None,  # the system, after the check above that the actor is the admin
            username=username,
            email=address,
            full_name=full_name,
            preferred_language=preferred_language,
        )
        day = today()
        assignment = role_grant(
            actor=actor,
            user=user,
            role=Role.VENDOR_STAFF,
            scope_kind=ScopeKind.VENDOR,
            scope_ref=vendor.scope_ref,
            starts_on=day,
            letter_kind=LetterKind.OTHER,
            letter_number=STAFF_LETTER_NUMBER,
            letter_date=day,
        )
        invitation_send(
            user=user,
            topic="vendors.staff_invitation",
            intro=_invitation_intro(user, vendor, actor),
            second_factor=False,  # vendors may use it, need not
        )
        audit.record(
            actor=actor,
            action="vendor.staff.add",
            obj=assignment,
            changes={"vendor": vendor.pk, "username": user.username, "email": user.email},
        )
    return assignment


def staff_remove(*, actor: User, vendor: Vendor, assignment_id: int, reason: str) -> RoleAssignment:
    """End a staff member's role for the vendor now, with a reason. Their account stays (it
    holds no vendor role any more) and they are told."""
    _require_admin(actor, vendor)
    with transaction.atomic():
        # Only this vendor's staff: its administrator and other vendors' people are "not found".
        # role_revoke locks the row and refuses one already revoked meanwhile.
        assignment = (
            RoleAssignment.objects.filter(
                pk=assignment_id,
                role=Role.VENDOR_STAFF,
                scope_kind=ScopeKind.VENDOR,
                scope_ref=vendor.scope_ref,
                revoked_at__isnull=True,
            )
            .select_related("user")
            .first()
        )
        if assignment is None:
            raise errors.NotFound()
        revoked = role_revoke(actor=actor, assignment=assignment, reason=reason)
        company = vendor.name
        notify(
            users=[revoked.user],
            message=Message(
                "vendors.staff_removed",
                subject=lambda: _("You no longer act for %(company)s") % {"company": company},
                body=lambda: (
                    _(
                        "The administrator of %(company)s ended your role as its staff. You can no "
                        "longer see or change its data."
                    )
                    % {"company": company}
                ),
            ),
        )
        audit.record(
            actor=actor,
            action="vendor.staff.remove",
            obj=revoked,
            changes={
                "vendor": vendor.pk,
                "username": revoked.user.username,
                "reason": revoked.revoke_reason,
            },
        )
    return revoked
