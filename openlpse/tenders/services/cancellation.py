"""Tender batal (issue 4 item 7): the committee chair, before or after the announcement, or the
PA/KPA of the package's agency cancels a tender with a reason that is public. Participants and
the committee are notified; the package stays with its committee for a new tender."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.tenders import permissions_setup as perms
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.services.common import lock_tender, notify_participants, touch_public
from openlpse.tenders.services.setup import public_url, tender_url

REASON_MAX = 2000


def tender_cancel(*, actor: User, tender: Tender, reason: str) -> Tender:
    if not perms.can_cancel(actor, tender):
        raise errors.PermissionDenied(
            _(
                "Only the chair of the tender's committee or the PA/KPA of its agency can cancel "
                "a tender in preparation or in progress."
            ),
            code="not_allowed_to_cancel",
        )
    text = (reason or "").strip()
    if not text:
        raise errors.field_error(
            "reason",
            _(
                "Give the reason for the cancellation: it is published with the tender "
                "(“Tender Batal”). Nothing was changed."
            ),
            code="reason_required",
        )
    if len(text) > REASON_MAX:
        raise errors.field_error(
            "reason",
            _("The reason may be at most %(max)d characters long.") % {"max": REASON_MAX},
        )
    with transaction.atomic():
        locked = lock_tender(tender)
        if locked.status not in perms.LIVE_STATUSES:
            raise errors.Conflict(
                _("The tender has already ended (%(status)s): it cannot be cancelled.")
                % {"status": locked.get_status_display()},
                code="tender_ended",
            )
        was_announced = locked.status == TenderStatus.ANNOUNCED
        now = clock.now()
        locked.status = TenderStatus.CANCELLED
        locked.cancelled_at = now
        locked.cancelled_by = actor
        locked.cancel_reason = text
        locked.updated_at = now
        locked.save(
            update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
        )
        code, name = locked.code, locked.name
        message = Message(
            "tender.cancelled",
            subject=lambda: _("Tender %(code)s cancelled") % {"code": code},
            body=lambda: (
                _("%(name)s (%(code)s) was cancelled. Reason: %(reason)s")
                % {"name": name, "code": code, "reason": text}
            ),
            url=tender_url(locked),
        )
        if was_announced:
            touch_public(locked)
            notify_participants(locked, replace(message, url=public_url(locked, "pengumuman")))
        notify(users=perms.committee_users(locked.package), message=message, lpse=locked.lpse)
        audit.record(
            actor=actor,
            action="tender.cancel",
            obj=locked,
            changes={"reason": text, "was_announced": was_announced},
            lpse_id=locked.lpse_id,
        )
    return locked
