"""Committee keys (architecture §5; security-reference §1; LT 31(2)-(3), KA 4).

Before the announcement the Pokja chair's browser makes, per envelope, a P-256 committee key,
splits its private scalar k-of-n (a majority) among the current members and seals each share
to the member's confirmed personal key; `committee_keys_store` keeps the public key and the
sealed shares (the server never sees the private key nor a share in the clear).

At the announcement the registered preparer (`prepare`, see `tenders.sealing`) checks that
every envelope has keys covering every current member, asks the key service for the
envelope's system key (used by it only after the opening time) and seals the canary with both
public keys. A later change of the opening stage moves the key service's opening time
(`schedule_changed`); a change of Pokja requires a re-split (`member_changed`, see
`bids.services.resplit`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.bids import permissions as perms
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.enums import PersonalKeyStatus
from openlpse.bids.models import EnvelopeKeys, KeyResplit, KeyShare
from openlpse.bids.sealedfile import OpenError, fingerprint, key_id, load_public, seal, unb64
from openlpse.core import audit, clock, errors
from openlpse.tenders.enums import Envelope, StageAction, TenderStatus
from openlpse.tenders.models import PokjaMember, Tender, TenderStage
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.sealing import envelopes_of
from openlpse.tenders.services.common import lock_tender
from openlpse.tenders.stages import template_for

CANARY_BYTES = 64
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def envelope_label(envelope: str) -> str:
    try:
        return str(Envelope(envelope).label)
    except ValueError:
        return envelope


# --- opening time of an envelope ------------------------------------------------------------


def opening_stage_code(tender: Tender, envelope: str) -> str | None:
    """The stage in which the envelope is opened: for a single bid the bid-opening stage, for
    file I / file II their opening stages, for the qualification envelope the stage after the
    qualification upload."""
    template = template_for(tender.method)
    wanted = {
        Envelope.SINGLE: StageAction.OPEN_BIDS,
        Envelope.FILE_1: StageAction.OPEN_FILE_1,
        Envelope.FILE_2: StageAction.OPEN_FILE_2,
    }.get(Envelope(envelope))
    if wanted is not None:
        for item in template:
            if item.allows(wanted):
                return item.code
        upload = StageAction.SUBMIT_BID
    else:
        upload = StageAction.SUBMIT_QUALIFICATION
    for index, item in enumerate(template):
        if item.allows(upload) and index + 1 < len(template):
            return template[index + 1].code
    return None


def opening_at(tender: Tender, envelope: str) -> dt.datetime:
    code = opening_stage_code(tender, envelope)
    row = TenderStage.objects.filter(tender=tender, code=code).first() if code else None
    if row is None:
        raise errors.Conflict(
            _(
                "The schedule has no stage in which the envelope “%(envelope)s” is opened. "
                "Complete the schedule first."
            )
            % {"envelope": envelope_label(envelope)},
            code="no_opening_stage",
        )
    return row.starts_at


# --- the chair's ceremony -------------------------------------------------------------------


def _refuse_unless_chair(actor: Any, tender: Tender) -> None:
    if not is_committee_member(actor, tender):
        raise errors.NotFound(_("The tender was not found."))
    if not perms.can_run_ceremony(actor, tender):
        if tender.status != TenderStatus.DRAFT:
            raise errors.Conflict(
                _(
                    "The committee keys are made before the announcement; tender %(code)s is "
                    "already announced. A change of Pokja is handled by a re-split."
                )
                % {"code": tender.code},
                code="ceremony_after_announcement",
            )
        raise errors.PermissionDenied(
            _("Only the chair of the tender's Pokja makes the committee keys."),
            code="not_committee_chair",
        )


def committee_material(*, actor: Any, tender: Tender) -> dict[str, Any]:
    """What the chair's browser needs for the ceremony: the envelopes, the members with their
    confirmed public keys, k, and the context of each share. Members without a confirmed key
    are listed in `missing` (the ceremony cannot run until they have one)."""
    _refuse_unless_chair(actor, tender)
    members = selectors.committee_users(tender)
    keys = selectors.confirmed_keys([m.pk for m in members])
    generation = 1
    listed = [
        {
            "user_id": m.pk,
            "name": m.display_name,
            "username": m.username,
            "public_key": keys[m.pk].public_key,
            "fingerprint": keys[m.pk].fingerprint,
        }
        for m in members
        if m.pk in keys
    ]
    missing = [{"user_id": m.pk, "name": m.display_name} for m in members if m.pk not in keys]
    n = len(members)
    return {
        "tender": tender.code,
        "tender_name": tender.name,
        "generation": generation,
        "threshold": selectors.threshold_for(n),
        "share_count": n,
        "members": listed,
        "missing": missing,
        "envelopes": [
            {
                "envelope": env,
                "label": envelope_label(env),
                "generation": generation,
                "contexts": {
                    str(m["user_id"]): selectors.share_context(
                        tender.code, env, generation, int(str(m["user_id"]))
                    )
                    for m in listed
                },
            }
            for env in envelopes_of(tender)
        ],
    }


def _invalid(message: str, code: str = "invalid_committee_keys") -> errors.ValidationError:
    return errors.ValidationError(message, code=code)


def _check_public(value: Any, what: str) -> bytes:
    try:
        raw = unb64(str(value))
        load_public(raw)
    except (OpenError, ValueError):
        raise _invalid(
            _("The public key of %(what)s is not a valid P-256 key. Run the ceremony again.")
            % {"what": what}
        ) from None
    return raw


def check_shares(
    *,
    tender: Tender,
    envelope: str,
    generation: int,
    data: Any,
    members: list[User],
) -> tuple[bytes, int, dict[int, dict[str, Any]]]:
    """Validate one envelope's payload: public key, k a majority of n, one share per current
    member with a confirmed key, distinct x, well-formed sealed shares. Returns (raw public
    key, k, shares by member id)."""
    label = envelope_label(envelope)
    if not isinstance(data, dict):
        raise _invalid(_("The keys of “%(envelope)s” are missing.") % {"envelope": label})
    raw = _check_public(data.get("public_key"), label)
    n = len(members)
    try:
        k = int(data.get("threshold"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        k = -1
    if k != selectors.threshold_for(n):  # a majority of the Pokja (KA 4)
        raise _invalid(
            _(
                "“%(envelope)s”: %(k)s shares needed out of %(n)s is not the majority the "
                "rules require (%(want)s of %(n)s). Run the ceremony again."
            )
            % {"envelope": label, "k": k, "n": n, "want": selectors.threshold_for(n)}
        )
    shares = data.get("shares")
    if not isinstance(shares, dict):
        raise _invalid(_("The shares of “%(envelope)s” are missing.") % {"envelope": label})
    by_member: dict[int, dict[str, Any]] = {}
    for key, value in shares.items():
        try:
            by_member[int(key)] = value
        except (TypeError, ValueError):
            raise _invalid(_("A share names an unknown member.")) from None
    wanted = {m.pk for m in members}
    if set(by_member) != wanted:
        names = ", ".join(m.display_name for m in members if m.pk not in by_member)
        raise _invalid(
            _(
                "“%(envelope)s” must have exactly one share for each current Pokja member "
                "(missing: %(names)s). Reload the page and run the ceremony again."
            )
            % {"envelope": label, "names": names or "-"}
        )
    xs: set[int] = set()
    for share in by_member.values():
        ok = isinstance(share, dict)
        x = share.get("x") if ok else None
        sealed = share.get("sealed") if ok else None
        ok = ok and isinstance(x, int) and 0 < x < 256 and x not in xs
        ok = (
            ok
            and isinstance(sealed, dict)
            and all(isinstance(sealed.get(f), str) for f in ("epk", "iv", "ct"))
        )
        ok = ok and isinstance(share.get("share_sha256"), str)
        ok = ok and bool(_HEX64.match(share["share_sha256"]))
        if ok:
            try:
                load_public(unb64(sealed["epk"]))  # type: ignore[index]
                ok = len(unb64(sealed["iv"])) == 12 and len(unb64(sealed["ct"])) > 16  # type: ignore[index]
            except (OpenError, ValueError):
                ok = False
        if not ok:
            raise _invalid(
                _(
                    "A share of “%(envelope)s” is malformed (each share needs a distinct index "
                    "and a sealed value). Run the ceremony again."
                )
                % {"envelope": label}
            )
        xs.add(x)  # type: ignore[arg-type]
    return raw, k, by_member


def _missing_keys_error(members: list[User], keys: dict[int, Any]) -> errors.DomainError | None:
    missing = [m.display_name for m in members if m.pk not in keys]
    if not missing:
        return None
    return errors.Conflict(
        _(
            "These Pokja members have no confirmed personal key yet: %(names)s. Each makes one "
            "on the “Personal key” page and has the LPSE administrator confirm it."
        )
        % {"names": ", ".join(missing)},
        code="members_without_keys",
    )


def _write_shares(
    row: EnvelopeKeys,
    generation: int,
    shares: dict[int, dict[str, Any]],
    keys: dict[int, Any],
    now: dt.datetime,
) -> None:
    KeyShare.objects.bulk_create(
        [
            KeyShare(
                keys=row,
                generation=generation,
                member_id=uid,
                personal_key=keys[uid],
                x=int(share["x"]),
                sealed={f: share["sealed"][f] for f in ("epk", "iv", "ct")},
                share_sha256=share["share_sha256"],
                created_at=now,
            )
            for uid, share in sorted(shares.items())
        ]
    )


def committee_keys_store(
    *, actor: Any, tender: Tender, envelopes: dict[str, Any]
) -> list[EnvelopeKeys]:
    """Keep the committee public keys and sealed shares the chair's browser made (chair only,
    before the announcement). Running the ceremony again replaces the earlier keys: no bid
    can have been sealed to them yet."""
    _refuse_unless_chair(actor, tender)
    with transaction.atomic():
        locked = lock_tender(tender)
        _refuse_unless_chair(actor, locked)
        members = selectors.committee_users(locked)
        keys = selectors.confirmed_keys([m.pk for m in members])
        problem = _missing_keys_error(members, keys)
        if problem is not None:
            raise problem
        wanted = envelopes_of(locked)
        if not isinstance(envelopes, dict) or set(envelopes) != set(wanted):
            raise _invalid(
                _("Keys are needed for exactly these envelopes: %(envs)s. Reload the page.")
                % {"envs": ", ".join(envelope_label(e) for e in wanted)}
            )
        checked = {
            env: check_shares(
                tender=locked, envelope=env, generation=1, data=envelopes[env], members=members
            )
            for env in wanted
        }
        if len({raw for raw, _k, _s in checked.values()}) != len(wanted):
            raise _invalid(_("Each envelope needs its own committee key. Run the ceremony again."))
        old = list(EnvelopeKeys.objects.filter(tender=locked))
        replaced = {row.envelope: row.committee_fingerprint for row in old}
        for row in old:
            row.delete()
        now = clock.now()
        rows = []
        for env in wanted:
            raw, k, shares = checked[env]
            row = EnvelopeKeys.objects.create(
                tender=locked,
                envelope=env,
                committee_public=envelopes[env]["public_key"],
                committee_kid=key_id(raw),
                committee_fingerprint=fingerprint(raw),
                threshold=k,
                share_count=len(shares),
                generation=1,
                made_by=actor,
                made_at=now,
            )
            _write_shares(row, 1, shares, keys, now)
            rows.append(row)
        audit.record(
            actor=actor,
            action="bids.committee_keys_store",
            obj=locked,
            changes={
                "envelopes": {
                    r.envelope: {
                        "committee_fingerprint": r.committee_fingerprint,
                        "threshold": r.threshold,
                        "share_count": r.share_count,
                        "members": sorted(checked[r.envelope][2]),
                    }
                    for r in rows
                },
                "replaced": replaced,
            },
            lpse_id=locked.lpse_id,
        )
    return rows


# --- the announcement -----------------------------------------------------------------------


def readiness(tender: Tender) -> list[str]:
    """Why the tender's keys are not ready for the announcement (empty when they are)."""
    members = selectors.committee_users(tender)
    keys = selectors.confirmed_keys([m.pk for m in members])
    rows = selectors.envelope_keys(tender)
    problems: list[str] = []
    for env in envelopes_of(tender):
        label = envelope_label(env)
        row = rows.get(env)
        if row is None:
            problems.append(
                _("no committee key for the envelope “%(envelope)s”") % {"envelope": label}
            )
            continue
        shares = {s.member_id: s for s in selectors.current_shares(row)}
        for member in members:
            share = shares.get(member.pk)
            key = keys.get(member.pk)
            if key is None:
                problems.append(
                    _("%(name)s has no confirmed personal key") % {"name": member.display_name}
                )
            elif share is None or share.personal_key_id != key.pk:
                problems.append(
                    _("the envelope “%(envelope)s” has no share for %(name)s")
                    % {"envelope": label, "name": member.display_name}
                )
    return list(dict.fromkeys(problems))


