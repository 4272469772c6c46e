"""Officials pages for the agency administrator: the list, registration by SK, ending a term,
and the SK file. Thin views: the rules are in accounts.services.officials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.accounts import permissions, permissions_registrations, selectors_officials
from openlpse.accounts.forms_officials import (
    OfficialEndTermForm,
    OfficialFilterForm,
    OfficialRegisterForm,
)
from openlpse.accounts.services.officials import official_end_term, official_register
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.core.storage import file_response

PAGE_SIZE = 50


def _list_url(agency_id: int) -> str:
    return f"{reverse('accounts:officials_list')}?agency={agency_id}"


@login_required
@require_http_methods(["GET"])
def officials_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    agencies = selectors_officials.official_agencies(user=user)
    if not agencies:
        raise Http404()
    form = OfficialFilterForm(request.GET or None, agencies=agencies)
    filters: dict[str, Any] = {"role": "", "status": "active", "query": ""}
    agency = agencies[0]
    if request.GET.get("agency") and not (form.is_valid() and form.cleaned_data["agency"]):
        raise Http404()  # another agency's list, or one that does not exist
    if form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if a.pk == data["agency"]), agency)
        filters = {
            "role": data["role"],
            "status": data["status"] or "active",
            "query": data["q"].strip(),
        }
    request.lpse = agency.lpse  # type: ignore[attr-defined]
    assignments = selectors_officials.official_list(agency=agency, **filters)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    can_register = permissions_registrations.can_register_officials(user, agency)
    today = permissions.today()
    rows = [
        {
            "a": a,
            "nip": getattr(getattr(a.user, "official_profile", None), "nip", ""),
            "status": selectors_officials.appointment_status(a, today),
            "can_end": permissions_registrations.can_end_official_term(
                user, a, agency_admin=can_register
            ),
        }
        for a in page.object_list
    ]
    context = {
        "agency": agency,
        "agencies": agencies,
        "form": form,
        "rows": rows,
        "page": page,
        "query": params.urlencode(),
        "can_register": can_register,
    }
    return render(request, "accounts/officials/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def official_register_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    agencies = selectors_officials.registering_agencies(user=user)
    if not agencies:
        raise Http404()
    initial: dict[str, Any] = {"agency": agencies[0].pk}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = OfficialRegisterForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        agencies=agencies,
    )
    request.lpse = agencies[0].lpse  # type: ignore[attr-defined]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                registered = official_register(
                    actor=user,
                    agency=data["agency"],
                    role=data["role"],
                    work_unit=data["work_unit"],
                    full_name=data["full_name"],
                    nip=data["nip"],
                    nik=data["nik"],
                    email=data["email"],
                    username=data["username"],
                    letter_number=data["letter_number"],
                    letter_date=data["letter_date"],
                    letter_upload=data["letter_file"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                assignment = registered.assignment
                if registered.new_account:
                    text = _(
                        "%(name)s is registered as %(role)s. An e-mail to %(email)s asks them to "
                        "choose a password."
                    )
                else:
                    text = _(
                        "%(name)s is registered as %(role)s. The appointment was added to their "
                        "existing account (%(email)s)."
                    )
                messages.success(
                    request,
                    text
                    % {
                        "name": registered.user.display_name,
                        "role": assignment.get_role_display(),
                        "email": registered.user.email,
                    },
                )
                return redirect(_list_url(data["agency"].pk))
    return render(request, "accounts/officials/register.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def official_end_term_view(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user: Any = request.user
    try:
        assignment = selectors_officials.access_official_assignment(
            user=user, assignment_id=assignment_id
        )
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    agency = assignment.agency
    assert agency is not None
    if not permissions_registrations.can_end_official_term(user, assignment):
        raise Http404()
    request.lpse = agency.lpse  # type: ignore[attr-defined]
    form = OfficialEndTermForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                official_end_term(
                    actor=user, assignment=assignment, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("The appointment of %(name)s as %(role)s was ended.")
                    % {
                        "name": assignment.user.display_name,
                        "role": assignment.get_role_display(),
                    },
                )
                return redirect(_list_url(agency.pk))
    context = {
        "assignment": assignment,
        "agency": agency,
        "form": form,
        "status": selectors_officials.appointment_status(assignment),
    }
    return render(request, "accounts/officials/end_term.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def official_letter(request: HttpRequest, assignment_id: int) -> HttpResponseBase:
    """The SK file of an appointment, for those who see the agency's officials."""
    try:
        assignment = selectors_officials.access_official_assignment(
            user=request.user, assignment_id=assignment_id
        )
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    if assignment.letter_file is None:
        raise Http404()
    return file_response(stored_file=assignment.letter_file)
