"""The blacklist (daftar hitam): requests, decisions, lifting and the periods' start and end
(LT 12(4), KA 12(4); issue 3 item 8).

PA, KPA, PPK, the head of the procurement unit, Pokja members and Pejabat Pengadaan ask; the
Unit Registrasi dan Verifikasi (verifikator) of the same LPSE decides. An approved request
becomes a BlacklistEntry; while it is in force the vendor cannot register, be verified or join
a tender (selectors.blacklist_entry_for), and the accounts of its people are deactivated with
the reference "blacklist:<entry id>" so that the end of exactly this entry reactivates exactly
these accounts. The chronograph (vendors.chronograph_handlers) starts future-dated entries and
closes entries whose last day has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import REFERENCE_ZONE, active_assignments, today
from openlpse.accounts.services.users import (
    user_deactivate,
    users_deactivation_hand_over,
    users_reactivate_by_ref,
)
from openlpse.core import audit, clock, errors
from openlpse.core.models import StoredFile
from openlpse.core.notifications import Message, notify
from openlpse.core.storage import file_store
from openlpse.ops.services import due_check_schedule
from openlpse.organizations.models import Lpse
from openlpse.vendors import permissions, selectors, selectors_blacklist
from openlpse.vendors.enums import BlacklistRequestStatus, VendorStatus
from openlpse.vendors.models import BlacklistEntry, BlacklistRequest, Vendor

# spse-reference §4.4: the blacklist duration of the current rules is UNVERIFIED (commonly cited
# as 1 year; Perpres 12/2021 Pasal 78 and Peraturan LKPP 17/2018 to be checked). Until it is
# confirmed a requested period may last at most this many days; this is the one place to change.
MAX_PERIOD_DAYS = 730
# A period may start this many days in the past at most (a request written just before
# midnight, or in a zone ahead of WIB), never earlier: a blacklisting is not backdated.
START_GRACE_DAYS = 1
LEGAL_BASIS_MAX = 300
# The chronograph check that starts and ends blacklist periods (one for all entries).
PERIODS_CHECK = "vendors.blacklist_periods"
# Which of the requester's roles is named on the request when they hold several at the LPSE.
_ROLE_PREFERENCE = (
    Role.PA,
    Role.KPA,
    Role.PPK,
    Role.ULP_HEAD,
    Role.POKJA_MEMBER,
    Role.PEJABAT_PENGADAAN,
)


def entry_ref(entry: BlacklistEntry) -> str:
    """The deactivation reference of the accounts an entry stops."""
    return f"blacklist:{entry.pk}"


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(REFERENCE_ZONE))


def vendor_link_label(actor: User, vendor: Vendor | None) -> str | None:
    """Why `actor` is linked to the company (permissions.vendor_link), in words for the
    refusal, or None. A linked person never decides about the company (conflict of interest,
    issue 3 "Bad input")."""
    link = permissions.vendor_link(actor, vendor)
    return None if link is None else str(permissions.VENDOR_LINK_LABELS[link])


def _requester_assignment(actor: User, lpse: Lpse) -> RoleAssignment | None:
    held = list(
        active_assignments(actor).filter(
            role__in=permissions.BLACKLIST_REQUESTER_ROLES, lpse_id=lpse.pk
        )
    )
    held.sort(key=lambda a: (_ROLE_PREFERENCE.index(Role(a.role)), a.pk))
    return held[0] if held else None


def _check_period(
    starts_on: dt.date | None, ends_on: dt.date | None, problems: dict[str, list[Any]]
) -> None:
    day = today()
    if starts_on is None:
        problems.setdefault("starts_on", []).append(_("Enter the first day of the blacklisting."))
    elif starts_on < day - dt.timedelta(days=START_GRACE_DAYS):
        problems.setdefault("starts_on", []).append(
            _("The first day cannot be in the past. Choose today (%(today)s) or a later day.")
            % {"today": _day(day)}
        )
    if ends_on is None:
        problems.setdefault("ends_on", []).append(_("Enter the last day of the blacklisting."))
    if starts_on is None or ends_on is None:
        return
    if ends_on < starts_on:
        problems.setdefault("ends_on", []).append(
            _("The last day is before the first day. Choose a last day on or after %(start)s.")
            % {"start": _day(starts_on)}
        )
    elif (ends_on - starts_on).days + 1 > MAX_PERIOD_DAYS:
        problems.setdefault("ends_on", []).append(
            _(
                "A blacklisting lasts at most %(days)d days. Choose a last day on or before "
                "%(latest)s."
            )
            % {
                "days": MAX_PERIOD_DAYS,
                "latest": _day(starts_on + dt.timedelta(days=MAX_PERIOD_DAYS - 1)),
            }
        )


def _notify(
    users: Iterable[Any], *, topic: str, subject: Any, body: Any, url: str, lpse: Lpse
) -> None:
    notify(users=users, message=Message(topic, subject=subject, body=body, url=url), lpse=lpse)


def _request_url(request: BlacklistRequest) -> str:
    return reverse("vendors:blacklist_request_detail", args=[request.pk])


# --- requests ----------------------------------------------------------------------------------


def blacklist_request_create(
    *,
    actor: User,
    vendor: Vendor,
    lpse: Lpse,
    reason: str,
    legal_basis: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    evidence: Sequence[Any],
) -> BlacklistRequest:
    """File a request to blacklist `vendor` (LT 12(4), KA 12(4)): by a PA, KPA, PPK, ULP head,
    Pokja member or Pejabat Pengadaan with a role in force at `lpse`, with the reason, the
    legal basis, the period and at least one evidence file. The verifikators of the LPSE are
    notified."""
    if not permissions.can_request_blacklist(actor, lpse):
        raise errors.PermissionDenied(
            _(
                "Only a PA, KPA, PPK, head of the procurement unit, Pokja member or Pejabat "
                "Pengadaan with a role in force at %(lpse)s can request a blacklisting there."
            )
            % {"lpse": lpse.name}
        )
    assignment = _requester_assignment(actor, lpse)
    assert assignment is not None  # can_request_blacklist found one
    reason, legal_basis = reason.strip(), legal_basis.strip()
    problems: dict[str, list[Any]] = {}
    if not reason:
        problems["reason"] = [
            _("Describe what the company did, with the tender or contract it concerns.")
        ]
    if not legal_basis:
        problems["legal_basis"] = [
            _("Name the rule the blacklisting rests on, for example Peraturan LKPP 17/2018.")
        ]
    elif len(legal_basis) > LEGAL_BASIS_MAX:
        problems["legal_basis"] = [
            _("Use at most %(max)d characters for the legal basis.") % {"max": LEGAL_BASIS_MAX}
        ]
    _check_period(starts_on, ends_on, problems)
    uploads = [u for u in evidence if u is not None]
    if not uploads:
        problems["evidence"] = [
            _("Attach at least one evidence file (PDF, image, Word, Excel or ZIP).")
        ]
    if problems:
        raise errors.ValidationError(fields=problems)
    assert starts_on is not None and ends_on is not None
    agency = assignment.agency or (assignment.work_unit.agency if assignment.work_unit else None)
    with transaction.atomic():
        # The vendor row is the lock that makes a double click on "submit" file one request.
        locked_vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
        if locked_vendor.status == VendorStatus.DRAFT:
            raise errors.field_error(
                "vendor",
                _(
                    "%(company)s has not completed its registration, so it cannot be "
                    "blacklisted yet. Check the company, or ask the Registration and "
                    "Verification Unit for help."
                )
                % {"company": locked_vendor.name},
            )
        pending = BlacklistRequest.objects.filter(
            vendor_id=locked_vendor.pk,
            lpse_id=lpse.pk,
            requested_by_id=actor.pk,
            status=BlacklistRequestStatus.PENDING,
        ).first()
        if pending is not None:
            raise errors.Conflict(
                _(
                    "You already have a request for %(company)s waiting for a decision "
                    "(number %(number)d). Open it instead of filing a second one."
                )
                % {"company": locked_vendor.name, "number": pending.pk},
                code="blacklist_request_pending",
            )
        files = _evidence_store(uploads, actor=actor, vendor=locked_vendor, lpse=lpse)
        request = BlacklistRequest.objects.create(
            vendor=locked_vendor,
            lpse=lpse,
            agency=agency,
            requested_by=actor,
            requester_role=assignment.role,
            reason=reason,
            legal_basis=legal_basis,
            starts_on=starts_on,
            ends_on=ends_on,
            status=BlacklistRequestStatus.PENDING,
            created_at=clock.now(),
        )
        request.evidence.set(files)
        company, requester = locked_vendor.name, actor.display_name
        _notify(
            selectors.verifikators_of(lpse=lpse),
            topic="blacklist.requested",
            subject=lambda: _("Blacklist request for %(company)s") % {"company": company},
            body=lambda: (
                _(
                    "%(requester)s asks to blacklist %(company)s from %(start)s until %(end)s. "
                    "Open the request to read the reason and the evidence, and decide."
                )
                % {
                    "requester": requester,
                    "company": company,
                    "start": _day(starts_on),
                    "end": _day(ends_on),
                }
            ),
            url=_request_url(request),
            lpse=lpse,
        )
        audit.record(
            actor=actor,
            action="blacklist_request.create",
            obj=request,
            changes={
                "vendor": locked_vendor.pk,
                "company": company,
                "requester_role": assignment.role,
                "agency": agency.name if agency else None,
                "reason": reason,
                "legal_basis": legal_basis,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "evidence": [f.sha256 for f in files],
            },
            lpse_id=lpse.pk,
        )
    return request


def _evidence_store(
    uploads: Sequence[Any], *, actor: User, vendor: Vendor, lpse: Lpse
) -> list[StoredFile]:
    """Store every evidence file, or none: when one is refused (type, size), the files of the
    same request stored before it are removed from disk too (their rows roll back with the
    transaction), so a refused request leaves nothing behind."""
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(
                file_store(
                    upload=upload,
                    kind="blacklist_evidence",
                    owner=actor,
                    purpose=f"blacklist request: {vendor.name}"[:200],
                    lpse=lpse,
                )
            )
    except errors.DomainError:
        for done in stored:
            default_storage.delete(done.storage_key)
        raise
    return stored


def blacklist_request_withdraw(*, actor: User, request: BlacklistRequest) -> BlacklistRequest:
    """The requester takes back a request that is still waiting for a decision."""
    with transaction.atomic():
        locked = BlacklistRequest.objects.select_for_update().get(pk=request.pk)
        if locked.requested_by_id != actor.pk:
            raise errors.PermissionDenied(
                _(
                    "Only the person who filed this request can withdraw it. Ask them to "
                    "withdraw it, or wait for the verifikator's decision."
                )
            )
        if locked.status != BlacklistRequestStatus.PENDING:
            raise errors.Conflict(
                _(
                    "This request is no longer waiting for a decision (%(status)s), so it can "
                    "no longer be withdrawn. Reload the page to see it."
                )
                % {"status": locked.get_status_display()},
                code="blacklist_request_closed",
            )
        locked.status = BlacklistRequestStatus.WITHDRAWN
        locked.decided_at = clock.now()
        locked.save(update_fields=["status", "decided_at"])
        company = locked.vendor.name
        _notify(
            selectors.verifikators_of(lpse=locked.lpse),
            topic="blacklist.withdrawn",
            subject=lambda: _("Blacklist request for %(company)s withdrawn") % {"company": company},
            body=lambda: (
                _("The requester withdrew the blacklist request for %(company)s.")
                % {"company": company}
            ),
            url=_request_url(locked),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="blacklist_request.withdraw",
            obj=locked,
            changes={"status": [BlacklistRequestStatus.PENDING, locked.status]},
            lpse_id=locked.lpse_id,
        )
    return locked


def _require_decider(actor: User, lpse: Lpse, vendor: Vendor | None) -> None:
    if not permissions.can_decide_blacklist(actor, lpse):
        raise errors.PermissionDenied(
            _(
                "Only the Registration and Verification Unit (verifikator) of %(lpse)s decides "
                "its blacklist requests and lifts its blacklistings."
            )
            % {"lpse": lpse.name}
        )
    link = vendor_link_label(actor, vendor)
    if link is not None:
        assert vendor is not None
        raise errors.SeparationOfDuties(
            _(
                "You may not decide about the blacklisting of %(company)s because you are "
                "linked to it (%(link)s). Ask another verifikator of the unit."
            )
            % {"company": vendor.name, "link": link}
        )


def blacklist_request_decide(
    *, actor: User, request: BlacklistRequest, approve: bool, note: str
) -> BlacklistRequest:
    """The verifikator of the request's LPSE approves or rejects it (LT 12(4), KA 12(4)).

    Approval creates the BlacklistEntry (company, NPWP, NIB and agency copied) and, when the
    period has started, deactivates the accounts of everyone acting for the vendor until its
    last day. A rejection needs a note. A request is decided once: a second decision (a double
    click) is a Conflict and changes nothing."""
    note = note.strip()
    with transaction.atomic():
        locked = (
            BlacklistRequest.objects.select_for_update(of=("self",))
            .select_related("vendor", "lpse", "agency", "requested_by")
            .get(pk=request.pk)
        )
        _require_decider(actor, locked.lpse, locked.vendor)
        if locked.requested_by_id == actor.pk:
            raise errors.SeparationOfDuties(
                _("You filed this request, so another verifikator must decide it.")
            )
        if locked.status != BlacklistRequestStatus.PENDING:
            raise errors.Conflict(
                _("This request was already decided (%(status)s). Reload the page.")
                % {"status": locked.get_status_display()},
                code="blacklist_request_decided",
            )
        if not approve and not note:
            raise errors.field_error(
                "note", _("Explain why the request is rejected; the requester reads it.")
            )
        now = clock.now()
        entry: BlacklistEntry | None = None
        if approve:
            entry = _entry_create(request=locked, actor=actor, now=now)
        locked.status = (
            BlacklistRequestStatus.APPROVED if approve else BlacklistRequestStatus.REJECTED
        )
        locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _notify_decision(locked, entry)
        if entry is not None:
            audit.record(
                actor=actor,
                action="blacklist_entry.create",
                obj=entry,
                changes={
                    "request": locked.pk,
                    "company": entry.company_name,
                    "npwp": entry.npwp,
                    "nib": entry.nib,
                    "starts_on": entry.starts_on.isoformat(),
                    "ends_on": entry.ends_on.isoformat(),
                },
                lpse_id=locked.lpse_id,
            )
        audit.record(
            actor=actor,
            action="blacklist_request.approve" if approve else "blacklist_request.reject",
            obj=locked,
            changes={
                "status": [BlacklistRequestStatus.PENDING, locked.status],
                "note": note,
                "entry": entry.pk if entry else None,
            },
            lpse_id=locked.lpse_id,
        )
    return locked


def _entry_create(*, request: BlacklistRequest, actor: User, now: dt.datetime) -> BlacklistEntry:
    vendor = request.vendor
    day = today()
    if request.ends_on < day:
        raise errors.field_error(
            "decision",
            _(
                "The requested period ended on %(end)s, so it can no longer be approved. Reject "
                "it; the requester can file a new request with a new period."
            )
            % {"end": _day(request.ends_on)},
        )
    if not vendor.npwp and not vendor.nib:
        raise errors.field_error(
            "decision",
            _(
                "%(company)s has neither an NPWP nor a NIB, so the blacklist could not recognise "
                "it. Ask the company to complete its identity data first."
            )
            % {"company": vendor.name},
        )
    entry = BlacklistEntry.objects.create(
        vendor=vendor,
        request=request,
        company_name=vendor.name,
        npwp=vendor.npwp,
        nib=vendor.nib,
        lpse=request.lpse,
        agency=request.agency,
        agency_name=request.agency.name if request.agency else "",
        reason=request.reason,
        legal_basis=request.legal_basis,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        decided_by=actor,
        decided_at=now,
    )
    if entry.starts_on <= day:
        _entry_apply(
            entry=entry, actor=actor, people=selectors_blacklist.vendor_people(vendor=vendor)
        )
    _schedule_periods(on=day)
    return entry


def _entry_apply(*, entry: BlacklistEntry, actor: User | None, people: Iterable[User]) -> None:
    """Stop the accounts of the entry's vendor until its last day (sessions end, tokens are
    revoked: accounts.services.users.user_deactivate)."""
    for person in people:
        user_deactivate(
            user=person,
            actor=actor,
            reason=entry.reason,
            until=entry.ends_on,
            ref=entry_ref(entry),
        )


def _notify_decision(request: BlacklistRequest, entry: BlacklistEntry | None) -> None:
    company, note = request.vendor.name, request.decision_note
    if entry is None:
        _notify(
            [request.requested_by],
            topic="blacklist.rejected",
            subject=lambda: _("Blacklist request for %(company)s rejected") % {"company": company},
            body=lambda: (
                _("Your blacklist request for %(company)s was rejected: %(note)s")
                % {"company": company, "note": note}
            ),
            url=_request_url(request),
            lpse=request.lpse,
        )
        return
    start, end, reason = entry.starts_on, entry.ends_on, entry.reason
    by = entry.agency_name or entry.lpse.name
    _notify(
        [request.requested_by],
        topic="blacklist.approved",
        subject=lambda: _("Blacklist request for %(company)s approved") % {"company": company},
        body=lambda: (
            _(
                "Your blacklist request was approved: %(company)s is on the blacklist from %(start)s "
                "until %(end)s."
            )
            % {"company": company, "start": _day(start), "end": _day(end)}
        ),
        url=_request_url(request),
        lpse=request.lpse,
    )
    _notify(
        selectors_blacklist.vendor_people(vendor=request.vendor),
        topic="blacklist.listed",
        subject=lambda: _("%(company)s is on the blacklist") % {"company": company},
        body=lambda: (
            _(
                "%(company)s is on the blacklist from %(start)s until %(end)s (decided by %(by)s: "
                "%(reason)s). During this period the company's accounts cannot sign in and it cannot "
                "join tenders. Contact the LPSE's Registration and Verification Unit if you believe "
                "this is wrong."
            )
            % {
                "company": company,
                "start": _day(start),
                "end": _day(end),
                "by": by,
                "reason": reason,
            }
        ),
        url=reverse("vendors:blacklist_public"),
        lpse=request.lpse,
    )


# --- end of a blacklisting ---------------------------------------------------------------------


def vendor_accounts_release(
    *,
    vendor: Vendor | None,
    ref: str,
    actor: User | None,
    reason: str,
    on: dt.date | None = None,
) -> list[User]:
    """The accounts stopped by decision `ref` work again, unless a blacklisting of the company
    is still in force (selectors.blacklist_entry_for: its record, NPWP or NIB): then they stay
    stopped, handed over to that entry until its last day. Returns the accounts reactivated."""
    other = selectors.blacklist_entry_for(vendor=vendor, on=on) if vendor is not None else None
    if other is not None and entry_ref(other) != ref:
        users_deactivation_hand_over(
            from_ref=ref,
            to_ref=entry_ref(other),
            reason=other.reason,
            until=other.ends_on,
            actor=actor,
        )
        return []
    return users_reactivate_by_ref(ref=ref, actor=actor, reason=reason)


def blacklist_entry_lift(*, actor: User, entry: BlacklistEntry, reason: str) -> BlacklistEntry:
    """End a blacklisting before its last day, with the reason (reactivation with a reason,
    issue 3 item 8): by a verifikator of the entry's LPSE. The accounts it stopped work again."""
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            BlacklistEntry.objects.select_for_update(of=("self",))
            .select_related("lpse", "vendor", "request__requested_by")
            .get(pk=entry.pk)
        )
        _require_decider(actor, locked.lpse, locked.vendor)
        if locked.lifted_by_id is not None or locked.ended_at is not None:
            raise errors.Conflict(
                _("This blacklisting has already ended. Reload the page."),
                code="blacklist_entry_ended",
            )
        if not reason:
            raise errors.field_error(
                "reason", _("Give the reason for lifting the blacklisting; it is published.")
            )
        locked.lifted_by, locked.lift_reason, locked.ended_at = actor, reason, clock.now()
        locked.save(update_fields=["lifted_by", "lift_reason", "ended_at"])
        released = vendor_accounts_release(
            vendor=locked.vendor, ref=entry_ref(locked), actor=actor, reason=reason
        )
        recipients: list[Any] = []
        if locked.request is not None:
            recipients.append(locked.request.requested_by)
        if locked.vendor is not None:
            recipients.extend(selectors_blacklist.vendor_people(vendor=locked.vendor))
        company, again = locked.company_name, bool(released)
        _notify(
            recipients,
            topic="blacklist.lifted",
            subject=lambda: _("Blacklisting of %(company)s lifted") % {"company": company},
            body=lambda: (
                _("The blacklisting of %(company)s was lifted: %(reason)s.")
                % {"company": company, "reason": reason}
                + (" " + _("The company's accounts work again.") if again else "")
            ),
            url=reverse("vendors:blacklist_public"),
            lpse=locked.lpse,
        )
        audit.record(
            actor=actor,
            action="blacklist_entry.lift",
            obj=locked,
            changes={"reason": reason, "reactivated": [u.username for u in released]},
            lpse_id=locked.lpse_id,
        )
    return locked


