"""The opening ceremony (issue 5 item 7; LT 31(3); security-reference §1.4 "Opening ceremony").

1. `opening_start`: a Pokja member of the tender starts the ceremony of one envelope, at or
   after its opening time by the server clock (the start of the stage in which the envelope
   is opened: OPEN_BIDS, OPEN_FILE_1, OPEN_FILE_2).
2. `opening_offer_share`: each member, signed in with MFA, unlocks their share in the browser
   and offers it. Shares offered before the opening time, shares of non-members, wrong or
   outdated shares are refused and the attempt audited. One offer per member.
3. When k shares are in (`opening_complete`): the committee key is rebuilt and checked
   against the published public key (E_SHARES otherwise, the session fails), the share bytes
   are wiped, the key service gives the system halves, the canary is opened first (it must
   give its recorded SHA-256, else nothing is opened), then every effective submission.
   For file II only bids that passed file I are opened (the rest are held). A bid that cannot
   be opened gets its error class, a diagnosis and an `UnopenableCase` with the evidence
   bundle (LT 27(2)-(3)); the LPSE's staff are told.
4. The closing checkpoint of the audit chain (size and RFC 6962 root) is recorded and the
   BA Pembukaan generated.

The committee private key exists only inside `opening_complete` and is dropped there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

import pyshamir
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.bids import (
    documents_kinds,  # noqa: F401  (registers the document kinds)
    sealedfile,
)
from openlpse.bids import selectors_opening as selectors
from openlpse.bids.enums import CaseStatus, OpenedStatus, SessionStatus
from openlpse.bids.models import (
    EnvelopeKeys,
    OpenedBid,
    OpeningSession,
    ShareOffer,
    Submission,
    UnopenableCase,
)
from openlpse.bids.services import gates
from openlpse.core import audit, clock, errors, merkle
from openlpse.core.notifications import Message, notify
from openlpse.core.storage import DurableFileSystemStorage, file_store
from openlpse.core.timezones import local_date_label, to_local, zone_abbreviation
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.enums import Envelope, TenderStatus
from openlpse.tenders.models import Tender
from openlpse.tenders.permissions import is_committee_member
from openlpse.tenders.services.common import lock_tender

# Storage fault: the stored bytes are not those the receipt names (security-reference §1.6):
# restore the file from the backup and re-check it.
E_STORAGE = "E_STORAGE"
SHARE_LENGTH = 33
CHECKPOINT_ORIGIN = "openlpse.audit"
CHUNK = 1024 * 1024
logger = logging.getLogger(__name__)

# Refusals worth an audit event of their own (committed even though the request fails).
_AUDITED_REFUSALS = frozenset(
    {
        "not_committee",
        "mfa_required",
        "opening_not_yet",
        "no_share",
        "share_mismatch",
        "share_already_offered",
    }
)


# --- messages ----------------------------------------------------------------------------------


def time_label(value: dt.datetime, zone: str) -> str:
    """'21 November 2026 14:05:09 WITA': to the second, in the LPSE's zone."""
    return f"{local_date_label(value, zone)} {to_local(value, zone):%H:%M:%S} {zone_abbreviation(zone)}"


def _not_committee() -> errors.PermissionDenied:
    return errors.PermissionDenied(
        _(
            "Only the members of the tender's Pokja open its bids. Sign in with the account "
            "of a Pokja member of this tender."
        ),
        code="not_committee",
    )


def _too_early(tender: Tender, opening_at: dt.datetime) -> errors.Conflict:
    return errors.Conflict(
        _(
            "The bids of this envelope can be opened from %(time)s by the server's clock, not "
            "before. Nothing was done; try again then."
        )
        % {"time": time_label(opening_at, tender.lpse.time_zone)},
        code="opening_not_yet",
    )


def software_version() -> str:
    try:
        from importlib.metadata import version

        return f"openlpse {version('openlpse')}"
    except Exception:  # pragma: no cover - not installed as a package
        return "openlpse (unknown version)"


# --- small helpers -----------------------------------------------------------------------------


