"""Read-side of the sealed-bid keys: who sits on a tender's committee, their personal keys,
the envelope keys of a tender (architecture §5; security-reference §1)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openlpse.accounts.enums import Role
from openlpse.accounts.models import User
from openlpse.accounts.permissions import active_assignments
from openlpse.bids.enums import PersonalKeyStatus, ResplitStatus
from openlpse.bids.models import EnvelopeKeys, KeyResplit, KeyShare, PersonalKey
from openlpse.tenders.enums import SelectionUnit
from openlpse.tenders.models import Package, Tender

KEY_ROLES = (Role.POKJA_MEMBER, Role.PEJABAT_PENGADAAN)


def committee_users(tender_or_package: Tender | Package) -> list[User]:
    """The current members of the tender's committee, who each hold a share: the active Pokja
    members of its package (chair first), or, for pengadaan langsung, the Pejabat Pengadaan
    (a committee of one: k = n = 1)."""
    package = (
        tender_or_package.package if isinstance(tender_or_package, Tender) else tender_or_package
    )
    if package.selection_unit == SelectionUnit.PEJABAT_PENGADAAN:
        pp = package.pejabat_pengadaan
        return [pp] if pp is not None else []
    rows = (
        package.pokja_members.filter(removed_at__isnull=True)
        .select_related("user")
        .order_by("-is_chair", "assigned_at", "pk")
    )
    return [row.user for row in rows]


def share_context(tender_code: str, envelope: str, generation: int, member_id: int) -> str:
    """The AES-GCM AAD of a share sealed to a member (issue 5 brief)."""
    return f"{tender_code}/{envelope}/g{generation}/u{member_id}"


def handover_context(tender_code: str, envelope: str, resplit_id: int, member_id: int) -> str:
    """The AAD of a share an old member re-seals to the chair for a re-split."""
    return f"{tender_code}/{envelope}/resplit{resplit_id}/u{member_id}"


def threshold_for(n: int) -> int:
    """A majority of the members (k = n // 2 + 1)."""
    return n // 2 + 1


def live_key(user: Any) -> PersonalKey | None:
    """The user's pending or confirmed personal key (at most one)."""
    if getattr(user, "pk", None) is None:
        return None
    return (
        PersonalKey.objects.filter(
            user_id=user.pk, status__in=[PersonalKeyStatus.PENDING, PersonalKeyStatus.CONFIRMED]
        )
        .order_by("-created_at")
        .first()
    )


def confirmed_keys(user_ids: list[int]) -> dict[int, PersonalKey]:
    rows = PersonalKey.objects.filter(user_id__in=user_ids, status=PersonalKeyStatus.CONFIRMED)
    return {row.user_id: row for row in rows}


def keys_of_user(user: Any) -> QuerySet[PersonalKey]:
    return PersonalKey.objects.filter(user_id=user.pk).order_by("-created_at")


def member_lpse_id(user: Any) -> int | None:
    """The LPSE of the user's Pokja (or Pejabat Pengadaan) role in force."""
    row = active_assignments(user).filter(role__in=KEY_ROLES).exclude(lpse__isnull=True).first()
    return row.lpse_id if row else None


def pending_keys(lpse_ids: list[int]) -> QuerySet[PersonalKey]:
    return (
        PersonalKey.objects.filter(lpse_id__in=lpse_ids, status=PersonalKeyStatus.PENDING)
        .select_related("user", "lpse")
        .order_by("created_at")
    )


def live_keys_of_lpses(lpse_ids: list[int]) -> QuerySet[PersonalKey]:
    return (
        PersonalKey.objects.filter(
            lpse_id__in=lpse_ids,
            status__in=[PersonalKeyStatus.PENDING, PersonalKeyStatus.CONFIRMED],
        )
        .select_related("user", "lpse")
        .order_by("status", "created_at")
    )


def envelope_keys(tender: Tender) -> dict[str, EnvelopeKeys]:
    return {row.envelope: row for row in EnvelopeKeys.objects.filter(tender=tender)}


def current_shares(keys: EnvelopeKeys) -> QuerySet[KeyShare]:
    return keys.shares.filter(generation=keys.generation).select_related("member", "personal_key")


def share_for(keys: EnvelopeKeys, member_id: int) -> KeyShare | None:
    return current_shares(keys).filter(member_id=member_id).first()


def pending_resplits(tender: Tender) -> QuerySet[KeyResplit]:
    return (
        KeyResplit.objects.filter(keys__tender=tender, status=ResplitStatus.PENDING)
        .select_related("keys", "removed", "added")
        .order_by("keys__envelope", "requested_at")
    )


def envelope_keys_public(tender: Tender) -> list[dict[str, Any]]:
    """What the announcement publishes per envelope: both public keys, their fingerprints and
    key ids, k of n (issue 5: public keys and fingerprints are part of the announcement)."""
    from openlpse.tenders.sealing import envelopes_of

    rows = envelope_keys(tender)
    out = []
    for env in envelopes_of(tender):
        row = rows.get(env)
        if row is None:
            continue
        out.append(
            {
                "envelope": env,
                "committee_public": row.committee_public,
                "committee_kid": row.committee_kid,
                "committee_fingerprint": row.committee_fingerprint,
                "system_public": row.system_public,
                "system_kid": row.system_kid,
                "system_fingerprint": row.system_fingerprint,
                "threshold": row.threshold,
                "share_count": row.share_count,
                "generation": row.generation,
                "prepared_at": row.prepared_at,
            }
        )
    return out
