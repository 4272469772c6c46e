"""Package pages: the PPK's packages (create from an RUP item, details, HPS, documents,
locations, send) and the ULP head's incoming packages (return, assign and change the Pokja).
Thin views: rules in tenders.services.packages / .pokja, visibility in
tenders.selectors_packages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.accounts.models.user import User
from openlpse.core import errors
from openlpse.core.forms import error_status, form_refused
from openlpse.core.pages import acting_user, backoffice, posted, query_without
from openlpse.core.storage import file_response
from openlpse.plans.models import RupItem
from openlpse.tenders import permissions, permissions_packages
from openlpse.tenders import selectors_packages as reads
from openlpse.tenders.forms_packages import (
    DocumentForm,
    HpsFormSet,
    LocationFormSet,
    PackageFilterForm,
    PackageForm,
    PokjaAssignForm,
    PokjaReplaceForm,
    ReasonForm,
    SendForm,
    filled_rows,
)
from openlpse.tenders.models import Package
from openlpse.tenders.services import packages as services
from openlpse.tenders.services import pokja as pokja_services

PAGE_SIZE = 50


def _package(request: HttpRequest, package_id: int) -> Package:
    package = reads.access_package(user=request.user, package_id=package_id)
    request.lpse = package.lpse  # type: ignore[attr-defined]
    return package


def _list_page(request: HttpRequest, packages: Any, template: str, **extra: Any) -> HttpResponse:
    page = Paginator(packages, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query_without(request, "page"), **extra}
    return render(request, template, context)


def _filters(request: HttpRequest) -> tuple[PackageFilterForm, dict[str, str]]:
    form = PackageFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "status": data.get("status", ""),
        "query": data.get("q", ""),
        "sort": data.get("sort", ""),
    }


def _filtered_list(
    request: HttpRequest,
    *,
    allowed: Callable[[User], bool],
    packages_for: Callable[..., Any],
    mode: str,
) -> HttpResponse:
    """A role's package list with the filter form: 404 unless `allowed(user)`, else the page of
    `packages_for(user=, status=, query=, sort=)`."""
    user = acting_user(request)
    if not allowed(user):
        raise Http404()
    form, filters = _filters(request)
    packages = packages_for(user=user, **filters)
    return _list_page(request, packages, "tenders/packages/list.html", form=form, mode=mode)


# --- lists --------------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET"])
def package_list(request: HttpRequest) -> HttpResponse:
    """The PPK's packages."""
    return _filtered_list(
        request,
        allowed=permissions_packages.is_any_ppk,
        packages_for=reads.packages_for_ppk,
        mode="ppk",
    )


@backoffice
@require_http_methods(["GET"])
def package_incoming(request: HttpRequest) -> HttpResponse:
    """Packages sent to the procurement units the user heads."""
    return _filtered_list(
        request,
        allowed=permissions_packages.is_any_ulp_head,
        packages_for=reads.packages_for_ulp_head,
        mode="ulp",
    )


@backoffice
@require_http_methods(["GET"])
def package_committee(request: HttpRequest) -> HttpResponse:
    """Packages where the user is on the Pokja or is the Pejabat Pengadaan."""
    packages = reads.packages_for_committee(user=acting_user(request))
    return _list_page(request, packages, "tenders/packages/list.html", mode="committee")


