"""Registering officials with their appointment letter (SK) and term, and ending a term.

LT 25(1)b and 25(7): the agency's administrator registers PA, KPA, PPK, the head of ULP, Pokja
members and Pejabat Pengadaan with the SK that appoints them and its term (spse-reference §1;
ADR 0007). The appointment is a role assignment (`services.roles.role_grant`, which checks the
scope, the letter and separation of duties); this module adds the person's account, their NIP
and NIK, the stored SK file, and tells them. A term always has an end: when it passes, the
account stops signing in (`services.auth.appointment_refusal`). A new SK is registered the
same way; an appointment cut short is ended with `official_end_term`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts import permissions, permissions_registrations
from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.models.registrations import OfficialProfile
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.accounts.services import users
from openlpse.accounts.services.auth import date_label
from openlpse.accounts.services.invitations import invitation_send
from openlpse.accounts.services.roles import (
    check_separation_of_duties,
    role_grant,
    role_revoke,
    role_short_name,
)
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.core.storage import file_store
from openlpse.vendors.validators import clean_nik

if TYPE_CHECKING:
    from openlpse.core.models import StoredFile
    from openlpse.organizations.models import Agency, Lpse, WorkUnit

LETTER_KIND = "appointment_letter"
_REFERENCE_ZONE = ZoneInfo(permissions.REFERENCE_ZONE)
_SEPARATORS = re.compile(r"[\s.\-/]")


def clean_nip(value: str, *, field: str = "nip") -> str:
    """NIP: 18 digits, date of birth (yyyymmdd), start of service (yyyymm), sex (1 or 2) and a
    serial number. Returns the digits or raises a field error that shows the expected form."""
    digits = _SEPARATORS.sub("", value or "")
    valid = digits.isdigit() and len(digits) == 18
    if valid:
        birth_month, birth_day = int(digits[4:6]), int(digits[6:8])
        service_month, sex = int(digits[12:14]), digits[14]
        valid = (
            1 <= birth_month <= 12
            and 1 <= birth_day <= 31
            and 1 <= service_month <= 12
            and sex in "12"
        )
    if not valid:
        raise errors.ValidationError(
            fields={
                field: [
                    _(
                        "The NIP must be the 18 digits of the civil-servant number, for example "
                        "19800101 200501 1 001 (date of birth, start of service, 1 or 2, serial "
                        "number). Check the number and enter it again."
                    )
                ]
            },
            code="invalid_number",
        )
    return digits


def store_letter(
    *, upload: Any, owner: User | None, purpose: str, lpse: Lpse, field: str = "letter_file"
) -> StoredFile:
    """Store an SK or surat tugas (PDF, JPEG or PNG); a refusal is reported on the file field."""
    try:
        return file_store(upload=upload, kind=LETTER_KIND, owner=owner, purpose=purpose, lpse=lpse)
    except (errors.UnsupportedMediaType, errors.PayloadTooLarge) as exc:
        exc.fields = {field: [exc.message]}
        raise


def check_period_and_letter(
    *,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    letter_number: str,
    letter_date: dt.date | None,
    letter_upload: Any,
    letter_name: str,
) -> dict[str, list[Any]]:
    """Field problems of a term and its letter, found before anything is stored."""
    today = permissions.today()
    problems: dict[str, list[Any]] = {}
    if starts_on is None:
        problems["starts_on"] = [_("Enter the first day of the term.")]
    if ends_on is None:
        problems["ends_on"] = [
            _("Enter the last day of the term: every appointment has an end date.")
        ]
    elif starts_on is not None and ends_on < starts_on:
        problems["ends_on"] = [
            _("The end date is before the start date. Enter an end date on or after the start.")
        ]
    elif ends_on < today:
        problems["ends_on"] = [
            _("The end date is in the past. A term that has already ended cannot be registered.")
        ]
    if not letter_number.strip():
        problems["letter_number"] = [_("Enter the number of the letter.")]
    if letter_date is None:
        problems["letter_date"] = [_("Enter the date of the letter.")]
    elif letter_date > today:
        problems["letter_date"] = [
            _("The letter date is in the future. Enter the date the letter was signed.")
        ]
    if letter_upload is None:
        problems["letter_file"] = [
            _("Upload the %(letter)s as a PDF, JPEG or PNG file.") % {"letter": letter_name}
        ]
    return problems


def raise_problems(problems: dict[str, list[Any]]) -> None:
    if problems:
        first = next(iter(problems.values()))[0]
        raise errors.ValidationError(first, fields=problems)


def set_identity_numbers(*, user: User, nip: str, nik: str) -> None:
    """Record the person's NIP (OfficialProfile) and NIK (User) on their account. A number
    that belongs to another account, or that differs from the one the account has, is
    refused: one person, one NIP and one NIK."""
    if nik:
        if user.nik and user.nik != nik:
            raise errors.ValidationError(
                fields={
                    "nik": [
                        _(
                            "The account with this e-mail address has another NIK. Check the "
                            "NIK, or use the person's own e-mail address."
                        )
                    ]
                }
            )
        if User.objects.filter(nik=nik).exclude(pk=user.pk).exists():
            raise errors.ValidationError(
                fields={
                    "nik": [
                        _(
                            "Another account already has this NIK. Register the person with "
                            "that account's e-mail address, or check the number."
                        )
                    ]
                }
            )
        if not user.nik:
            user.nik = nik
            user.save(update_fields=["nik"])
    if nip:
        if OfficialProfile.objects.filter(nip=nip).exclude(user_id=user.pk).exists():
            raise errors.ValidationError(
                fields={
                    "nip": [
                        _(
                            "Another account already has this NIP. Register the person with "
                            "that account's e-mail address, or check the number."
                        )
                    ]
                }
            )
        profile = OfficialProfile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            OfficialProfile.objects.create(user=user, nip=nip, updated_at=clock.now())
        elif profile.nip and profile.nip != nip:
            raise errors.ValidationError(
                fields={
                    "nip": [
                        _(
                            "The account with this e-mail address has another NIP. Check the "
                            "NIP, or use the person's own e-mail address."
                        )
                    ]
                }
            )
        elif not profile.nip:
            profile.nip = nip
            profile.updated_at = clock.now()
            profile.save(update_fields=["nip", "updated_at"])


def _username_needed() -> str:
    return _(
        "No account uses this e-mail address yet, so a new one is made: choose its user name "
        "(letters, digits and . + - _)."
    )


@dataclass(frozen=True)
class OfficialRegistered:
    user: User
    assignment: RoleAssignment
    new_account: bool


def official_register(
    *,
    actor: User,
    agency: Agency,
    role: str,
    full_name: str,
    email: str,
    username: str = "",
    nip: str = "",
    nik: str = "",
    work_unit: WorkUnit | None = None,
    letter_number: str,
    letter_date: dt.date | None,
    letter_upload: Any,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> OfficialRegistered:
    """Register an official of `agency` (or of one of its work units) by SK, for a term.

    The e-mail address decides the account: an existing account gets the new appointment
    (and is told in its inbox); otherwise a new account is made without a password and its
    holder gets an invitation to choose one. Only the agency's administrator may do this
    (`permissions.can_grant_role`); separation of duties is checked by `role_grant`.
    """
    full_name = full_name.strip()
    username = username.strip()
    letter_number = letter_number.strip()
    if role not in permissions.AGENCY_OFFICIAL_ROLES:
        raise errors.field_error(
            "role",
            _("Choose the role: PA, KPA, PPK, head of ULP, Pokja member or Pejabat Pengadaan."),
        )
    if work_unit is not None and work_unit.agency_id != agency.pk:
        raise errors.field_error(
            "work_unit",
            _(
                "The work unit %(unit)s does not belong to the agency %(agency)s. Choose one of "
                "its own work units, or none for the whole agency."
            )
            % {"unit": work_unit, "agency": agency},
        )
    if not permissions.can_grant_role(actor, role, agency=agency, work_unit=work_unit):
        raise errors.PermissionDenied(
            _(
                "Only the administrator of %(agency)s can register its officials. Ask them, or "
                "the LPSE, who that is."
            )
            % {"agency": agency}
        )
    problems: dict[str, list[Any]] = {}
    if not full_name:
        problems["full_name"] = [_("Enter the person's full name as written in the SK.")]
    for field, check in (("email", users.clean_email), ("nip", clean_nip), ("nik", clean_nik)):
        value = {"email": email, "nip": nip, "nik": nik}[field]
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
            letter_name=_("appointment letter (SK)"),
        )
    )
    if (
        not username
        and "email" not in problems
        and not User.objects.filter(email__iexact=users.clean_email(email)).exists()
    ):
        problems["username"] = [_username_needed()]
    raise_problems(problems)
    assert starts_on is not None and ends_on is not None and letter_date is not None
    email = users.clean_email(email)
    nip = clean_nip(nip) if nip.strip() else ""
    nik = clean_nik(nik) if nik.strip() else ""
    lpse = agency.lpse

    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None:
            user, new_account = existing, False
            if not user.is_active:
                raise errors.field_error(
                    "email",
                    _(
                        "The account with this e-mail address is deactivated. Ask the LPSE to "
                        "reactivate it before registering a new appointment."
                    ),
                )
            # Checked before the letter is stored, so a refusal leaves no file behind.
            check_separation_of_duties(user=user, role=role, starts_on=starts_on, ends_on=ends_on)
        else:
            if not username:  # the account went away since the check above
                raise errors.field_error("username", _username_needed())
            user = users.user_create(
                actor=actor, username=username, email=email, full_name=full_name
            )
            new_account = True
        set_identity_numbers(user=user, nip=nip, nik=nik)
        letter = store_letter(
            upload=letter_upload,
            owner=actor,
            purpose=f"SK {letter_number}",
            lpse=lpse,
        )
        assignment = role_grant(
            actor=actor,
            user=user,
            role=role,
            agency=agency,
            work_unit=work_unit,
            starts_on=starts_on,
            ends_on=ends_on,
            letter_kind=LetterKind.SK,
            letter_number=letter_number,
            letter_date=letter_date,
            letter_file=letter,
        )
        _tell_appointed(user=user, assignment=assignment, agency=agency, new_account=new_account)
        audit.record(
            actor=actor,
            action="official.register",
            obj=assignment,
            lpse_id=lpse.pk,
            changes={
                "user": user.username,
                "new_account": new_account,
                "role": role,
                "agency": agency.pk,
                "work_unit": work_unit.pk if work_unit else None,
                "nip": nip,
                "nik_given": bool(nik),
                "letter_number": letter_number,
                "letter_file": letter.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return OfficialRegistered(user=user, assignment=assignment, new_account=new_account)


def _tell_appointed(
    *, user: User, assignment: RoleAssignment, agency: Agency, new_account: bool
) -> None:
    role = Role(assignment.role)
    where = str(assignment.work_unit or agency)
    starts, ends = assignment.starts_on, assignment.ends_on
    letter = assignment.letter_number

    def subject() -> str:
        return _("You are registered as %(role)s at %(where)s") % {
            "role": role_short_name(role),
            "where": where,
        }

    def intro() -> str:
        return _(
            "The administrator of %(agency)s registered you as %(role)s at %(where)s from "
            "%(starts)s to %(ends)s, by appointment letter (SK) %(letter)s."
        ) % {
            "agency": agency.name,
            "role": role.label,
            "where": where,
            "starts": date_label(starts),
            "ends": date_label(ends) if ends else "-",
            "letter": letter,
        }

    # The inbox copy never carries the password link; a new account gets that by e-mail only.
    notify(
        users=[user],
        message=Message("official.appointed", subject=subject, body=intro, url=""),
        lpse=agency.lpse,
        email=not new_account,
    )
    if new_account:
        invitation_send(user=user, topic="official.invitation", intro=intro)


def official_end_term(*, actor: User, assignment: RoleAssignment, reason: str) -> RoleAssignment:
    """End an official's appointment today, with a reason (a new SK replaces them, they moved,
    the SK was revoked). Only the agency's administrator may, never for their own appointment
    (`permissions_registrations.can_end_official_term`; `role_revoke` checks again). The
    official is told; once no appointment is left, the account stops signing in."""
    if assignment.role not in permissions.AGENCY_OFFICIAL_ROLES:
        raise errors.NotFound()
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("agency", "agency__lpse")
            .get(pk=assignment.pk)
        )
        agency = locked.agency
        if agency is None:
            raise errors.NotFound()
        if not permissions_registrations.can_end_official_term(actor, locked):
            if not permissions_registrations.can_register_officials(actor, agency):
                raise errors.PermissionDenied(
                    _(
                        "Only the administrator of %(agency)s can end the terms of its "
                        "officials. Ask them, or the LPSE, who that is."
                    )
                    % {"agency": agency}
                )
            if locked.revoked_at is not None:
                raise errors.Conflict(
                    _("This appointment was already ended on %(date)s. Reload the list.")
                    % {"date": date_label(locked.revoked_at.astimezone(_REFERENCE_ZONE).date())},
                    code="role_already_revoked",
                )
            raise errors.PermissionDenied(
                _(
                    "You cannot end your own appointment. Ask another administrator of "
                    "%(agency)s, or the LPSE."
                )
                % {"agency": agency}
            )
        if not reason:
            raise errors.field_error(
                "reason",
                _(
                    "Give the reason for ending the term, for example the SK that replaces it; "
                    "the official receives it."
                ),
            )
        ended = role_revoke(actor=actor, assignment=locked, reason=reason)
        role = Role(ended.role)
        where = str(ended.work_unit or ended.agency)
        why = ended.revoke_reason

        def subject() -> str:
            return _("Your appointment as %(role)s at %(where)s was ended") % {
                "role": role_short_name(role),
                "where": where,
            }

        def body() -> str:
            return _(
                "Your appointment as %(role)s at %(where)s was ended today by the agency's "
                "administrator. Reason: %(reason)s"
            ) % {"role": role.label, "where": where, "reason": why}

        notify(
            users=[ended.user],
            message=Message("official.term_ended", subject=subject, body=body),
            lpse=ended.lpse,
        )
        audit.record(
            actor=actor,
            action="official.end_term",
            obj=ended,
            lpse_id=ended.lpse_id,
            changes={"user": ended.user.username, "role": ended.role, "reason": why},
        )
    return ended
