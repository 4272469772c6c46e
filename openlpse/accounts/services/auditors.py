"""Auditor access on a surat tugas: the request, and the LPSE's decision.

LT 25(7) and spse-reference §1 (e-Audit): an auditor (APIP, BPK, BPKP, APH) gets an account
from the LPSE on presentation of a letter of assignment (surat tugas), and sees only the
packages it names, or the whole LPSE for the letter's period. Anyone may send a request with
the letter; the LPSE's Unit Registrasi dan Verifikasi or its administrator checks it
(`permissions_registrations.can_decide_auditor_requests`) and approves or rejects it with a
reason. Approval makes or reuses the account and grants the auditor role for the letter's
packages and period; when the period ends the account stops signing in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from openlpse.accounts import permissions, permissions_registrations
from openlpse.accounts.enums import LetterKind, Role, ScopeKind
from openlpse.accounts.models.registrations import (
    AuditorInstitution,
    AuditorRegistration,
    AuditorRegistrationStatus,
)
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.services import users
from openlpse.accounts.services.auth import date_label
from openlpse.accounts.services.invitations import invitation_send
from openlpse.accounts.services.officials import (
    check_period_and_letter,
    clean_nip,
    raise_problems,
    set_identity_numbers,
    store_letter,
)
from openlpse.accounts.services.roles import role_grant
from openlpse.core import audit, clock, errors, request_context
from openlpse.core.notifications import Message, notify, send_mail_to_address

if TYPE_CHECKING:
    from openlpse.organizations.models import Lpse

# A public form that stores files: a few honest requests an hour per address, no more.
REQUESTS_PER_IP_PER_HOUR = 5
PACKAGE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
PACKAGE_CODES_MAX_LENGTH = 200


def clean_package_codes(value: str, *, field: str = "package_codes") -> str:
    """The package codes of a surat tugas, as "code1,code2": separated by commas, semicolons,
    spaces or new lines in the input; duplicates dropped, order kept."""
    codes: list[str] = []
    for code in re.split(r"[\s,;]+", value or ""):
        if code and code not in codes:
            codes.append(code)
    bad = [code for code in codes if not PACKAGE_CODE.match(code)]
    if bad:
        raise errors.ValidationError(
            fields={
                field: [
                    _(
                        "“%(code)s” is not a package code. Enter the codes as the surat tugas "
                        "names them (letters, digits, . _ / -), separated by commas."
                    )
                    % {"code": bad[0][:60]}
                ]
            }
        )
    joined = ",".join(codes)
    if len(joined) > PACKAGE_CODES_MAX_LENGTH:
        raise errors.ValidationError(
            fields={
                field: [
                    _(
                        "Too many package codes for one request (at most %(max)d characters). "
                        "Send one request per surat tugas, or leave the codes empty when the "
                        "letter covers every package of the period."
                    )
                    % {"max": PACKAGE_CODES_MAX_LENGTH}
                ]
            }
        )
    return joined


def _throttle(ip: str | None) -> None:
    if not ip:
        return
    window = dt.timedelta(hours=1)
    since = clock.now() - window
    recent = list(
        AuditorRegistration.objects.filter(ip=ip, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:REQUESTS_PER_IP_PER_HOUR]
    )
    if len(recent) >= REQUESTS_PER_IP_PER_HOUR:
        wait = int((recent[0] + window - clock.now()).total_seconds()) + 1
        raise errors.Throttled(
            _(
                "Too many requests were sent from your network in the last hour. Please try "
                "again in %(minutes)d minutes."
            )
            % {"minutes": max(1, wait // 60)},
            retry_after=max(wait, 1),
        )


def _deciders(lpse: Lpse) -> list[User]:
    ids = (
        RoleAssignment.objects.filter(
            permissions.in_force_q(permissions.today()),
            permissions_registrations.auditor_deciders_q(),
            lpse_id=lpse.pk,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


def auditor_request_submit(
    *,
    actor: User | None,
    lpse: Lpse,
    full_name: str,
    email: str,
    institution: str,
    institution_name: str,
    letter_number: str,
    letter_date: dt.date | None,
    letter_upload: Any,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    package_codes: str = "",
    nip: str = "",
    phone: str = "",
) -> AuditorRegistration:
    """Send a request for auditor access to `lpse` with the surat tugas. Anyone may (`actor`
    is the signed-in person, or None); the LPSE's deciders are told, the requester gets a
    receipt by e-mail. One request per e-mail address waits at an LPSE at a time."""
    full_name, institution_name = full_name.strip(), institution_name.strip()
    letter_number, phone = letter_number.strip(), phone.strip()
    problems: dict[str, list[Any]] = {}
    if not lpse.is_active:
        raise errors.ValidationError(
            _("%(lpse)s is not in service. Choose another LPSE.") % {"lpse": lpse},
            fields={"lpse": [_("This LPSE is not in service.")]},
        )
    if not full_name:
        problems["full_name"] = [_("Enter your full name as written in the surat tugas.")]
    if institution not in AuditorInstitution.values:
        problems["institution"] = [_("Choose the kind of institution that assigned you.")]
    if not institution_name:
        problems["institution_name"] = [
            _("Enter the name of your institution, e.g. Inspektorat Kabupaten Lampung Timur.")
        ]
    for field, value, check in (
        ("email", email, users.clean_email),
        ("nip", nip, clean_nip),
        ("package_codes", package_codes, clean_package_codes),
    ):
        if field != "email" and not value.strip():
            continue
        try:
            check(value, field=field)
        except errors.ValidationError as exc:
            problems.update(exc.fields)
    problems.update(
        check_period_and_letter(
            starts_on=starts_on,
            ends_on=ends_on,
            letter_number=letter_number,
            letter_date=letter_date,
            letter_upload=letter_upload,
            letter_name=_("letter of assignment (surat tugas)"),
        )
    )
    raise_problems(problems)
    assert starts_on is not None and ends_on is not None and letter_date is not None
    email = users.clean_email(email)
    nip = clean_nip(nip) if nip.strip() else ""
    codes = clean_package_codes(package_codes)
    ip = request_context.current().ip
    _throttle(ip)
    language = "en" if (translation.get_language() or "").startswith("en") else "id"

    with transaction.atomic():
        waiting = AuditorRegistration.objects.filter(
            lpse=lpse, email__iexact=email, status=AuditorRegistrationStatus.PENDING
        ).first()
        if waiting is not None:
            raise _already_waiting(lpse, waiting)
        letter = store_letter(
            upload=letter_upload,
            owner=actor,
            purpose=f"surat tugas {letter_number}",
            lpse=lpse,
        )
        try:
            with transaction.atomic():
                registration = AuditorRegistration.objects.create(
                    lpse=lpse,
                    full_name=full_name[:200],
                    nip=nip,
                    email=email,
                    phone=phone[:40],
                    institution=institution,
                    institution_name=institution_name[:200],
                    letter_number=letter_number[:120],
                    letter_date=letter_date,
                    letter_file=letter,
                    package_codes=codes,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_at=clock.now(),
                    ip=ip,
                    language=language,
                )
        except IntegrityError:
            # A double click: the other request is the one that waits.
            waiting = AuditorRegistration.objects.filter(
                lpse=lpse, email__iexact=email, status=AuditorRegistrationStatus.PENDING
            ).first()
            if waiting is None:
                raise
            raise _already_waiting(lpse, waiting) from None
        _tell_submitted(registration)
        audit.record(
            actor=actor,
            action="auditor_registration.submit",
            obj=registration,
            lpse_id=lpse.pk,
            actor_label=None if actor is not None else "anonymous",
            changes={
                "full_name": registration.full_name,
                "email": email,
                "institution": institution,
                "institution_name": registration.institution_name,
                "letter_number": registration.letter_number,
                "letter_date": letter_date.isoformat(),
                "letter_file": letter.pk,
                "package_codes": codes,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return registration


def _already_waiting(lpse: Lpse, waiting: AuditorRegistration) -> errors.Conflict:
    return errors.Conflict(
        _(
            "A request for this e-mail address is already waiting at %(lpse)s (sent on "
            "%(date)s). Wait for the LPSE's decision, which comes by e-mail, or contact the LPSE."
        )
        % {"lpse": lpse, "date": date_label(waiting.created_at.date())},
        code="auditor_request_pending",
    )


def _tell_submitted(registration: AuditorRegistration) -> None:
    lpse_name = registration.lpse.name
    name, letter = registration.full_name, registration.letter_number

    def subject() -> str:
        return _("Auditor access requested at %(lpse)s") % {"lpse": lpse_name}

    def body() -> str:
        return _(
            "%(name)s asks for auditor access at %(lpse)s with surat tugas %(letter)s. "
            "Check the letter and approve or reject the request."
        ) % {"name": name, "lpse": lpse_name, "letter": letter}

    notify(
        users=_deciders(registration.lpse),
        message=Message(
            "auditor.requested",
            subject=subject,
            body=body,
            url=reverse("accounts:auditor_request_detail", args=[registration.pk]),
        ),
        lpse=registration.lpse,
    )

    def receipt_subject() -> str:
        return _("Your request for auditor access at %(lpse)s was received") % {"lpse": lpse_name}

    def receipt_body() -> str:
        return _(
            "We received your request for auditor access at %(lpse)s with surat tugas "
            "%(letter)s. The LPSE checks the letter and tells you its decision by e-mail. If "
            "you did not send this request, contact the LPSE."
        ) % {"lpse": lpse_name, "letter": letter}

    send_mail_to_address(
        address=registration.email,
        message=Message("auditor.request_received", subject=receipt_subject, body=receipt_body),
        language=registration.language,
    )


def _lock_pending(*, actor: User, registration: AuditorRegistration) -> AuditorRegistration:
    locked = (
        AuditorRegistration.objects.select_for_update(of=("self",))
        .select_related("lpse", "letter_file")
        .get(pk=registration.pk)
    )
    if not permissions_registrations.can_decide_auditor_requests(actor, locked.lpse):
        raise errors.PermissionDenied(
            _(
                "Only the Unit Registrasi dan Verifikasi or the administrator of %(lpse)s can "
                "decide its auditor requests."
            )
            % {"lpse": locked.lpse}
        )
    if locked.email.lower() == (actor.email or "").lower():
        raise errors.PermissionDenied(
            _("You cannot decide your own request. Ask a colleague to decide it.")
        )
    if locked.status != AuditorRegistrationStatus.PENDING:
        raise errors.Conflict(
            _("This request was already decided (%(status)s). Reload the page.")
            % {"status": locked.get_status_display()},
            code="auditor_request_decided",
        )
    return locked


def _free_username(email: str) -> str:
    base = re.sub(r"[^A-Za-z0-9.+_-]", "", email.split("@", 1)[0])[:140] or "auditor"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def auditor_request_approve(
    *, actor: User, registration: AuditorRegistration, note: str = ""
) -> AuditorRegistration:
    """Approve: the account (existing by e-mail, else new without a password and an
    invitation) gets the auditor role for the letter's packages (or the whole LPSE) and
    period, granted on the surat tugas. The role is granted by the system (`actor=None`):
    the deciding verifikator is checked here, and is the actor of the approval's audit event.
    """
    note = note.strip()
    with transaction.atomic():
        locked = _lock_pending(actor=actor, registration=registration)
        existing = User.objects.select_for_update().filter(email__iexact=locked.email).first()
        if existing is not None:
            user, new_account = existing, False
        else:
            # The decider was checked above; LPSE staff do not create accounts otherwise.
            user = users.user_create(
                actor=None,
                username=_free_username(locked.email),
                email=locked.email,
                full_name=locked.full_name,
                phone=locked.phone,
                preferred_language=locked.language,
            )
            new_account = True
        set_identity_numbers(user=user, nip=locked.nip, nik="")
        codes = locked.package_codes
        assignment = role_grant(
            actor=None,
            user=user,
            role=Role.AUDITOR,
            scope_kind=ScopeKind.PACKAGES if codes else ScopeKind.LPSE,
            lpse=locked.lpse,
            scope_ref=codes,
            starts_on=locked.starts_on,
            ends_on=locked.ends_on,
            letter_kind=LetterKind.SURAT_TUGAS,
            letter_number=locked.letter_number,
            letter_date=locked.letter_date,
            letter_file=locked.letter_file,
        )
        locked.status = AuditorRegistrationStatus.APPROVED
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.decision_note = note
        locked.user = user
        locked.role_assignment = assignment
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "user",
                "role_assignment",
            ]
        )
        _tell_approved(locked, user=user, new_account=new_account)
        audit.record(
            actor=actor,
            action="auditor_registration.approve",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={
                "user": user.username,
                "new_account": new_account,
                "role_assignment": assignment.pk,
                "scope": assignment.scope_kind,
                "package_codes": codes,
                "starts_on": locked.starts_on.isoformat(),
                "ends_on": locked.ends_on.isoformat(),
                "note": note,
            },
        )
    return locked


def _scope_text(registration: AuditorRegistration) -> str:
    if registration.package_codes:
        return _("the packages %(codes)s") % {"codes": ", ".join(registration.package_code_list)}
    return _("every package of the LPSE")


def _tell_approved(registration: AuditorRegistration, *, user: User, new_account: bool) -> None:
    lpse_name = registration.lpse.name
    starts, ends = registration.starts_on, registration.ends_on

    def subject() -> str:
        return _("Your auditor access at %(lpse)s was approved") % {"lpse": lpse_name}

    def intro() -> str:
        return _(
            "%(lpse)s approved your auditor access for %(scope)s from %(starts)s to %(ends)s "
            "(surat tugas %(letter)s). The access ends with that period."
        ) % {
            "lpse": lpse_name,
            "scope": _scope_text(registration),
            "starts": date_label(starts),
            "ends": date_label(ends),
            "letter": registration.letter_number,
        }

    notify(
        users=[user],
        message=Message("auditor.approved", subject=subject, body=intro),
        lpse=registration.lpse,
        email=not new_account,
    )
    if new_account:
        invitation_send(user=user, topic="auditor.invitation", intro=intro)


def auditor_request_reject(
    *, actor: User, registration: AuditorRegistration, reason: str
) -> AuditorRegistration:
    """Reject with a reason, which the requester receives by e-mail."""
    reason = reason.strip()
    with transaction.atomic():
        locked = _lock_pending(actor=actor, registration=registration)
        if not reason:
            raise errors.field_error(
                "reason",
                _(
                    "Give the reason for the rejection, saying what to correct; the requester "
                    "receives it by e-mail."
                ),
            )
        locked.status = AuditorRegistrationStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.decision_note = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        lpse_name, letter = locked.lpse.name, locked.letter_number

        def subject() -> str:
            return _("Your request for auditor access at %(lpse)s was rejected") % {
                "lpse": lpse_name
            }

        def body() -> str:
            return _(
                "%(lpse)s rejected your request for auditor access with surat tugas %(letter)s. "
                "Reason: %(reason)s\n\nYou may send a new request with the corrected letter."
            ) % {"lpse": lpse_name, "letter": letter, "reason": reason}

        send_mail_to_address(
            address=locked.email,
            message=Message("auditor.rejected", subject=subject, body=body),
            language=locked.language,
        )
        audit.record(
            actor=actor,
            action="auditor_registration.reject",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={"reason": reason},
        )
    return locked
