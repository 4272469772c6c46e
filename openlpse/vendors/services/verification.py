"""Decisions of the Unit Registrasi dan Verifikasi on a verification request (LT 12(2)-(3),
KA 12(2)-(3), LT 25(2)-(4)).

- Only a verifikator of the request's LPSE decides, and never one linked to the company
  (its registrant, a person with a role in it, the same NIK as its administrator, an owner or
  an officer, or the same e-mail). That refusal is audited: it is an attempt on data the
  person should not decide.
- Approving a registration checks the blacklist and duplicates again, accepts every item of
  the checklist, verifies the vendor for the whole deployment and gives its registrant the
  vendor_admin role (which activates their user ID for the vendor's pages and tenders).
  Approving an identity change applies the proposed values.
- Rejecting needs at least one rejected item and a reason for each; a rejected registration
  goes back to the vendor, who fixes it and submits again (a new request, so the history is
  kept); a rejected identity change leaves the verified data in force.
- Decisions are final: a second decision (a double click, or two verifikators at once) gets
  a Conflict that says who decided first.

Locks are taken in one order everywhere: the vendor, then the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import today
from openlpse.accounts.services.roles import role_grant
from openlpse.core import audit, clock, errors, timezones
from openlpse.core.notifications import Message, notify
from openlpse.vendors import permissions, selectors, validators
from openlpse.vendors import selectors_verification as queue
from openlpse.vendors.enums import (
    DocumentType,
    VendorStatus,
    VerificationKind,
    VerificationStatus,
)
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import DocumentReview, Vendor, VerificationRequest

REASON_MAX_LENGTH = 2000


# --- helpers -------------------------------------------------------------------------------------


def _require_verifikator(actor: User, request: VerificationRequest) -> None:
    if not permissions.is_verifikator(actor, request.lpse):
        raise errors.PermissionDenied(
            _("Only the Registration and Verification Unit of %(lpse)s may decide this request.")
            % {"lpse": request.lpse}
        )


def _already_decided(request: VerificationRequest) -> errors.Conflict:
    if request.status == VerificationStatus.WITHDRAWN:
        return errors.Conflict(
            _("The vendor withdrew this request; there is nothing left to decide."),
            code="verification_already_decided",
        )
    who = request.decided_by.display_name if request.decided_by else ""
    when = (
        timezones.local_datetime_label(request.decided_at, timezones.zone_of(request.lpse))
        if request.decided_at
        else ""
    )
    return errors.Conflict(
        _(
            "This request was already decided (%(status)s by %(who)s, %(when)s). Decisions are "
            "final; reload the page to see the decision."
        )
        % {"status": request.get_status_display().lower(), "who": who, "when": when},
        code="verification_already_decided",
    )


def _refuse_if_linked(*, actor: User, request: VerificationRequest, decision: str) -> None:
    """Conflict of interest: refuse, and keep an audit event of the attempt.

    The check runs before the decision's transaction and the event is written in a
    transaction of its own, so the refusal (an exception) does not roll the event back."""
    link = queue.verifier_link(actor, request)
    if link is None:
        return
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="vendor.verification_conflict_refused",
            obj=request,
            lpse_id=request.lpse_id,
            changes={"decision": decision, "link": link, "vendor": request.vendor_id},
        )
    _raise_conflict(request, link)


def _raise_conflict(request: VerificationRequest, link: str) -> NoReturn:
    raise errors.PermissionDenied(
        _(
            "You may not decide the verification of %(company)s because you are linked to it "
            "(%(link)s). Another verifikator of the unit must decide it."
        )
        % {"company": request.vendor.name, "link": queue.LINK_LABELS[link]},
        code="verifier_conflict",
    )


def _lock(request: VerificationRequest) -> tuple[Vendor, VerificationRequest]:
    """Lock the vendor, then the request (the same order everywhere), and re-read both."""
    vendor = Vendor.objects.select_for_update().get(pk=request.vendor_id)
    locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    locked.vendor = vendor
    locked.lpse = request.lpse
    return vendor, locked


def _check_blacklist(*, vendor: Vendor, npwp: str, nib: str) -> None:
    """Blacklist check at verification (issue 3 item 4)."""
    entry = selectors.blacklist_entry_for(vendor=vendor, npwp=npwp, nib=nib)
    if entry is not None:
        raise Blacklisted(entry)


def _check_duplicates(*, vendor: Vendor, npwp: str, nib: str) -> None:
    """One user ID per vendor: no other company may hold this NPWP (either form) or NIB."""
    held = selectors.vendor_holding_number(vendor=vendor, npwp=npwp, nib=nib)
    if held is not None:
        field, other = held
        number = "NPWP" if field == "npwp" else "NIB"
        message = _(
            "Another company account (%(other)s) already has this %(number)s. One company "
            "has one account: reject the request and point the vendor to the existing "
            "account."
        ) % {"other": other.name, "number": number}
        raise errors.Conflict(message, code="vendor_already_registered", fields={field: [message]})


def _clean_proposed(vendor: Vendor, proposed: Mapping[str, Any]) -> dict[str, str]:
    """Validate the proposed identity values again (they may be days old)."""
    cleaned: dict[str, str] = {}
    for field, raw in proposed.items():
        value = str(raw or "").strip()
        if field == "name":
            if not value:
                raise errors.field_error(
                    "name",
                    _("The proposed company name is empty. Reject the change with a reason."),
                )
            cleaned["name"] = value[:200]
        elif field == "npwp":
            cleaned["npwp"] = validators.clean_npwp(value)
        elif field == "nib":
            cleaned["nib"] = validators.clean_nib(value)
        elif field == "email":
            try:
                validate_email(value)
            except DjangoValidationError:
                raise errors.field_error(
                    "email",
                    _("The proposed e-mail address is not valid. Reject the change with a reason."),
                ) from None
            cleaned["email"] = value.lower()
    return {k: v for k, v in cleaned.items() if getattr(vendor, k) != v}


def _document_problems(
    items: list[queue.ChecklistItem],
) -> None:
    """A registration is approved only when every required document is there and valid."""
    labels = dict(DocumentType.choices)
    for item in items:
        if item.key == queue.IDENTITY_ITEM:
            continue
        if item.document is None:
            raise errors.ValidationError(
                _(
                    "The document “%(document)s” is missing, so the registration cannot be "
                    "approved. Reject it and ask the vendor to upload the document."
                )
                % {"document": labels.get(item.key, item.key)},
                code="document_missing",
            )
        valid_until = item.document.valid_until
        if valid_until is not None and valid_until < today():
            raise errors.ValidationError(
                _(
                    "The document “%(document)s” expired on %(date)s, so the registration "
                    "cannot be approved. Reject it and ask the vendor for a valid one."
                )
                % {
                    "document": labels.get(item.key, item.key),
                    "date": date_format(valid_until, "DATE_FORMAT"),
                },
                code="document_expired",
            )


def _decide(
    request: VerificationRequest, *, actor: User, status: str, note: str, at: dt.datetime
) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = at
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "data"])


def _grant_vendor_admin(vendor: Vendor) -> bool:
    """LT 25(2): the verified registrant becomes the vendor's administrator (their user ID is
    activated for the vendor). Nothing to do when they already hold the role."""
    held = RoleAssignment.objects.filter(
        user_id=vendor.created_by_id,
        role=Role.VENDOR_ADMIN,
        scope_ref=vendor.scope_ref,
        revoked_at__isnull=True,
    ).exists()
    if held:
        return False
    day = today()
    role_grant(
        actor=None,
        user=vendor.created_by,
        role=Role.VENDOR_ADMIN,
        scope_kind=ScopeKind.VENDOR,
        scope_ref=vendor.scope_ref,
        starts_on=day,
        letter_kind=LetterKind.OTHER,
        letter_number=f"Verifikasi {vendor.pk}",
        letter_date=day,
    )
    return True


# --- approve -------------------------------------------------------------------------------------


def _check_all_accepted(
    reviews: Mapping[str, tuple[bool, str]], items: list[queue.ChecklistItem]
) -> None:
    """Approving means every item of the checklist was checked and accepted (LT 12(2))."""
    _refuse_unknown_items(reviews, items)
    problems: dict[str, list[str | Promise]] = {}
    for item in items:
        if item.key not in reviews:
            problems[item.key] = [_("Check this item and mark it accepted before approving.")]
        elif not reviews[item.key][0]:
            problems[item.key] = [
                _(
                    "This item is marked rejected: return the request for correction instead "
                    "of approving it."
                )
            ]
    if problems:
        raise errors.ValidationError(
            _(
                "Approve only when every item of the checklist is checked and accepted; "
                "otherwise return the request for correction."
            ),
            fields=problems,
        )


def verification_approve(
    *,
    actor: User,
    request: VerificationRequest,
    note: str = "",
    reviews: Mapping[str, tuple[bool, str]] | None = None,
) -> VerificationRequest:
    """Approve a pending request (LT 12(2)-(3), LT 25(2)). See the module docstring.

    `reviews` (item -> (accepted, reason)), when given, is the verifikator's checklist: every
    item must be there and accepted. Without it, approving accepts every item."""
    note = note.strip()[:REASON_MAX_LENGTH]
    _require_verifikator(actor, request)
    if request.status != VerificationStatus.PENDING:
        raise _already_decided(request)
    _refuse_if_linked(actor=actor, request=request, decision="approve")
    with transaction.atomic():
        vendor, locked = _lock(request)
        if locked.status != VerificationStatus.PENDING:
            raise _already_decided(locked)
        now = clock.now()
        documents = queue.request_documents(locked)
        items = queue.checklist(locked, documents)
        if reviews is not None:
            _check_all_accepted(reviews, items)
        changes: dict[str, Any] = {"vendor": vendor.pk, "kind": locked.kind}
        if locked.kind == VerificationKind.REGISTRATION:
            _check_blacklist(vendor=vendor, npwp=vendor.npwp, nib=vendor.nib)
            _check_duplicates(vendor=vendor, npwp=vendor.npwp, nib=vendor.nib)
            _document_problems(items)
            vendor.status = VendorStatus.VERIFIED
            vendor.verified_lpse = locked.lpse
            vendor.verified_at = now
            vendor.verified_by = actor
            vendor.updated_at = now
            vendor.save(
                update_fields=[
                    "status",
                    "verified_lpse",
                    "verified_at",
                    "verified_by",
                    "updated_at",
                ]
            )
            changes["role_granted"] = _grant_vendor_admin(vendor)
        else:
            proposed = _clean_proposed(vendor, queue.proposed_changes(locked))
            _check_blacklist(
                vendor=vendor,
                npwp=proposed.get("npwp", vendor.npwp),
                nib=proposed.get("nib", vendor.nib),
            )
            _check_duplicates(
                vendor=vendor,
                npwp=proposed.get("npwp", vendor.npwp),
                nib=proposed.get("nib", vendor.nib),
            )
            diff = {field: [getattr(vendor, field), value] for field, value in proposed.items()}
            for field, value in proposed.items():
                setattr(vendor, field, value)
            vendor.updated_at = now
            try:
                with transaction.atomic():
                    vendor.save(update_fields=[*proposed, "updated_at"])
            except IntegrityError as exc:  # a race with another company taking the number
                raise errors.Conflict(
                    _(
                        "Another company account took this NPWP or NIB a moment ago. Reject "
                        "the change and point the vendor to the existing account."
                    ),
                    code="vendor_already_registered",
                ) from exc
            # Keep the values that were replaced with the request (its history).
            locked.data = {**locked.data, "previous": {k: v[0] for k, v in diff.items()}}
            changes["identity"] = diff
        DocumentReview.objects.bulk_create(
            [
                DocumentReview(request=locked, item=item.key, document=item.document, accepted=True)
                for item in items
            ]
        )
        _decide(locked, actor=actor, status=VerificationStatus.APPROVED, note=note, at=now)
        _notify_approved(locked, vendor)
        changes["items"] = [item.key for item in items]
        changes["note"] = note
        audit.record(
            actor=actor,
            action="vendor.verification_approve",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes=changes,
        )
    return locked


def _notify_approved(request: VerificationRequest, vendor: Vendor) -> None:
    company, lpse, note = vendor.name, request.lpse.name, request.decision_note
    if request.kind == VerificationKind.REGISTRATION:

        def subject() -> str:
            return _("%(company)s is verified") % {"company": company}

        def body() -> str:
            text = _(
                "The Registration and Verification Unit of %(lpse)s verified %(company)s. "
                "Your user ID is active: sign in to complete the company data and join "
                "tenders at every LPSE of this portal."
            ) % {"lpse": lpse, "company": company}
            return f"{text}\n\n{note}" if note else text

    else:

        def subject() -> str:
            return _("The change of the identity data of %(company)s was approved") % {
                "company": company
            }

        def body() -> str:
            text = _(
                "The Registration and Verification Unit of %(lpse)s approved the change of the "
                "identity data of %(company)s. The new data is now in force."
            ) % {"lpse": lpse, "company": company}
            return f"{text}\n\n{note}" if note else text

    notify(
        users=queue.vendor_people(vendor),
        message=Message("vendor.verification_approved", subject, body, reverse("vendors:home")),
        lpse=request.lpse,
    )


# --- reject --------------------------------------------------------------------------------------


def _refuse_unknown_items(
    reviews: Mapping[str, tuple[bool, str]], items: list[queue.ChecklistItem]
) -> None:
    unknown = sorted(set(reviews) - {item.key for item in items})
    if unknown:
        message = _(
            "These items are not on the checklist of this request: %(items)s. Review only the "
            "listed items."
        ) % {"items": ", ".join(unknown)}
        raise errors.ValidationError(message, fields={"reviews": [message]})


def _clean_reviews(
    reviews: Mapping[str, tuple[bool, str]], items: list[queue.ChecklistItem]
) -> dict[str, tuple[bool, str]]:
    _refuse_unknown_items(reviews, items)
    cleaned = {
        key: (bool(accepted), (reason or "").strip()[:REASON_MAX_LENGTH])
        for key, (accepted, reason) in reviews.items()
    }
    if all(accepted for accepted, _reason in cleaned.values()):
        message = _(
            "Mark at least one item as rejected, with the reason, to return the request. If "
            "everything is in order, approve it instead."
        )
        raise errors.ValidationError(message, fields={"reviews": [message]})
    missing: dict[str, list[str | Promise]] = {
        key: [_("Give the reason this item is rejected, so that the vendor can fix it.")]
        for key, (accepted, reason) in cleaned.items()
        if not accepted and not reason
    }
    if missing:
        raise errors.ValidationError(
            _("Every rejected item needs a reason the vendor can act on."), fields=missing
        )
    return cleaned


def verification_reject(
    *,
    actor: User,
    request: VerificationRequest,
    reviews: Mapping[str, tuple[bool, str]],
    note: str = "",
) -> VerificationRequest:
    """Return a pending request with a finding per item (`reviews`: item -> (accepted,
    reason)); at least one item is rejected and each rejected item has a reason (LT 12(2))."""
    note = note.strip()[:REASON_MAX_LENGTH]
    _require_verifikator(actor, request)
    if request.status != VerificationStatus.PENDING:
        raise _already_decided(request)
    _refuse_if_linked(actor=actor, request=request, decision="reject")
    with transaction.atomic():
        vendor, locked = _lock(request)
        if locked.status != VerificationStatus.PENDING:
            raise _already_decided(locked)
        items = queue.checklist(locked)
        cleaned = _clean_reviews(reviews, items)
        DocumentReview.objects.bulk_create(
            [
                DocumentReview(
                    request=locked,
                    item=item.key,
                    document=item.document,
                    accepted=cleaned[item.key][0],
                    reason=cleaned[item.key][1],
                )
                for item in items
                if item.key in cleaned
            ]
        )
        now = clock.now()
        if locked.kind == VerificationKind.REGISTRATION:
            # The vendor fixes what was rejected and submits again (a new request).
            vendor.status = VendorStatus.REJECTED
            vendor.updated_at = now
            vendor.save(update_fields=["status", "updated_at"])
        # An identity change leaves the verified data in force: nothing to undo.
        _decide(locked, actor=actor, status=VerificationStatus.REJECTED, note=note, at=now)
        rejected = [(k, reason) for k, (ok, reason) in cleaned.items() if not ok]
        _notify_rejected(locked, vendor, rejected)
        audit.record(
            actor=actor,
            action="vendor.verification_reject",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={
                "vendor": vendor.pk,
                "kind": locked.kind,
                "reviews": {k: {"accepted": ok, "reason": r} for k, (ok, r) in cleaned.items()},
                "note": note,
            },
        )
    return locked


def _notify_rejected(
    request: VerificationRequest, vendor: Vendor, rejected: list[tuple[str, str]]
) -> None:
    company, lpse, note = vendor.name, request.lpse.name, request.decision_note
    registration = request.kind == VerificationKind.REGISTRATION

    def subject() -> str:
        if registration:
            return _("The registration of %(company)s needs corrections") % {"company": company}
        return _("The change of the identity data of %(company)s was not approved") % {
            "company": company
        }

    def body() -> str:
        if registration:
            intro = _(
                "The Registration and Verification Unit of %(lpse)s returned the registration "
                "of %(company)s. Correct these items and submit the registration again:"
            ) % {"lpse": lpse, "company": company}
        else:
            intro = _(
                "The Registration and Verification Unit of %(lpse)s did not approve the change "
                "of the identity data of %(company)s; the verified data stays in force. The "
                "reasons:"
            ) % {"lpse": lpse, "company": company}
        lines = [intro, ""] + [f"- {queue.item_label(key)}: {reason}" for key, reason in rejected]
        if note:
            lines += ["", note]
        return "\n".join(lines)

    notify(
        users=queue.vendor_people(vendor),
        message=Message("vendor.verification_rejected", subject, body, reverse("vendors:home")),
        lpse=request.lpse,
    )
