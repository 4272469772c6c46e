"""Reads of the verification queue of the Unit Registrasi dan Verifikasi (LT 12(2)-(3),
KA 12(2)-(3)), scoped to who asks.

- A verifikator sees the requests of the LPSEs where they are verifikator, nobody else does;
  `access_*` raise NotFound for a missing request and for one of another LPSE alike.
- The checklist of a request is exactly the documents LT 25(1)a.2 requires (LT 25(3): no extra
  requirement) plus the identity data; services, pages and the API share it from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import in_force_q, today
from openlpse.core import clock, errors
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, selectors
from openlpse.vendors.enums import (
    OPTIONAL_DOCUMENTS,
    VERIFIED_IDENTITY_FIELDS,
    DocumentType,
    VerificationKind,
    VerificationStatus,
    required_documents_for,
)
from openlpse.vendors.models import (
    BlacklistEntry,
    DocumentReview,
    Vendor,
    VendorDocument,
    VerificationAppointment,
    VerificationRequest,
    VerificationSlot,
)
from openlpse.vendors.selectors import verifikator_lpse_ids

IDENTITY_ITEM = "identity"

QUEUE_SORTS: dict[str, tuple[str, ...]] = {
    # "submitted" ascending is the default: the request that has waited longest comes first.
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "vendor": ("vendor__name", "submitted_at", "pk"),
    "-vendor": ("-vendor__name", "submitted_at", "pk"),
    "kind": ("kind", "submitted_at", "pk"),
    "-kind": ("-kind", "submitted_at", "pk"),
    "lpse": ("lpse__name", "submitted_at", "pk"),
    "-lpse": ("-lpse__name", "submitted_at", "pk"),
    "status": ("status", "submitted_at", "pk"),
    "-status": ("-status", "submitted_at", "pk"),
}
STATUS_FILTERS = (*VerificationStatus.values, "all")
_NON_DIGITS = re.compile(r"\D")


# --- who is verifikator where ------------------------------------------------------------------


def verifikator_lpses(user: Any) -> list[Lpse]:
    return list(Lpse.objects.filter(pk__in=verifikator_lpse_ids(user)).order_by("name"))


def vendor_people(vendor: Vendor) -> list[User]:
    """Who hears about the vendor's verification: its registrant and its administrators."""
    admin_ids = RoleAssignment.objects.filter(
        in_force_q(today()), role=Role.VENDOR_ADMIN, scope_ref=vendor.scope_ref
    ).values_list("user_id", flat=True)
    people = list(
        User.objects.filter(Q(pk=vendor.created_by_id) | Q(pk__in=list(admin_ids))).order_by("pk")
    )
    return [p for p in people if p.is_active]


# --- conflict of interest ----------------------------------------------------------------------


def verifier_link(user: Any, request: VerificationRequest) -> str | None:
    """Why the user may not decide this request (permissions.vendor_link), also counting the
    e-mail an identity change proposes."""
    proposed = str(proposed_changes(request).get("email", ""))
    return permissions.vendor_link(user, request.vendor, other_emails=(proposed,))


LINK_LABELS = permissions.VENDOR_LINK_LABELS


def blacklist_entry_for_request(request: VerificationRequest) -> BlacklistEntry | None:
    """The blacklist entry in force for the company of this request: its vendor record, its
    NPWP in either form, its NIB, and the numbers an identity change proposes."""
    proposed = proposed_changes(request)
    return selectors.blacklist_entry_for(vendor=request.vendor) or selectors.blacklist_entry_for(
        npwp=str(proposed.get("npwp", "")), nib=str(proposed.get("nib", ""))
    )


# --- the queue -----------------------------------------------------------------------------------


def _queue_base(
    user: Any, *, lpse_id: int | None = None, within: list[int] | None = None
) -> QuerySet[VerificationRequest]:
    """`within`: the user's verifikator LPSE ids when the caller already has them."""
    lpse_ids = verifikator_lpse_ids(user) if within is None else within
    if lpse_id is not None:
        lpse_ids = [i for i in lpse_ids if i == lpse_id]
    return VerificationRequest.objects.filter(lpse_id__in=lpse_ids)


def _search(qs: QuerySet[VerificationRequest], query: str) -> QuerySet[VerificationRequest]:
    query = query.strip()
    if not query:
        return qs
    match = Q(vendor__name__icontains=query)
    digits = _NON_DIGITS.sub("", query)
    # Only a number the person clearly typed as one (NPWP/NIB are long; at least 4 digits).
    if len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) * 0.6:
        match |= Q(vendor__npwp__contains=digits) | Q(vendor__nib__contains=digits)
    return qs.filter(match)


def verification_request_list_visible(
    *,
    user: Any,
    status: str = VerificationStatus.PENDING,
    kind: str = "",
    lpse_id: int | None = None,
    query: str = "",
    sort: str = "submitted",
    within: list[int] | None = None,
) -> QuerySet[VerificationRequest]:
    """The requests of the LPSEs where the user is verifikator, filtered and sorted (keys:
    QUEUE_SORTS; by default the oldest first)."""
    qs = _search(_queue_base(user, lpse_id=lpse_id, within=within), query)
    if status and status != "all":
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("vendor", "lpse").order_by(
        *QUEUE_SORTS.get(sort, QUEUE_SORTS["submitted"])
    )


