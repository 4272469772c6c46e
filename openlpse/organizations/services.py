"""Writes to the organisations: LPSE tenants, their calendar, agencies, work units, the LPSE's
own units and the staff placed in them.

Every service checks permission first (`accounts.permissions`), validates, writes and records
one audit event as the last statement of its transaction. `actor` None is the system itself
(demo data, management commands): trusted code paths only, never a request; it passes the
permission checks but nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from openlpse.accounts import permissions
from openlpse.accounts.enums import LetterKind, Role
from openlpse.accounts.models.user import User
from openlpse.accounts.services.roles import role_grant, role_revoke
from openlpse.core import audit, clock
from openlpse.core.errors import (
    Conflict,
    DomainError,
    PermissionDenied,
    ValidationError,
    field_error,
)
from openlpse.organizations.enums import AgencyKind, TimeZone
from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit
from openlpse.organizations.units import LPSE_UNITS

LPSE_CREATE_FIELDS = (
    "name",
    "region",
    "province",
    "time_zone",
    "address",
    "phone",
    "email",
    "website",
    "helpdesk_hours",
    "working_days",
    "working_hours_start",
    "working_hours_end",
)
# What the LPSE admin may change on the profile; the slug is part of every URL and stays.
LPSE_EDITABLE_FIELDS = frozenset(LPSE_CREATE_FIELDS)
AGENCY_EDITABLE_FIELDS = frozenset({"kind", "code", "name", "parent", "address"})
WORK_UNIT_EDITABLE_FIELDS = frozenset({"code", "name", "address"})


# --- helpers ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def _clean(obj: Model, *, exclude: list[str] | None = None) -> None:
    """Field validation of the model (lengths, choices, e-mail, URL), as a domain error."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        fields: dict[str, list[Any]] = {}
        for name, errors in exc.message_dict.items():
            fields[name] = list(errors)
        first = next(iter(fields.values()))[0]
        raise ValidationError(first, fields=fields) from exc


def _refuse_unknown_fields(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s. Leave them out and try again.")
            % {"fields": ", ".join(sorted(unknown))}
        )


