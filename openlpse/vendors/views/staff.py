"""The vendor's staff pages (issue 3 item 4): the people who act for the company, and, for
its administrator, adding and removing staff accounts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.core import errors
from openlpse.vendors import permissions, selectors_data
from openlpse.vendors.forms_data import StaffAddForm, StaffRemoveForm
from openlpse.vendors.models import Vendor
from openlpse.vendors.services import staff as services
from openlpse.vendors.views.data import actor_of, posted, refused, vendor_area


def _require_admin_page(request: HttpRequest, vendor: Vendor) -> None:
    if not permissions.is_vendor_admin(request.user, vendor):
        raise PermissionDenied(_("Only the company's administrator manages its staff."))


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
    _require_admin_page(request, vendor)
    form = StaffAddForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assignment = services.staff_add(
                    actor=actor_of(request),
                    vendor=vendor,
                    preferred_language=request.LANGUAGE_CODE
                    if request.LANGUAGE_CODE in ("id", "en")
                    else "id",
                    **form.cleaned_data,
                )
            except errors.DomainError as exc:
                status = refused(form, exc)
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
    _require_admin_page(request, vendor)
    assignment = selectors_data.access_staff_assignment(vendor=vendor, assignment_id=assignment_id)
    form = StaffRemoveForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.staff_remove(
                    actor=actor_of(request),
                    vendor=vendor,
                    assignment_id=assignment.pk,
                    reason=form.cleaned_data["reason"],
                )
            except errors.DomainError as exc:
                status = refused(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s no longer acts for the company.")
                    % {"name": assignment.user.display_name},
                )
                return redirect("vendors:staff_list")
    context = {"vendor": vendor, "assignment": assignment, "form": form}
    return render(request, "vendors/staff/remove.html", context, status=status)
