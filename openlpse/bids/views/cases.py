"""Unopenable bids (LT 27(2)-(3)). Thin: rules in bids.services.cases.

- LPSE staff (`lpse/tawaran-gagal/`): the list of cases of their LPSE; a case page with the
  evidence download, the finding form, the witness report, the escalation to LKPP and the
  re-check after a restore.
- The Pokja (same case page): the declaration form (only after the witness report) and, for a
  storage fault whose file was restored, the re-opening.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlpse.bids import permissions_opening as perms
from openlpse.bids import selectors_opening as selectors
from openlpse.bids.enums import CaseStatus
from openlpse.bids.models import UnopenableCase
from openlpse.bids.services import cases as services
from openlpse.bids.services.opening import E_STORAGE
from openlpse.core import errors
from openlpse.core.forms import form_refused
from openlpse.core.pages import acting_user, backoffice, posted
from openlpse.core.storage import file_response
from openlpse.tenders.permissions import is_committee_member


class FindingForm(forms.Form):
    finding = forms.CharField(
        label=gettext_lazy("Finding of the LPSE"), widget=forms.Textarea(attrs={"rows": 5})
    )


class EscalationForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("LKPP reference"), max_length=100)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeclarationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (cite the witness report)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _case_url(case: UnopenableCase) -> str:
    return reverse("bids:case_detail", kwargs={"case_id": case.pk})


@backoffice
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.handled_lpse_ids(user):
        raise Http404()
    return render(request, "bids/case_list.html", {"cases": selectors.cases_for_staff(user=user)})


def _context(request: HttpRequest, case: UnopenableCase, **forms_: Any) -> dict[str, Any]:
    user = acting_user(request)
    tender = case.opened_bid.session.tender
    handler = perms.can_handle_case(user, case)
    pokja = is_committee_member(user, tender)
    open_case = case.status not in (CaseStatus.DECLARED, CaseStatus.RESTORED)
    return {
        "case": case,
        "opened": case.opened_bid,
        "submission": case.opened_bid.submission,
        "tender": tender,
        "diagnosis": case.opened_bid.diagnosis,
        "handler": handler,
        "pokja": pokja,
        "open_case": open_case,
        "finding_form": forms_.get("finding_form")
        or FindingForm(initial={"finding": case.finding}),
        "escalation_form": forms_.get("escalation_form") or EscalationForm(),
        "declaration_form": forms_.get("declaration_form") or DeclarationForm(),
        "may_declare": pokja and open_case and case.witness_report_id is not None,
        "may_reopen": pokja and open_case and case.opened_bid.error_class == E_STORAGE,
        "reopenings": list(case.reopenings.order_by("-started_at")),
    }


@backoffice
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.access_case(user=acting_user(request), case_id=case_id)
    request.lpse = case.opened_bid.session.tender.lpse  # type: ignore[attr-defined]
    return render(request, "bids/case_detail.html", _context(request, case))


@backoffice
@require_GET
def case_evidence(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.access_case(user=acting_user(request), case_id=case_id)
    return file_response(stored_file=case.evidence)


@backoffice
@require_GET
def case_witness_download(request: HttpRequest, case_id: int) -> HttpResponseBase:
    case = selectors.access_case(user=acting_user(request), case_id=case_id)
    if case.witness_report is None:
        raise Http404()
    return file_response(stored_file=case.witness_report)


def _refused(request: HttpRequest, case: UnopenableCase, exc: errors.DomainError) -> None:
    if isinstance(exc, errors.NotFound):
        raise exc
    messages.error(request, str(exc))


@backoffice
@require_POST
def case_review(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    form = FindingForm(posted(request))
    status = 400
    if form.is_valid():
        try:
            services.case_review(actor=user, case=case, finding=form.cleaned_data["finding"])
        except errors.DomainError as exc:
            if isinstance(exc, errors.NotFound):
                raise
            status = form_refused(form, exc)
        else:
            messages.success(request, _("The finding is recorded."))
            return redirect(_case_url(case))
    request.lpse = case.opened_bid.session.tender.lpse  # type: ignore[attr-defined]
    return render(
        request, "bids/case_detail.html", _context(request, case, finding_form=form), status=status
    )


@backoffice
@require_POST
def case_witness_report(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    try:
        services.case_witness_report(actor=user, case=case)
    except errors.DomainError as exc:
        _refused(request, case, exc)
    else:
        messages.success(request, _("The witness report (berita acara kesaksian) is made."))
    return redirect(_case_url(case))


@backoffice
@require_POST
def case_escalate(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    form = EscalationForm(posted(request))
    status = 400
    if form.is_valid():
        try:
            services.case_escalate(
                actor=user,
                case=case,
                reference=form.cleaned_data["reference"],
                note=form.cleaned_data["note"],
            )
        except errors.DomainError as exc:
            if isinstance(exc, errors.NotFound):
                raise
            status = form_refused(form, exc)
        else:
            messages.success(request, _("The escalation to LKPP is recorded."))
            return redirect(_case_url(case))
    return render(
        request,
        "bids/case_detail.html",
        _context(request, case, escalation_form=form),
        status=status,
    )


@backoffice
@require_POST
def case_recheck(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    try:
        match = services.case_recheck(actor=user, case=case)
    except errors.DomainError as exc:
        _refused(request, case, exc)
    else:
        if match:
            messages.success(
                request,
                _("The stored file matches the receipt again. The Pokja can re-open the bid."),
            )
        else:
            messages.error(
                request, _("The stored file still differs from the receipt (or is missing).")
            )
    return redirect(_case_url(case))


@backoffice
@require_http_methods(["GET", "POST"])
def case_declare(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The Pokja's declaration form: non-compliant only after the witness report."""
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    form = DeclarationForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_declare_noncompliant(
                    actor=user, case=case, reason=form.cleaned_data["reason"]
                )
            except errors.DomainError as exc:
                if isinstance(exc, errors.NotFound):
                    raise
                status = form_refused(form, exc)
            else:
                messages.success(request, _("The bid is declared non-compliant."))
                return redirect(_case_url(case))
    request.lpse = case.opened_bid.session.tender.lpse  # type: ignore[attr-defined]
    return render(
        request,
        "bids/case_declare.html",
        _context(request, case, declaration_form=form),
        status=status,
    )


@backoffice
@require_POST
def case_reopen(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = acting_user(request)
    case = selectors.access_case(user=user, case_id=case_id)
    try:
        session = services.case_reopen(actor=user, case=case)
    except errors.DomainError as exc:
        _refused(request, case, exc)
        return redirect(_case_url(case))
    messages.success(request, _("The re-opening started. Each member now offers their share."))
    return redirect(
        reverse(
            "bids:opening_reopen",
            kwargs={"session_id": session.pk},
        )
    )