def _apply_changes(obj: Model, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the changed fields (text stripped) and return {field: [old, new]} for the audit."""
    diff: dict[str, list[Any]] = {}
    for name, raw in changes.items():
        value = raw.strip() if isinstance(raw, str) else raw
        old = getattr(obj, name)
        if old != value:
            diff[name] = [_jsonable(old), _jsonable(value)]
            setattr(obj, name, value)
    return diff


def _save_with_unique_code(
    obj: Model,
    diff: Mapping[str, Any],
    siblings: QuerySet[Any],
    taken: Callable[[Any], DomainError],
) -> None:
    """Save the changed fields; a code already used among `siblings` is a clear field error.
    The pre-check gives the message; the unique constraint still decides under a race."""
    if "code" in diff and siblings.filter(code=obj.code).exclude(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise taken(obj)
    try:
        with transaction.atomic():
            obj.save(update_fields=list(diff))
    except IntegrityError as exc:
        raise taken(obj) from exc


def _require_manage_lpse(actor: User | None, lpse: Lpse) -> None:
    if actor is not None and not permissions.can_manage_lpse(actor, lpse):
        raise PermissionDenied(
            _("Only the administrator of %(lpse)s may do this.") % {"lpse": lpse}
        )


def _parse_working_days(value: Any) -> str:
    """'0,1,2,3,4' (0 = Monday): distinct weekdays, at least one, stored sorted."""
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        days = sorted({int(str(item).strip()) for item in items if str(item).strip() != ""})
    except ValueError:
        days = [-1]
    if not days or any(d < 0 or d > 6 for d in days):
        raise field_error("working_days", _("Choose at least one working day."))
    return ",".join(str(d) for d in days)


def _validate_lpse_values(values: dict[str, Any]) -> dict[str, Any]:
    if "working_days" in values:
        values["working_days"] = _parse_working_days(values["working_days"])
    if "time_zone" in values and values["time_zone"] not in TimeZone.values:
        raise field_error("time_zone", _("Choose WIB, WITA or WIT."))
    required = {
        "name": _("Enter the name of the LPSE."),
        "region": _("Enter the region the LPSE serves, e.g. Kabupaten Lampung Timur."),
    }
    for name, missing in required.items():
        if name in values:
            values[name] = str(values[name]).strip()
            if not values[name]:
                raise field_error(name, missing)
    return values


def _check_hours(lpse: Lpse) -> None:
    start, end = lpse.working_hours_start, lpse.working_hours_end
    if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
        raise field_error(
            "working_hours_end",
            _("The working hours end before they start. Enter an end time after the start."),
        )


# --- LPSE -------------------------------------------------------------------------------------


def lpse_create(*, actor: User | None, slug: str, **values: Any) -> Lpse:
    """Create an LPSE tenant with its eight units. Platform operators only."""
    unknown = set(values) - set(LPSE_CREATE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields are not known: %(fields)s. Leave them out and try again.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        if actor is not None and not permissions.is_platform_operator(actor):
            raise PermissionDenied(_("Only the operators of this deployment may create an LPSE."))
        values = _validate_lpse_values(dict(values))
        lpse = Lpse(slug=slug.strip().lower(), **values)
        _clean(lpse)
        _check_hours(lpse)
        if Lpse.objects.filter(slug=lpse.slug).exists():
            raise field_error(
                "slug",
                _("An LPSE with the address name “%(slug)s” already exists.") % {"slug": lpse.slug},
            )
        try:
            with transaction.atomic():
                lpse.save()
        except IntegrityError as exc:
            raise field_error(
                "slug",
                _("An LPSE with the address name “%(slug)s” already exists.") % {"slug": lpse.slug},
            ) from exc
        for unit in LPSE_UNITS:
            LpseUnit.objects.create(lpse=lpse, kind=unit.kind, name=unit.name, duties=unit.duties)
        audit.record(
            actor=actor,
            action="lpse.create",
            obj=lpse,
            lpse_id=lpse.pk,
            changes={
                "slug": lpse.slug,
                **{k: _jsonable(getattr(lpse, k)) for k in LPSE_CREATE_FIELDS},
                "units": [str(unit.kind) for unit in LPSE_UNITS],
            },
        )
    return lpse


def lpse_update(*, actor: User | None, lpse: Lpse, changes: Mapping[str, Any]) -> Lpse:
    """Change the LPSE's profile: name, region, time zone, address, contacts, helpdesk hours,
    working days and hours. The LPSE admin (or an operator)."""
    _refuse_unknown_fields(changes, LPSE_EDITABLE_FIELDS)
    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        locked = Lpse.objects.select_for_update().get(pk=lpse.pk)
        values = _validate_lpse_values(dict(changes))
        diff = _apply_changes(locked, values)
        _clean(locked)
        _check_hours(locked)
        if not diff:
            return locked
        locked.save(update_fields=list(diff))
        audit.record(actor=actor, action="lpse.update", obj=locked, lpse_id=locked.pk, changes=diff)
    return locked


def lpse_logo_set(*, actor: User | None, lpse: Lpse, upload: Any) -> Lpse:
    """Store a new logo for the LPSE (PNG, JPEG, WebP or GIF, checked by content; never SVG,
    which can carry script) and show it in the portal header. The old file stays stored."""
    from openlpse.core.storage import file_store

    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        locked = Lpse.objects.select_for_update().get(pk=lpse.pk)
        try:
            stored = file_store(
                upload=upload, kind="logo", owner=actor, purpose="LPSE logo", lpse=locked
            )
        except DomainError as exc:
            raise ValidationError(exc.message, fields={"logo": [exc.message]}) from exc
        old = locked.logo_id
        locked.logo = stored
        locked.save(update_fields=["logo"])
        audit.record(
            actor=actor,
            action="lpse.logo_set",
            obj=locked,
            lpse_id=locked.pk,
            changes={"logo": [old, stored.pk], "sha256": stored.sha256},
        )
    return locked


def lpse_logo_remove(*, actor: User | None, lpse: Lpse) -> Lpse:
    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        locked = Lpse.objects.select_for_update().get(pk=lpse.pk)
        if locked.logo_id is None:
            return locked
        old = locked.logo_id
        locked.logo = None
        locked.save(update_fields=["logo"])
        audit.record(
            actor=actor,
            action="lpse.logo_remove",
            obj=locked,
            lpse_id=locked.pk,
            changes={"logo": [old, None]},
        )
    return locked


def lpse_set_active(*, actor: User | None, lpse: Lpse, active: bool) -> Lpse:
    """Deactivate or reactivate a tenant (operators only). An inactive LPSE disappears from the
    public portal and its roles stop applying."""
    with transaction.atomic():
        if actor is not None and not permissions.is_platform_operator(actor):
            raise PermissionDenied(
                _("Only the operators of this deployment may deactivate or reactivate an LPSE.")
            )
        locked = Lpse.objects.select_for_update().get(pk=lpse.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="lpse.activate" if active else "lpse.deactivate",
            obj=locked,
            lpse_id=locked.pk,
            changes={"is_active": [not active, active]},
        )
    return locked


def lpse_units_ensure(*, actor: User | None, lpse: Lpse) -> list[LpseUnit]:
    """Create whichever of the eight LPSE units (LT 4, KA 8) are missing. Idempotent: when all
    exist nothing is written and no audit event is recorded."""
    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        # Lock the LPSE so that two concurrent calls do not both create the same unit.
        Lpse.objects.select_for_update().get(pk=lpse.pk)
        existing = set(LpseUnit.objects.filter(lpse=lpse).values_list("kind", flat=True))
        created = []
        for unit in LPSE_UNITS:
            if unit.kind not in existing:
                LpseUnit.objects.create(
                    lpse=lpse, kind=unit.kind, name=unit.name, duties=unit.duties
                )
                created.append(str(unit.kind))
        if created:
            audit.record(
                actor=actor,
                action="lpse.units_ensure",
                obj=lpse,
                lpse_id=lpse.pk,
                changes={"created": created},
            )
    return list(LpseUnit.objects.filter(lpse=lpse).order_by("pk"))


# --- holidays -----------------------------------------------------------------------------------


def holiday_add(*, actor: User | None, lpse: Lpse, date: dt.date, name: str) -> Holiday:
    """Add a non-working day to the LPSE's calendar (deadlines skip it)."""
    name = name.strip()
    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        if not name:
            raise field_error("name", _("Enter the name of the holiday."))
        holiday = Holiday(lpse=lpse, date=date, name=name)
        _clean(holiday, exclude=["lpse"])
        message = _("%(date)s is already in the calendar. Remove it first to rename it.") % {
            "date": date.isoformat()
        }
        if Holiday.objects.filter(lpse=lpse, date=date).exists():
            raise field_error("date", message)
        try:
            with transaction.atomic():
                holiday.save()
        except IntegrityError as exc:
            raise field_error("date", message) from exc
        audit.record(
            actor=actor,
            action="holiday.add",
            obj=holiday,
            lpse_id=lpse.pk,
            changes={"date": date.isoformat(), "name": name},
        )
    return holiday


def holiday_remove(*, actor: User | None, holiday: Holiday) -> None:
    with transaction.atomic():
        _require_manage_lpse(actor, holiday.lpse)
        label = {"date": holiday.date.isoformat(), "name": holiday.name}
        lpse_id = holiday.lpse_id
        deleted, _detail = Holiday.objects.filter(pk=holiday.pk).delete()
        if not deleted:
            raise Conflict(_("This holiday was already removed. Reload the calendar."))
        audit.record(
            actor=actor, action="holiday.remove", obj=holiday, lpse_id=lpse_id, changes=label
        )


# --- agencies -----------------------------------------------------------------------------------


def _validate_agency_parent(agency: Agency, parent: Agency | None) -> None:
    if parent is None:
        return
    if parent.lpse_id != agency.lpse_id:
        raise field_error(
            "parent",
            _("The parent agency belongs to another LPSE. Choose an agency of this LPSE, or none."),
        )
    seen = set()
    node: Agency | None = parent
    while node is not None:
        if node.pk is not None and node.pk == agency.pk:
            raise field_error(
                "parent",
                _(
                    "An agency cannot be placed under itself or under one of its sub-agencies. "
                    "Choose another parent agency, or none."
                ),
            )
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent


def _agency_code_taken(agency: Agency) -> ValidationError:
    return field_error(
        "code",
        _("Another agency of this LPSE already uses the code “%(code)s”. Choose another code.")
        % {"code": agency.code},
    )


def agency_create(
    *,
    actor: User | None,
    lpse: Lpse,
    kind: str,
    code: str,
    name: str,
    parent: Agency | None = None,
    address: str = "",
) -> Agency:
    """Add an agency the LPSE serves: SKPD, K/L/PD, BUMN, BUMD or non-government (LT 8(3), KA 6(2))."""
    with transaction.atomic():
        _require_manage_lpse(actor, lpse)
        agency = Agency(
            lpse=lpse,
            kind=kind,
            code=code.strip(),
            name=name.strip(),
            parent=parent,
            address=address.strip(),
        )
        if kind not in AgencyKind.values:
            raise field_error("kind", _("Choose the kind of agency."))
        _clean(agency, exclude=["lpse", "parent"])
        _validate_agency_parent(agency, parent)
        if Agency.objects.filter(lpse=lpse, code=agency.code).exists():
            raise _agency_code_taken(agency)
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError as exc:
            raise _agency_code_taken(agency) from exc
        audit.record(
            actor=actor,
            action="agency.create",
            obj=agency,
            lpse_id=lpse.pk,
            changes={
                "kind": kind,
                "code": agency.code,
                "name": agency.name,
                "parent": parent.pk if parent else None,
            },
        )
    return agency


def agency_update(*, actor: User | None, agency: Agency, changes: Mapping[str, Any]) -> Agency:
    _refuse_unknown_fields(changes, AGENCY_EDITABLE_FIELDS)
    with transaction.atomic():
        _require_manage_lpse(actor, agency.lpse)
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        diff = _apply_changes(locked, changes)
        if locked.kind not in AgencyKind.values:
            raise field_error("kind", _("Choose the kind of agency."))
        _clean(locked, exclude=["lpse", "parent"])
        if "parent" in diff:
            _validate_agency_parent(locked, locked.parent)
        if not diff:
            return locked
        siblings = Agency.objects.filter(lpse_id=locked.lpse_id)
        _save_with_unique_code(locked, diff, siblings, _agency_code_taken)
        audit.record(
            actor=actor, action="agency.update", obj=locked, lpse_id=locked.lpse_id, changes=diff
        )
    return locked


def _agency_set_active(*, actor: User | None, agency: Agency, active: bool) -> Agency:
    with transaction.atomic():
        _require_manage_lpse(actor, agency.lpse)
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="agency.reactivate" if active else "agency.deactivate",
            obj=locked,
            lpse_id=locked.lpse_id,
            changes={"is_active": [not active, active]},
        )
    return locked


