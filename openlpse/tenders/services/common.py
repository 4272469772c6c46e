"""Helpers every tender service shares: lock the tender row, mark public data changed,
notify the participants after the commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.core import clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.tenders.models import Participant, Tender


def lock_tender(tender: Tender | int) -> Tender:
    """Re-read the tender with its row locked (consistent lock order: tender first, then its
    children). NotFound if it vanished."""
    pk = tender if isinstance(tender, int) else tender.pk
    locked = (
        Tender.objects.select_for_update(of=("self",))
        .select_related("lpse", "package")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise errors.NotFound()
    return locked


def required_text(value: str, *, field: str, max_length: int, missing: str) -> str:
    """`value` with its runs of white space folded to one space; a field error on `field` when
    nothing is left (saying `missing`) or when it is longer than `max_length`."""
    text = " ".join((value or "").split())
    if not text:
        raise errors.field_error(field, missing)
    if len(text) > max_length:
        raise errors.field_error(field, _("Use at most %(max)d characters.") % {"max": max_length})
    return text


def touch_public(tender: Tender) -> None:
    """Something public about the tender changed (feeds and open data read this)."""
    tender.public_modified_at = clock.now()
    Tender.objects.filter(pk=tender.pk).update(public_modified_at=tender.public_modified_at)


def participant_users(tender: Tender) -> list[Any]:
    """Every active user of every joined vendor (vendor admin and staff)."""
    from openlpse.accounts.enums import Role, ScopeKind
    from openlpse.accounts.models import RoleAssignment, User
    from openlpse.accounts.permissions import in_force_q, today

    vendor_refs = [
        str(v)
        for v in Participant.objects.filter(tender=tender).values_list("vendor_id", flat=True)
    ]
    if not vendor_refs:
        return []
    user_ids = RoleAssignment.objects.filter(
        in_force_q(today()),
        scope_kind=ScopeKind.VENDOR,
        role__in=[Role.VENDOR_ADMIN, Role.VENDOR_STAFF],
        scope_ref__in=vendor_refs,
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=user_ids, is_active=True))


def notify_participants(tender: Tender, message: Message) -> None:
    """Queue `message` to every participant's users after the commit."""

    def send() -> None:
        users = participant_users(tender)
        if users:
            notify(users=users, message=message, lpse=tender.lpse)

    transaction.on_commit(send)
