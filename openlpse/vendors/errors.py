"""Errors of the vendors app, with the stable codes the API returns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.core import errors

if TYPE_CHECKING:
    from openlpse.vendors.models import BlacklistEntry


class Blacklisted(errors.PermissionDenied):
    """The vendor (by NPWP or NIB) is on the blacklist: it cannot proceed, and is told why and
    until when (issue 3 item 4)."""

    code = "blacklisted"

    def __init__(self, entry: BlacklistEntry) -> None:
        self.entry = entry
        super().__init__(
            _(
                "%(company)s is on the blacklist until %(until)s (decided by %(by)s: %(reason)s). "
                "It cannot register, be verified or join a tender before that date. Contact the "
                "LPSE's Registration and Verification Unit if you believe this is wrong."
            )
            % {
                "company": entry.company_name,
                "until": date_format(entry.ends_on, "DATE_FORMAT"),
                "by": entry.agency_name or entry.lpse.name,
                "reason": entry.reason,
            }
        )


class DuplicateVendor(errors.Conflict):
    """One user ID per vendor: a second registration with the same NPWP or NIB is refused and
    pointed to the existing account."""

    code = "vendor_already_registered"

    def __init__(self, *, field: str, masked_email: str) -> None:
        number = "NPWP" if field == "npwp" else "NIB"
        message = _(
            "A company with this %(number)s is already registered. One company has one account: "
            "sign in with it (its e-mail is %(email)s), or use “Forgot password” to recover it. "
            "Its administrator can add you as staff."
        ) % {"number": number, "email": masked_email}
        super().__init__(message, fields={field: [message]})


def mask_email(address: str) -> str:
    """b***@e***.co.id: enough to recognise one's own address, not to harvest it."""
    if "@" not in address:
        return ""
    local, domain = address.split("@", 1)
    head, _dot, tail = domain.partition(".")
    return f"{local[:1]}***@{head[:1]}***.{tail}" if tail else f"{local[:1]}***@{head[:1]}***"
