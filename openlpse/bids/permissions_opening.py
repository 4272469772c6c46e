"""Who may do what at the opening ceremony and with unopenable bids (LT 27(2)-(3), LT 31(3)).

- The tender's Pokja (its committee) starts the opening, offers shares, reads the plain files
  once the envelope is opened, records file I results and, after the LPSE's witness report,
  declares an unopenable bid non-compliant.
- The LPSE's administrators and staff of the tender's LPSE review unopenable bids, make the
  witness report and escalate to LKPP. They never open bids (KA 6(3)).
- Auditors read plain files and cases of the packages of their surat tugas (LT 25(7)).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import (
    auditor_package_codes,
    has_active_role,
    is_lpse_admin,
    is_lpse_staff,
)
from openlpse.bids.enums import SessionStatus
from openlpse.tenders.permissions import is_committee_member

if TYPE_CHECKING:
    from openlpse.bids.models import OpenedBid, UnopenableCase
    from openlpse.organizations.models import Lpse
    from openlpse.tenders.models import Tender


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_pokja_of(user: Any, tender: Tender) -> bool:
    """A member of the tender's committee now (Pokja or Pejabat Pengadaan)."""
    return _signed_in(user) and is_committee_member(user, tender)


def is_auditor_of(user: Any, tender: Tender) -> bool:
    """An auditor whose surat tugas in force covers the tender's package."""
    if not _signed_in(user):
        return False
    codes = auditor_package_codes(user, tender.lpse)
    if codes is None:
        return has_active_role(user, Role.AUDITOR, lpse=tender.lpse)
    return tender.package.code in codes


def handles_cases(user: Any, lpse: Lpse) -> bool:
    """The LPSE's administrators and staff handle unopenable bids of their LPSE."""
    return _signed_in(user) and (is_lpse_admin(user, lpse) or is_lpse_staff(user, lpse))


def can_read_plain(user: Any, opened: OpenedBid) -> bool:
    """The plain file of an opened bid: the tender's Pokja after the opening, and auditors of
    its package (by their surat tugas). Nobody else; never before the opening."""
    session = opened.session
    if session.status != SessionStatus.OPENED or opened.plain_file_id is None:
        return False
    tender = session.tender
    return is_pokja_of(user, tender) or is_auditor_of(user, tender)


def can_view_case(user: Any, case: UnopenableCase) -> bool:
    tender = case.opened_bid.session.tender
    return (
        handles_cases(user, tender.lpse) or is_pokja_of(user, tender) or is_auditor_of(user, tender)
    )


def can_handle_case(user: Any, case: UnopenableCase) -> bool:
    return handles_cases(user, case.opened_bid.session.tender.lpse)