# --- the periods (chronograph) -----------------------------------------------------------------


def _schedule_periods(*, on: dt.date) -> None:
    next_day = _next_change(on)
    if next_day is not None:
        due_check_schedule(kind=PERIODS_CHECK, object_ref="", due_at=_start_of(next_day))


def _next_change(on: dt.date) -> dt.date | None:
    """The next day on which an open entry starts, or the day after one ends."""
    open_entries = BlacklistEntry.objects.filter(ended_at__isnull=True, lifted_by__isnull=True)
    start = open_entries.filter(starts_on__gt=on).aggregate(day=Min("starts_on"))["day"]
    end = open_entries.filter(ends_on__gte=on).aggregate(day=Min("ends_on"))["day"]
    days = [d for d in (start, end + dt.timedelta(days=1) if end else None) if d is not None]
    return min(days) if days else None


def blacklist_periods_run(*, on: dt.date | None = None) -> dt.date | None:
    """The chronograph's daily work, safe to run any number of times (actor: the system):

    (a) entries past their last day are closed (`ended_at`) and the accounts they stopped work
        again (unless another entry of the vendor is in force);
    (b) entries in force stop the accounts of their vendor's people still active (an entry
        dated in the future starts here).

    Returns the next day on which something changes, or None when nothing is waiting."""
    day = on or today()
    now = clock.now()
    with transaction.atomic():
        overdue = list(
            BlacklistEntry.objects.select_for_update(of=("self",))
            .filter(ended_at__isnull=True, lifted_by__isnull=True, ends_on__lt=day)
            .select_related("vendor", "lpse")
            .order_by("pk")
        )
        for entry in overdue:
            entry.ended_at = now
            entry.save(update_fields=["ended_at"])
            released = vendor_accounts_release(
                vendor=entry.vendor,
                ref=entry_ref(entry),
                actor=None,
                reason=f"blacklist period ended on {entry.ends_on.isoformat()}",
                on=day,
            )
            company, end = entry.company_name, entry.ends_on
            _notify(
                released,
                topic="blacklist.ended",
                subject=lambda company=company: (
                    _("Blacklisting of %(company)s ended") % {"company": company}
                ),
                body=lambda company=company, end=end: (
                    _("The blacklisting of %(company)s ended on %(end)s. Your account works again.")
                    % {"company": company, "end": _day(end)}
                ),
                url=reverse("accounts:login"),
                lpse=entry.lpse,
            )
            audit.record(
                actor=None,
                action="blacklist_entry.end",
                obj=entry,
                changes={
                    "ends_on": entry.ends_on.isoformat(),
                    "reactivated": [u.username for u in released],
                },
                lpse_id=entry.lpse_id,
            )
        for entry in selectors.blacklist_entries_in_force(on=day).filter(vendor__isnull=False):
            assert entry.vendor is not None
            active = selectors_blacklist.vendor_people(vendor=entry.vendor, on=day).filter(
                is_active=True
            )
            _entry_apply(entry=entry, actor=None, people=list(active))
        return _next_change(day)


def next_run_at(day: dt.date | None) -> dt.datetime | None:
    """When the periods check should run again for a next change on `day` (its first moment in
    the reference zone, WIB, the zone of `today()` that decides whether an entry is in force)."""
    return _start_of(day) if day is not None else None
