"""Granting and revoking roles, with scope checks and separation of duties.

Who may grant what is decided by `permissions.can_grant_role`; this module checks that the
scope is consistent, that the period and the letter are valid, and that the new role does not
clash with the person's other roles (in both directions):

- LPSE admin and LPSE staff may never also be PPK, head of ULP, Pokja member or Pejabat
  Pengadaan (LT 16(3), KA 14(3)).
- No official may hold a vendor role at the same time: officials do not bid.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from openlpse.accounts import permissions
from openlpse.accounts.enums import PROCUREMENT_EXECUTION_ROLES, LetterKind, Role, ScopeKind
from openlpse.accounts.models.roles import RoleAssignment
from openlpse.accounts.models.user import User
from openlpse.core import audit, clock
from openlpse.core.errors import Conflict, PermissionDenied, SeparationOfDuties, ValidationError

if TYPE_CHECKING:
    from openlpse.core.models import StoredFile
    from openlpse.organizations.models import Agency, Lpse, LpseUnit, WorkUnit

# The scopes each role may be granted in.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.LPSE_ADMIN: frozenset({ScopeKind.LPSE}),
    Role.LPSE_STAFF: frozenset({ScopeKind.LPSE}),
    Role.AGENCY_ADMIN: frozenset({ScopeKind.AGENCY}),
    Role.PA: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT}),
    Role.KPA: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT}),
    Role.PPK: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT}),
    Role.ULP_HEAD: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT}),
    Role.POKJA_MEMBER: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT, ScopeKind.TENDER}),
    Role.PEJABAT_PENGADAAN: frozenset({ScopeKind.AGENCY, ScopeKind.WORK_UNIT}),
    # LT 25(7): auditors get access on a surat tugas, for named packages or the whole LPSE.
    Role.AUDITOR: frozenset({ScopeKind.LPSE, ScopeKind.PACKAGES}),
    Role.VENDOR_ADMIN: frozenset({ScopeKind.VENDOR}),
    Role.VENDOR_STAFF: frozenset({ScopeKind.VENDOR}),
}

# Officials and LPSE people are appointed by decree (SK); auditors by a surat tugas.
REQUIRED_LETTER: dict[str, str] = {
    **{role: LetterKind.SK for role in permissions.OFFICIAL_ROLES},
    Role.AUDITOR: LetterKind.SURAT_TUGAS,
}


def role_short_name(role: str) -> str:
    """How a sentence names a role: "PPK", "LPSE staff", "a Pokja member"."""
    names: dict[str, str] = {
        Role.LPSE_ADMIN: _("LPSE administrator"),
        Role.LPSE_STAFF: _("LPSE staff"),
        Role.AGENCY_ADMIN: _("agency administrator"),
        Role.PA: "PA",
        Role.KPA: "KPA",
        Role.PPK: "PPK",
        Role.ULP_HEAD: _("head of ULP/UKPBJ"),
        Role.POKJA_MEMBER: _("a Pokja member"),
        Role.PEJABAT_PENGADAAN: "Pejabat Pengadaan",
        Role.VENDOR_ADMIN: _("vendor administrator"),
        Role.VENDOR_STAFF: _("vendor staff"),
        Role.AUDITOR: _("auditor"),
    }
    return str(names.get(role, role))


def scope_label(assignment: RoleAssignment) -> str:
    """Where an assignment applies, in words: the LPSE unit, work unit, agency, vendor..."""
    if assignment.lpse_unit_id is not None and assignment.lpse_unit is not None:
        return str(assignment.lpse_unit)
    if assignment.work_unit is not None:
        return str(assignment.work_unit)
    if assignment.agency is not None:
        if assignment.scope_ref:
            return f"{assignment.agency}, {assignment.scope_ref}"
        return str(assignment.agency)
    if assignment.scope_kind == ScopeKind.VENDOR:
        return _("vendor %(vendor)s") % {"vendor": assignment.scope_ref}
    if assignment.lpse is not None:
        if assignment.scope_ref:
            return f"{assignment.lpse}, {assignment.scope_ref}"
        return str(assignment.lpse)
    return assignment.scope_ref


# --- scope resolution -------------------------------------------------------------------------


def _infer_scope_kind(role: str, *, agency: Agency | None, work_unit: WorkUnit | None) -> str:
    if role in permissions.VENDOR_ROLES:
        return ScopeKind.VENDOR
    if work_unit is not None:
        return ScopeKind.WORK_UNIT
    if agency is not None:
        return ScopeKind.AGENCY
    return ScopeKind.LPSE


def _resolve_scope(
    *,
    role: str,
    scope_kind: str,
    lpse: Lpse | None,
    agency: Agency | None,
    work_unit: WorkUnit | None,
    lpse_unit: LpseUnit | None,
    scope_ref: str,
) -> tuple[Lpse | None, Agency | None, WorkUnit | None, LpseUnit | None]:
    """Check that the scope hangs together and fill the parents (work unit -> agency -> LPSE)."""
    if role not in ROLE_SCOPES:
        raise ValidationError(
            _("Choose a role from the list."), fields={"role": [_("Choose a role from the list.")]}
        )
    if scope_kind not in ROLE_SCOPES[role]:
        message = _("The role %(role)s cannot be granted for this kind of scope (%(scope)s).") % {
            "role": Role(role).label,
            "scope": ScopeKind(scope_kind).label if scope_kind in ScopeKind.values else scope_kind,
        }
        raise ValidationError(message, fields={"scope_kind": [message]})

    if work_unit is not None:
        if agency is not None and work_unit.agency_id != agency.pk:
            message = _("The work unit %(unit)s does not belong to the agency %(agency)s.") % {
                "unit": work_unit,
                "agency": agency,
            }
            raise ValidationError(message, fields={"work_unit": [message]})
        agency = work_unit.agency
    if agency is not None:
        if lpse is not None and agency.lpse_id != lpse.pk:
            message = _("The agency %(agency)s does not belong to %(lpse)s.") % {
                "agency": agency,
                "lpse": lpse,
            }
            raise ValidationError(message, fields={"agency": [message]})
        lpse = agency.lpse

    if scope_kind == ScopeKind.VENDOR:
        if lpse is not None or agency is not None or lpse_unit is not None:
            message = _(
                "Vendor roles apply to a vendor on every LPSE; do not choose an LPSE or agency."
            )
            raise ValidationError(message, fields={"scope_kind": [message]})
        if not scope_ref:
            message = _("Name the vendor this role is for.")
            raise ValidationError(message, fields={"scope_ref": [message]})
        return None, None, None, None

    if lpse is None:
        message = _("Choose the LPSE this role is for.")
        raise ValidationError(message, fields={"lpse": [message]})
    if scope_kind == ScopeKind.AGENCY and agency is None:
        message = _("Choose the agency this role is for.")
        raise ValidationError(message, fields={"agency": [message]})
    if scope_kind == ScopeKind.WORK_UNIT and work_unit is None:
        message = _("Choose the work unit this role is for.")
        raise ValidationError(message, fields={"work_unit": [message]})
    if scope_kind == ScopeKind.TENDER and (agency is None or not scope_ref):
        message = _(
            "A role for one tender needs its agency and its tender code: choose the agency and "
            "enter the tender code."
        )
        raise ValidationError(message, fields={"scope_ref": [message]})
    if scope_kind == ScopeKind.PACKAGES and not scope_ref:
        message = _("List the package codes named in the letter of assignment.")
        raise ValidationError(message, fields={"scope_ref": [message]})
    if scope_kind in (ScopeKind.LPSE, ScopeKind.PACKAGES) and agency is not None:
        message = _(
            "This role applies to the whole LPSE or to named packages; do not choose an agency."
        )
        raise ValidationError(message, fields={"agency": [message]})

    if role == Role.LPSE_STAFF:
        if lpse_unit is None:
            message = _("Choose the LPSE unit the staff member works in.")
            raise ValidationError(message, fields={"lpse_unit": [message]})
        if lpse_unit.lpse_id != lpse.pk:
            message = _("The unit %(unit)s does not belong to %(lpse)s.") % {
                "unit": lpse_unit,
                "lpse": lpse,
            }
            raise ValidationError(message, fields={"lpse_unit": [message]})
    elif lpse_unit is not None:
        message = _("Only LPSE staff are placed in an LPSE unit.")
        raise ValidationError(message, fields={"lpse_unit": [message]})

    if not lpse.is_active:
        raise ValidationError(
            _("%(lpse)s is deactivated; roles cannot be granted there.") % {"lpse": lpse}
        )
    if agency is not None and not agency.is_active:
        message = _("The agency %(agency)s is deactivated; roles cannot be granted there.") % {
            "agency": agency
        }
        raise ValidationError(message, fields={"agency": [message]})
    if work_unit is not None and not work_unit.is_active:
        message = _("The work unit %(unit)s is deactivated; roles cannot be granted there.") % {
            "unit": work_unit
        }
        raise ValidationError(message, fields={"work_unit": [message]})
    return lpse, agency, work_unit, lpse_unit


def _validate_period_and_letter(
    *,
    role: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    letter_kind: str,
    letter_number: str,
    letter_date: dt.date | None,
) -> None:
    today = permissions.today()
    fields: dict[str, list[Any]] = {}
    if starts_on is None:
        fields["starts_on"] = [_("Enter the date the role starts.")]
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        fields["ends_on"] = [
            _("The end date is before the start date. Enter an end date on or after the start.")
        ]
    elif ends_on is not None and ends_on < today:
        fields["ends_on"] = [
            _("The end date is in the past. A role that has already ended cannot be granted.")
        ]
    if role == Role.AUDITOR and ends_on is None:
        # LT 25(7): an auditor's access lasts only as long as the surat tugas.
        fields["ends_on"] = [
            _("An auditor's access needs an end date: enter the last day of the surat tugas.")
        ]
    required = REQUIRED_LETTER.get(role)
    if required is not None and letter_kind != required:
        fields["letter_kind"] = [
            _("The role %(role)s is granted by %(letter)s. Choose %(letter)s as the letter.")
            % {"role": Role(role).label, "letter": LetterKind(required).label}
        ]
    elif letter_kind not in LetterKind.values:
        fields["letter_kind"] = [_("Choose the kind of letter.")]
    if not letter_number.strip():
        fields["letter_number"] = [_("Enter the number of the letter that grants this role.")]
    if letter_date is None:
        fields["letter_date"] = [_("Enter the date of the letter that grants this role.")]
    elif letter_date > today:
        fields["letter_date"] = [
            _("The letter date is in the future. Enter the date the letter was signed.")
        ]
    if fields:
        first = next(iter(fields.values()))[0]
        raise ValidationError(first, fields=fields)


# --- separation of duties ----------------------------------------------------------------------


def _overlapping(user: User, starts_on: dt.date, ends_on: dt.date | None) -> list[RoleAssignment]:
    """The user's other assignments (not revoked) whose period overlaps the new one."""
    qs = RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        qs = qs.filter(starts_on__lte=ends_on)
    return list(qs.select_related("lpse", "agency", "work_unit", "lpse_unit").order_by("pk"))