def _audit_refusal(
    exc: errors.DomainError, *, actor: Any, action: str, tender: Tender, changes: dict[str, Any]
) -> None:
    """Record a refusal in its own transaction (the request's own work was rolled back)."""
    if exc.code not in _AUDITED_REFUSALS:
        return
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            obj=tender,
            changes={**changes, "code": exc.code},
            lpse_id=tender.lpse_id,
        )


def _envelope_or_404(tender: Tender, envelope: str) -> str:
    if envelope not in selectors.tender_envelopes(tender):
        raise errors.NotFound()
    return envelope


def _opening_at(tender: Tender, envelope: str) -> dt.datetime:
    opening_at = selectors.opening_time(tender, envelope)
    if opening_at is None:
        raise tender_errors.StageClosed(
            _("This tender's method has no stage in which this envelope is opened."),
            code="no_opening_stage",
        )
    return opening_at


def _assert_time(tender: Tender, envelope: str) -> dt.datetime:
    """The opening time, or the refusal when the server clock is before it."""
    opening_at = _opening_at(tender, envelope)
    if clock.now() < opening_at:
        raise _too_early(tender, opening_at)
    return opening_at


def _ready_keys(tender: Tender, envelope: str) -> EnvelopeKeys:
    keys = selectors.envelope_keys(tender, envelope)
    if keys is None or not keys.system_kid or keys.canary is None or not keys.canary_sha256:
        raise errors.Conflict(
            _(
                "This envelope has no complete keys (committee key, system key and canary). "
                "Bids sealed for it cannot be opened here; contact the LPSE."
            ),
            code="keys_not_ready",
        )
    if keys.resplit_required:
        raise errors.Conflict(
            _(
                "The Pokja changed and the committee key has not been re-split yet. The chair "
                "must complete the re-split before the opening."
            ),
            code="resplit_pending",
        )
    return keys


def _staging_dir() -> str:
    storage = default_storage
    if isinstance(storage, DurableFileSystemStorage):
        return storage.staging_dir()
    return tempfile.gettempdir()


def _system_halves(*, kid: str, epks: list[bytes]) -> list[bytes]:
    """Z2 for each ephemeral key, from the key service (helper A's client)."""
    from openlpse.bids import keyclient

    return keyclient.system_halves(kid=kid, epks=epks)


def _system_half(kid: str) -> Callable[[bytes], bytes]:
    def half(epk: bytes) -> bytes:
        return _system_halves(kid=kid, epks=[epk])[0]

    return half


def _cached_half(context: Any) -> Callable[[bytes], bytes]:
    fallback = _system_half(context.keys.system_kid)

    def half(epk: bytes) -> bytes:
        cached = context.halves.get(epk)
        return cached if cached is not None else fallback(epk)

    return half


class _LocalFile(File):  # type: ignore[type-arg]
    """A plain file written next to the storage, moved (not copied) into it by file_store."""

    def __init__(self, path: str, name: str) -> None:
        self._path = path
        super().__init__(open(path, "rb"), name=name)  # noqa: SIM115 (closed by the caller)

    def temporary_file_path(self) -> str:
        return self._path


# --- start -------------------------------------------------------------------------------------


def opening_start(*, actor: Any, tender: Tender, envelope: str) -> OpeningSession:
    """Start (or return the live) opening ceremony of the tender's envelope. Pokja only, at or
    after the opening time by the server clock. The LPSE's staff cannot open (KA 6(3))."""
    try:
        with transaction.atomic():
            if not is_committee_member(actor, tender):
                raise _not_committee()
            locked = lock_tender(tender)
            _envelope_or_404(locked, envelope)
            if locked.status != TenderStatus.ANNOUNCED:
                raise tender_errors.not_announced()
            _assert_time(locked, envelope)
            keys = _ready_keys(locked, envelope)
            live = selectors.live_session(locked, envelope)
            if live is not None:
                return live
            session = OpeningSession.objects.create(
                tender=locked,
                envelope=envelope,
                keys=keys,
                started_by=actor,
                started_at=clock.now(),
            )
            audit.record(
                actor=actor,
                action="bids.opening_start",
                obj=session,
                changes={
                    "tender": locked.code,
                    "envelope": envelope,
                    "threshold": keys.threshold,
                    "generation": keys.generation,
                },
                lpse_id=locked.lpse_id,
            )
            return session
    except errors.DomainError as exc:
        _audit_refusal(
            exc,
            actor=actor,
            action="bids.opening_start_refused",
            tender=tender,
            changes={"tender": tender.code, "envelope": envelope},
        )
        raise


