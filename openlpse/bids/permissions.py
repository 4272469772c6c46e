"""Who may do what with the sealed-bid keys (issue 5; conventions: permissions are
predicates, services check them first)."""

from __future__ import annotations

from typing import Any

from openlpse.accounts.enums import Role
from openlpse.accounts.permissions import active_assignments, is_lpse_admin, may_write_procurement
from openlpse.bids.models import PersonalKey
from openlpse.bids.selectors_keys import KEY_ROLES
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_chair, is_committee_member


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "pk", None) is not None


def may_hold_personal_key(user: Any) -> bool:
    """Anyone who may sit on a committee: a Pokja member (or Pejabat Pengadaan, a committee of
    one) role in force."""
    return _signed_in(user) and active_assignments(user).filter(role__in=KEY_ROLES).exists()


def may_confirm_keys(user: Any, lpse: Any) -> bool:
    """The LPSE administrator of the member's LPSE confirms the fingerprint read to them out
    of band (KA 4: the LPSE runs the system, it does not hold the keys)."""
    return _signed_in(user) and is_lpse_admin(user, lpse)


def can_confirm_key(user: Any, key: PersonalKey) -> bool:
    return may_confirm_keys(user, key.lpse) and key.user_id != user.pk


def can_revoke_key(user: Any, key: PersonalKey) -> bool:
    """The owner (a lost key) or the LPSE administrator of the key's LPSE."""
    if not _signed_in(user):
        return False
    return key.user_id == user.pk or is_lpse_admin(user, key.lpse)


def admin_lpse_ids(user: Any) -> list[int]:
    if not _signed_in(user):
        return []
    return list(
        active_assignments(user)
        .filter(role=Role.LPSE_ADMIN, lpse__isnull=False)
        .values_list("lpse_id", flat=True)
        .distinct()
    )


def can_run_ceremony(user: Any, tender: Tender) -> bool:
    """The chair of the tender's Pokja (or its Pejabat Pengadaan) makes the committee keys,
    before the announcement."""
    return (
        tender.status == TenderStatus.DRAFT
        and may_write_procurement(user)
        and is_committee_chair(user, tender)
    )


def can_view_ceremony(user: Any, tender: Tender) -> bool:
    return is_committee_member(user, tender)


def can_complete_resplit(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.ANNOUNCED and is_committee_chair(user, tender)


def can_hand_over(user: Any, tender: Tender) -> bool:
    return tender.status == TenderStatus.ANNOUNCED and is_committee_member(user, tender)