def _clash(new_role: str, held_role: str) -> str | None:
    """The rule two roles break together, or None."""
    lpse_side = permissions.LPSE_ROLES
    execution = PROCUREMENT_EXECUTION_ROLES
    if (new_role in lpse_side and held_role in execution) or (
        new_role in execution and held_role in lpse_side
    ):
        return "lpse_staff_not_official"
    officials = permissions.OFFICIAL_ROLES
    vendors = permissions.VENDOR_ROLES
    if (new_role in officials and held_role in vendors) or (
        new_role in vendors and held_role in officials
    ):
        return "official_not_vendor"
    return None


def check_separation_of_duties(
    *, user: User, role: str, starts_on: dt.date, ends_on: dt.date | None
) -> None:
    """Raise SeparationOfDuties when `role` would clash with a role the user holds."""
    for held in _overlapping(user, starts_on, ends_on):
        rule = _clash(role, held.role)
        if rule is None:
            continue
        params = {
            "name": user.display_name,
            "held": role_short_name(held.role),
            "where": scope_label(held),
            "new": role_short_name(role),
        }
        if rule == "lpse_staff_not_official":
            # LT 16(3), KA 14(3): LPSE staff may not also be PPK, ULP, Pokja or Pejabat Pengadaan.
            message = (
                _(
                    "%(name)s is %(held)s (%(where)s) and may not also be %(new)s "
                    "(Perbup Lampung Timur 16(3), Karangasem 14(3))."
                )
                % params
            )
        else:
            # No official may bid: government roles and vendor roles exclude each other.
            message = (
                _(
                    "%(name)s is %(held)s (%(where)s) and may not also be %(new)s: "
                    "officials may not act for a vendor, and vendors may not hold an official role."
                )
                % params
            )
        raise SeparationOfDuties(message, code=f"separation_of_duties.{rule}")


