"""The check every tender-joining path calls (issue 4 wires it into "ikut tender"): a vendor
may take part at any LPSE of the deployment once verified by any of them (issue 3 item 6),
unless it is on the blacklist."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from openlpse.core import errors
from openlpse.vendors import selectors
from openlpse.vendors.enums import VendorStatus
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import Vendor


def vendor_assert_may_participate(*, vendor: Vendor, lpse: Any) -> None:
    """Raise unless `vendor` may join a tender at `lpse` today.

    `lpse` is deliberately not compared with the verifying LPSE: one verification is valid
    at every LPSE of the deployment. Raises Blacklisted (with why and until when) or
    PermissionDenied (not yet verified)."""
    entry = selectors.blacklist_entry_for(vendor=vendor)
    if entry is not None:
        raise Blacklisted(entry)
    if vendor.status != VendorStatus.VERIFIED or vendor.verified_lpse_id is None:
        raise errors.PermissionDenied(
            _(
                "%(company)s is not verified yet. Complete the registration and wait for the "
                "LPSE's verification before joining a tender."
            )
            % {"company": vendor.name},
            code="vendor_not_verified",
        )