def readiness_sentences(tender: Tender) -> list[str]:
    """`readiness` as one sentence for the set-up page's list of what blocks the announcement."""
    problems = readiness(tender)
    if not problems:
        return []
    return [
        _(
            "The chair must make the committee keys on the key ceremony page "
            "(“Committee keys”) before the announcement: %(problems)s."
        )
        % {"problems": "; ".join(problems)}
    ]


def prepare_envelope(row: EnvelopeKeys, tender: Tender, *, now: dt.datetime) -> dict[str, Any]:
    """The system key from the key service and the canary sealed with both keys."""
    from openlpse.bids import keyclient

    system = keyclient.create_system_key(
        tender_ref=tender.code, envelope=row.envelope, opening_at=opening_at(tender, row.envelope)
    )
    canary = os.urandom(CANARY_BYTES)
    out = io.BytesIO()
    seal(
        io.BytesIO(canary),
        out,
        tender=tender.code,
        envelope=row.envelope,
        bidder="canary",
        committee_pub=unb64(row.committee_public),
        system_pub=unb64(system.public_key),
    )
    row.system_public = system.public_key
    row.system_kid = system.kid
    row.system_fingerprint = system.fingerprint
    row.canary = out.getvalue()
    row.canary_sha256 = hashlib.sha256(canary).hexdigest()
    row.prepared_at = now
    row.save(
        update_fields=[
            "system_public",
            "system_kid",
            "system_fingerprint",
            "canary",
            "canary_sha256",
            "prepared_at",
        ]
    )
    return {
        "committee_fingerprint": row.committee_fingerprint,
        "system_fingerprint": row.system_fingerprint,
        "system_kid": row.system_kid,
        "threshold": row.threshold,
        "share_count": row.share_count,
        "canary_sha256": row.canary_sha256,
    }


