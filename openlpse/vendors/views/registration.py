"""The vendor area: status of the registration, the identity form, the documents, the
generated form and the submission. Thin views: the vendor is always the signed-in person's own
(selectors.vendor_for_user), never an id taken from the request; the services check again."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.core.storage import file_response
from openlpse.vendors import permissions, selectors
from openlpse.vendors import selectors_registration as reads
from openlpse.vendors.enums import DocumentType, VendorStatus
from openlpse.vendors.forms_registration import ContactForm, DocumentUploadForm, RegistrationForm
from openlpse.vendors.models import Vendor
from openlpse.vendors.services import documents as document_services
from openlpse.vendors.services import registration as services
from openlpse.vendors.services.form_pdf import reference_code, registration_form_pdf
from openlpse.vendors.validators import format_npwp

View = Callable[..., HttpResponseBase]

# The details asked with each document (the service decides which are required).
DOCUMENT_DETAILS: dict[str, tuple[str, ...]] = {
    DocumentType.KTP: ("number",),
    DocumentType.AKTA_PENDIRIAN: ("number", "issued_on", "issuer"),
    DocumentType.AKTA_PERUBAHAN: ("number", "issued_on", "issuer"),
    DocumentType.NPWP: ("number",),
    DocumentType.IZIN_USAHA: ("number", "issuer", "issued_on", "valid_until"),
    DocumentType.FORMULIR: (),
}


def vendor_area(view: View) -> View:
    """Signed-in people with a vendor (their own); others go to the area's home page, which
    explains how to register. NotFound from a service becomes the ordinary 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        vendor = selectors.vendor_for_user(request.user)
        if vendor is None:
            return redirect("vendors:home")
        request.lpse = vendor.registration_lpse  # type: ignore[attr-defined]
        try:
            return view(request, vendor, *args, **kwargs)
        except errors.NotFound as exc:
            raise Http404(str(exc)) from exc

    return wrapper


def optional_url(name: str, *args: Any) -> str:
    """A link to a page another part of the app adds ("" while it does not exist)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _field_labels() -> dict[str, str]:
    return {name: str(field.label) for name, field in RegistrationForm.base_fields.items()}


# --- home ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The status of the registration: what is done, what is missing, the decision."""
    vendor = selectors.vendor_for_user(request.user)
    if vendor is None:
        return render(request, "vendors/registration/no_vendor.html")
    request.lpse = vendor.registration_lpse  # type: ignore[attr-defined]
    checklist = reads.registration_checklist(vendor=vendor)
    labels = _field_labels()
    context = {
        "vendor": vendor,
        "checklist": checklist,
        "missing_labels": [labels.get(name, name) for name in checklist.missing_fields],
        "can_edit": permissions.can_edit_registration(request.user, vendor),
        "history": list(reads.request_history(vendor=vendor)[:10]),
        "data_url": optional_url("vendors:data_index"),
        "npwp": format_npwp(vendor.npwp),
    }
    return render(request, "vendors/registration/home.html", context)


# --- identity -----------------------------------------------------------------------------------


def _identity_initial(vendor: Vendor) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(vendor, name) for name in reads.IDENTITY_FIELDS if name != "npwp"
    }
    initial["npwp"] = format_npwp(vendor.npwp)
    initial["registration_lpse"] = (
        vendor.registration_lpse.slug if vendor.registration_lpse else None
    )
    initial["version"] = services.vendor_version(vendor)
    return initial


def _refresh_version(form: Any, vendor_id: int) -> None:
    """After a stale-version refusal the next save is deliberate: carry the current version."""
    current = Vendor.objects.get(pk=vendor_id)
    form.data = form.data.copy()
    form.data["version"] = services.vendor_version(current)


