"""Collusion signals of a tender for auditors and LPSE staff (issue 5 item 9; spse-reference
§5.4): the IP address, user agent and time of each join, upload and finalized submission,
and the groups of different vendors that used the same IP address (flagged) or the same user
agent within a few minutes.

Never public, never shown to vendors or to the Pokja: the signals point at possible collusion
between bidders, which is the auditors' (LT 25(7), by their surat tugas) and the LPSE's matter.
Anyone else gets NotFound, as for a tender that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openlpse.accounts.permissions import (
    auditor_package_codes,
    is_lpse_admin,
    is_lpse_staff,
    is_platform_operator,
)
from openlpse.bids.models import Submission, Upload
from openlpse.core import errors
from openlpse.tenders.models import Participant, Tender
from openlpse.tenders.permissions import is_committee_member

USER_AGENT_MINUTES = 10


@dataclass(frozen=True)
class Signal:
    """One recorded action of a vendor in the tender."""

    kind: str  # "join", "upload", "submission"
    at: dt.datetime
    vendor_id: int
    vendor_name: str
    ip: str | None
    user_agent: str
    envelope: str = ""
    version: int | None = None
    detail: str = ""


@dataclass
class Group:
    """Signals of two or more different vendors that share an IP or a user agent."""

    key: str
    signals: list[Signal] = field(default_factory=list)

    @property
    def vendors(self) -> list[tuple[int, str]]:
        return sorted({(s.vendor_id, s.vendor_name) for s in self.signals}, key=lambda v: v[1])

    @property
    def first(self) -> dt.datetime:
        return min(s.at for s in self.signals)

    @property
    def last(self) -> dt.datetime:
        return max(s.at for s in self.signals)


@dataclass
class SignalReport:
    tender: Tender
    signals: list[Signal]
    same_ip: list[Group]
    same_user_agent: list[Group]
    minutes: int

    @property
    def flagged_ips(self) -> set[str]:
        return {g.key for g in self.same_ip}


def can_view_signals(user: Any, tender: Tender) -> bool:
    """LPSE staff and admins of the tender's LPSE, platform operators, and auditors whose
    surat tugas in force covers the tender's package. Never a committee member or a vendor."""
    if not getattr(user, "is_authenticated", False):
        return False
    from openlpse.tenders.permissions_documents import acting_vendor_id

    if acting_vendor_id(user) is not None or is_committee_member(user, tender):
        return False
    if is_platform_operator(user):
        return True
    lpse = tender.lpse
    if is_lpse_admin(user, lpse) or is_lpse_staff(user, lpse):
        return True
    codes = auditor_package_codes(user, lpse)
    if codes is None:  # a letter covering the whole LPSE
        return True
    return tender.package.code in codes


def _signals(tender: Tender) -> list[Signal]:
    rows: list[Signal] = []
    for p in Participant.objects.filter(tender=tender).select_related("vendor"):
        rows.append(Signal("join", p.joined_at, p.vendor_id, p.vendor.name, p.ip, ""))
    for u in Upload.objects.filter(tender=tender).select_related("vendor"):
        rows.append(
            Signal(
                "upload",
                u.created_at,
                u.vendor_id,
                u.vendor.name,
                u.ip,
                u.user_agent,
                envelope=u.envelope,
                detail=u.status,
            )
        )
    for s in Submission.objects.filter(tender=tender).select_related("vendor"):
        state = "withdrawn" if s.withdrawn_at else ("effective" if s.is_effective else "replaced")
        rows.append(
            Signal(
                "submission",
                s.received_at,
                s.vendor_id,
                s.vendor.name,
                s.ip,
                s.user_agent,
                envelope=s.envelope,
                version=s.version,
                detail=state,
            )
        )
    rows.sort(key=lambda r: (r.at, r.vendor_id, r.kind))
    return rows


def _shared_ip_groups(signals: list[Signal]) -> list[Group]:
    by_ip: dict[str, list[Signal]] = defaultdict(list)
    for s in signals:
        if s.ip:
            by_ip[s.ip].append(s)
    groups = [
        Group(ip, items) for ip, items in by_ip.items() if len({s.vendor_id for s in items}) > 1
    ]
    return sorted(groups, key=lambda g: (g.first, g.key))


def _shared_user_agent_groups(signals: list[Signal], minutes: int) -> list[Group]:
    """Chains of signals with the same user agent, each within `minutes` of the previous one,
    that involve two or more vendors."""
    gap = dt.timedelta(minutes=minutes)
    by_agent: dict[str, list[Signal]] = defaultdict(list)
    for s in signals:
        if s.user_agent:
            by_agent[s.user_agent].append(s)
    groups: list[Group] = []
    for agent, items in by_agent.items():
        items.sort(key=lambda s: s.at)
        chains: list[list[Signal]] = []
        for s in items:
            if chains and s.at - chains[-1][-1].at <= gap:
                chains[-1].append(s)
            else:
                chains.append([s])
        groups += [Group(agent, c) for c in chains if len({x.vendor_id for x in c}) > 1]
    return sorted(groups, key=lambda g: (g.first, g.key))


def tender_signals(*, user: Any, tender: Tender, minutes: int = USER_AGENT_MINUTES) -> SignalReport:
    """The signals of one tender; NotFound for anyone who may not see them."""
    if not can_view_signals(user, tender):
        raise errors.NotFound()
    signals = _signals(tender)
    return SignalReport(
        tender=tender,
        signals=signals,
        same_ip=_shared_ip_groups(signals),
        same_user_agent=_shared_user_agent_groups(signals, minutes),
        minutes=minutes,
    )


def tenders_for_signals(*, user: Any) -> list[Tender]:
    """Tenders with recorded uploads whose signals the user may see (the auditor's list)."""
    ids = set(Upload.objects.values_list("tender_id", flat=True).distinct())
    tenders = Tender.objects.filter(pk__in=ids).select_related("lpse", "package").order_by("-pk")
    return [t for t in tenders if can_view_signals(user, t)]