def prepare(*, tender: Tender, actor: Any, envelopes: list[str]) -> dict[str, Any]:
    """The sealing preparer (`tenders.sealing.register`), inside `tender_announce`'s
    transaction: refuses unless every envelope has committee keys covering every current
    member (LT 31(2)), then makes the system keys and canaries."""
    problems = readiness(tender)
    if problems:
        raise errors.Conflict(
            _(
                "The tender cannot be announced before the committee keys are made: %(why)s. "
                "The chair makes them on the tender's key ceremony page (Committee keys) once "
                "every member has a confirmed personal key."
            )
            % {"why": "; ".join(problems)},
            code="committee_keys_missing",
            problems=problems,
        )
    now = clock.now()
    rows = {r.envelope: r for r in EnvelopeKeys.objects.select_for_update().filter(tender=tender)}
    summary = {env: prepare_envelope(rows[env], tender, now=now) for env in envelopes}
    return {"sealing_keys": summary}


def schedule_changed(*, tender: Tender, changed: list[str]) -> dict[str, Any]:
    """A change of the schedule after the announcement: tell the key service the new opening
    time of each envelope whose opening stage moved (inside the schedule change's
    transaction)."""
    from openlpse.bids import keyclient

    moved: dict[str, str] = {}
    for row in EnvelopeKeys.objects.filter(tender=tender).exclude(system_kid=""):
        if opening_stage_code(tender, row.envelope) not in changed:
            continue
        at = opening_at(tender, row.envelope)
        keyclient.set_opening_time(kid=row.system_kid, opening_at=at)
        moved[row.envelope] = at.isoformat()
    return {"system_key_opening": moved} if moved else {}