def agency_deactivate(*, actor: User | None, agency: Agency) -> Agency:
    """Deactivate an agency: it keeps its history, but its roles stop applying and no new
    roles or work units can be added to it."""
    return _agency_set_active(actor=actor, agency=agency, active=False)


def agency_reactivate(*, actor: User | None, agency: Agency) -> Agency:
    return _agency_set_active(actor=actor, agency=agency, active=True)


# --- work units -------------------------------------------------------------------------------


def _require_manage_work_units(actor: User | None, agency: Agency) -> None:
    if actor is not None and not permissions.can_manage_work_units(actor, agency):
        raise PermissionDenied(
            _("Only the administrator of %(lpse)s or of %(agency)s may change its work units.")
            % {"lpse": agency.lpse, "agency": agency}
        )


def _work_unit_code_taken(unit: WorkUnit) -> ValidationError:
    return field_error(
        "code",
        _("Another work unit of this agency already uses the code “%(code)s”. Choose another code.")
        % {"code": unit.code},
    )


def work_unit_create(
    *, actor: User | None, agency: Agency, code: str, name: str, address: str = ""
) -> WorkUnit:
    """Add a work unit (satuan kerja) to an agency."""
    with transaction.atomic():
        _require_manage_work_units(actor, agency)
        if not agency.is_active:
            raise ValidationError(
                _("The agency %(agency)s is deactivated; reactivate it first.") % {"agency": agency}
            )
        unit = WorkUnit(
            agency=agency, code=code.strip(), name=name.strip(), address=address.strip()
        )
        _clean(unit, exclude=["agency"])
        if WorkUnit.objects.filter(agency=agency, code=unit.code).exists():
            raise _work_unit_code_taken(unit)
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError as exc:
            raise _work_unit_code_taken(unit) from exc
        audit.record(
            actor=actor,
            action="work_unit.create",
            obj=unit,
            lpse_id=agency.lpse_id,
            changes={"agency": agency.pk, "code": unit.code, "name": unit.name},
        )
    return unit