# --- create and edit ----------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def package_create(request: HttpRequest) -> HttpResponse:
    """Step 1: choose an announced RUP item; step 2: the package's details."""
    user = acting_user(request)
    if not permissions_packages.is_any_ppk(user):
        raise Http404()
    available = reads.rup_items_for_package(user=user)
    rup_id = request.GET.get("rup") or request.POST.get("rup")
    item: RupItem | None = None
    if rup_id and rup_id.isdigit():
        item = available.filter(pk=int(rup_id)).select_related("agency", "work_unit").first()
        if item is None:
            raise Http404()
    if item is None:
        return render(
            request, "tenders/packages/create.html", {"items": list(available[:200]), "item": None}
        )
    units = [] if item.work_unit_id else reads.ppk_work_units(user=user, agency=item.agency)
    form = PackageForm(
        posted(request),
        work_units=units,
        initial={"name": item.name, "contract_type": "harga_satuan"},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                package = services.package_create(
                    actor=user,
                    rup_item=item,
                    name=data["name"],
                    contract_type=data["contract_type"],
                    business_qualification=data["business_qualification"],
                    description=data["description"],
                    work_unit=data.get("work_unit"),
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(
                    request,
                    _("Package %(code)s was made. Now enter its HPS.") % {"code": package.code},
                )
                return redirect("tenders:package_hps", package_id=package.pk)
    return render(
        request, "tenders/packages/create.html", {"item": item, "form": form}, status=status
    )


@backoffice
@require_http_methods(["GET"])
def package_detail(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _package(request, package_id)
    context = {
        "package": package,
        "hps_items": list(package.hps_items.order_by("position")),
        "locations": list(package.locations.all()),
        "members": reads.active_members(package),
        "history": [m for m in reads.member_history(package) if m.removed_at],
        "can_edit": permissions.can_write_package(user, package),
        "can_return": permissions_packages.can_return_package(user, package),
        "can_assign": permissions_packages.can_assign_pokja(user, package),
        "can_replace": permissions_packages.can_replace_pokja_member(user, package),
    }
    return render(request, "tenders/packages/detail.html", context)


def _editable(request: HttpRequest, package_id: int) -> Package:
    package = _package(request, package_id)
    if not permissions.is_ppk_of(request.user, package):
        raise Http404()
    return package


@backoffice
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _editable(request, package_id)
    initial = {
        "name": package.name,
        "contract_type": package.contract_type,
        "business_qualification": package.business_qualification,
        "description": package.description,
    }
    form = PackageForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.package_update(actor=user, package=package, **form.cleaned_data)
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The package was saved."))
                return redirect("tenders:package_detail", package_id=package.pk)
    return render(
        request, "tenders/packages/edit.html", {"package": package, "form": form}, status=status
    )


def _rows_refused(formset: Any, used: list[int], exc: errors.DomainError, prefix: str) -> list[str]:
    """Put "<prefix>.<n>.<field>" errors on the row they name (n counts the rows sent, not
    the blank ones); any other refusal is shown above the table, as its full sentence."""
    general = not exc.fields
    for key, texts in (exc.fields or {}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
            index = int(parts[1])
            if index < len(used):
                form = formset.forms[used[index]]
                for text in texts:
                    form.add_error(parts[2] if parts[2] in form.fields else None, str(text))
                continue
        general = True
    return [str(exc.message)] if general else []


def _used_rows(formset: Any) -> list[int]:
    return [i for i, form in enumerate(formset.forms) if form.is_valid() and not form.is_blank()]


@backoffice
@require_http_methods(["GET", "POST"])
def package_hps(request: HttpRequest, package_id: int) -> HttpResponse:
    """The itemised HPS with a live total next to the pagu (static/tenders/packages/hps.js)."""
    user = acting_user(request)
    package = _editable(request, package_id)
    initial = [
        {
            "name": row.name,
            "unit": row.unit,
            "quantity": format(row.quantity.normalize(), "f"),
            "unit_price": row.unit_price,
            "notes": row.notes,
        }
        for row in package.hps_items.order_by("position")
    ]
    formset = HpsFormSet(posted(request), initial=initial, prefix="hps")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            used = _used_rows(formset)
            try:
                services.package_set_hps(actor=user, package=package, items=filled_rows(formset))
            except errors.DomainError as exc:
                problems = _rows_refused(formset, used, exc, "items")
                status = error_status(exc)
            else:
                messages.success(request, _("The HPS was saved."))
                return redirect("tenders:package_detail", package_id=package.pk)
    context = {"package": package, "formset": formset, "problems": problems}
    return render(request, "tenders/packages/hps.html", context, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def package_locations(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _editable(request, package_id)
    initial = [
        {"province": x.province, "city": x.city, "detail": x.detail}
        for x in package.locations.all()
    ]
    formset = LocationFormSet(posted(request), initial=initial, prefix="loc")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            used = _used_rows(formset)
            try:
                services.package_set_locations(
                    actor=user, package=package, locations=filled_rows(formset)
                )
            except errors.DomainError as exc:
                problems = _rows_refused(formset, used, exc, "locations")
                status = error_status(exc)
            else:
                messages.success(request, _("The locations were saved."))
                return redirect("tenders:package_detail", package_id=package.pk)
    context = {"package": package, "formset": formset, "problems": problems}
    return render(request, "tenders/packages/locations.html", context, status=status)


@backoffice
@require_http_methods(["GET", "POST"])
def package_documents(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _editable(request, package_id)
    form = DocumentForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"which": request.GET.get("which", "kak")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.package_upload_document(
                    actor=user,
                    package=package,
                    which=form.cleaned_data["which"],
                    upload=form.cleaned_data["file"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The document was uploaded."))
                return redirect("tenders:package_detail", package_id=package.pk)
    return render(
        request,
        "tenders/packages/documents.html",
        {"package": package, "form": form},
        status=status,
    )


@backoffice
@require_http_methods(["GET"])
def package_document(request: HttpRequest, package_id: int, which: str) -> HttpResponseBase:
    """The KAK or the draft contract, for everyone who may see the package."""
    package = _package(request, package_id)
    field = services.DOCUMENTS.get(which)
    stored = getattr(package, field) if field else None
    if stored is None:
        raise Http404()
    return file_response(stored_file=stored)


@backoffice
@require_http_methods(["GET", "POST"])
def package_send(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _editable(request, package_id)
    form = SendForm(
        posted(request),
        agencies=reads.ulp_agencies_for(package),
        officers=reads.pejabat_pengadaan_for(package),
        initial={"target": "ulp"},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.package_send(actor=user, package=package, **form.targets())
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The package was sent."))
                return redirect("tenders:package_detail", package_id=package.pk)
    return render(
        request, "tenders/packages/send.html", {"package": package, "form": form}, status=status
    )


# --- ULP head -----------------------------------------------------------------------------------


def _headed(request: HttpRequest, package_id: int) -> Package:
    package = _package(request, package_id)
    if not permissions.is_ulp_head_for(request.user, package):
        raise Http404()
    return package


@backoffice
@require_http_methods(["GET", "POST"])
def package_return(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _headed(request, package_id)
    form = ReasonForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.package_return(
                    actor=user, package=package, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The package was returned to its PPK."))
                return redirect("tenders:package_incoming")
    return render(
        request, "tenders/packages/return.html", {"package": package, "form": form}, status=status
    )


@backoffice
@require_http_methods(["GET", "POST"])
def package_pokja_assign(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _headed(request, package_id)
    form = PokjaAssignForm(posted(request), candidates=reads.pokja_candidates(package))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            members, chair = form.chosen()
            try:
                pokja_services.pokja_assign(
                    actor=user,
                    package=package,
                    members=members,
                    chair=chair,  # type: ignore[arg-type]
                    sk_number=form.cleaned_data["sk_number"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The Pokja was assigned; its members were told."))
                return redirect("tenders:package_detail", package_id=package.pk)
    return render(
        request, "tenders/packages/pokja.html", {"package": package, "form": form}, status=status
    )


@backoffice
@require_http_methods(["GET", "POST"])
def package_pokja_replace(request: HttpRequest, package_id: int) -> HttpResponse:
    user = acting_user(request)
    package = _headed(request, package_id)
    members = [m.user for m in reads.active_members(package)]
    taken = {u.pk for u in members}
    candidates = [u for u in reads.pokja_candidates(package) if u.pk not in taken]
    form = PokjaReplaceForm(
        posted(request),
        members=members,
        candidates=candidates,
        initial={"member": request.GET.get("member", "")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                pokja_services.pokja_replace_member(
                    actor=user,
                    package=package,
                    member=form.members[data["member"]],
                    replacement=form.candidates[data["replacement"]],
                    reason=data["reason"],
                    sk_number=data["sk_number"],
                )
            except errors.DomainError as exc:
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The member was replaced."))
                return redirect("tenders:package_detail", package_id=package.pk)
    return render(
        request,
        "tenders/packages/pokja_replace.html",
        {"package": package, "form": form},
        status=status,
    )