# --- a change of Pokja ----------------------------------------------------------------------


def request_resplits(*, tender: Tender, reason: str, removed: Any, added: Any) -> list[KeyResplit]:
    """Mark every envelope of the tender for a re-split (caller holds the transaction)."""
    now = clock.now()
    made = []
    for row in EnvelopeKeys.objects.select_for_update().filter(tender=tender):
        if row.openings.filter(status="opened").exists():
            continue
        row.resplit_required = True
        row.save(update_fields=["resplit_required"])
        made.append(
            KeyResplit.objects.create(
                keys=row,
                reason=reason,
                removed=removed,
                added=added,
                requested_at=now,
            )
        )
    return made


def member_changed(
    *, package: Any, tender: Tender, removed: User, added: User, actor: Any
) -> dict[str, Any]:
    """The member-change hook (`tenders.services.pokja.register_member_change`): the committee
    key must be re-split for the new Pokja (logged, with minutes)."""
    row = (
        PokjaMember.objects.filter(package=package, user=removed, removed_at__isnull=False)
        .order_by("-removed_at")
        .first()
    )
    reason = row.removal_reason if row else ""
    made = request_resplits(tender=tender, reason=reason, removed=removed, added=added)
    return {"resplit_required": sorted(r.keys.envelope for r in made)} if made else {}


def register_hooks() -> None:
    from openlpse.tenders import sealing
    from openlpse.tenders.services import pokja

    sealing.register(prepare)
    pokja.register_member_change(member_changed)
    sealing.register_schedule_change(schedule_changed)
    sealing.register_readiness(readiness_sentences)


__all__ = [
    "PersonalKeyStatus",
    "committee_keys_store",
    "committee_material",
    "member_changed",
    "prepare",
    "register_hooks",
    "schedule_changed",
]
