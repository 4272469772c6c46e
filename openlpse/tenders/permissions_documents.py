"""Who may do what with tender documents, addenda and participation. Plain predicates, used by
views to show or hide buttons and checked again inside the services (conventions 4).

- The committee (tenders.permissions.is_committee_member) uploads the dokumen pemilihan and
  dokumen kualifikasi before the announcement, and writes addenda after it.
- The PPK of the package approves or rejects an addendum that changes the HPS, the
  specifications or the draft contract (spse-reference §2.4).
- A vendor's administrator or staff joins tenders for the vendor; people who hold an official
  role or run the system never join (LT 8(4), KA 6(3)).
- Participants (the people of a joined vendor) and the committee download documents; the
  public sees the documents' names, versions and SHA-256, not the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openlpse.accounts.permissions import OFFICIAL_ROLES, active_assignments
from openlpse.tenders.enums import AddendumStatus, TenderStatus
from openlpse.tenders.permissions import is_committee_member, is_ppk_of
from openlpse.vendors.permissions import vendor_ids_of

if TYPE_CHECKING:
    from openlpse.tenders.models import Addendum, Tender
    from openlpse.vendors.models import Vendor

OPEN_ADDENDUM_STATUSES = (
    AddendumStatus.DRAFT,
    AddendumStatus.AWAITING_PPK,
    AddendumStatus.REJECTED,
)


def _signed_in(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def can_manage_documents(user: Any, tender: Tender) -> bool:
    """The committee of a draft or announced tender (uploads before, addenda after)."""
    return tender.status in (TenderStatus.DRAFT, TenderStatus.ANNOUNCED) and is_committee_member(
        user, tender
    )


def can_upload_draft_document(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.DRAFT and is_committee_member(user, tender)


def can_write_addendum(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.ANNOUNCED and is_committee_member(user, tender)


def can_decide_addendum(user: Any, addendum: Addendum) -> bool:
    """The package's PPK, for an addendum waiting for their approval."""
    return addendum.status == AddendumStatus.AWAITING_PPK and is_ppk_of(
        user, addendum.tender.package
    )


def can_view_addendum(user: Any, addendum: Addendum) -> bool:
    """The committee and the package's PPK see addenda before they are published."""
    tender = addendum.tender
    return is_committee_member(user, tender) or is_ppk_of(user, tender.package)


def holds_official_role(user: Any) -> bool:
    """Any official or LPSE role in force: such a person never acts as a vendor."""
    return _signed_in(user) and active_assignments(user).filter(role__in=OFFICIAL_ROLES).exists()


def acting_vendor_id(user: Any) -> int | None:
    """The vendor the user acts for as its administrator or staff (a person acts for one
    vendor), or None. The mere registrant of an unverified company does not count."""
    if not _signed_in(user):
        return None
    ids = sorted(vendor_ids_of(user))
    return ids[0] if ids else None


def may_act_for_vendor(user: Any, vendor: Vendor) -> bool:
    return _signed_in(user) and vendor.pk in vendor_ids_of(user)


def is_participant_user(user: Any, tender: Tender) -> bool:
    """A person of a vendor that joined the tender."""
    ids = vendor_ids_of(user) if _signed_in(user) else set()
    return bool(ids) and tender.participants.filter(vendor_id__in=ids).exists()


def can_download(user: Any, tender: Tender) -> bool:
    """The committee, the package's PPK, and the people of joined vendors."""
    if not _signed_in(user):
        return False
    return (
        is_committee_member(user, tender)
        or is_ppk_of(user, tender.package)
        or is_participant_user(user, tender)
    )