# --- services -------------------------------------------------------------------------------------


def role_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    scope_kind: str | None = None,
    lpse: Lpse | None = None,
    agency: Agency | None = None,
    work_unit: WorkUnit | None = None,
    lpse_unit: LpseUnit | None = None,
    scope_ref: str = "",
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    letter_kind: str,
    letter_number: str,
    letter_date: dt.date,
    letter_file: StoredFile | None = None,
) -> RoleAssignment:
    """Grant `role` to `user` within a scope, for a period, by a letter (SK or surat tugas).

    `actor` None is the system itself (demo data; later, vendor self-registration): trusted
    code paths only, never a request. Scope, period, letter and separation of duties are
    checked for the system too."""
    scope_ref = scope_ref.strip()
    letter_number = letter_number.strip()
    kind = scope_kind or _infer_scope_kind(role, agency=agency, work_unit=work_unit)
    with transaction.atomic():
        # Lock the person first: two grants to the same person are decided one after the other,
        # so separation of duties cannot be raced.
        user = User.objects.select_for_update().get(pk=user.pk)
        lpse, agency, work_unit, lpse_unit = _resolve_scope(
            role=role,
            scope_kind=kind,
            lpse=lpse,
            agency=agency,
            work_unit=work_unit,
            lpse_unit=lpse_unit,
            scope_ref=scope_ref,
        )
        if actor is not None and not permissions.can_grant_role(
            actor, role, lpse=lpse, agency=agency, work_unit=work_unit, scope_ref=scope_ref
        ):
            raise PermissionDenied(
                _(
                    "You may not grant the role %(role)s here. Ask an administrator who "
                    "manages this LPSE or agency."
                )
                % {"role": Role(role).label}
            )
        if actor is not None and actor.pk == user.pk:
            raise PermissionDenied(
                _("You cannot grant a role to yourself. Ask another administrator.")
            )
        if not user.is_active:
            raise ValidationError(
                _("The account of %(name)s is deactivated; reactivate it before granting roles.")
                % {"name": user.display_name}
            )
        _validate_period_and_letter(
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            letter_kind=letter_kind,
            letter_number=letter_number,
            letter_date=letter_date,
        )
        duplicate = [
            a
            for a in _overlapping(user, starts_on, ends_on)
            if a.role == role
            and a.scope_kind == kind
            and a.lpse_id == (lpse.pk if lpse else None)
            and a.agency_id == (agency.pk if agency else None)
            and a.work_unit_id == (work_unit.pk if work_unit else None)
            and a.lpse_unit_id == (lpse_unit.pk if lpse_unit else None)
            and a.scope_ref == scope_ref
        ]
        if duplicate:
            raise Conflict(
                _(
                    "%(name)s already holds the role %(role)s here (%(where)s) for an overlapping period."
                )
                % {
                    "name": user.display_name,
                    "role": Role(role).label,
                    "where": scope_label(duplicate[0]),
                },
                code="role_already_held",
            )
        check_separation_of_duties(user=user, role=role, starts_on=starts_on, ends_on=ends_on)

        assignment = RoleAssignment.objects.create(
            user=user,
            role=role,
            scope_kind=kind,
            lpse=lpse,
            agency=agency,
            work_unit=work_unit,
            lpse_unit=lpse_unit,
            scope_ref=scope_ref,
            starts_on=starts_on,
            ends_on=ends_on,
            letter_kind=letter_kind,
            letter_number=letter_number,
            letter_date=letter_date,
            letter_file=letter_file,
            granted_by=actor,
            granted_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="role.grant",
            obj=assignment,
            lpse_id=lpse.pk if lpse else None,
            changes={
                "user": user.username,
                "role": role,
                "scope_kind": kind,
                "lpse": lpse.slug if lpse else None,
                "agency": agency.pk if agency else None,
                "work_unit": work_unit.pk if work_unit else None,
                "lpse_unit": lpse_unit.kind if lpse_unit else None,
                "scope_ref": scope_ref,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
                "letter_kind": letter_kind,
                "letter_number": letter_number,
                "letter_date": letter_date.isoformat(),
                "letter_file": letter_file.pk if letter_file else None,
            },
        )
    return assignment