def verification_status_counts(
    *,
    user: Any,
    kind: str = "",
    lpse_id: int | None = None,
    query: str = "",
    within: list[int] | None = None,
) -> dict[str, int]:
    """How many requests per status (with the other filters applied), in one query."""
    qs = _search(_queue_base(user, lpse_id=lpse_id, within=within), query)
    if kind:
        qs = qs.filter(kind=kind)
    counts = {str(s): 0 for s in VerificationStatus.values}
    for row in qs.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def access_verification_request(*, user: Any, request_id: int) -> VerificationRequest:
    """The request if the user is verifikator of its LPSE; NotFound otherwise (no leak)."""
    found = (
        VerificationRequest.objects.filter(pk=request_id)
        .select_related("vendor", "lpse", "submitted_by", "decided_by", "vendor__verified_lpse")
        .first()
    )
    if found is None or not permissions.is_verifikator(user, found.lpse):
        raise errors.NotFound()
    return found


def waiting_time(request: VerificationRequest, *, now: dt.datetime | None = None) -> dt.timedelta:
    """How long the request waited: until now while pending, until the decision after."""
    end = request.decided_at or (now or clock.now())
    return max(end - request.submitted_at, dt.timedelta(0))


# --- what was submitted --------------------------------------------------------------------------


def proposed_changes(request: VerificationRequest) -> dict[str, Any]:
    """For an identity change, {field: new value} among the verified identity fields."""
    if request.kind != VerificationKind.IDENTITY_CHANGE or not isinstance(request.data, dict):
        return {}
    proposed = request.data.get("proposed")
    if not isinstance(proposed, dict):
        return {}
    return {k: v for k, v in proposed.items() if k in VERIFIED_IDENTITY_FIELDS}


def _snapshot_document_ids(request: VerificationRequest) -> list[int]:
    """Document ids recorded in the submission snapshot, whatever its shape ({kind: id},
    [id, ...] or [{"id": ...}, ...]); empty when the snapshot names none."""
    raw = request.data.get("documents") if isinstance(request.data, dict) else None
    values: Iterable[Any]
    if isinstance(raw, dict):
        values = raw.values()
    elif isinstance(raw, list):
        values = raw
    else:
        return []
    ids: list[int] = []
    for value in values:
        if isinstance(value, dict):
            value = value.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            ids.append(value)
        elif isinstance(value, str) and value.isdigit():
            ids.append(int(value))
    return ids


def request_documents(request: VerificationRequest) -> dict[str, VendorDocument]:
    """The document version of each kind this request is about: the versions the verifikator
    reviewed (decided requests), else those named by the submission snapshot; for a kind
    named by neither, the vendor's current version."""
    qs = VendorDocument.objects.filter(vendor_id=request.vendor_id).select_related("file")
    reviewed = [
        r.document_id
        for r in DocumentReview.objects.filter(request=request, document__isnull=False)
    ]
    ids = reviewed or _snapshot_document_ids(request)
    by_kind: dict[str, VendorDocument] = {}
    named = sorted(qs.filter(pk__in=ids), key=lambda d: (d.kind, -d.version)) if ids else []
    for doc in [*named, *qs.filter(is_current=True)]:
        by_kind.setdefault(doc.kind, doc)
    return by_kind


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str | Promise
    document: VendorDocument | None


def item_label(key: str) -> str:
    """How a checklist item is named in the active language."""
    if key == IDENTITY_ITEM:
        return str(_("Identity data"))
    return str(dict(DocumentType.choices).get(key, key))


def required_document_kinds(vendor: Vendor, documents: dict[str, VendorDocument]) -> list[str]:
    """LT 25(1)a.2 and LT 25(3): exactly the required documents, nothing more. An individual
    (perorangan) has no deed of establishment; the latest deed of amendment is checked when
    there is one (enums.required_documents_for)."""
    kinds = [str(kind) for kind in required_documents_for(vendor.business_form)]
    kinds += [str(kind) for kind in OPTIONAL_DOCUMENTS if kind in documents]
    return kinds


def checklist(
    request: VerificationRequest, documents: dict[str, VendorDocument] | None = None
) -> list[ChecklistItem]:
    """The items the verifikator checks: the identity data, then (for a registration) each
    required document. An identity change is checked on the identity data alone."""
    docs = request_documents(request) if documents is None else documents
    items = [ChecklistItem(IDENTITY_ITEM, _("Identity data"), None)]
    if request.kind == VerificationKind.REGISTRATION:
        labels = dict(DocumentType.choices)
        items += [
            ChecklistItem(kind, labels[kind], docs.get(kind))
            for kind in required_document_kinds(request.vendor, docs)
        ]
    return items


def access_request_document(*, request: VerificationRequest, document_id: int) -> VendorDocument:
    """A document (any version) of the request's vendor, for the verifikator who already
    opened the request; NotFound for another vendor's document."""
    doc = (
        VendorDocument.objects.filter(pk=document_id, vendor_id=request.vendor_id)
        .select_related("file")
        .first()
    )
    if doc is None:
        raise errors.NotFound()
    return doc