# --- shares ------------------------------------------------------------------------------------


def opening_offer_share(
    *, actor: Any, session: OpeningSession, share: bytes, mfa_verified: bool, ip: str | None
) -> OpeningSession:
    """Offer the member's unlocked share. When the k-th share arrives the envelope is opened
    (`opening_complete`) in the same request."""
    tender = session.tender
    try:
        with transaction.atomic():
            if not is_committee_member(actor, tender):
                raise _not_committee()
            if not mfa_verified:
                raise errors.PermissionDenied(
                    _(
                        "Offering a share needs a sign-in with the second factor (MFA). Sign "
                        "out, sign in again with your authenticator code and offer it then."
                    ),
                    code="mfa_required",
                )
            locked = (
                OpeningSession.objects.select_for_update().select_related("keys").get(pk=session.pk)
            )
            if locked.status != SessionStatus.COLLECTING:
                raise errors.Conflict(
                    _("This opening ceremony no longer collects shares (it is %(status)s).")
                    % {"status": SessionStatus(locked.status).label},
                    code="session_not_collecting",
                )
            _assert_time(tender, locked.envelope)  # LT 31(3): never before the opening time
            keys = locked.keys
            key_share = selectors.member_share(keys, actor)
            if key_share is None:
                raise errors.PermissionDenied(
                    _(
                        "You hold no share of this envelope's key (of its current generation). "
                        "Only the members who received a share can offer one."
                    ),
                    code="no_share",
                )
            if ShareOffer.objects.filter(session=locked, member_id=actor.pk).exists():
                raise errors.Conflict(
                    _("You already offered your share in this ceremony. Wait for the others."),
                    code="share_already_offered",
                )
            digest = hashlib.sha256(bytes(share)).hexdigest()
            if len(share) != SHARE_LENGTH or digest != key_share.share_sha256:
                raise errors.ValidationError(
                    _(
                        "This is not your share of this envelope, or it is an outdated share "
                        "(of a generation before the last re-split). Open the share shown on "
                        "this page with your current key file and try again."
                    ),
                    code="share_mismatch",
                )
            ShareOffer.objects.create(
                session=locked,
                member=actor,
                share=bytes(share),
                share_sha256=digest,
                offered_at=clock.now(),
                ip=ip or None,
            )
            count = ShareOffer.objects.filter(session=locked).count()
            audit.record(
                actor=actor,
                action="bids.share_offer",
                obj=locked,
                changes={
                    "tender": tender.code,
                    "envelope": locked.envelope,
                    "share_sha256": digest,
                    "offered": count,
                    "threshold": keys.threshold,
                },
                lpse_id=tender.lpse_id,
            )
    except errors.DomainError as exc:
        _audit_refusal(
            exc,
            actor=actor,
            action="bids.share_offer_refused",
            tender=tender,
            changes={"tender": tender.code, "envelope": session.envelope, "session": session.pk},
        )
        raise
    if count >= keys.threshold:
        return opening_complete(actor=actor, session=locked)
    locked.refresh_from_db()
    return locked


# --- opening -----------------------------------------------------------------------------------


@dataclass
class _Context:
    session: OpeningSession
    keys: EnvelopeKeys
    tender: Tender
    actor: Any
    committee_key: ec.EllipticCurvePrivateKey
    members: list[dict[str, Any]]
    checkpoint: str
    now: dt.datetime
    failed: list[OpenedBid] = field(default_factory=list)
    # Z2 per ephemeral key, fetched from the key service in one batch before the bids are
    # opened (one request for the whole envelope instead of one per bid).
    halves: dict[bytes, bytes] = field(default_factory=dict)


