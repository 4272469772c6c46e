"""Who may upload, finalize, replace, withdraw and read sealed submissions (issue 5 item 4).

Only the administrator or staff of a vendor that joined the tender (a Participant) acts on
its own uploads and submissions; people who hold an official role never do (separation of
duties). Another vendor's upload or submission is NotFound, as a missing one is (no existence
leak). The Pokja reads submissions only after the envelope was opened (LT 31(3)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from openlpse.core import errors
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders.models import Participant, Tender
from openlpse.vendors.models import Vendor
from openlpse.vendors.permissions import vendor_ids_of


@dataclass(frozen=True)
class Bidder:
    vendor: Vendor
    participant: Participant


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def acting_vendor(user: Any) -> Vendor:
    """The vendor `user` acts for, or PermissionDenied (officials; people of no vendor)."""
    if not signed_in(user):
        raise errors.PermissionDenied(
            _("Sign in with your company's account to upload a bid."), code="not_authenticated"
        )
    if perms.holds_official_role(user):
        raise errors.SeparationOfDuties(
            _(
                "You hold an official role (for example PPK, Pokja or LPSE staff), so you "
                "cannot submit a bid. Use your company's own account."
            ),
            code="official_cannot_bid",
        )
    vendor_id = perms.acting_vendor_id(user)
    vendor = Vendor.objects.filter(pk=vendor_id).first() if vendor_id else None
    if vendor is None:
        raise errors.PermissionDenied(
            _(
                "Only the administrator or staff of a registered vendor can submit a bid. "
                "Sign in with your company's account."
            ),
            code="not_vendor",
        )
    return vendor


def bidder_for(user: Any, tender: Tender) -> Bidder:
    """The acting vendor and its participation in `tender`, or PermissionDenied."""
    vendor = acting_vendor(user)
    participant = Participant.objects.filter(tender=tender, vendor=vendor).first()
    if participant is None:
        raise errors.PermissionDenied(
            _(
                "%(company)s has not joined tender %(code)s, so it cannot submit a bid in it. "
                "Only participants (ikut tender) can submit bids."
            )
            % {"company": vendor.name, "code": tender.code},
            code="not_participant",
        )
    return Bidder(vendor=vendor, participant=participant)


def own_vendor_ids(user: Any) -> set[int]:
    """The vendors whose uploads and submissions `user` may see (none for officials)."""
    if not signed_in(user) or perms.holds_official_role(user):
        return set()
    return vendor_ids_of(user)
