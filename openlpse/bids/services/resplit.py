"""Re-split of a committee key after a change of Pokja (or a revoked personal key) before
the opening (issue 5 item 1: "a change of Pokja before the deadline re-splits the key
(logged, with minutes)").

1. `member_changed` / `personal_key_revoke` create a pending `KeyResplit` per envelope.
2. Members still on the Pokja who hold a current share open it in their browser and re-seal
   it to the chair's personal key (`resplit_handover`; context
   "<tender>/<envelope>/resplit<id>/u<member>").
3. The chair's browser opens k shares (the handovers and their own), rebuilds the committee
   key, checks it against the published public key, splits it for the current members and
   posts the new generation (`resplit_complete`); the old generation is superseded, its share
   hashes no longer accepted at the opening; the minutes PDF is stored.
The committee public key does not change: bids already sealed stay openable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.bids import selectors_keys as selectors
from openlpse.bids.enums import ResplitStatus
from openlpse.bids.models import EnvelopeKeys, KeyResplit, KeyShare
from openlpse.bids.services.committee import (
    _missing_keys_error,
    _write_shares,
    check_shares,
    envelope_label,
)
from openlpse.core import audit, clock, errors
from openlpse.tenders.enums import TenderStatus
from openlpse.tenders.permissions import is_committee_chair, is_committee_member


def _not_found() -> errors.NotFound:
    return errors.NotFound(_("The re-split was not found."))


def _chair_key(tender: Any) -> Any:
    members = selectors.committee_users(tender)
    chair = next((m for m in members if is_committee_chair(m, tender)), None)
    if chair is None:
        return None, None
    return chair, selectors.confirmed_keys([chair.pk]).get(chair.pk)


def _lock(resplit: KeyResplit) -> KeyResplit:
    locked = (
        KeyResplit.objects.select_for_update(of=("self",))
        .select_related("keys", "keys__tender")
        .get(pk=resplit.pk)
    )
    if locked.status != ResplitStatus.PENDING:
        raise errors.Conflict(
            _("This re-split is already done. Reload the page."), code="resplit_done"
        )
    if locked.keys.openings.filter(status="opened").exists():
        raise errors.Conflict(
            _("The envelope is already opened; its key is no longer re-split."),
            code="envelope_opened",
        )
    return locked


def resplit_material(*, actor: Any, resplit: KeyResplit) -> dict[str, Any]:
    """For a member: their current sealed share and the chair's public key; for the chair,
    also the handovers and the new members' keys and contexts."""
    resplit = KeyResplit.objects.select_related("keys", "keys__tender").get(pk=resplit.pk)
    keys = resplit.keys
    tender = keys.tender
    if not is_committee_member(actor, tender):
        raise _not_found()
    chair, chair_key = _chair_key(tender)
    own = selectors.share_for(keys, actor.pk)
    data: dict[str, Any] = {
        "resplit": resplit.pk,
        "tender": tender.code,
        "envelope": keys.envelope,
        "label": envelope_label(keys.envelope),
        "committee_public": keys.committee_public,
        "old_threshold": keys.threshold,
        "chair_public": chair_key.public_key if chair_key else None,
        "chair_name": chair.display_name if chair else None,
        "own_share": (
            {
                "sealed": own.sealed,
                "context": selectors.share_context(
                    tender.code, keys.envelope, keys.generation, actor.pk
                ),
            }
            if own
            else None
        ),
        "handover_context": selectors.handover_context(
            tender.code, keys.envelope, resplit.pk, actor.pk
        ),
        "handed_over": str(actor.pk) in (resplit.handovers or {}),
        "status": resplit.status,
    }
    if chair is not None and chair.pk == actor.pk:
        members = selectors.committee_users(tender)
        confirmed = selectors.confirmed_keys([m.pk for m in members])
        generation = keys.generation + 1
        data.update(
            {
                "handovers": [
                    {"member": int(uid), "sealed": h["sealed"], "context": h["context"]}
                    for uid, h in sorted((resplit.handovers or {}).items())
                ],
                "generation": generation,
                "threshold": selectors.threshold_for(len(members)),
                "members": [
                    {
                        "user_id": m.pk,
                        "name": m.display_name,
                        "public_key": confirmed[m.pk].public_key,
                        "fingerprint": confirmed[m.pk].fingerprint,
                    }
                    for m in members
                    if m.pk in confirmed
                ],
                "missing": [m.display_name for m in members if m.pk not in confirmed],
                "contexts": {
                    str(m.pk): selectors.share_context(tender.code, keys.envelope, generation, m.pk)
                    for m in members
                },
            }
        )
    return data