def _rebuild(offers: list[ShareOffer], keys: EnvelopeKeys) -> ec.EllipticCurvePrivateKey:
    """Combine the shares and check the key against the published committee public key."""
    parts = [bytearray(bytes(o.share)) for o in offers if o.share is not None]
    try:
        # A committee of one (pengadaan langsung, k = n = 1) holds the scalar itself + x = 1.
        secret = bytearray(parts[0][:32]) if len(parts) == 1 else pyshamir.combine(parts)
    except Exception as exc:  # pyshamir raises ValueError/IndexError on malformed shares
        raise sealedfile.OpenError(sealedfile.E_SHARES, f"shares do not combine: {exc}") from exc
    finally:
        for part in parts:
            part[:] = b"\x00" * len(part)
    try:
        key = sealedfile.private_from_scalar(bytes(secret))
    finally:
        secret[:] = b"\x00" * len(secret)
    if sealedfile.public_raw(key) != sealedfile.unb64(keys.committee_public):
        raise sealedfile.OpenError(
            sealedfile.E_SHARES,
            "reconstructed key does not match the published committee public key",
        )
    return key


def closing_checkpoint() -> str:
    """The audit chain's checkpoint now (C2SP tlog-checkpoint body), signed as a note with the
    receipt key when helper A's receipts module offers its private key."""
    size, root = audit.merkle_root()
    checkpoint = merkle.Checkpoint(origin=CHECKPOINT_ORIGIN, size=size, root=root)
    try:
        from openlpse.bids import receipts

        return merkle.sign_checkpoint(
            checkpoint, key_name="openlpse-receipt", private_key=receipts.signing_key()
        )
    except Exception:  # the body alone still pins the log; the signature is a convenience
        logger.warning("closing checkpoint left unsigned: no receipt key", exc_info=True)
    return checkpoint.body()


def _members_present(session: OpeningSession) -> list[dict[str, Any]]:
    return [
        {
            "user_id": o.member_id,
            "username": o.member.username,
            "name": getattr(o.member, "display_name", "") or o.member.username,
            "offered_at": audit.format_time(o.offered_at),
            "mfa": True,  # refused without (opening_offer_share)
            "share_sha256": o.share_sha256,
        }
        for o in selectors.offers(session)
    ]


def _fail_session(
    session: OpeningSession,
    *,
    actor: Any,
    tender: Tender,
    error: sealedfile.OpenError,
    **flags: Any,
) -> OpeningSession:
    session.status = SessionStatus.FAILED
    session.failure = f"{error.code}: {error.detail}"
    for name, value in flags.items():
        setattr(session, name, value)
    session.save(update_fields=["status", "failure", *flags])
    audit.record(
        actor=actor,
        action="bids.opening_failed",
        obj=session,
        changes={
            "tender": tender.code,
            "envelope": session.envelope,
            "error_class": error.code,
            "detail": error.detail,
            **flags,
        },
        lpse_id=tender.lpse_id,
    )
    return session


def opening_complete(*, actor: Any, session: OpeningSession) -> OpeningSession:
    """Rebuild the committee key from the offered shares and open the envelope (or, for a
    re-opening, the restored bid). Called by the k-th offer; callable again by a Pokja member
    when the k-th offer's request stopped before the rebuild (the shares are then still kept).

    Once the rebuild has begun, the plain shares never outlive the attempt: a failure after
    it (key service unavailable or too early, storage error, any other error) rolls the
    opening back, then wipes the shares and fails the session in a transaction of its own,
    audited; the Pokja starts a new ceremony and offers the shares again."""
    rebuilding = [False]
    try:
        return _opening_complete(actor=actor, session=session, rebuilding=rebuilding)
    except BaseException as exc:
        if rebuilding[0]:
            _abandon(actor=actor, session=session, exc=exc)
        raise


def _abandon(*, actor: Any, session: OpeningSession, exc: BaseException) -> None:
    """After a failed opening attempt: wipe the plain shares and fail the session (audited).
    The original error is what the caller sees; a failure here is only logged."""
    from openlpse.bids import keyclient

    if isinstance(exc, keyclient.KeyServiceError):
        error = sealedfile.OpenError("E_KEY_SERVICE", f"key service: {exc.code}")
    else:  # only the type: an error's text might quote data
        error = sealedfile.OpenError("E_INTERNAL", f"opening stopped: {type(exc).__name__}")
    try:
        with transaction.atomic():
            locked = (
                OpeningSession.objects.select_for_update()
                .select_related("tender")
                .get(pk=session.pk)
            )
            ShareOffer.objects.filter(session=locked).update(share=None)
            if locked.status == SessionStatus.COLLECTING:
                _fail_session(locked, actor=actor, tender=locked.tender, error=error)
    except Exception:  # pragma: no cover - the database itself failed
        logger.exception("could not wipe the shares of opening session %s", session.pk)


