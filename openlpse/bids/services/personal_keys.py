"""Personal keys of Pokja members (issue 5 item 1; security-reference §1).

The key pair is made in the member's browser; the private key stays in the member's
passphrase-protected key file. The server keeps the public key and its fingerprint, usable
for shares only after the LPSE administrator of the member's LPSE confirmed the fingerprint
read to them out of band. A lost key is revoked (by the member or the administrator) and a
new one registered; shares sealed to the old key are re-split (docs/key-recovery.md).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openlpse.bids import permissions as perms
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.enums import PersonalKeyStatus
from openlpse.bids.models import EnvelopeKeys, PersonalKey
from openlpse.bids.sealedfile import OpenError, fingerprint, load_public, unb64
from openlpse.core import audit, clock, errors
from openlpse.tenders.enums import TenderStatus

REASON_MAX = 500


def _not_found() -> errors.NotFound:
    return errors.NotFound(_("The personal key was not found."))


def personal_key_register(*, actor: Any, public_key_b64: str) -> PersonalKey:
    """Register the public half of a key pair made in the browser. One live (pending or
    confirmed) key per user: revoke the old one first."""
    if not perms.may_hold_personal_key(actor):
        raise errors.PermissionDenied(
            _("Only Pokja members (and Pejabat Pengadaan) hold a personal key."),
            code="not_key_holder",
        )
    try:
        raw = unb64(str(public_key_b64 or "").strip())
        if len(raw) != 65:
            raise ValueError
        load_public(raw)
    except (OpenError, ValueError):
        raise errors.field_error(
            "public_key",
            _("The public key is not a valid P-256 key. Make the key again on this page."),
            code="invalid_public_key",
        ) from None
    lpse_id = selectors.member_lpse_id(actor)
    fp = fingerprint(raw)
    with transaction.atomic():
        if selectors.live_key(actor) is not None:
            raise errors.Conflict(
                _(
                    "You already have a personal key. Revoke it first (for example because "
                    "you lost its file), then make a new one."
                ),
                code="personal_key_exists",
            )
        if PersonalKey.objects.filter(fingerprint=fp).exists():
            raise errors.Conflict(
                _("This public key is already registered. Make a new key pair."),
                code="personal_key_duplicate",
            )
        now = clock.now()
        try:
            with transaction.atomic():
                key = PersonalKey.objects.create(
                    user=actor,
                    lpse_id=lpse_id,  # type: ignore[misc]
                    public_key=str(public_key_b64).strip(),
                    fingerprint=fp,
                    status=PersonalKeyStatus.PENDING,
                    created_at=now,
                )
        except IntegrityError:
            raise errors.Conflict(
                _("You already have a personal key. Reload the page."),
                code="personal_key_exists",
            ) from None
        audit.record(
            actor=actor,
            action="bids.personal_key_register",
            obj=key,
            changes={"fingerprint": fp},
            lpse_id=lpse_id,
        )
    return key


def _normalise_fp(text: str) -> str:
    return "".join(ch for ch in str(text or "").lower() if ch in "0123456789abcdef")


def personal_key_confirm(*, actor: Any, key: PersonalKey, fingerprint_read: str) -> PersonalKey:
    """The LPSE administrator confirms the key after comparing the fingerprint the member
    read to them out of band (in person or by phone) with the one the server shows."""
    if not perms.may_confirm_keys(actor, key.lpse):
        raise _not_found()
    if key.user_id == actor.pk:
        raise errors.PermissionDenied(
            _("You cannot confirm your own personal key; another LPSE administrator does."),
            code="separation_of_duties",
        )
    with transaction.atomic():
        locked = PersonalKey.objects.select_for_update().get(pk=key.pk)
        if locked.status != PersonalKeyStatus.PENDING:
            raise errors.Conflict(
                _("This key is %(status)s, not waiting for confirmation. Reload the page.")
                % {"status": locked.get_status_display().lower()},
                code="personal_key_not_pending",
            )
        if _normalise_fp(fingerprint_read) != locked.fingerprint:
            audit.record(
                actor=actor,
                action="bids.personal_key_confirm_refused",
                obj=locked,
                changes={"reason": "fingerprint_mismatch"},
                lpse_id=locked.lpse_id,
            )
            raise errors.field_error(
                "fingerprint",
                _(
                    "The fingerprint you entered does not match this key. Ask the member to "
                    "read it again from their page; if it still differs, do not confirm."
                ),
                code="fingerprint_mismatch",
            )
        now = clock.now()
        locked.status = PersonalKeyStatus.CONFIRMED
        locked.confirmed_by = actor
        locked.confirmed_at = now
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit.record(
            actor=actor,
            action="bids.personal_key_confirm",
            obj=locked,
            changes={"fingerprint": locked.fingerprint, "user": locked.user_id},
            lpse_id=locked.lpse_id,
        )
    return locked


def personal_key_revoke(*, actor: Any, key: PersonalKey, reason: str) -> PersonalKey:
    """Revoke a key (lost file, forgotten passphrase, suspected disclosure), by its owner or
    the LPSE administrator. Shares sealed to it in tenders not yet opened must be re-split
    once the member's new key is confirmed (docs/key-recovery.md)."""
    if not perms.can_revoke_key(actor, key):
        raise _not_found()
    reason = str(reason or "").strip()
    if not reason:
        raise errors.field_error(
            "reason",
            _("Give the reason for revoking the key; it is kept in the record."),
            code="required",
        )
    if len(reason) > REASON_MAX:
        raise errors.field_error(
            "reason",
            _("The reason is too long (at most %(max)s characters).") % {"max": REASON_MAX},
            code="too_long",
        )
    from openlpse.bids.services.committee import request_resplits

    with transaction.atomic():
        locked = PersonalKey.objects.select_for_update().get(pk=key.pk)
        if locked.status == PersonalKeyStatus.REVOKED:
            raise errors.Conflict(
                _("This key is already revoked. Reload the page."), code="personal_key_revoked"
            )
        now = clock.now()
        locked.status = PersonalKeyStatus.REVOKED
        locked.revoked_by = actor
        locked.revoked_at = now
        locked.revoke_reason = reason
        locked.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
        # Announced tenders whose current shares include this key need a re-split.
        tenders = {
            row.tender
            for row in EnvelopeKeys.objects.filter(
                tender__status=TenderStatus.ANNOUNCED,
                shares__personal_key=locked,
                shares__superseded_at__isnull=True,
            ).select_related("tender")
        }
        resplit = []
        for tender in tenders:
            made = request_resplits(
                tender=tender,
                reason=_("Personal key of %(name)s revoked: %(reason)s")
                % {"name": locked.user.display_name, "reason": reason},
                removed=locked.user,
                added=locked.user,
            )
            resplit += [f"{tender.code}/{r.keys.envelope}" for r in made]
        audit.record(
            actor=actor,
            action="bids.personal_key_revoke",
            obj=locked,
            changes={"fingerprint": locked.fingerprint, "reason": reason, "resplit": resplit},
            lpse_id=locked.lpse_id,
        )
    return locked