def vendor_history(vendor: Vendor, *, exclude: VerificationRequest | None = None) -> list[Any]:
    """The vendor's earlier requests (every LPSE), newest first, with their per-item findings
    (`request.findings`)."""
    qs = (
        VerificationRequest.objects.filter(vendor_id=vendor.pk)
        .select_related("lpse", "decided_by")
        .order_by("-submitted_at", "-pk")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    rows = list(qs)
    findings: dict[int, list[DocumentReview]] = {}
    for review in DocumentReview.objects.filter(request_id__in=[r.pk for r in rows]).order_by("pk"):
        findings.setdefault(review.request_id, []).append(review)
    for row in rows:
        row_findings = findings.get(row.pk, [])
        for review in row_findings:
            review.label = item_label(review.item)  # type: ignore[attr-defined]
        row.findings = row_findings  # type: ignore[attr-defined]
    return rows


# --- appointment slots ---------------------------------------------------------------------------


def slot_list_for_verifikator(*, user: Any) -> QuerySet[VerificationSlot]:
    """Slots of the user's LPSEs from today on (cancelled ones included, marked), with their
    appointments in force."""
    start = clock.now() - dt.timedelta(days=1)
    return (
        VerificationSlot.objects.filter(lpse_id__in=verifikator_lpse_ids(user), ends_at__gte=start)
        .select_related("lpse")
        .annotate(booked=Count("appointments", filter=Q(appointments__cancelled_at__isnull=True)))
        .order_by("starts_at", "pk")
    )


def access_slot_for_verifikator(*, user: Any, slot_id: int) -> VerificationSlot:
    slot = VerificationSlot.objects.filter(pk=slot_id).select_related("lpse").first()
    if slot is None or not permissions.is_verifikator(user, slot.lpse):
        raise errors.NotFound()
    return slot


def active_appointments(slot_ids: Iterable[int]) -> dict[int, list[VerificationAppointment]]:
    result: dict[int, list[VerificationAppointment]] = {}
    for item in (
        VerificationAppointment.objects.filter(
            slot_id__in=list(slot_ids), cancelled_at__isnull=True
        )
        .select_related("vendor", "booked_by")
        .order_by("booked_at", "pk")
    ):
        result.setdefault(item.slot_id, []).append(item)
    return result


def pending_registration(vendor: Vendor) -> VerificationRequest | None:
    return (
        VerificationRequest.objects.filter(
            vendor_id=vendor.pk,
            kind=VerificationKind.REGISTRATION,
            status=VerificationStatus.PENDING,
        )
        .select_related("lpse")
        .first()
    )


def bookable_slots(*, vendor: Vendor) -> list[VerificationSlot]:
    """Future, open slots of the LPSE that verifies the vendor's pending registration, with
    free places."""
    pending = pending_registration(vendor)
    if pending is None:
        return []
    qs = (
        VerificationSlot.objects.filter(
            lpse_id=pending.lpse_id, cancelled_at__isnull=True, starts_at__gt=clock.now()
        )
        .select_related("lpse")
        .annotate(booked=Count("appointments", filter=Q(appointments__cancelled_at__isnull=True)))
        .order_by("starts_at", "pk")
    )
    free: list[VerificationSlot] = []
    for slot in qs:
        slot.free = slot.capacity - slot.booked  # type: ignore[attr-defined]
        if slot.free > 0:  # type: ignore[attr-defined]
            free.append(slot)
    return free


def access_slot_to_book(*, slot_id: int) -> VerificationSlot:
    """A slot a vendor asked to book; NotFound for a missing one (the booking service checks
    that it belongs to the LPSE verifying the vendor and is still open)."""
    slot = VerificationSlot.objects.filter(pk=slot_id).select_related("lpse").first()
    if slot is None:
        raise errors.NotFound()
    return slot


def access_booking_vendor(*, user: Any) -> Vendor:
    """The company whose appointment the user books: the vendor they register or administer;
    NotFound for anyone else (staff, officials, people without a company)."""
    vendor = selectors.vendor_for_user(user)
    if vendor is None or not permissions.can_edit_registration(user, vendor):
        raise errors.NotFound()
    return vendor


def vendor_appointments(*, vendor: Vendor) -> list[VerificationAppointment]:
    """The vendor's appointments in force that have not ended yet."""
    return list(
        VerificationAppointment.objects.filter(
            vendor_id=vendor.pk, cancelled_at__isnull=True, slot__ends_at__gt=clock.now()
        )
        .select_related("slot", "slot__lpse")
        .order_by("slot__starts_at", "pk")
    )


def access_own_appointment(*, user: Any, appointment_id: int) -> VerificationAppointment:
    item = (
        VerificationAppointment.objects.filter(pk=appointment_id)
        .select_related("vendor", "slot", "slot__lpse")
        .first()
    )
    if item is None or not permissions.can_edit_registration(user, item.vendor):
        raise errors.NotFound()
    return item