def _opening_complete(
    *, actor: Any, session: OpeningSession, rebuilding: list[bool]
) -> OpeningSession:
    tender = session.tender
    with transaction.atomic():
        if not is_committee_member(actor, tender):
            raise _not_committee()
        locked = (
            OpeningSession.objects.select_for_update()
            .select_related("keys", "tender", "tender__lpse", "tender__package")
            .get(pk=session.pk)
        )
        if locked.status != SessionStatus.COLLECTING:
            return locked
        if locked.envelope == Envelope.FILE_2:
            # The file I results (the gate) must not change while file II is being opened:
            # gates.record_file_one_result locks the tender too.
            lock_tender(tender)
        keys = locked.keys
        offers = list(ShareOffer.objects.filter(session=locked, share__isnull=False))
        if len(offers) < keys.threshold:
            raise errors.Conflict(
                _(
                    "%(have)d of the %(need)d shares needed have been offered. The envelope "
                    "opens when enough members have offered theirs."
                )
                % {"have": len(offers), "need": keys.threshold},
                code="not_enough_shares",
            )
        _assert_time(tender, locked.envelope)
        now = clock.now()
        rebuilding[0] = True
        try:
            committee_key = _rebuild(offers, keys)
        except sealedfile.OpenError as exc:
            ShareOffer.objects.filter(session=locked).update(share=None)
            return _fail_session(locked, actor=actor, tender=tender, error=exc, committee_ok=False)
        ShareOffer.objects.filter(session=locked).update(share=None)  # wiped once rebuilt
        locked.committee_ok = True
        # The canary first: proves keys, key service and software work (security-ref §1.4).
        canary_error = _open_canary(keys, committee_key)
        if canary_error is not None:
            return _fail_session(
                locked,
                actor=actor,
                tender=tender,
                error=canary_error,
                committee_ok=True,
                canary_ok=False,
            )
        locked.canary_ok = True
        context = _Context(
            session=locked,
            keys=keys,
            tender=tender,
            actor=actor,
            committee_key=committee_key,
            members=_members_present(locked),
            checkpoint=closing_checkpoint(),
            now=now,
        )
        if locked.reopen_of_id is not None:
            _reopen_case(context)
        else:
            _open_all(context)
        del committee_key
        context.committee_key = None  # type: ignore[assignment]
        locked.status = SessionStatus.OPENED
        locked.opened_at = now
        locked.closing_checkpoint = context.checkpoint
        locked.save(
            update_fields=["status", "opened_at", "committee_ok", "canary_ok", "closing_checkpoint"]
        )
        if locked.reopen_of_id is None:
            _make_minutes(locked, actor=actor)
        chain = audit.verify_chain()  # security-reference §1.4: the checkpoint must verify
        counts = {
            status: OpenedBid.objects.filter(session=locked, status=status).count()
            for status in OpenedStatus.values
        }
        audit.record(
            actor=actor,
            action="bids.opening_open",
            obj=locked,
            changes={
                "tender": tender.code,
                "envelope": locked.envelope,
                "members": [m["username"] for m in context.members],
                "results": counts,
                "checkpoint": context.checkpoint,
                "chain_verified": chain.ok,
                "chain_first_bad_seq": chain.first_bad_seq,
                "minutes_sha256": locked.minutes.sha256 if locked.minutes else None,
                "reopen_of": locked.reopen_of_id,
            },
            lpse_id=tender.lpse_id,
        )
        if context.failed:
            _notify_lpse(tender, context.failed)
    return locked


