"""Role assignment pages: the list (per LPSE or agency), grant and revoke. Thin views: the
rules are in accounts.services.roles, visibility in accounts.selectors_roles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.accounts import permissions, selectors_roles
from openlpse.accounts.forms_roles import RoleFilterForm, RoleGrantForm, RoleRevokeForm
from openlpse.accounts.services.roles import role_grant as grant_service
from openlpse.accounts.services.roles import role_revoke as revoke_service
from openlpse.accounts.services.roles import scope_label
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.organizations import selectors as org_selectors

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET"])
def roles_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    lpse = None
    slug = request.GET.get("lpse", "")
    if slug:
        try:
            lpse = org_selectors.access_lpse(user=user, slug=slug)
        except errors.NotFound as exc:
            raise Http404(str(exc)) from exc
        request.lpse = lpse  # type: ignore[attr-defined]
    agencies = (
        list(org_selectors.agency_list_visible(user=user, lpse=lpse, status="all")) if lpse else []
    )
    form = RoleFilterForm(request.GET or None, agencies=agencies)
    filters: dict[str, Any] = {"status": "active", "agency": None}
    if form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if a.pk == data["agency"]), None)
        filters = {
            "agency": agency,
            "role": data["role"],
            "status": data["status"] or "active",
            "query": data["q"].strip(),
        }
    assignments = selectors_roles.role_assignment_list_visible(user=user, lpse=lpse, **filters)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    rows = [
        {
            "a": a,
            "scope": scope_label(a),
            "can_revoke": a.revoked_at is None and permissions.can_revoke_role(user, a),
        }
        for a in page.object_list
    ]
    context = {
        "lpse": lpse,
        "form": form,
        "rows": rows,
        "page": page,
        "query": params.urlencode(),
        "grant_lpses": selectors_roles.lpses_where_user_grants(user, lpse=lpse),
        "selected_agency": filters["agency"],
    }
    return render(request, "accounts/roles/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def role_grant(request: HttpRequest, lpse_slug: str) -> HttpResponse:
    user: Any = request.user
    try:
        lpse = org_selectors.access_lpse(user=user, slug=lpse_slug)
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    request.lpse = lpse  # type: ignore[attr-defined]
    roles = selectors_roles.grantable_roles(user, lpse=lpse)
    if not roles:
        raise Http404()
    initial = {}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = RoleGrantForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        lpse=lpse,
        roles=roles,
        agencies=selectors_roles.agencies_for_grant_form(user, lpse=lpse),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            target = data.pop("user")
            try:
                assignment = grant_service(
                    actor=user,
                    user=target,
                    lpse=lpse,
                    scope_kind=data.pop("scope_kind") or None,
                    **data,
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("%(name)s now holds the role %(role)s.")
                    % {"name": target.display_name, "role": assignment.get_role_display()},
                )
                return redirect(f"{reverse('accounts:roles_list')}?lpse={lpse.slug}")
    return render(request, "accounts/roles/grant.html", {"lpse": lpse, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def role_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user: Any = request.user
    try:
        assignment = selectors_roles.access_role_assignment(user=user, assignment_id=assignment_id)
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    if assignment.revoked_at is not None or not permissions.can_revoke_role(user, assignment):
        raise Http404()
    request.lpse = assignment.lpse  # type: ignore[attr-defined]
    form = RoleRevokeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                revoke_service(
                    actor=user, assignment=assignment, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("The role %(role)s of %(name)s was revoked.")
                    % {"role": assignment.get_role_display(), "name": assignment.user.display_name},
                )
                target = reverse("accounts:roles_list")
                if assignment.lpse is not None:
                    target = f"{target}?lpse={assignment.lpse.slug}"
                return redirect(target)
    context = {"assignment": assignment, "scope": scope_label(assignment), "form": form}
    return render(request, "accounts/roles/revoke.html", context, status=status)
