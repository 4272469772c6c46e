"""Addenda (adendum) to the documents of an announced tender (issue 4 item 6).

The committee writes an addendum with its public reason and the new document versions; one
that changes the HPS, the specifications or the draft contract goes to the package's PPK for
approval first (spse-reference §2.4: such changes need the PPK's approval before an
adendum). Publishing makes the new versions public, superseding the old ones (every version
stays public), and notifies the joined vendors. Nothing of this is possible after the bid
upload deadline: bids are made on the documents as they stand then.

Lifecycle: draft -> (awaiting_ppk -> draft with the PPK's approval | rejected) -> published.
A rejected addendum returns to the committee, who change it (it becomes a draft again) and
submit it again, or discard it. Any change after the approval needs a new approval. One
addendum of a tender is open at a time, so the document versions stay in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.core.timezones import local_datetime_label
from openlpse.tenders import errors as tender_errors
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders.enums import AddendumStatus, StageAction, TenderStatus
from openlpse.tenders.models import Addendum, Tender, TenderDocument
from openlpse.tenders.permissions import active_pokja_user_ids, is_committee_member, is_ppk_of
from openlpse.tenders.selectors_documents import PUBLIC_DOCUMENT_Q
from openlpse.tenders.services.common import lock_tender, notify_participants, touch_public
from openlpse.tenders.services.documents import (
    EDITABLE_ADDENDUM,
    check_kind,
    check_title,
    lock_addendum,
    store_version,
)
from openlpse.tenders.windows import window_for

REASON_MAX = 5000
NOTE_MAX = 500


@dataclass(frozen=True)
class NewDocument:
    """A document version to attach to a new addendum."""

    kind: str
    title: str
    upload: Any


def _not_committee() -> errors.PermissionDenied:
    return errors.PermissionDenied(
        _(
            "Only the members of this tender's committee (Pokja or Pejabat Pengadaan) can "
            "write its addenda."
        ),
        code="not_committee",
    )


def is_approved(addendum: Addendum) -> bool:
    """Approved by the PPK and not changed since."""
    return addendum.status == AddendumStatus.DRAFT and addendum.ppk_decided_at is not None


def assert_before_bid_deadline(tender: Tender) -> None:
    """Addenda are refused once the bid upload deadline has passed (by the server clock)."""
    if tender.status != TenderStatus.ANNOUNCED:
        raise tender_errors.not_announced()
    window = window_for(tender, StageAction.SUBMIT_BID)
    if window is not None and clock.now() >= window[1]:
        raise errors.Conflict(
            _(
                "The bid upload deadline passed on %(end)s by the server's clock: the tender "
                "documents can no longer change. Nothing was saved."
            )
            % {"end": local_datetime_label(window[1], tender.lpse.time_zone)},
            code="addendum_after_bid_deadline",
        )


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise errors.field_error(
            "reason",
            _("Give the reason for the addendum: every participant and the public read it."),
            code="reason_required",
        )
    if len(reason) > REASON_MAX:
        raise errors.field_error(
            "reason",
            _("The reason is too long: use at most %(max)d characters.") % {"max": REASON_MAX},
        )
    return reason


def _addendum_url(addendum: Addendum) -> str:
    return reverse("tenders:addendum_detail", args=[addendum.pk])


def _committee_users(tender: Tender) -> list[Any]:
    from openlpse.accounts.models import User

    package = tender.package
    ids = set(active_pokja_user_ids(package))
    if package.pejabat_pengadaan_id:
        ids.add(package.pejabat_pengadaan_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _documents_summary(addendum: Addendum) -> list[dict[str, Any]]:
    return [
        {"kind": d.kind, "version": d.version, "sha256": d.file.sha256}
        for d in addendum.documents.select_related("file").order_by("kind")
    ]


def addendum_create(
    *,
    actor: Any,
    tender: Tender,
    reason: str,
    changes_hps: bool = False,
    changes_specifications: bool = False,
    changes_contract: bool = False,
    documents: Sequence[NewDocument] = (),
) -> Addendum:
    """Start an addendum of an announced tender, with its reason and, optionally, the new
    document versions at once."""
    if not is_committee_member(actor, tender):
        raise _not_committee()
    with transaction.atomic():
        tender = lock_tender(tender)
        if tender.status == TenderStatus.DRAFT:
            raise errors.Conflict(
                _(
                    "The tender is not announced yet: change its documents directly instead of "
                    "writing an addendum."
                ),
                code="addendum_before_announcement",
            )
        assert_before_bid_deadline(tender)
        reason = _check_reason(reason)
        for item in documents:
            check_kind(tender, item.kind)
            check_title(item.title)
        pending = Addendum.objects.filter(
            tender=tender, status__in=perms.OPEN_ADDENDUM_STATUSES
        ).first()
        if pending is not None:
            raise errors.Conflict(
                _(
                    "Addendum %(number)s is still open (%(status)s). Publish or discard it "
                    "before starting another one."
                )
                % {"number": pending.number, "status": pending.get_status_display()},
                code="addendum_open",
            )
        last = Addendum.objects.filter(tender=tender).aggregate(n=Max("number"))["n"]
        addendum = Addendum.objects.create(
            tender=tender,
            number=(last or 0) + 1,
            reason=reason,
            changes_hps=bool(changes_hps),
            changes_specifications=bool(changes_specifications),
            changes_contract=bool(changes_contract),
            created_by=actor,
            created_at=clock.now(),
        )
        for item in documents:
            store_version(
                actor=actor,
                tender=tender,
                kind=item.kind,
                title=check_title(item.title),
                upload=item.upload,
                addendum=addendum,
            )
        audit.record(
            actor=actor,
            action="tender.addendum_create",
            obj=addendum,
            changes={
                "tender": tender.code,
                "number": addendum.number,
                "reason": reason,
                "changes_hps": addendum.changes_hps,
                "changes_specifications": addendum.changes_specifications,
                "changes_contract": addendum.changes_contract,
                "documents": _documents_summary(addendum),
            },
            lpse_id=tender.lpse_id,
        )
    return addendum


def _lock_for_committee(actor: Any, addendum: Addendum) -> tuple[Tender, Addendum]:
    if not is_committee_member(actor, addendum.tender):
        raise _not_committee()
    tender = lock_tender(addendum.tender_id)
    return tender, lock_addendum(addendum, tender)


def addendum_submit(*, actor: Any, addendum: Addendum) -> Addendum:
    """Send an addendum that changes the HPS, specifications or contract to the PPK."""
    with transaction.atomic():
        tender, addendum = _lock_for_committee(actor, addendum)
        if addendum.status not in EDITABLE_ADDENDUM:
            raise errors.Conflict(
                _("Addendum %(number)s is %(status)s: it cannot be sent to the PPK again.")
                % {"number": addendum.number, "status": addendum.get_status_display()},
                code="addendum_not_editable",
            )
        if not addendum.needs_ppk:
            raise errors.Conflict(
                _(
                    "This addendum changes neither the HPS, the specifications nor the draft "
                    "contract, so it needs no approval by the PPK. Publish it directly."
                ),
                code="addendum_needs_no_ppk",
            )
        if is_approved(addendum):
            raise errors.Conflict(
                _("The PPK already approved addendum %(number)s. Publish it.")
                % {"number": addendum.number},
                code="addendum_already_approved",
            )
        assert_before_bid_deadline(tender)
        if not addendum.documents.exists():
            raise errors.Conflict(
                _(
                    "Attach the new version of the changed document before sending the "
                    "addendum to the PPK."
                ),
                code="addendum_without_documents",
            )
        addendum.status = AddendumStatus.AWAITING_PPK
        addendum.ppk_decided_by = None
        addendum.ppk_decided_at = None
        addendum.save(update_fields=["status", "ppk_decided_by", "ppk_decided_at"])
        code, number, url = tender.code, addendum.number, _addendum_url(addendum)
        notify(
            users=[tender.package.ppk],
            message=Message(
                "tender.addendum_awaiting_ppk",
                subject=lambda: (
                    _("Addendum %(number)s of tender %(code)s awaits your approval")
                    % {"number": number, "code": code}
                ),
                body=lambda: (
                    _(
                        "The committee of tender %(code)s asks you, as PPK, to approve addendum "
                        "%(number)s, which changes the HPS, the specifications or the draft "
                        "contract. Open it to read the reason and the new documents, then approve "
                        "or reject it."
                    )
                    % {"number": number, "code": code}
                ),
                url=url,
            ),
            lpse=tender.lpse,
        )
        audit.record(
            actor=actor,
            action="tender.addendum_submit",
            obj=addendum,
            changes={
                "tender": tender.code,
                "number": number,
                "documents": _documents_summary(addendum),
            },
            lpse_id=tender.lpse_id,
        )
    return addendum


def addendum_decide(*, actor: Any, addendum: Addendum, approve: bool, note: str = "") -> Addendum:
    """The PPK approves or rejects an addendum (a rejection says why)."""
    if not is_ppk_of(actor, addendum.tender.package):
        raise errors.PermissionDenied(
            _("Only the PPK of this package decides on its addenda."), code="not_ppk"
        )
    with transaction.atomic():
        tender = lock_tender(addendum.tender_id)
        addendum = lock_addendum(addendum, tender)
        if addendum.status != AddendumStatus.AWAITING_PPK:
            raise errors.Conflict(
                _("Addendum %(number)s is not waiting for your decision (%(status)s).")
                % {"number": addendum.number, "status": addendum.get_status_display()},
                code="addendum_not_awaiting_ppk",
            )
        assert_before_bid_deadline(tender)
        note = (note or "").strip()
        if not approve and not note:
            raise errors.field_error(
                "note",
                _("Say why you reject the addendum, so the committee knows what to change."),
                code="note_required",
            )
        if len(note) > NOTE_MAX:
            raise errors.field_error(
                "note",
                _("The note is too long: use at most %(max)d characters.") % {"max": NOTE_MAX},
            )
        addendum.status = AddendumStatus.DRAFT if approve else AddendumStatus.REJECTED
        addendum.ppk_decided_by = actor
        addendum.ppk_decided_at = clock.now()
        addendum.ppk_note = note
        addendum.save(update_fields=["status", "ppk_decided_by", "ppk_decided_at", "ppk_note"])
        code, number, url = tender.code, addendum.number, _addendum_url(addendum)
        notify(
            users=_committee_users(tender),
            message=Message(
                "tender.addendum_decided",
                subject=(
                    (
                        lambda: (
                            _("The PPK approved addendum %(number)s of tender %(code)s")
                            % {"number": number, "code": code}
                        )
                    )
                    if approve
                    else (
                        lambda: (
                            _("The PPK rejected addendum %(number)s of tender %(code)s")
                            % {"number": number, "code": code}
                        )
                    )
                ),
                body=(
                    (lambda: _("You can now publish addendum %(number)s.") % {"number": number})
                    if approve
                    else (
                        lambda: (
                            _(
                                "The PPK's reason: %(note)s. Change the addendum and send "
                                "it again, or discard it."
                            )
                            % {"note": note}
                        )
                    )
                ),
                url=url,
            ),
            lpse=tender.lpse,
        )
        audit.record(
            actor=actor,
            action="tender.addendum_approve" if approve else "tender.addendum_reject",
            obj=addendum,
            changes={"tender": tender.code, "number": number, "note": note},
            lpse_id=tender.lpse_id,
        )
    return addendum


def addendum_publish(*, actor: Any, addendum: Addendum) -> Addendum:
    """Publish an addendum: its document versions become public and supersede the previous
    ones, the tender's public data changes, and the joined vendors are notified."""
    with transaction.atomic():
        tender, addendum = _lock_for_committee(actor, addendum)
        if addendum.status == AddendumStatus.PUBLISHED:
            raise errors.Conflict(
                _("Addendum %(number)s is already published.") % {"number": addendum.number},
                code="addendum_published",
            )
        if addendum.status == AddendumStatus.AWAITING_PPK:
            raise errors.Conflict(
                _(
                    "Addendum %(number)s is waiting for the PPK's approval. Publish it once the "
                    "PPK approved it."
                )
                % {"number": addendum.number},
                code="addendum_awaiting_ppk",
            )
        if addendum.status == AddendumStatus.REJECTED:
            raise errors.Conflict(
                _(
                    "The PPK rejected addendum %(number)s. Change it and send it again, or "
                    "discard it."
                )
                % {"number": addendum.number},
                code="addendum_rejected",
            )
        if addendum.needs_ppk and not is_approved(addendum):
            raise errors.Conflict(
                _(
                    "Addendum %(number)s changes the HPS, the specifications or the draft "
                    "contract: send it to the PPK and publish it after their approval."
                )
                % {"number": addendum.number},
                code="addendum_needs_ppk_approval",
            )
        assert_before_bid_deadline(tender)
        documents = list(addendum.documents.select_related("file"))
        if not documents:
            raise errors.Conflict(
                _(
                    "An addendum publishes new versions of the tender documents. Attach the "
                    "changed document before publishing."
                ),
                code="addendum_without_documents",
            )
        now = clock.now()
        superseded: list[int] = []
        for document in documents:
            previous = (
                TenderDocument.objects.filter(
                    PUBLIC_DOCUMENT_Q, tender=tender, kind=document.kind, superseded_at__isnull=True
                )
                .exclude(pk=document.pk)
                .values_list("pk", flat=True)
            )
            ids = list(previous)
            TenderDocument.objects.filter(pk__in=ids).update(superseded_at=now)
            superseded += ids
            document.published_at = now
            document.save(update_fields=["published_at"])
        addendum.status = AddendumStatus.PUBLISHED
        addendum.published_at = now
        addendum.save(update_fields=["status", "published_at"])
        touch_public(tender)
        code, number, reason = tender.code, addendum.number, addendum.reason
        notify_participants(
            tender,
            Message(
                "tender.addendum_published",
                subject=lambda: (
                    _("Addendum %(number)s to tender %(code)s") % {"number": number, "code": code}
                ),
                body=lambda: (
                    _(
                        "The committee published addendum %(number)s to the documents of tender "
                        "%(code)s. Reason: %(reason)s Download the new version and check it "
                        "against the SHA-256 shown before you prepare your bid."
                    )
                    % {"number": number, "code": code, "reason": reason}
                ),
                url=reverse("tenders:vendor_tender_detail", args=[tender.pk]),
            ),
        )
        audit.record(
            actor=actor,
            action="tender.addendum_publish",
            obj=addendum,
            changes={
                "tender": tender.code,
                "number": number,
                "documents": _documents_summary(addendum),
                "superseded": superseded,
            },
            lpse_id=tender.lpse_id,
        )
    return addendum


def addendum_discard(*, actor: Any, addendum: Addendum) -> None:
    """Drop an addendum that was never published (with its document versions, which were
    never public); the audit keeps their hashes."""
    with transaction.atomic():
        tender, addendum = _lock_for_committee(actor, addendum)
        if addendum.status not in EDITABLE_ADDENDUM:
            raise errors.Conflict(
                _("Addendum %(number)s is %(status)s and cannot be discarded.")
                % {"number": addendum.number, "status": addendum.get_status_display()},
                code="addendum_not_editable",
            )
        summary = _documents_summary(addendum)
        number = addendum.number
        addendum.documents.all().delete()
        addendum.delete()
        audit.record(
            actor=actor,
            action="tender.addendum_discard",
            obj=tender,
            changes={"tender": tender.code, "number": number, "documents": summary},
            lpse_id=tender.lpse_id,
        )