def _open_canary(
    keys: EnvelopeKeys, committee_key: ec.EllipticCurvePrivateKey
) -> sealedfile.OpenError | None:
    """Open the canary (a few random bytes sealed at the announcement): None when it gives
    the recorded SHA-256, else the error that stops the ceremony."""
    import io

    sink = io.BytesIO()
    try:
        sealedfile.open_sealed(
            io.BytesIO(bytes(keys.canary or b"")),
            sink,
            committee_key=committee_key,
            system_half=_system_half(keys.system_kid),
            expected_kids=(keys.committee_kid, keys.system_kid),
        )
    except sealedfile.OpenError as exc:
        return sealedfile.OpenError(exc.code, f"canary: {exc.detail}", header_parsed=True)
    if hashlib.sha256(sink.getvalue()).hexdigest() != keys.canary_sha256:
        return sealedfile.OpenError(
            sealedfile.E_SHARES, "canary opened to other bytes than those recorded"
        )
    return None


def _prefetch_halves(context: _Context, submissions: list[Submission]) -> None:
    """Read each stored file's ephemeral key (header only) and ask the key service for all
    the system halves at once. A file whose header cannot be read is skipped here: opening it
    then classifies the failure (and asks for its half alone if it gets that far)."""
    epks: list[bytes] = []
    for submission in submissions:
        try:
            with default_storage.open(submission.storage_name, "rb") as stream:
                header = sealedfile.read_header(stream)
            epk = sealedfile.unb64(str(header.fields["epk"]))
        except (OSError, sealedfile.OpenError, ValueError):
            continue
        if epk not in context.halves and epk not in epks:
            epks.append(epk)
    if epks:
        halves = _system_halves(kid=context.keys.system_kid, epks=epks)
        context.halves.update(zip(epks, halves, strict=True))


def _open_all(context: _Context) -> None:
    session, tender = context.session, context.tender
    submissions = list(
        selectors.effective_submissions(tender=tender, envelope=session.envelope)
        .select_related("vendor")
        .order_by("pk")
    )
    _prefetch_halves(context, submissions)
    for submission in submissions:
        if OpenedBid.objects.filter(submission=submission).exists():
            continue
        if session.envelope == Envelope.FILE_2 and not gates.file_two_may_open(
            tender=tender, vendor=submission.vendor_id
        ):
            OpenedBid.objects.create(
                session=session,
                submission=submission,
                status=OpenedStatus.HELD,
                diagnosis={"reason": "file_one_not_passed"},
                opened_at=context.now,
            )
            continue
        _open_submission(context, submission, OpenedBid(session=session, submission=submission))


# --- one bid -----------------------------------------------------------------------------------


def _receipt_sha(submission: Submission) -> str:
    receipt = submission.receipt if isinstance(submission.receipt, dict) else {}
    inner = receipt.get("receipt")
    if not isinstance(inner, dict):
        inner = receipt
    return str(inner.get("ciphertext_sha256") or submission.sha256)


def _copy_stored(submission: Submission, sink: IO[bytes]) -> tuple[str | None, int]:
    """Copy the stored ciphertext into `sink`: (SHA-256 of the bytes now, size), or (None, 0)
    when the stored file is missing."""
    hasher = hashlib.sha256()
    size = 0
    try:
        stream = default_storage.open(submission.storage_name, "rb")
    except (FileNotFoundError, OSError):
        return None, 0
    with stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            hasher.update(chunk)
            sink.write(chunk)
            size += len(chunk)
    sink.flush()
    return hasher.hexdigest(), size


def _header_facts(path: str, keys: EnvelopeKeys) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "header_parsed": False,
        "header": None,
        "kids_in_file": None,
        "kids_of_tender": [keys.committee_kid, keys.system_kid],
        "kids_match": None,
    }
    try:
        with open(path, "rb") as stream:
            header = sealedfile.read_header(stream)
    except (sealedfile.OpenError, OSError):
        return facts
    kids = [header.committee_kid, header.system_kid]
    facts.update(
        header_parsed=True,
        header=header.fields,
        kids_in_file=kids,
        kids_match=kids == facts["kids_of_tender"],
    )
    return facts