@vendor_area
@require_http_methods(["GET", "POST"])
def registration_edit(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """Company identity and administrator while the registration is a draft or returned;
    contact details only after verification; read only while it waits."""
    # A form opened as a draft and posted after the submission still goes to the service,
    # which refuses it with a clear message while the form keeps what was typed.
    if vendor.status == VendorStatus.VERIFIED or (
        vendor.status == VendorStatus.SUBMITTED and request.method == "GET"
    ):
        return _contact_edit(request, vendor)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, initial=_identity_initial(vendor)
    )
    status = 200
    if request.method == "POST":
        status = 400
        complete = request.POST.get("action") == "continue"
        if form.is_valid():
            try:
                services.registration_save(
                    actor=request.user,
                    vendor=vendor,
                    values=form.values(),
                    complete=complete,
                    version=form.cleaned_data["version"] or None,
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                if exc.code == "stale_version":
                    _refresh_version(form, vendor.pk)
                status = error_status(exc)
            else:
                if complete:
                    messages.success(
                        request,
                        _("The company's identity is complete. Now upload the documents."),
                    )
                    return redirect("vendors:documents")
                messages.success(
                    request,
                    _("The draft was saved. You can come back and finish it at any time."),
                )
                return redirect("vendors:registration_edit")
    context = {
        "vendor": vendor,
        "form": form,
        "identity_fields": [
            form[name] for name in ("registration_lpse", *reads.IDENTITY_FIELDS[:12])
        ],
        "admin_fields": [form[name] for name in reads.IDENTITY_FIELDS[12:]],
    }
    return render(request, "vendors/registration/edit.html", context, status=status)


def _contact_edit(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    may_edit = permissions.is_vendor_admin(request.user, vendor)
    initial = {name: getattr(vendor, name) for name in reads.CONTACT_FIELDS}
    initial["version"] = services.vendor_version(vendor)
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.vendor_update_contact(
                    actor=request.user,
                    vendor=vendor,
                    values=form.values(),
                    version=form.cleaned_data["version"] or None,
                )
            except errors.NotFound:
                raise
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                if not may_edit:  # the page shows no form to this person: say it above
                    messages.error(request, str(exc.message))
                if exc.code == "stale_version":
                    _refresh_version(form, vendor.pk)
                status = error_status(exc)
            else:
                messages.success(request, _("The contact details were saved."))
                return redirect("vendors:registration_edit")
    context = {
        "vendor": vendor,
        "form": form,
        "may_edit": may_edit,
        "npwp": format_npwp(vendor.npwp),
    }
    return render(request, "vendors/registration/contact.html", context, status=status)


# --- documents ----------------------------------------------------------------------------------


@vendor_area
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """One upload form per document of LT 25(1)a.2 (and the signed form), with the history of
    versions. A refused upload keeps the details typed in its form."""
    editable = vendor.status in reads.EDITABLE_STATUSES and permissions.can_edit_registration(
        request.user, vendor
    )
    posted_kind = request.POST.get("kind", "") if request.method == "POST" else ""
    status = 200
    bound: DocumentUploadForm | None = None
    if request.method == "POST":
        try:
            # Who may upload and when is the service's rule; checked before the files are read.
            document_services.require_upload_allowed(actor=request.user, vendor=vendor)
        except errors.NotFound:
            raise
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("vendors:documents")
        auto_id = f"id_{posted_kind}_%s" if posted_kind in reads.DOCUMENT_ORDER else "id_%s"
        bound = DocumentUploadForm(request.POST, request.FILES, auto_id=auto_id)
        status = 400
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                document = document_services.document_upload(
                    actor=request.user,
                    vendor=vendor,
                    kind=data["kind"],
                    upload=data["file"],
                    number=data["number"],
                    issuer=data["issuer"],
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                )
            except errors.DomainError as exc:
                apply_domain_error(bound, exc)
                status = error_status(exc)
            else:
                messages.success(
                    request,
                    _("%(document)s was uploaded (version %(version)d).")
                    % {"document": document.get_kind_display(), "version": document.version},
                )
                return redirect(f"{reverse('vendors:documents')}#doc-{document.kind}")
    checklist = reads.registration_checklist(vendor=vendor)
    history: dict[str, list[Any]] = {}
    for version in reads.document_history(vendor=vendor):
        history.setdefault(version.kind, []).append(version)
    sections = []
    for step in checklist.documents:
        form = (
            bound
            if bound is not None and posted_kind == step.kind
            else DocumentUploadForm(initial={"kind": step.kind}, auto_id=f"id_{step.kind}_%s")
        )
        sections.append(
            {
                "step": step,
                "form": form,
                "details": [form[name] for name in DOCUMENT_DETAILS.get(step.kind, ())],
                "history": history.get(step.kind, []),
            }
        )
    context = {
        "vendor": vendor,
        "checklist": checklist,
        "sections": sections,
        "editable": editable,
        "reference": reference_code(vendor),
    }
    return render(request, "vendors/registration/documents.html", context, status=status)


@vendor_area
@require_http_methods(["GET"])
def document_download(request: HttpRequest, vendor: Vendor, document_id: int) -> HttpResponseBase:
    document = document_services.access_own_document(actor=request.user, document_id=document_id)
    return file_response(stored_file=document.file)


@vendor_area
@require_http_methods(["GET"])
def form_pdf(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """The registration and participation form (LT 25(6)) from the data entered, to sign."""
    try:
        pdf = registration_form_pdf(vendor=vendor, language=(get_language() or "id")[:2])
    except errors.ValidationError as exc:
        messages.error(request, str(exc.message))
        return redirect("vendors:registration_edit")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="formulir-pendaftaran-{reference_code(vendor)}.pdf"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- submission ---------------------------------------------------------------------------------


@vendor_area
@require_POST
def registration_submit(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    try:
        verification = services.registration_submit(actor=request.user, vendor=vendor)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _(
                "Your registration was sent to %(lpse)s for verification. You will be notified "
                "by e-mail and in your inbox when it is decided."
            )
            % {"lpse": verification.lpse.name},
        )
    return redirect("vendors:home")


@vendor_area
@require_POST
def registration_withdraw(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    try:
        services.registration_withdraw(actor=request.user, vendor=vendor)
    except errors.NotFound:
        raise
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Your registration was withdrawn. Correct it and send it again when it is ready."),
        )
    return redirect("vendors:home")
