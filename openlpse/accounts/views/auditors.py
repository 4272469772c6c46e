"""Auditor pages: the public request with the surat tugas, and the LPSE's decision pages.
Thin views: the rules are in accounts.services.auditors, visibility in selectors_auditors."""

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
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts import selectors_auditors
from openlpse.accounts.forms_auditors import (
    AuditorApproveForm,
    AuditorFilterForm,
    AuditorRejectForm,
    AuditorRequestForm,
)
from openlpse.accounts.models.registrations import AuditorRegistration
from openlpse.accounts.services.auditors import (
    auditor_request_approve,
    auditor_request_reject,
    auditor_request_submit,
)
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.core.portal import current_lpse
from openlpse.core.storage import file_response

PAGE_SIZE = 50


# --- the public request ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def auditor_request_create(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("lpse", "")
    if not slug:
        chosen = current_lpse(request)  # the LPSE the visitor chose in the header
        slug = chosen.slug if chosen is not None else ""
    initial: dict[str, Any] = {"lpse": slug} if slug else {}
    form = AuditorRequestForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    status, headers = 200, {}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            actor: Any = request.user if request.user.is_authenticated else None
            try:
                auditor_request_submit(actor=actor, letter_upload=data.pop("letter_file"), **data)
            except errors.Throttled as exc:
                form.add_error(None, str(exc.message))
                status, headers = 429, {"Retry-After": str(exc.retry_after)}
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                return redirect("accounts:auditor_request_sent")
    response = render(request, "accounts/auditors/request.html", {"form": form}, status=status)
    for key, value in headers.items():
        response[key] = value
    return response


@require_http_methods(["GET"])
def auditor_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/auditors/request_sent.html")


# --- the decision ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def auditor_requests_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    lpses = selectors_auditors.deciding_lpses(user=user)
    if not lpses:
        raise Http404()
    form = AuditorFilterForm(request.GET or None)
    status = "pending"
    lpse = None
    if form.is_valid():
        status = form.cleaned_data["status"] or "pending"
        slug = form.cleaned_data["lpse"]
        if slug:
            lpse = next((item for item in lpses if item.slug == slug), None)
            if lpse is None:
                raise Http404()
    request.lpse = lpse or lpses[0]  # type: ignore[attr-defined]
    registrations = selectors_auditors.auditor_request_list(user=user, lpse=lpse, status=status)
    page = Paginator(registrations, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "lpses": lpses,
        "lpse": lpse,
        "form": form,
        "page": page,
        "status": status,
        "query": params.urlencode(),
    }
    return render(request, "accounts/auditors/list.html", context)


def _access(request: HttpRequest, registration_id: int) -> AuditorRegistration:
    try:
        registration = selectors_auditors.access_auditor_request(
            user=request.user, registration_id=registration_id
        )
    except errors.NotFound as exc:
        raise Http404(str(exc)) from exc
    request.lpse = registration.lpse  # type: ignore[attr-defined]
    return registration


def _detail(
    request: HttpRequest,
    registration: AuditorRegistration,
    *,
    approve_form: AuditorApproveForm | None = None,
    reject_form: AuditorRejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "registration": registration,
        "approve_form": approve_form or AuditorApproveForm(),
        "reject_form": reject_form or AuditorRejectForm(),
    }
    return render(request, "accounts/auditors/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def auditor_request_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _detail(request, _access(request, registration_id))


@login_required
@require_POST
def auditor_request_approve_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _access(request, registration_id)
    form = AuditorApproveForm(request.POST)
    if form.is_valid():
        try:
            decided = auditor_request_approve(
                actor=request.user,  # type: ignore[arg-type]
                registration=registration,
                note=form.cleaned_data["note"],
            )
        except errors.DomainError as exc:
            apply_domain_error(form, exc)
            return _detail(request, registration, approve_form=form, status=error_status(exc))
        messages.success(
            request,
            _("The request of %(name)s was approved; %(email)s has been told.")
            % {"name": decided.full_name, "email": decided.email},
        )
        return redirect(reverse("accounts:auditor_request_detail", args=[registration.pk]))
    return _detail(request, registration, approve_form=form, status=400)


@login_required
@require_POST
def auditor_request_reject_view(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = _access(request, registration_id)
    form = AuditorRejectForm(request.POST)
    if form.is_valid():
        try:
            decided = auditor_request_reject(
                actor=request.user,  # type: ignore[arg-type]
                registration=registration,
                reason=form.cleaned_data["reason"],
            )
        except errors.DomainError as exc:
            apply_domain_error(form, exc)
            return _detail(request, registration, reject_form=form, status=error_status(exc))
        messages.success(
            request,
            _("The request of %(name)s was rejected; %(email)s has been told why.")
            % {"name": decided.full_name, "email": decided.email},
        )
        return redirect(reverse("accounts:auditor_request_detail", args=[registration.pk]))
    return _detail(request, registration, reject_form=form, status=400)


@login_required
@require_http_methods(["GET"])
def auditor_request_letter(request: HttpRequest, registration_id: int) -> HttpResponseBase:
    """The surat tugas of a request, for those who decide it."""
    registration = _access(request, registration_id)
    return file_response(stored_file=registration.letter_file)