def work_unit_update(
    *, actor: User | None, work_unit: WorkUnit, changes: Mapping[str, Any]
) -> WorkUnit:
    _refuse_unknown_fields(changes, WORK_UNIT_EDITABLE_FIELDS)
    with transaction.atomic():
        _require_manage_work_units(actor, work_unit.agency)
        locked = (
            WorkUnit.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=work_unit.pk)
        )
        diff = _apply_changes(locked, changes)
        _clean(locked, exclude=["agency"])
        if not diff:
            return locked
        siblings = WorkUnit.objects.filter(agency_id=locked.agency_id)
        _save_with_unique_code(locked, diff, siblings, _work_unit_code_taken)
        audit.record(
            actor=actor,
            action="work_unit.update",
            obj=locked,
            lpse_id=locked.agency.lpse_id,
            changes=diff,
        )
    return locked


def _work_unit_set_active(*, actor: User | None, work_unit: WorkUnit, active: bool) -> WorkUnit:
    with transaction.atomic():
        _require_manage_work_units(actor, work_unit.agency)
        locked = (
            WorkUnit.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=work_unit.pk)
        )
        if locked.is_active == active:
            return locked
        if active and not locked.agency.is_active:
            raise ValidationError(
                _("The agency %(agency)s is deactivated; reactivate it first.")
                % {"agency": locked.agency}
            )
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            action="work_unit.reactivate" if active else "work_unit.deactivate",
            obj=locked,
            lpse_id=locked.agency.lpse_id,
            changes={"is_active": [not active, active]},
        )
    return locked


