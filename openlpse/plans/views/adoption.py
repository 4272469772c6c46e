"""Adoption plan pages under /perencanaan/adopsi/: the agency writes and proposes its plan,
the LPSE admin agrees or returns it; both see the progress against it (LT 37(2)-(3))."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.plans import permissions, selectors
from openlpse.plans.enums import AdoptionPlanStatus
from openlpse.plans.forms import AdoptionDecisionForm, AdoptionPlanForm
from openlpse.plans.models import AdoptionPlan
from openlpse.plans.services import adoption as services


@backoffice
@require_http_methods(["GET"])
def adoption_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    writer_agencies = selectors.adoption_writer_agencies(user=user)
    plans = list(selectors.adoption_plans_visible(user=user))
    if not writer_agencies and not plans and not selectors.plans_to_decide(user=user).exists():
        raise Http404()
    context = {
        "plans": plans,
        "can_create": bool(writer_agencies),
    }
    return render(request, "plans/adoption/list.html", context)


def _save(request: HttpRequest, plan: AdoptionPlan | None) -> HttpResponse:
    user = acting_user(request)
    if plan is None:
        agencies = selectors.adoption_writer_agencies(user=user)
        if not agencies:
            raise Http404()
        initial: dict[str, object] = {}
    else:
        agencies = [plan.agency]
        initial = {
            "fiscal_year": plan.fiscal_year,
            "value_threshold": f"{plan.value_threshold:f}" if plan.value_threshold else "",
            "target_count": plan.target_count,
            "target_value": f"{plan.target_value:f}" if plan.target_value else "",
            "notes": plan.notes,
        }
    form = AdoptionPlanForm(
        posted(request), agencies=agencies, fixed=plan is not None, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.adoption_plan_save(
                    actor=user,
                    agency=plan.agency if plan is not None else data["agency"],
                    fiscal_year=data["fiscal_year"],
                    value_threshold=data["value_threshold"],
                    target_count=data["target_count"],
                    target_value=data["target_value"],
                    notes=data["notes"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The adoption plan was saved."))
                return redirect("plans:adoption_detail", plan_id=saved.pk)
    return render(request, "plans/adoption/form.html", {"form": form, "plan": plan}, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def adoption_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@backoffice
@require_http_methods(["GET", "POST"])
def adoption_update(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.access_adoption_plan(user=acting_user(request), plan_id=plan_id)
    if not permissions.can_write_adoption_plan(acting_user(request), plan.agency):
        raise Http404()
    return _save(request, plan)


def _detail(
    request: HttpRequest,
    plan: AdoptionPlan,
    *,
    decision: AdoptionDecisionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = acting_user(request)
    request.lpse = plan.lpse  # type: ignore[attr-defined]
    can_write = permissions.can_write_adoption_plan(user, plan.agency)
    can_decide = permissions.can_decide_adoption_plan(user, plan)
    context = {
        "plan": plan,
        "progress": selectors.adoption_progress(plan=plan),
        "can_edit": can_write and plan.status in services.EDITABLE,
        "can_propose": can_write and plan.status in services.EDITABLE,
        "can_decide": can_decide
        and plan.status in (AdoptionPlanStatus.PROPOSED, AdoptionPlanStatus.AGREED),
        "decision_form": decision or AdoptionDecisionForm(),
        "error": error,
    }
    return render(request, "plans/adoption/detail.html", context, status=status)


@backoffice
@require_http_methods(["GET"])
def adoption_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.access_adoption_plan(user=acting_user(request), plan_id=plan_id)
    return _detail(request, plan)


@backoffice
@require_POST
def adoption_propose(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.access_adoption_plan(user=user, plan_id=plan_id)
    try:
        services.adoption_plan_propose(actor=user, plan=plan)
    except errors.DomainError as exc:
        return _detail(request, plan, error=str(exc), status=exc.http_status)
    messages.success(request, _("The plan was sent to the LPSE for its agreement."))
    return redirect("plans:adoption_detail", plan_id=plan.pk)


@backoffice
@require_POST
def adoption_decide(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = acting_user(request)
    plan = selectors.access_adoption_plan(user=user, plan_id=plan_id)
    form = AdoptionDecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, plan, decision=form, status=400)
    agree = form.cleaned_data["decision"] == "agree"
    try:
        services.adoption_plan_decide(
            actor=user, plan=plan, agree=agree, note=form.cleaned_data["note"]
        )
    except errors.DomainError as exc:
        return _detail(request, plan, decision=form, status=form_refused(form, exc))
    messages.success(
        request, _("The plan is agreed.") if agree else _("The plan was returned to the agency.")
    )
    return redirect("plans:adoption_detail", plan_id=plan.pk)
