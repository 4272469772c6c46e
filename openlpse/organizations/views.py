"""Back-office pages of the organisations: thin views over selectors and services.

Every page looks its objects up through an `access_*` selector: a missing object and one the
user may not see give the same 404. Forms keep what was typed when a service refuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts import permissions
from openlpse.core import clock, errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.organizations import selectors, services
from openlpse.organizations.enums import AgencyKind
from openlpse.organizations.forms import (
    WEEKDAYS,
    AgencyFilterForm,
    AgencyForm,
    HolidayForm,
    LogoForm,
    LpseCreateForm,
    LpseProfileForm,
    StaffAssignForm,
    StaffEndForm,
    WorkUnitForm,
)
from openlpse.organizations.models import Lpse

T = TypeVar("T")


def _lpse(request: HttpRequest, slug: str, *, manage: bool = False) -> Lpse:
    lpse = (
        selectors.access_lpse_for_management(user=request.user, slug=slug)
        if manage
        else selectors.access_lpse(user=request.user, slug=slug)
    )
    request.lpse = lpse  # type: ignore[attr-defined]  # header and footer show this LPSE
    return lpse


def _submit(
    request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], T]
) -> tuple[T | None, int]:
    """On a POST with valid input, call `save(cleaned_data)` (a service; it returns what it
    saved). Returns that object, or None when nothing was saved, and the status to render the
    form with: 200 on GET, 400 (or the refusal's own 4xx) when the input or the service refused
    it; the form then shows why, next to what was typed."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return save(form.cleaned_data), 200
    except errors.DomainError as exc:
        return None, form_refused(form, exc)


def _act(request: HttpRequest, act: Callable[[], object], done: str) -> None:
    """A one-click action (deactivate, reactivate, remove): say it was done, or why not."""
    try:
        act()
    except errors.DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)


# --- LPSE ---------------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The LPSEs whose back office the user may open; with one, go straight to it."""
    lpses = list(selectors.lpse_list_visible(user=request.user))
    operator = permissions.is_platform_operator(request.user)
    if len(lpses) == 1 and not operator:
        return redirect("organizations:lpse_detail", lpse_slug=lpses[0].slug)
    return render(request, "organizations/index.html", {"lpses": lpses, "can_create": operator})


@backoffice
@require_http_methods(["GET", "POST"])
def lpse_create(request: HttpRequest) -> HttpResponse:
    if not permissions.is_platform_operator(request.user):
        raise Http404()
    form = LpseCreateForm(
        posted(request),
        initial={
            "working_days": ["0", "1", "2", "3", "4"],
            "working_hours_start": "08:00",
            "working_hours_end": "16:00",
        },
    )
    lpse, status = _submit(
        request, form, lambda data: services.lpse_create(actor=acting_user(request), **data)
    )
    if lpse is not None:
        messages.success(request, _("The LPSE was created with its eight units."))
        return redirect("organizations:lpse_detail", lpse_slug=lpse.slug)
    return render(
        request, "organizations/lpse_form.html", {"form": form, "creating": True}, status=status
    )


