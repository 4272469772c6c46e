"""Reads about blacklist requests and entries that depend on who asks, the public blacklist,
and the people of a vendor whose accounts a blacklisting stops.

- Requesters (PA, KPA, PPK, ULP head, Pokja, Pejabat Pengadaan) see their own requests.
- Verifikators see the requests and entries of the LPSEs whose Unit Registrasi dan
  Verifikasi they belong to (LT 12(4), KA 12(4)).
- Everyone sees the public blacklist (entries, with the NPWP masked by the page).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from openlpse.accounts.enums import ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import VENDOR_ROLES, active_assignments, in_force_q, today
from openlpse.core import errors
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, validators
from openlpse.vendors.enums import BlacklistRequestStatus, VendorStatus
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest, Vendor
from openlpse.vendors.selectors import verifikator_lpse_ids

_SEPARATORS = re.compile(r"[\s.\-/]")
# At least this many letters before the request form lists companies whose name contains them.
SEARCH_MIN_LETTERS = 3
SEARCH_RESULTS = 10

# Public list filters.
STATUS_IN_FORCE = "in_force"
STATUS_ENDED = "ended"
STATUS_UPCOMING = "upcoming"
STATUS_ALL = "all"
PUBLIC_STATUSES = (STATUS_IN_FORCE, STATUS_ENDED, STATUS_UPCOMING, STATUS_ALL)
PUBLIC_SORTS = {
    "starts_on": ("starts_on", "pk"),
    "-starts_on": ("-starts_on", "-pk"),
    "ends_on": ("ends_on", "pk"),
    "-ends_on": ("-ends_on", "-pk"),
    "company": ("company_name", "pk"),
    "-company": ("-company_name", "-pk"),
    "lpse": ("lpse__name", "company_name", "pk"),
    "-lpse": ("-lpse__name", "company_name", "pk"),
}


# --- people ------------------------------------------------------------------------------------


def vendor_people(*, vendor: Vendor, on: dt.date | None = None) -> QuerySet[User]:
    """Everyone who acts for `vendor`: holders of a vendor role of it in force, and the person
    who registered it."""
    holders = RoleAssignment.objects.filter(
        in_force_q(on or today()),
        role__in=VENDOR_ROLES,
        scope_kind=ScopeKind.VENDOR,
        scope_ref=vendor.scope_ref,
    ).values("user_id")
    return User.objects.filter(Q(pk__in=holders) | Q(pk=vendor.created_by_id)).order_by("pk")


def requester_lpses(user: Any) -> list[Lpse]:
    """The LPSEs where the user may file a blacklist request (a requester role in force)."""
    ids = (
        active_assignments(user)
        .filter(role__in=permissions.BLACKLIST_REQUESTER_ROLES, lpse__isnull=False)
        .values_list("lpse_id", flat=True)
    )
    return list(Lpse.objects.filter(pk__in=set(ids)).order_by("name"))


# --- which company ----------------------------------------------------------------------------


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text)


def _number_match(compact: str) -> Q | None:
    """A whole NPWP (either form, validators.npwp_forms) or NIB, never a part of one."""
    if not (compact.isdigit() and len(compact) in (13, 15, 16)):
        return None
    return Q(npwp__in=sorted(validators.npwp_forms(compact))) | Q(nib=compact)


def registered_vendors_matching(text: str) -> list[Vendor]:
    """The registered companies (past the draft) with this NPWP or NIB (typed with or without
    separators) or exactly this name; at most two, so the caller can tell one from several."""
    text = text.strip()
    if not text:
        return []
    match = _number_match(_compact(text)) or Q(name__iexact=text)
    registered = Vendor.objects.exclude(status=VendorStatus.DRAFT)
    return list(registered.filter(match).order_by("pk")[:2])


def registered_vendor_search(text: str) -> list[Vendor]:
    """Registered companies whose name contains `text` (at least SEARCH_MIN_LETTERS letters),
    to pick from on the request form."""
    text = text.strip()
    if len(text) < SEARCH_MIN_LETTERS:
        return []
    return list(
        Vendor.objects.exclude(status=VendorStatus.DRAFT)
        .filter(name__icontains=text)
        .order_by("name", "pk")[:SEARCH_RESULTS]
    )


# --- requests ----------------------------------------------------------------------------------


def blacklist_request_list_visible(*, user: Any, status: str = "") -> QuerySet[BlacklistRequest]:
    """The requests the user filed, and those of the LPSEs where they are a verifikator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return BlacklistRequest.objects.none()
    qs = BlacklistRequest.objects.filter(
        Q(requested_by_id=user.pk) | Q(lpse_id__in=verifikator_lpse_ids(user))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("vendor", "lpse", "agency", "requested_by").order_by(
        "-created_at", "-pk"
    )


def access_blacklist_request(*, user: Any, request_id: int) -> BlacklistRequest:
    """One request the user may see (its requester, or a verifikator of its LPSE); NotFound
    otherwise, whether it exists or not."""
    found = (
        blacklist_request_list_visible(user=user)
        .select_related("decided_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise errors.NotFound()
    return found


@dataclass(frozen=True)
class RequestActions:
    """The buttons a request's page shows the user; the services check again."""

    decide: bool
    withdraw: bool
    lift: bool


def blacklist_request_actions(
    *, user: Any, request: BlacklistRequest, entry: BlacklistEntry | None
) -> RequestActions:
    """A verifikator of the request's LPSE who did not file it decides a pending request; its
    requester withdraws it; a verifikator of the LPSE lifts the entry it created while open."""
    pending = request.status == BlacklistRequestStatus.PENDING
    decider = permissions.can_decide_blacklist(user, request.lpse)
    own = request.requested_by_id == user.pk
    return RequestActions(
        decide=pending and decider and not own,
        withdraw=pending and own,
        lift=decider and entry is not None and entry_open(entry),
    )


# --- entries -----------------------------------------------------------------------------------


def blacklist_entry_list_manageable(*, user: Any, status: str = "") -> QuerySet[BlacklistEntry]:
    """Entries of the LPSEs where the user is a verifikator (they may lift them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return BlacklistEntry.objects.none()
    qs = BlacklistEntry.objects.filter(lpse_id__in=verifikator_lpse_ids(user))
    qs = _with_status(qs, status or STATUS_ALL)
    return qs.select_related("lpse", "vendor", "lifted_by").order_by("-starts_on", "-pk")


def access_blacklist_entry(*, user: Any, entry_id: int) -> BlacklistEntry:
    """An entry the user may lift (a verifikator of its LPSE); NotFound otherwise."""
    found = blacklist_entry_list_manageable(user=user).filter(pk=entry_id).first()
    if found is None:
        raise errors.NotFound()
    return found


def entry_open(entry: BlacklistEntry) -> bool:
    """Not lifted and not closed by the chronograph: it may still be lifted."""
    return entry.ended_at is None and entry.lifted_by_id is None


def entry_status(entry: BlacklistEntry, on: dt.date | None = None) -> str:
    """in_force, upcoming or ended (lifted, closed, or past its last day)."""
    day = on or today()
    if not entry_open(entry) or entry.ends_on < day:
        return STATUS_ENDED
    if entry.starts_on > day:
        return STATUS_UPCOMING
    return STATUS_IN_FORCE


def _with_status(qs: QuerySet[BlacklistEntry], status: str) -> QuerySet[BlacklistEntry]:
    day = today()
    open_q = Q(ended_at__isnull=True, lifted_by__isnull=True)
    if status == STATUS_IN_FORCE:
        return qs.filter(open_q, starts_on__lte=day, ends_on__gte=day)
    if status == STATUS_UPCOMING:
        return qs.filter(open_q, starts_on__gt=day)
    if status == STATUS_ENDED:
        return qs.filter(~open_q | Q(ends_on__lt=day))
    return qs


def blacklist_public_list(
    *, query: str = "", lpse: Lpse | None = None, status: str = STATUS_IN_FORCE, sort: str = ""
) -> QuerySet[BlacklistEntry]:
    """The public blacklist: everyone may read it. `query` matches the company name, or a
    whole NPWP or NIB (typed with or without separators), never a part of a number, so the list
    cannot be used to guess numbers."""
    qs = _with_status(BlacklistEntry.objects.all(), status)
    if lpse is not None:
        qs = qs.filter(lpse_id=lpse.pk)
    query = query.strip()
    if query:
        match = Q(company_name__icontains=query)
        number = _number_match(_compact(query))
        qs = qs.filter(match | number if number is not None else match)
    order = PUBLIC_SORTS.get(sort, PUBLIC_SORTS["-starts_on"])
    return qs.select_related("lpse", "agency").order_by(*order)