def _open_submission(context: _Context, submission: Submission, opened: OpenedBid) -> OpenedBid:
    """Open one sealed bid into the storage, or record its failure with an UnopenableCase."""
    staging = _staging_dir()
    fd, sealed_path = tempfile.mkstemp(dir=staging, suffix=".sealed")
    plain_fd, plain_path = tempfile.mkstemp(dir=staging, suffix=".plain")
    os.close(plain_fd)
    try:
        with os.fdopen(fd, "wb") as sink:
            stored_sha, stored_size = _copy_stored(submission, sink)
        receipt_sha = _receipt_sha(submission)
        diagnosis: dict[str, Any] = {
            "stored_sha256": stored_sha,
            "stored_size": stored_size,
            "receipt_sha256": receipt_sha,
            "submission_sha256": submission.sha256,
            "storage_ok": stored_sha is not None and stored_sha == submission.sha256,
            "committee_key_rebuilt": True,
            "committee_key_matches": True,
            "canary_opened": True,
        }
        error: sealedfile.OpenError | None = None
        result: sealedfile.OpenResult | None = None
        if stored_sha is None:
            error = sealedfile.OpenError(E_STORAGE, "the stored file is missing")
        else:
            diagnosis.update(_header_facts(sealed_path, context.keys))
            try:
                with open(sealed_path, "rb") as source, open(plain_path, "wb") as out:
                    result = sealedfile.open_sealed(
                        source,
                        out,
                        committee_key=context.committee_key,
                        system_half=_cached_half(context),
                        expected_kids=(context.keys.committee_kid, context.keys.system_kid),
                    )
            except sealedfile.OpenError as exc:
                error = exc
            if not diagnosis["storage_ok"]:
                opener = error.as_dict() if error else {"error_class": None}
                diagnosis["opener"] = opener
                error = sealedfile.OpenError(
                    E_STORAGE,
                    "the stored bytes differ from the receipt's SHA-256: restore the file from "
                    "the backup and re-check it",
                    chunk=error.chunk if error else None,
                    byte_range=error.byte_range if error else None,
                    header_parsed=diagnosis.get("header_parsed", False),
                )
                result = None
        if error is None and result is not None:
            return _store_plain(context, submission, opened, plain_path, result, diagnosis)
        diagnosis.update(error.as_dict() if error else {})
        diagnosis["header_parsed"] = bool(diagnosis.get("header_parsed")) or bool(
            error and error.header_parsed
        )
        return _record_failure(
            context, submission, opened, error, diagnosis, sealed_path if stored_sha else None
        )
    finally:
        for path in (sealed_path, plain_path):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def _store_plain(
    context: _Context,
    submission: Submission,
    opened: OpenedBid,
    plain_path: str,
    result: sealedfile.OpenResult,
    diagnosis: dict[str, Any],
) -> OpenedBid:
    name = submission.file_name
    for suffix in (".lpsebid", ".sealed", ".enc"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    stored = None
    try:
        upload = _LocalFile(plain_path, name)
        try:
            stored = file_store(
                upload=upload,
                kind="opened_bid",
                owner=context.actor,
                purpose=f"opened bid {context.tender.code} {submission.envelope} "
                f"{submission.receipt_number}",
                lpse=context.tender.lpse,
            )
        finally:
            upload.close()
    except (errors.UnsupportedMediaType, errors.PayloadTooLarge) as exc:
        # Opened and authentic, but not a type the Pokja may download here: recorded as such.
        diagnosis["stored"] = False
        diagnosis["store_refused"] = {"code": exc.code, "message": str(exc)}
    opened.status = OpenedStatus.OPENED
    opened.plain_file = stored
    opened.plaintext_sha256 = result.plaintext_sha256
    opened.size = result.size
    opened.error_class = ""
    opened.diagnosis = {
        **({"previous": opened.diagnosis} if opened.pk and opened.diagnosis else {}),
        "chunks": result.chunks,
        **{k: v for k, v in diagnosis.items() if k in ("stored", "store_refused", "stored_sha256")},
    }
    opened.opened_at = context.now
    opened.session = opened.session if opened.pk else context.session
    opened.save()
    audit.record(
        actor=context.actor,
        action="bids.bid_opened",
        obj=opened,
        changes={
            "tender": context.tender.code,
            "envelope": submission.envelope,
            "receipt_number": submission.receipt_number,
            "vendor": str(submission.vendor_id),
            "ciphertext_sha256": submission.sha256,
            "plaintext_sha256": result.plaintext_sha256,
            "size": result.size,
        },
        lpse_id=context.tender.lpse_id,
    )
    return opened


def _record_failure(
    context: _Context,
    submission: Submission,
    opened: OpenedBid,
    error: sealedfile.OpenError | None,
    diagnosis: dict[str, Any],
    sealed_path: str | None,
) -> OpenedBid:
    from openlpse.bids import evidence

    code = error.code if error else E_STORAGE
    opened.status = OpenedStatus.FAILED
    opened.error_class = code
    opened.plain_file = None
    opened.plaintext_sha256 = ""
    opened.size = None
    opened.diagnosis = diagnosis
    opened.opened_at = context.now
    if not opened.pk:
        opened.session = context.session
    opened.save()
    bundle = evidence.build_bundle(
        submission=submission,
        session=context.session,
        diagnosis=diagnosis,
        sealed_path=sealed_path,
        members=context.members,
        checkpoint=context.checkpoint,
        at=context.now,
        software=software_version(),
    )
    upload = _LocalFile(bundle, f"evidence-{submission.receipt_number}.zip")
    try:
        stored = file_store(
            upload=upload,
            kind="unopenable_evidence",
            owner=context.actor,
            purpose=f"evidence {context.tender.code} {submission.receipt_number}",
            lpse=context.tender.lpse,
        )
    finally:
        upload.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(bundle)
    case = UnopenableCase.objects.filter(opened_bid=opened).first()
    if case is None:
        case = UnopenableCase.objects.create(
            opened_bid=opened,
            evidence=stored,
            evidence_sha256=stored.sha256,
            reported_at=context.now,
        )
    else:  # a re-opening that failed again: the new evidence replaces the old in the case
        case.evidence, case.evidence_sha256 = stored, stored.sha256
        case.save(update_fields=["evidence", "evidence_sha256"])
    audit.record(
        actor=context.actor,
        action="bids.bid_unopenable",
        obj=case,
        changes={
            "tender": context.tender.code,
            "envelope": submission.envelope,
            "receipt_number": submission.receipt_number,
            "vendor": str(submission.vendor_id),
            "error_class": code,
            "detail": diagnosis.get("detail", ""),
            "evidence_sha256": stored.sha256,
        },
        lpse_id=context.tender.lpse_id,
    )
    context.failed.append(opened)
    return opened


def _reopen_case(context: _Context) -> None:
    case_id = context.session.reopen_of_id
    assert case_id is not None
    case = UnopenableCase.objects.select_related("opened_bid", "opened_bid__submission").get(
        pk=case_id
    )
    opened = case.opened_bid
    result = _open_submission(context, opened.submission, opened)
    if result.status == OpenedStatus.OPENED:
        case.status = CaseStatus.RESTORED
        case.save(update_fields=["status"])
        audit.record(
            actor=context.actor,
            action="bids.case_restored",
            obj=case,
            changes={
                "tender": context.tender.code,
                "receipt_number": opened.submission.receipt_number,
                "plaintext_sha256": result.plaintext_sha256,
                "session": context.session.pk,
            },
            lpse_id=context.tender.lpse_id,
        )


def _make_minutes(session: OpeningSession, *, actor: Any) -> None:
    from openlpse.bids import opening_minutes

    pdf = opening_minutes.minutes_pdf(session=session)
    stored = file_store(
        upload=ContentFile(pdf, name=f"BA-Pembukaan-{session.tender.code}-{session.envelope}.pdf"),
        kind="opening_minutes",
        owner=actor,
        purpose=f"BA Pembukaan {session.tender.code} {session.envelope}",
        lpse=session.tender.lpse,
    )
    session.minutes = stored
    session.save(update_fields=["minutes"])


def _notify_lpse(tender: Tender, failed: list[OpenedBid]) -> None:
    code, count = tender.code, len(failed)
    users = selectors.lpse_case_handlers(tender.lpse)
    if not users:
        return
    notify(
        users=users,
        message=Message(
            "bids.unopenable",
            subject=lambda: (
                _("Tender %(code)s: %(count)d bid(s) could not be opened")
                % {"code": code, "count": count}
            ),
            body=lambda: (
                _(
                    "At the opening of tender %(code)s, %(count)d bid(s) could not be opened. "
                    "Review the evidence and make the witness report (berita acara kesaksian)."
                )
                % {"code": code, "count": count}
            ),
            url=reverse("bids:case_list"),
        ),
        lpse=tender.lpse,
    )