def work_unit_deactivate(*, actor: User | None, work_unit: WorkUnit) -> WorkUnit:
    return _work_unit_set_active(actor=actor, work_unit=work_unit, active=False)


def work_unit_reactivate(*, actor: User | None, work_unit: WorkUnit) -> WorkUnit:
    return _work_unit_set_active(actor=actor, work_unit=work_unit, active=True)


# --- LPSE staff ---------------------------------------------------------------------------------


def staff_assign(
    *,
    actor: User | None,
    unit: LpseUnit,
    user: User,
    position: str,
    starts_on: dt.date,
    sk_number: str,
    sk_date: dt.date,
    ends_on: dt.date | None = None,
    is_head: bool = False,
) -> StaffAssignment:
    """Place a person in an LPSE unit by SK, and grant them the LPSE staff role for that unit
    (through the role service, so separation of duties applies: LT 16(3), KA 14(3))."""
    position = position.strip()
    with transaction.atomic():
        _require_manage_lpse(actor, unit.lpse)
        if not position:
            raise field_error("position", _("Enter the position the person holds in the unit."))
        if StaffAssignment.objects.filter(unit=unit, user=user, ended_at__isnull=True).exists():
            raise Conflict(
                _("%(name)s is already placed in %(unit)s. End that placement first.")
                % {"name": user.display_name, "unit": unit},
                code="staff_already_placed",
            )
        role = role_grant(
            actor=actor,
            user=user,
            role=Role.LPSE_STAFF,
            lpse=unit.lpse,
            lpse_unit=unit,
            starts_on=starts_on,
            ends_on=ends_on,
            letter_kind=LetterKind.SK,
            letter_number=sk_number,
            letter_date=sk_date,
        )
        placement = StaffAssignment(
            unit=unit,
            user=user,
            position=position,
            is_head=is_head,
            starts_on=starts_on,
            ends_on=ends_on,
            sk_number=sk_number.strip(),
            sk_date=sk_date,
            role_assignment=role,
        )
        _clean(placement, exclude=["unit", "user", "role_assignment"])
        try:
            with transaction.atomic():
                placement.save()
        except IntegrityError as exc:
            raise Conflict(
                _("%(name)s is already placed in %(unit)s. End that placement first.")
                % {"name": user.display_name, "unit": unit},
                code="staff_already_placed",
            ) from exc
        audit.record(
            actor=actor,
            action="staff.assign",
            obj=placement,
            lpse_id=unit.lpse_id,
            changes={
                "user": user.username,
                "unit": unit.kind,
                "position": position,
                "is_head": is_head,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat() if ends_on else None,
                "sk_number": placement.sk_number,
                "sk_date": sk_date.isoformat(),
                "role_assignment": role.pk,
            },
        )
    return placement


