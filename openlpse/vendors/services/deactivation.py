"""Deactivation of a vendor's user IDs for a violation of the terms of use, and reactivation
with a reason (LT 12(4) first half, KA 12(4); issue 3 item 8).

Who decides: a verifikator (Unit Registrasi dan Verifikasi) of ANY LPSE of the deployment.
Vendors are platform-wide: one registration, verified by any LPSE, is valid at every LPSE
(issue 3 item 6), so the unit of any LPSE that may verify a vendor may also stop its accounts;
the audit event and the notification name who did it and the LPSE is not needed to find the
vendor. A verifikator who acts for the vendor may not (separation of duties).

The accounts are deactivated with the reference "violation:<vendor id>" and no end date, so
only an explicit reactivation ends it; a blacklisting in force at that moment keeps them
stopped (handed over to it) until its own end.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.accounts.services.users import user_deactivate
from openlpse.core import audit, errors
from openlpse.core.notifications import Message, notify
from openlpse.vendors import permissions, selectors_blacklist
from openlpse.vendors.models import Vendor
from openlpse.vendors.services.blacklist import vendor_accounts_release, vendor_link_label


def violation_ref(vendor: Vendor) -> str:
    return f"violation:{vendor.pk}"


def _require_verifikator(actor: User, vendor: Vendor) -> None:
    if not permissions.is_any_verifikator(actor):
        raise errors.PermissionDenied(
            _(
                "Only the Registration and Verification Unit (verifikator) of an LPSE can "
                "deactivate or reactivate a company's accounts."
            )
        )
    link = vendor_link_label(actor, vendor)
    if link is not None:
        raise errors.SeparationOfDuties(
            _(
                "You may not deactivate or reactivate the accounts of %(company)s because you "
                "are linked to it (%(link)s). Ask another verifikator."
            )
            % {"company": vendor.name, "link": link}
        )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise errors.field_error(
            "reason",
            _("Give the reason; the company's people read it and it is kept in the audit log."),
        )
    return reason


def _tell(people: list[Any], *, topic: str, subject: Any, body: Any) -> None:
    notify(
        users=people,
        message=Message(topic, subject=subject, body=body, url=reverse("accounts:login")),
    )


def vendor_account_deactivate(*, actor: User, vendor: Vendor, reason: str) -> list[User]:
    """Deactivate every account acting for `vendor` (its vendor roles in force and the person
    who registered it) for a violation, until reactivated. Sessions end and API tokens are
    revoked at once. Returns the people concerned."""
    _require_verifikator(actor, vendor)
    reason = _reason(reason)
    ref = violation_ref(vendor)
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        people = list(selectors_blacklist.vendor_people(vendor=locked))
        if people and all(not p.is_active and p.deactivation_ref == ref for p in people):
            raise errors.Conflict(
                _("The accounts of %(company)s are already deactivated for a violation.")
                % {"company": locked.name},
                code="vendor_already_deactivated",
            )
        for person in people:
            user_deactivate(user=person, actor=actor, reason=reason, until=None, ref=ref)
        company = locked.name
        _tell(
            people,
            topic="vendor.deactivated",
            subject=lambda: (
                _("The accounts of %(company)s were deactivated") % {"company": company}
            ),
            body=lambda: (
                _(
                    "The accounts of %(company)s were deactivated for a violation of the terms of "
                    "use: %(reason)s. Contact the LPSE's Registration and Verification Unit to "
                    "resolve it."
                )
                % {"company": company, "reason": reason}
            ),
        )
        audit.record(
            actor=actor,
            action="vendor.accounts_deactivate",
            obj=locked,
            changes={"reason": reason, "ref": ref, "users": [p.username for p in people]},
        )
    return people


def vendor_account_reactivate(*, actor: User, vendor: Vendor, reason: str) -> list[User]:
    """Reactivate the accounts deactivated for a violation of `vendor`, with the reason. A
    blacklisting of the vendor still in force keeps them stopped until its end. Returns the
    accounts that work again."""
    _require_verifikator(actor, vendor)
    reason = _reason(reason)
    ref = violation_ref(vendor)
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        if not User.objects.filter(deactivation_ref=ref, is_active=False).exists():
            raise errors.Conflict(
                _(
                    "The accounts of %(company)s are not deactivated for a violation, so there "
                    "is nothing to reactivate."
                )
                % {"company": locked.name},
                code="vendor_not_deactivated",
            )
        released = vendor_accounts_release(vendor=locked, ref=ref, actor=actor, reason=reason)
        company = locked.name
        _tell(
            released,
            topic="vendor.reactivated",
            subject=lambda: _("The accounts of %(company)s work again") % {"company": company},
            body=lambda: (
                _("The accounts of %(company)s were reactivated: %(reason)s")
                % {"company": company, "reason": reason}
            ),
        )
        audit.record(
            actor=actor,
            action="vendor.accounts_reactivate",
            obj=locked,
            changes={"reason": reason, "ref": ref, "users": [u.username for u in released]},
        )
    return released
