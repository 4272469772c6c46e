"""The vendor's staff pages (issue 3 item 4): the people who act for the company, and, for
its administrator, adding and removing staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, posted
from openlpse.vendors import permissions, selectors_data
from openlpse.vendors.forms_data import StaffAddForm, StaffRemoveForm
from openlpse.vendors.models import Vendor
from openlpse.vendors.services import staff as services
from openlpse.vendors.views.data import admin_only, vendor_area


def _staff_admin_only(request: HttpRequest, vendor: Vendor) -> HttpResponse | None:
    if permissions.is_vendor_admin(request.user, vendor):
        return None
    message = _(
        "Only the administrator of %(company)s may add or remove its staff. Ask the "
        "administrator to do it."
    ) % {"company": vendor.name}
    return admin_only(request, vendor, message, reverse("vendors:staff_list"))


@vendor_area
@require_http_methods(["GET"])
def staff_list(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    context = {
        "vendor": vendor,
        "people": selectors_data.vendor_staff_list(vendor=vendor),
        "is_admin": permissions.is_vendor_admin(request.user, vendor),
    }
    return render(request, "vendors/staff/list.html", context)


@vendor_area
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    if (refusal := _staff_admin_only(request, vendor)) is not None:
        return refusal
    form = StaffAddForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assignment = services.staff_add(
                    actor=acting_user(request),
                    vendor=vendor,
                    preferred_language=request.LANGUAGE_CODE
                    if request.LANGUAGE_CODE in ("id", "en")
                    else "id",
                    **form.cleaned_data,
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s was added as staff. An e-mail with a link to choose a password "
                        "was sent to %(email)s."
                    )
                    % {"name": assignment.user.display_name, "email": assignment.user.email},
                )
                return redirect("vendors:staff_list")
    return render(
        request, "vendors/staff/add.html", {"vendor": vendor, "form": form}, status=status
    )


@vendor_area
@require_http_methods(["GET", "POST"])
def staff_remove(request: HttpRequest, vendor: Vendor, assignment_id: int) -> HttpResponse:
    """GET asks for the reason; only POST removes."""
    if (refusal := _staff_admin_only(request, vendor)) is not None:
        return refusal
    assignment = selectors_data.access_staff_assignment(vendor=vendor, assignment_id=assignment_id)
    form = StaffRemoveForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.staff_remove(
                    actor=acting_user(request),
                    vendor=vendor,
                    assignment_id=assignment.pk,
                    reason=form.cleaned_data["reason"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s no longer acts for the company.")
                    % {"name": assignment.user.display_name},
                )
                return redirect("vendors:staff_list")
    context = {"vendor": vendor, "assignment": assignment, "form": form}
    return render(request, "vendors/staff/remove.html", context, status=status)
