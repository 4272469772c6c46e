"""Public sign-up of a vendor (LT 25(1)a.1): e-mail, confirmation link, user ID and password.
Thin views over services.registration."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from openlpse.accounts.services import sessions
from openlpse.accounts.views._common import set_language_cookie
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error, error_status
from openlpse.core.portal import current_lpse
from openlpse.vendors import selectors
from openlpse.vendors.forms_registration import SignupConfirmForm, SignupForm
from openlpse.vendors.services import signup as services


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Step 1: the e-mail address, the verifying LPSE and the language."""
    if selectors.vendor_for_user(request.user) is not None:
        return redirect("vendors:home")
    lpse = current_lpse(request)
    language = (get_language() or "id")[:2]
    form = SignupForm(
        request.POST if request.method == "POST" else None,
        initial={"lpse": lpse.slug if lpse else None, "language": language},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.signup_request(
                    email=data["email"], lpse=data["lpse"], language=data["language"]
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
                status = error_status(exc)
            else:
                # The same page whether or not a mail went out (throttling stays silent).
                return redirect("vendors:signup_sent")
    return render(request, "vendors/signup/start.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET"])
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "vendors/signup/sent.html")


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: the link from the e-mail; the person chooses a user ID and password."""
    try:
        claim = services.signup_claim(token=token)
    except errors.Conflict as exc:  # the account exists already
        return render(
            request, "vendors/signup/already_confirmed.html", {"message": exc.message}, status=409
        )
    except errors.ValidationError as exc:  # invalid or expired
        return render(
            request,
            "vendors/signup/link_invalid.html",
            {"message": exc.message, "expired": exc.code == "signup_link_expired"},
            status=400,
        )
    form = SignupConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                vendor = services.signup_confirm(
                    token=token,
                    username=data["username"],
                    password=data["password1"],
                    admin_name=data["admin_name"],
                )
            except errors.DomainError as exc:
                if exc.code == "signup_already_confirmed":
                    return render(
                        request,
                        "vendors/signup/already_confirmed.html",
                        {"message": exc.message},
                        status=409,
                    )
                _show_confirm_error(form, exc)
                status = error_status(exc)
            else:
                user = vendor.created_by
                sessions.sign_in(request, user)
                messages.success(
                    request,
                    _(
                        "Your account was created and you are signed in. Now fill in your "
                        "company's identity; you can save it as a draft and finish later."
                    ),
                )
                response = redirect("vendors:registration_edit")
                set_language_cookie(response, user.preferred_language)
                return response
    context = {"form": form, "claim": claim}
    return render(request, "vendors/signup/confirm.html", context, status=status)


def _show_confirm_error(form: SignupConfirmForm, exc: errors.DomainError) -> None:
    """The accounts service names the password field "password"; this form says "password1"."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return
    for name, problems in exc.fields.items():
        target = "password1" if name == "password" else name
        for problem in problems:
            form.add_error(target if target in form.fields else None, str(problem))
