"""E-procurement adoption plans (LT 37(2)-(3), KA 22(1)-(2); issue 4 item 2).

Each agency plans, per fiscal year and in phases, which packages go through e-procurement:
every package with a pagu at or above a threshold, and/or a number of packages worth a value.
The agency (its admin, PA or KPA) writes the plan and proposes it; the LPSE admin agrees to it
("berdasarkan kesepakatan dengan LPSE", LT 37(3)) or returns it with a note. An agreed plan is
changed only after the LPSE returns it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from openlpse.accounts.enums import Role
from openlpse.accounts.models import RoleAssignment, User
from openlpse.accounts.permissions import in_force_q, today
from openlpse.core import audit, clock, errors
from openlpse.core.notifications import Message, notify
from openlpse.organizations.models import Agency
from openlpse.plans import permissions
from openlpse.plans.enums import AdoptionPlanStatus
from openlpse.plans.models import AdoptionPlan
from openlpse.plans.services.rup import FIRST_FISCAL_YEAR, PAGU_MAX, YEARS_AHEAD

NOTES_MAX = 5000
NOTE_MAX = 500
EDITABLE = (AdoptionPlanStatus.DRAFT, AdoptionPlanStatus.RETURNED)


def _problems(
    *,
    fiscal_year: int,
    value_threshold: Decimal | None,
    target_count: int | None,
    target_value: Decimal | None,
    notes: str,
) -> dict[str, list[Any]]:
    problems: dict[str, list[Any]] = {}
    last_year = today().year + YEARS_AHEAD
    if not FIRST_FISCAL_YEAR <= fiscal_year <= last_year:
        problems["fiscal_year"] = [
            _("Enter a fiscal year from %(first)d to %(last)d.")
            % {"first": FIRST_FISCAL_YEAR, "last": last_year}
        ]
    if value_threshold is None and target_count is None and target_value is None:
        problems["__all__"] = [
            _(
                "Set at least one target: a pagu threshold, a number of packages or a value of "
                "packages to go through e-procurement (LT 37(2))."
            )
        ]
    for field, amount in (("value_threshold", value_threshold), ("target_value", target_value)):
        if amount is not None and (not amount.is_finite() or amount <= 0 or amount > PAGU_MAX):
            problems[field] = [_("Enter an amount in rupiah above Rp 0, or leave it empty.")]
    if target_count is not None and target_count < 1:
        problems["target_count"] = [
            _("Enter a number of packages of at least 1, or leave it empty.")
        ]
    if len(notes) > NOTES_MAX:
        problems["notes"] = [_("Use at most %(max)d characters.") % {"max": NOTES_MAX}]
    return problems


def _refuse_writer(actor: User, agency: Agency) -> None:
    if not permissions.can_write_adoption_plan(actor, agency):
        raise errors.PermissionDenied(
            _(
                "Only the agency administrator, PA or KPA of %(agency)s can write its "
                "e-procurement adoption plan."
            )
            % {"agency": agency.name}
        )


def _lpse_admins(plan: AdoptionPlan) -> Any:
    ids = RoleAssignment.objects.filter(
        in_force_q(today()), role=Role.LPSE_ADMIN, lpse_id=plan.lpse_id
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def _url(plan: AdoptionPlan) -> str:
    return reverse("plans:adoption_detail", args=[plan.pk])


def adoption_plan_save(
    *,
    actor: User,
    agency: Agency,
    fiscal_year: int,
    value_threshold: Decimal | None,
    target_count: int | None,
    target_value: Decimal | None,
    notes: str = "",
) -> AdoptionPlan:
    """Create the agency's plan for the year, or change it while it is a draft or returned.
    A returned plan that is changed becomes a draft again."""
    _refuse_writer(actor, agency)
    notes = notes.strip()
    problems = _problems(
        fiscal_year=fiscal_year,
        value_threshold=value_threshold,
        target_count=target_count,
        target_value=target_value,
        notes=notes,
    )
    if problems:
        raise errors.ValidationError(fields=problems)
    now = clock.now()
    values = {
        "value_threshold": value_threshold,
        "target_count": target_count,
        "target_value": target_value,
        "notes": notes,
    }
    with transaction.atomic():
        plan = (
            AdoptionPlan.objects.select_for_update(of=("self",))
            .filter(agency_id=agency.pk, fiscal_year=fiscal_year)
            .first()
        )
        if plan is None:
            plan = AdoptionPlan.objects.create(
                lpse_id=agency.lpse_id,
                agency=agency,
                fiscal_year=fiscal_year,
                status=AdoptionPlanStatus.DRAFT,
                created_at=now,
                updated_at=now,
                **values,
            )
            changes: dict[str, Any] = {"created": True, **values}
        else:
            if plan.status not in EDITABLE:
                raise errors.Conflict(
                    _(
                        "The %(year)d plan of %(agency)s has the status “%(status)s”, so it cannot change. "
                        "Ask the LPSE administrator to return it first."
                    )
                    % {
                        "year": plan.fiscal_year,
                        "agency": agency.name,
                        "status": plan.get_status_display(),
                    },
                    code="adoption_plan_locked",
                )
            changes = {
                name: [getattr(plan, name), value]
                for name, value in values.items()
                if getattr(plan, name) != value
            }
            for name, value in values.items():
                setattr(plan, name, value)
            plan.status = AdoptionPlanStatus.DRAFT
            plan.updated_at = now
            plan.save()
        audit.record(
            actor=actor,
            action="adoption_plan.save",
            obj=plan,
            changes=changes,
            lpse_id=plan.lpse_id,
        )
    return plan


def adoption_plan_propose(*, actor: User, plan: AdoptionPlan) -> AdoptionPlan:
    """Send the plan to the LPSE for its agreement; the LPSE admins are told."""
    _refuse_writer(actor, plan.agency)
    with transaction.atomic():
        plan = (
            AdoptionPlan.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=plan.pk)
        )
        if plan.status not in EDITABLE:
            raise errors.Conflict(
                _("The %(year)d plan has the status “%(status)s”; there is nothing to propose.")
                % {"year": plan.fiscal_year, "status": plan.get_status_display()},
                code="adoption_plan_not_draft",
            )
        plan.status = AdoptionPlanStatus.PROPOSED
        plan.proposed_by = actor
        plan.proposed_at = clock.now()
        plan.updated_at = plan.proposed_at
        plan.save(update_fields=["status", "proposed_by", "proposed_at", "updated_at"])
        agency_name, year = plan.agency.name, plan.fiscal_year
        notify(
            users=_lpse_admins(plan),
            message=Message(
                "plans.adoption_proposed",
                subject=lambda: (
                    _("Adoption plan %(year)d of %(agency)s")
                    % {"year": year, "agency": agency_name}
                ),
                body=lambda: (
                    _(
                        "%(agency)s proposes its e-procurement adoption plan for %(year)d. Open it "
                        "to agree to it or return it with a note."
                    )
                    % {"year": year, "agency": agency_name}
                ),
                url=_url(plan),
            ),
            lpse=plan.lpse,
        )
        audit.record(actor=actor, action="adoption_plan.propose", obj=plan, lpse_id=plan.lpse_id)
    return plan


def adoption_plan_decide(
    *, actor: User, plan: AdoptionPlan, agree: bool, note: str = ""
) -> AdoptionPlan:
    """The LPSE admin agrees to a proposed plan, or returns it (a proposed or an agreed one)
    with a note saying what to change; the proposer is told."""
    if not permissions.can_decide_adoption_plan(actor, plan):
        raise errors.PermissionDenied(
            _("Only an administrator of %(lpse)s can agree to or return an adoption plan.")
            % {"lpse": plan.lpse.name}
        )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise errors.field_error(
            "note", _("Use at most %(max)d characters for the note.") % {"max": NOTE_MAX}
        )
    if not agree and not note:
        raise errors.field_error(
            "note", _("Say what the agency should change before it proposes the plan again.")
        )
    with transaction.atomic():
        plan = (
            AdoptionPlan.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=plan.pk)
        )
        allowed = (
            (AdoptionPlanStatus.PROPOSED,)
            if agree
            else (AdoptionPlanStatus.PROPOSED, AdoptionPlanStatus.AGREED)
        )
        if plan.status not in allowed:
            raise errors.Conflict(
                _("The %(year)d plan has the status “%(status)s”, so there is nothing to decide.")
                % {"year": plan.fiscal_year, "status": plan.get_status_display()},
                code="adoption_plan_not_proposed",
            )
        previous = plan.status
        plan.status = AdoptionPlanStatus.AGREED if agree else AdoptionPlanStatus.RETURNED
        plan.decided_by = actor
        plan.decided_at = clock.now()
        plan.decision_note = note
        plan.updated_at = plan.decided_at
        plan.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        year, lpse_name = plan.fiscal_year, plan.lpse.name
        notify(
            users=[plan.proposed_by],
            message=Message(
                "plans.adoption_decided",
                subject=lambda: (
                    (
                        _("%(lpse)s agreed to the %(year)d adoption plan")
                        if agree
                        else _("%(lpse)s returned the %(year)d adoption plan")
                    )
                    % {"lpse": lpse_name, "year": year}
                ),
                body=lambda: (
                    (
                        _("The plan is agreed. %(note)s")
                        if agree
                        else _("Change the plan and propose it again. The LPSE's note: %(note)s")
                    )
                    % {"note": note}
                ),
                url=_url(plan),
            ),
            lpse=plan.lpse,
        )
        audit.record(
            actor=actor,
            action="adoption_plan.decide",
            obj=plan,
            changes={"status": [previous, plan.status], "note": note},
            lpse_id=plan.lpse_id,
        )
    return plan
