"""Reads of the vendor's own registration: current documents and their history, the pending
request and the last decision, the step checklist of the vendor area, and who verifies
registrations at an LPSE. Callers have already established that the user may see the vendor
(selectors.vendor_for_user, or the services' permission check)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from openlpse.accounts.permissions import today
from openlpse.vendors.enums import (
    OPTIONAL_DOCUMENTS,
    REQUIRED_DOCUMENTS,
    DocumentType,
    VendorStatus,
    VerificationKind,
    VerificationStatus,
    required_documents_for,
)
from openlpse.vendors.models import DocumentReview, Vendor, VendorDocument, VerificationRequest

# The order in which the documents are listed and uploaded (LT 25(1)a.2, LT 25(6)).
DOCUMENT_ORDER: tuple[str, ...] = (
    DocumentType.KTP,
    DocumentType.AKTA_PENDIRIAN,
    DocumentType.AKTA_PERUBAHAN,
    DocumentType.NPWP,
    DocumentType.IZIN_USAHA,
    DocumentType.FORMULIR,
)

# Company identity and first administrator (issue 3 item 1), in the order of the form.
IDENTITY_FIELDS: tuple[str, ...] = (
    "name",
    "business_form",
    "business_scale",
    "npwp",
    "nib",
    "address",
    "province",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "admin_name",
    "admin_nik",
    "admin_position",
)
# What "Continue" and submission require; postal code and website are optional.
REQUIRED_IDENTITY_FIELDS: tuple[str, ...] = tuple(
    name for name in IDENTITY_FIELDS if name not in ("postal_code", "website")
)
# What the vendor administrator may change after verification without a new verification;
# name, NPWP, NIB and e-mail go through an identity change (enums.VERIFIED_IDENTITY_FIELDS).
CONTACT_FIELDS: tuple[str, ...] = ("address", "province", "city", "postal_code", "phone", "website")
EDITABLE_STATUSES = frozenset({VendorStatus.DRAFT, VendorStatus.REJECTED})


def required_documents(vendor: Vendor) -> tuple[str, ...]:
    """Every required document of this vendor (enums.required_documents_for)."""
    return required_documents_for(vendor.business_form)


def document_kinds(vendor: Vendor) -> list[tuple[str, bool]]:
    """(kind, required) for every document the vendor may upload, in display order."""
    required = set(required_documents(vendor))
    allowed = set(REQUIRED_DOCUMENTS) | set(OPTIONAL_DOCUMENTS)
    return [(kind, kind in required) for kind in DOCUMENT_ORDER if kind in allowed]


def missing_identity_fields(vendor: Vendor) -> list[str]:
    return [name for name in REQUIRED_IDENTITY_FIELDS if not str(getattr(vendor, name) or "")]


def current_documents(*, vendor: Vendor) -> dict[str, VendorDocument]:
    docs = VendorDocument.objects.filter(vendor_id=vendor.pk, is_current=True).select_related(
        "file"
    )
    return {doc.kind: doc for doc in docs}


def document_history(*, vendor: Vendor) -> QuerySet[VendorDocument]:
    """Every version of every document, newest version first within a kind."""
    return (
        VendorDocument.objects.filter(vendor_id=vendor.pk)
        .select_related("file", "uploaded_by")
        .order_by("kind", "-version")
    )


def pending_request(*, vendor: Vendor) -> VerificationRequest | None:
    return (
        VerificationRequest.objects.filter(vendor_id=vendor.pk, status=VerificationStatus.PENDING)
        .select_related("lpse")
        .first()
    )


def latest_decision(*, vendor: Vendor) -> VerificationRequest | None:
    """The last decided request (approved or rejected) of any kind, with its reviews."""
    return (
        VerificationRequest.objects.filter(
            vendor_id=vendor.pk,
            status__in=[VerificationStatus.APPROVED, VerificationStatus.REJECTED],
        )
        .select_related("lpse", "decided_by")
        .prefetch_related("reviews")
        .order_by("-decided_at", "-pk")
        .first()
    )


def request_history(*, vendor: Vendor) -> QuerySet[VerificationRequest]:
    return (
        VerificationRequest.objects.filter(vendor_id=vendor.pk, kind=VerificationKind.REGISTRATION)
        .select_related("lpse")
        .order_by("-submitted_at", "-pk")
    )


# --- the checklist of the vendor area ------------------------------------------------------------


@dataclass(frozen=True)
class DocumentStep:
    kind: str
    label: str
    required: bool
    current: VendorDocument | None
    expired: bool = False
    review: DocumentReview | None = None

    @property
    def done(self) -> bool:
        return self.current is not None and not self.expired


@dataclass(frozen=True)
class Checklist:
    vendor: Vendor
    missing_fields: list[str]
    documents: list[DocumentStep]
    form_matches: bool
    pending: VerificationRequest | None
    decision: VerificationRequest | None
    identity_review: DocumentReview | None = None
    other_reviews: list[DocumentReview] = field(default_factory=list)

    @property
    def identity_complete(self) -> bool:
        return not self.missing_fields

    @property
    def documents_complete(self) -> bool:
        return all(step.done for step in self.documents if step.required)

    @property
    def missing_documents(self) -> list[str]:
        return [step.kind for step in self.documents if step.required and not step.done]

    @property
    def editable(self) -> bool:
        return self.vendor.status in EDITABLE_STATUSES

    @property
    def ready(self) -> bool:
        return self.editable and self.identity_complete and self.documents_complete


def registration_checklist(*, vendor: Vendor, on: dt.date | None = None) -> Checklist:
    """Where the registration stands: identity, each document, the signed form, the request
    and the last decision with the verifikator's reason per item."""
    from openlpse.vendors.services.form_pdf import reference_code

    day = on or today()
    current = current_documents(vendor=vendor)
    decision = latest_decision(vendor=vendor)
    reviews: dict[str, DocumentReview] = {}
    if decision is not None:
        reviews = {review.item: review for review in decision.reviews.all()}
    steps = []
    for kind, required in document_kinds(vendor):
        doc = current.get(kind)
        expired = bool(doc and doc.valid_until and doc.valid_until < day)
        steps.append(
            DocumentStep(
                kind=kind,
                label=str(DocumentType(kind).label),
                required=required,
                current=doc,
                expired=expired,
                review=reviews.get(kind),
            )
        )
    form = current.get(DocumentType.FORMULIR)
    known = {kind for kind, _required in document_kinds(vendor)} | {"identity"}
    return Checklist(
        vendor=vendor,
        missing_fields=missing_identity_fields(vendor),
        documents=steps,
        form_matches=form is not None and form.number == reference_code(vendor),
        pending=pending_request(vendor=vendor),
        decision=decision,
        identity_review=reviews.get("identity"),
        other_reviews=[r for item, r in reviews.items() if item not in known],
    )