def staff_end(
    *, actor: User | None, placement: StaffAssignment, reason: str, ends_on: dt.date | None = None
) -> StaffAssignment:
    """End a placement (default: today) and revoke the LPSE staff role that came with it."""
    reason = reason.strip()
    with transaction.atomic():
        unit = placement.unit
        _require_manage_lpse(actor, unit.lpse)
        locked = (
            StaffAssignment.objects.select_for_update(of=("self",))
            .select_related("user", "unit")
            .get(pk=placement.pk)
        )
        if locked.ended_at is not None:
            raise Conflict(
                _("This placement has already ended. Reload the LPSE units page."),
                code="staff_already_ended",
            )
        if not reason:
            raise field_error("reason", _("Give the reason for ending the placement."))
        if ends_on is not None and ends_on < locked.starts_on:
            raise field_error(
                "ends_on",
                _(
                    "The last day is before the placement started. Enter a date on or after "
                    "%(start)s."
                )
                % {"start": locked.starts_on.isoformat()},
            )
        # A placement that has not started yet is cancelled: its last day is its first.
        last_day = ends_on or max(permissions.today(), locked.starts_on)
        if locked.ends_on is not None and locked.ends_on < last_day:
            last_day = locked.ends_on
        if locked.role_assignment_id is not None:
            role = locked.role_assignment
            assert role is not None
            if role.revoked_at is None:
                role_revoke(
                    actor=actor, assignment=role, reason=reason, ending_staff_placement=True
                )
        old_end = locked.ends_on
        locked.ends_on = last_day
        locked.ended_at = clock.now()
        locked.end_reason = reason[:300]
        locked.save(update_fields=["ends_on", "ended_at", "end_reason"])
        audit.record(
            actor=actor,
            action="staff.end",
            obj=locked,
            lpse_id=unit.lpse_id,
            changes={
                "user": locked.user.username,
                "unit": unit.kind,
                "ends_on": [old_end.isoformat() if old_end else None, last_day.isoformat()],
                "reason": locked.end_reason,
            },
        )
    return locked