def resplit_handover(
    *, actor: Any, resplit: KeyResplit, sealed_to_chair: dict[str, Any]
) -> KeyResplit:
    """A member still on the Pokja hands their current share to the chair, re-sealed to the
    chair's personal key in their browser."""
    tender = resplit.keys.tender
    if not is_committee_member(actor, tender):
        raise _not_found()
    with transaction.atomic():
        locked = _lock(resplit)
        keys = locked.keys
        if selectors.share_for(keys, actor.pk) is None:
            raise errors.PermissionDenied(
                _("You hold no share of this envelope's key, so there is nothing to hand over."),
                code="no_share",
            )
        ok = isinstance(sealed_to_chair, dict) and all(
            isinstance(sealed_to_chair.get(f), str) for f in ("epk", "iv", "ct")
        )
        if not ok:
            raise errors.ValidationError(
                _("The handed-over share is malformed. Reload the page and try again."),
                code="invalid_handover",
            )
        now = clock.now()
        context = selectors.handover_context(tender.code, keys.envelope, locked.pk, actor.pk)
        handovers = dict(locked.handovers or {})
        handovers[str(actor.pk)] = {
            "sealed": {f: sealed_to_chair[f] for f in ("epk", "iv", "ct")},
            "context": context,
            "at": now.isoformat(),
        }
        locked.handovers = handovers
        locked.save(update_fields=["handovers"])
        audit.record(
            actor=actor,
            action="bids.resplit_handover",
            obj=locked,
            changes={"tender": tender.code, "envelope": keys.envelope},
            lpse_id=tender.lpse_id,
        )
    return locked


def resplit_complete(
    *, actor: Any, resplit: KeyResplit, envelope_payload: dict[str, Any]
) -> KeyResplit:
    """The chair posts the new generation of shares (same committee public key); the old
    generation is superseded; the minutes PDF is generated and stored."""
    tender = resplit.keys.tender
    if not is_committee_member(actor, tender):
        raise _not_found()
    if not is_committee_chair(actor, tender):
        raise errors.PermissionDenied(
            _("Only the chair of the tender's Pokja completes the re-split."),
            code="not_committee_chair",
        )
    if tender.status != TenderStatus.ANNOUNCED:
        raise errors.Conflict(
            _("Only the keys of an announced tender are re-split."), code="tender_not_announced"
        )
    from openlpse.bids.resplit_minutes import store_minutes

    with transaction.atomic():
        locked = _lock(resplit)
        keys = EnvelopeKeys.objects.select_for_update().get(pk=locked.keys_id)
        payload = envelope_payload if isinstance(envelope_payload, dict) else {}
        if payload.get("public_key") != keys.committee_public:
            raise errors.ValidationError(
                _(
                    "The rebuilt key is not the envelope's committee key: the shares did not "
                    "combine. Check the handovers and try again."
                ),
                code="resplit_key_mismatch",
            )
        generation = keys.generation + 1
        if payload.get("generation") not in (None, generation):
            raise errors.Conflict(
                _("The keys changed meanwhile. Reload the page and run the re-split again."),
                code="resplit_stale",
            )
        available = set(locked.handovers or {})
        if selectors.share_for(keys, actor.pk) is not None:
            available.add(str(actor.pk))
        if len(available) < keys.threshold:
            raise errors.Conflict(
                _(
                    "%(have)s shares are available but %(k)s are needed to rebuild the key. "
                    "Ask more members to hand over their share."
                )
                % {"have": len(available), "k": keys.threshold},
                code="resplit_not_enough_shares",
            )
        members = selectors.committee_users(keys.tender)
        confirmed = selectors.confirmed_keys([m.pk for m in members])
        problem = _missing_keys_error(members, confirmed)
        if problem is not None:
            raise problem
        _raw, k, shares = check_shares(
            tender=keys.tender,
            envelope=keys.envelope,
            generation=generation,
            data=payload,
            members=members,
        )
        now = clock.now()
        old = list(
            keys.shares.filter(generation=keys.generation).values_list("member_id", flat=True)
        )
        KeyShare.objects.filter(keys=keys, superseded_at__isnull=True).update(superseded_at=now)
        _write_shares(keys, generation, shares, confirmed, now)
        keys.generation = generation
        keys.threshold = k
        keys.share_count = len(shares)
        keys.resplit_required = False
        keys.save(update_fields=["generation", "threshold", "share_count", "resplit_required"])
        pending = list(
            KeyResplit.objects.select_for_update()
            .filter(keys=keys, status=ResplitStatus.PENDING)
            .order_by("requested_at")
        )
        minutes = store_minutes(keys=keys, resplits=pending, actor=actor, old_members=old, now=now)
        for row in pending:
            row.status = ResplitStatus.DONE
            row.completed_at = now
            row.completed_by = actor
            row.minutes = minutes
            row.save(update_fields=["status", "completed_at", "completed_by", "minutes"])
        audit.record(
            actor=actor,
            action="bids.resplit_complete",
            obj=keys.tender,
            changes={
                "envelope": keys.envelope,
                "generation": generation,
                "threshold": k,
                "old_members": sorted(old),
                "members": sorted(shares),
                "handovers": sorted(int(u) for u in available),
                "minutes_sha256": minutes.sha256 if minutes else "",
            },
            lpse_id=keys.tender.lpse_id,
        )
    locked.refresh_from_db()
    return locked
