"""The committee's document pages (upload before the announcement, addenda after it, the
download log) and the PPK's addendum decisions. Thin views: the rules live in
tenders.services.documents / .addenda, visibility in tenders.selectors_documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openlpse.core import errors
from openlpse.core.forms import error_status, form_refused
from openlpse.core.pages import backoffice
from openlpse.core.request_context import client_ip
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders import selectors_documents as selectors
from openlpse.tenders.enums import PREQUALIFICATION_METHODS, AddendumStatus, DocumentKind
from openlpse.tenders.forms_documents import AddendumDecisionForm, AddendumForm, DocumentUploadForm
from openlpse.tenders.models import Addendum, Tender
from openlpse.tenders.permissions import is_committee_member, is_ppk_of
from openlpse.tenders.services import addenda as addenda_services
from openlpse.tenders.services import documents as document_services

LOG_PAGE_SIZE = 50


def kinds_for(tender: Tender) -> list[str]:
    kinds = [str(DocumentKind.DOKUMEN_PEMILIHAN)]
    if tender.method in PREQUALIFICATION_METHODS:
        kinds.insert(0, str(DocumentKind.DOKUMEN_KUALIFIKASI))
    return kinds


def _list_context(request: HttpRequest, tender: Tender, form: Any = None) -> dict[str, Any]:
    user = request.user
    committee = is_committee_member(user, tender)
    can_upload = perms.can_upload_draft_document(user, tender)
    open_addendum = selectors.open_addendum(tender=tender)
    return {
        "tender": tender,
        "documents": list(selectors.documents_for_committee(tender=tender)),
        "addenda": list(selectors.addenda_for(tender=tender)),
        "open_addendum": open_addendum,
        "is_committee": committee,
        "can_upload": can_upload,
        "can_write_addendum": perms.can_write_addendum(user, tender) and open_addendum is None,
        "form": form
        if form is not None
        else (DocumentUploadForm(kinds=kinds_for(tender)) if can_upload else None),
    }


@backoffice
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest, tender_id: int) -> HttpResponse:
    """Every version of the tender's documents with its SHA-256, the addenda, and (before the
    announcement) the upload form."""
    tender = selectors.access_tender_for_documents(user=request.user, tender_id=tender_id)
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES, kinds=kinds_for(tender))
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = document_services.document_upload(
                    actor=request.user,
                    tender=tender,
                    kind=data["kind"],
                    title=data["title"],
                    upload=data["file"],
                )
            except errors.DomainError as error:
                status = form_refused(form, error)
                context = _list_context(request, tender, form)
                return render(request, "tenders/documents/list.html", context, status=status)
            messages.success(
                request,
                _(
                    "%(document)s uploaded. SHA-256: %(sha)s. Every member must approve the set-up "
                    "again."
                )
                % {"document": document.get_kind_display(), "sha": document.file.sha256},
            )
            return redirect("tenders:document_list", tender_id=tender.pk)
        context = _list_context(request, tender, form)
        return render(request, "tenders/documents/list.html", context, status=400)
    return render(request, "tenders/documents/list.html", _list_context(request, tender))


@backoffice
@require_GET
def document_download(request: HttpRequest, tender_id: int, document_id: int) -> HttpResponseBase:
    tender = selectors.access_tender_for_documents(user=request.user, tender_id=tender_id)
    document = selectors.access_document(tender=tender, document_id=document_id, committee=True)
    document.tender = tender
    return document_services.document_download(
        user=request.user, document=document, ip=client_ip(request)
    )


@backoffice
@require_GET
def document_downloads(request: HttpRequest, tender_id: int) -> HttpResponse:
    """The download log: who downloaded which version when (per vendor)."""
    tender = selectors.access_tender_for_documents(user=request.user, tender_id=tender_id)
    page = Paginator(selectors.downloads_for(tender=tender), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "tenders/documents/downloads.html", {"tender": tender, "page": page})


# --- addenda -----------------------------------------------------------------------------------


@backoffice
@require_http_methods(["GET", "POST"])
def addendum_create(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = selectors.access_tender_for_documents(user=request.user, tender_id=tender_id)
    if not is_committee_member(request.user, tender):
        raise Http404
    kinds = kinds_for(tender)
    form = AddendumForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        documents = []
        if data["file"]:
            documents.append(
                addenda_services.NewDocument(
                    kind=data["kind"] or kinds[-1], title=data["title"], upload=data["file"]
                )
            )
        try:
            addendum = addenda_services.addendum_create(
                actor=request.user,
                tender=tender,
                reason=data["reason"],
                changes_hps=data["changes_hps"],
                changes_specifications=data["changes_specifications"],
                changes_contract=data["changes_contract"],
                documents=documents,
            )
        except errors.DomainError as error:
            status = form_refused(form, error)
            return render(
                request,
                "tenders/documents/addendum_form.html",
                {"tender": tender, "form": form},
                status=status,
            )
        messages.success(
            request, _("Addendum %(number)s saved as a draft.") % {"number": addendum.number}
        )
        return redirect("tenders:addendum_detail", addendum_id=addendum.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "tenders/documents/addendum_form.html",
        {"tender": tender, "form": form},
        status=status,
    )


def _detail_context(
    request: HttpRequest,
    addendum: Addendum,
    upload_form: Any = None,
    decision_form: Any = None,
) -> dict[str, Any]:
    user = request.user
    tender = addendum.tender
    committee = is_committee_member(user, tender)
    editable = committee and addendum.status in document_services.EDITABLE_ADDENDUM
    can_decide = perms.can_decide_addendum(user, addendum)
    return {
        "tender": tender,
        "addendum": addendum,
        "documents": list(addendum.documents.select_related("file").order_by("kind")),
        "is_committee": committee,
        "is_ppk": is_ppk_of(user, tender.package),
        "editable": editable,
        "approved": addenda_services.is_approved(addendum),
        "can_submit": editable
        and addendum.needs_ppk
        and not addenda_services.is_approved(addendum),
        "can_publish": committee
        and addendum.status == AddendumStatus.DRAFT
        and (not addendum.needs_ppk or addenda_services.is_approved(addendum)),
        "can_decide": can_decide,
        "upload_form": upload_form
        if upload_form is not None
        else (DocumentUploadForm(kinds=kinds_for(tender)) if editable else None),
        "decision_form": decision_form
        if decision_form is not None
        else (AddendumDecisionForm() if can_decide else None),
    }


@backoffice
@require_http_methods(["GET", "POST"])
def addendum_detail(request: HttpRequest, addendum_id: int) -> HttpResponse:
    """An addendum with its documents; the committee attaches versions here (POST)."""
    addendum = selectors.access_addendum(user=request.user, addendum_id=addendum_id)
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES, kinds=kinds_for(addendum.tender))
        if form.is_valid():
            data = form.cleaned_data
            try:
                document_services.document_upload(
                    actor=request.user,
                    tender=addendum.tender,
                    kind=data["kind"],
                    title=data["title"],
                    upload=data["file"],
                    addendum=addendum,
                )
            except errors.DomainError as error:
                status = form_refused(form, error)
                context = _detail_context(request, addendum, upload_form=form)
                return render(
                    request, "tenders/documents/addendum_detail.html", context, status=status
                )
            messages.success(request, _("The new version is attached to the addendum."))
            return redirect("tenders:addendum_detail", addendum_id=addendum.pk)
        context = _detail_context(request, addendum, upload_form=form)
        return render(request, "tenders/documents/addendum_detail.html", context, status=400)
    return render(
        request, "tenders/documents/addendum_detail.html", _detail_context(request, addendum)
    )


def _act(
    request: HttpRequest, addendum_id: int, action: Callable[[Addendum], Any], done: str
) -> HttpResponse:
    addendum = selectors.access_addendum(user=request.user, addendum_id=addendum_id)
    try:
        action(addendum)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        context = _detail_context(request, addendum)
        return render(
            request,
            "tenders/documents/addendum_detail.html",
            context,
            status=error_status(error),
        )
    messages.success(request, done)
    return redirect("tenders:addendum_detail", addendum_id=addendum.pk)


@backoffice
@require_POST
def addendum_submit(request: HttpRequest, addendum_id: int) -> HttpResponse:
    return _act(
        request,
        addendum_id,
        lambda a: addenda_services.addendum_submit(actor=request.user, addendum=a),
        _("The addendum was sent to the PPK for approval."),
    )


@backoffice
@require_POST
def addendum_publish(request: HttpRequest, addendum_id: int) -> HttpResponse:
    return _act(
        request,
        addendum_id,
        lambda a: addenda_services.addendum_publish(actor=request.user, addendum=a),
        _("The addendum is published and the participants were notified."),
    )


@backoffice
@require_POST
def addendum_discard(request: HttpRequest, addendum_id: int) -> HttpResponse:
    addendum = selectors.access_addendum(user=request.user, addendum_id=addendum_id)
    tender_id = addendum.tender_id
    try:
        addenda_services.addendum_discard(actor=request.user, addendum=addendum)
    except errors.DomainError as error:
        messages.error(request, str(error.message))
        context = _detail_context(request, addendum)
        return render(
            request, "tenders/documents/addendum_detail.html", context, status=error_status(error)
        )
    messages.success(request, _("The addendum was discarded."))
    return redirect("tenders:document_list", tender_id=tender_id)


@backoffice
@require_POST
def addendum_decide(request: HttpRequest, addendum_id: int) -> HttpResponse:
    """The PPK's decision (the form is on the addendum's page)."""
    addendum = selectors.access_addendum(user=request.user, addendum_id=addendum_id)
    form = AddendumDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            addenda_services.addendum_decide(
                actor=request.user,
                addendum=addendum,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except errors.DomainError as error:
            status = form_refused(form, error)
            context = _detail_context(request, addendum, decision_form=form)
            return render(request, "tenders/documents/addendum_detail.html", context, status=status)
        messages.success(
            request, _("You approved the addendum.") if approve else _("You rejected the addendum.")
        )
        return redirect("tenders:addendum_detail", addendum_id=addendum.pk)
    context = _detail_context(request, addendum, decision_form=form)
    return render(request, "tenders/documents/addendum_detail.html", context, status=400)


@backoffice
@require_GET
def addendum_ppk_queue(request: HttpRequest) -> HttpResponse:
    """The addenda waiting for the signed-in PPK's decision."""
    rows = selectors.addenda_awaiting_ppk(user=request.user)
    return render(request, "tenders/documents/ppk_queue.html", {"addenda": rows})