@backoffice
@require_http_methods(["GET"])
def lpse_detail(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    context = {
        "lpse": lpse,
        "can_manage": permissions.can_manage_lpse(request.user, lpse),
        "working_days": [
            label for value, label in WEEKDAYS if value in lpse.working_days.split(",")
        ],
        "holiday_count": selectors.holiday_list(lpse=lpse, year=clock.now().year).count(),
    }
    return render(request, "organizations/lpse_detail.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def lpse_edit(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    initial = {name: getattr(lpse, name) for name in LpseProfileForm.base_fields}
    initial["working_days"] = lpse.working_days.split(",")
    form = LpseProfileForm(posted(request), initial=initial)
    saved, status = _submit(
        request,
        form,
        lambda data: services.lpse_update(actor=acting_user(request), lpse=lpse, changes=data),
    )
    if saved is not None:
        messages.success(request, _("The LPSE profile was saved."))
        return redirect("organizations:lpse_detail", lpse_slug=lpse.slug)
    return render(
        request, "organizations/lpse_form.html", {"form": form, "lpse": lpse}, status=status
    )


@backoffice
@require_http_methods(["GET", "POST"])
def lpse_logo(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    """Upload (or remove, with `remove=1`) the LPSE's logo."""
    lpse = _lpse(request, lpse_slug, manage=True)
    if request.POST.get("remove") == "1":
        _act(
            request,
            lambda: services.lpse_logo_remove(actor=acting_user(request), lpse=lpse),
            _("The logo was removed."),
        )
        return redirect("organizations:lpse_detail", lpse_slug=lpse.slug)
    form = LogoForm(posted(request), request.FILES if request.method == "POST" else None)
    saved, status = _submit(
        request,
        form,
        lambda data: services.lpse_logo_set(
            actor=acting_user(request), lpse=lpse, upload=data["logo"]
        ),
    )
    if saved is not None:
        messages.success(request, _("The logo was saved."))
        return redirect("organizations:lpse_detail", lpse_slug=lpse.slug)
    return render(
        request, "organizations/lpse_logo.html", {"form": form, "lpse": lpse}, status=status
    )


# --- holidays -------------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def holiday_list(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    """The calendar of one year, and (for the admin) the form to add a day."""
    lpse = _lpse(request, lpse_slug)
    can_manage = permissions.can_manage_lpse(request.user, lpse)
    if request.method == "POST" and not can_manage:
        raise Http404()
    try:
        year = int(request.GET.get("tahun") or clock.now().year)
    except ValueError:
        year = clock.now().year
    year = min(max(year, 2000), 2100)
    form = HolidayForm(posted(request))
    holiday, status = _submit(
        request,
        form,
        lambda data: services.holiday_add(actor=acting_user(request), lpse=lpse, **data),
    )
    if holiday is not None:
        messages.success(request, _("%(name)s was added to the calendar.") % {"name": holiday.name})
        return redirect(f"{request.path}?tahun={holiday.date.year}")
    context = {
        "lpse": lpse,
        "year": year,
        "holidays": selectors.holiday_list(lpse=lpse, year=year),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "organizations/holiday_list.html", context, status=status)


@backoffice
@require_POST
def holiday_remove(request: HttpRequest, lpse_slug: str, holiday_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    holiday = selectors.access_holiday(user=request.user, lpse=lpse, holiday_id=holiday_id)
    _act(
        request,
        lambda: services.holiday_remove(actor=acting_user(request), holiday=holiday),
        _("%(name)s was removed from the calendar.") % {"name": holiday.name},
    )
    return redirect(
        f"{reverse('organizations:holiday_list', args=[lpse.slug])}?tahun={holiday.date.year}"
    )


# --- agencies -------------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def agency_list(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    form = AgencyFilterForm(request.GET or None)
    filters = {"query": "", "kind": "", "status": "active", "sort": "name"}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"].strip(),
            "kind": data["kind"],
            "status": data["status"] or "active",
            "sort": data["sort"] or "name",
        }
    agencies = selectors.agency_list_visible(user=request.user, lpse=lpse, **filters)
    params = request.GET.copy()
    params.pop("sort", None)
    context = {
        "lpse": lpse,
        "form": form,
        "agencies": agencies,
        "sort": filters["sort"],
        "base_query": params.urlencode(),
        "kinds": dict(AgencyKind.choices),
        "can_manage": permissions.can_manage_lpse(request.user, lpse),
        "columns": [
            ("code", _("Code")),
            ("name", _("Name")),
            ("kind", _("Kind")),
            ("units", _("Work units")),
        ],
    }
    return render(request, "organizations/agency_list.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    form = AgencyForm(posted(request), parents=lpse.agencies.filter(is_active=True))
    agency, status = _submit(
        request,
        form,
        lambda data: services.agency_create(actor=acting_user(request), lpse=lpse, **data),
    )
    if agency is not None:
        messages.success(request, _("The agency %(name)s was added.") % {"name": agency.name})
        return redirect("organizations:agency_detail", lpse_slug=lpse.slug, agency_id=agency.pk)
    return render(
        request, "organizations/agency_form.html", {"form": form, "lpse": lpse}, status=status
    )


@backoffice
@require_http_methods(["GET"])
def agency_detail(request: HttpRequest, lpse_slug: str, agency_id: int) -> HttpResponse:
    """An agency with its work units."""
    lpse = _lpse(request, lpse_slug)
    agency = selectors.access_agency(user=request.user, lpse=lpse, agency_id=agency_id)
    context = {
        "lpse": lpse,
        "agency": agency,
        "work_units": selectors.work_unit_list(agency=agency),
        "can_manage": permissions.can_manage_lpse(request.user, lpse),
        "can_manage_units": permissions.can_manage_work_units(request.user, agency),
    }
    return render(request, "organizations/agency_detail.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, lpse_slug: str, agency_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    agency = selectors.access_agency_for_management(
        user=request.user, lpse=lpse, agency_id=agency_id
    )
    initial = {name: getattr(agency, name) for name in AgencyForm.base_fields}
    form = AgencyForm(posted(request), initial=initial, parents=lpse.agencies.exclude(pk=agency.pk))
    saved, status = _submit(
        request,
        form,
        lambda data: services.agency_update(
            actor=acting_user(request), agency=agency, changes=data
        ),
    )
    if saved is not None:
        messages.success(request, _("The agency was saved."))
        return redirect("organizations:agency_detail", lpse_slug=lpse.slug, agency_id=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "lpse": lpse, "agency": agency},
        status=status,
    )


@backoffice
@require_POST
def agency_set_active(
    request: HttpRequest, lpse_slug: str, agency_id: int, active: bool
) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    agency = selectors.access_agency_for_management(
        user=request.user, lpse=lpse, agency_id=agency_id
    )
    service = services.agency_reactivate if active else services.agency_deactivate
    _act(
        request,
        lambda: service(actor=acting_user(request), agency=agency),
        _("The agency was reactivated.") if active else _("The agency was deactivated."),
    )
    return redirect("organizations:agency_detail", lpse_slug=lpse.slug, agency_id=agency.pk)


# --- work units -------------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def work_unit_create(request: HttpRequest, lpse_slug: str, agency_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    agency = selectors.access_agency(user=request.user, lpse=lpse, agency_id=agency_id)
    if not permissions.can_manage_work_units(request.user, agency):
        raise Http404()
    form = WorkUnitForm(posted(request))
    unit, status = _submit(
        request,
        form,
        lambda data: services.work_unit_create(actor=acting_user(request), agency=agency, **data),
    )
    if unit is not None:
        messages.success(request, _("The work unit was added."))
        return redirect("organizations:agency_detail", lpse_slug=lpse.slug, agency_id=agency.pk)
    return render(
        request,
        "organizations/work_unit_form.html",
        {"form": form, "lpse": lpse, "agency": agency},
        status=status,
    )


@backoffice
@require_http_methods(["GET", "POST"])
def work_unit_edit(request: HttpRequest, lpse_slug: str, work_unit_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    unit = selectors.access_work_unit_for_management(
        user=request.user, lpse=lpse, work_unit_id=work_unit_id
    )
    form = WorkUnitForm(
        posted(request), initial={"code": unit.code, "name": unit.name, "address": unit.address}
    )
    saved, status = _submit(
        request,
        form,
        lambda data: services.work_unit_update(
            actor=acting_user(request), work_unit=unit, changes=data
        ),
    )
    if saved is not None:
        messages.success(request, _("The work unit was saved."))
        return redirect(
            "organizations:agency_detail", lpse_slug=lpse.slug, agency_id=unit.agency_id
        )
    context = {"form": form, "lpse": lpse, "agency": unit.agency, "work_unit": unit}
    return render(request, "organizations/work_unit_form.html", context, status=status)


@backoffice
@require_POST
def work_unit_set_active(
    request: HttpRequest, lpse_slug: str, work_unit_id: int, active: bool
) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    unit = selectors.access_work_unit_for_management(
        user=request.user, lpse=lpse, work_unit_id=work_unit_id
    )
    service = services.work_unit_reactivate if active else services.work_unit_deactivate
    _act(
        request,
        lambda: service(actor=acting_user(request), work_unit=unit),
        _("The work unit was reactivated.") if active else _("The work unit was deactivated."),
    )
    return redirect("organizations:agency_detail", lpse_slug=lpse.slug, agency_id=unit.agency_id)


# --- LPSE units and staff -------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def lpse_units(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    lpse = _lpse(request, lpse_slug)
    include_ended = request.GET.get("semua") == "1"
    units = selectors.lpse_unit_list(user=request.user, lpse=lpse, include_ended=include_ended)
    context = {
        "lpse": lpse,
        "units": units,
        "include_ended": include_ended,
        "can_manage": permissions.can_manage_lpse(request.user, lpse),
    }
    return render(request, "organizations/lpse_units.html", context)


@backoffice
@require_http_methods(["GET", "POST"])
def staff_assign(request: HttpRequest, lpse_slug: str, unit_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    unit = selectors.access_lpse_unit_for_management(user=request.user, lpse=lpse, unit_id=unit_id)
    form = StaffAssignForm(posted(request))
    placement, status = _submit(
        request,
        form,
        lambda data: services.staff_assign(actor=acting_user(request), unit=unit, **data),
    )
    if placement is not None:
        messages.success(
            request,
            _("%(name)s was placed in %(unit)s.")
            % {"name": placement.user.display_name, "unit": unit},
        )
        return redirect("organizations:lpse_units", lpse_slug=lpse.slug)
    return render(
        request,
        "organizations/staff_assign.html",
        {"form": form, "lpse": lpse, "unit": unit},
        status=status,
    )


@backoffice
@require_http_methods(["GET", "POST"])
def staff_end(request: HttpRequest, lpse_slug: str, placement_id: int) -> HttpResponse:
    lpse = _lpse(request, lpse_slug, manage=True)
    placement = selectors.access_staff_assignment_for_management(
        user=request.user, lpse=lpse, placement_id=placement_id
    )
    form = StaffEndForm(posted(request))
    ended, status = _submit(
        request,
        form,
        lambda data: services.staff_end(actor=acting_user(request), placement=placement, **data),
    )
    if ended is not None:
        messages.success(
            request,
            _("The placement of %(name)s has ended.") % {"name": placement.user.display_name},
        )
        return redirect("organizations:lpse_units", lpse_slug=lpse.slug)
    return render(
        request,
        "organizations/staff_end.html",
        {"form": form, "lpse": lpse, "placement": placement},
        status=status,
    )