def role_revoke(
    *,
    actor: User | None,
    assignment: RoleAssignment,
    reason: str,
    ending_staff_placement: bool = False,
) -> RoleAssignment:
    """Revoke an assignment now, with a reason. Whoever may grant the role may revoke it, never
    their own. An LPSE staff role that comes with a placement in an LPSE unit is revoked by
    ending the placement (organizations.services.staff_end passes `ending_staff_placement`)."""
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("user", "lpse", "agency", "work_unit", "lpse_unit")
            .get(pk=assignment.pk)
        )
        if actor is not None and not permissions.can_revoke_role(actor, locked):
            if locked.user_id == actor.pk:
                raise PermissionDenied(
                    _("You cannot revoke your own role. Ask another administrator.")
                )
            raise PermissionDenied(
                _(
                    "You may not revoke the role %(role)s here. Ask an administrator who "
                    "manages this LPSE or agency."
                )
                % {"role": Role(locked.role).label}
            )
        if locked.revoked_at is not None:
            raise Conflict(
                _("This role was already revoked. Reload the list."), code="role_already_revoked"
            )
        if not reason:
            message = _("Give the reason for revoking this role.")
            raise ValidationError(message, fields={"reason": [message]})
        if not ending_staff_placement and _open_placement(locked):
            raise Conflict(
                _(
                    "This LPSE staff role belongs to a placement in %(unit)s. "
                    "End the placement on the LPSE units page instead."
                )
                % {"unit": locked.lpse_unit},
                code="role_has_staff_placement",
            )
        locked.revoked_at = clock.now()
        locked.revoked_by = actor
        locked.revoke_reason = reason[:300]
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(
            actor=actor,
            action="role.revoke",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={
                "user": locked.user.username,
                "role": locked.role,
                "reason": locked.revoke_reason,
            },
        )
    return locked


def _open_placement(assignment: RoleAssignment) -> bool:
    if assignment.role != Role.LPSE_STAFF:
        return False
    from openlpse.organizations.models import StaffAssignment

    return StaffAssignment.objects.filter(
        role_assignment=assignment, ended_at__isnull=True
    ).exists()
