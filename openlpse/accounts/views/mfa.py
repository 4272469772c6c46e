"""Two-factor set-up: enrolment with a QR code, recovery codes, replacing, turning off."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from openlpse.accounts import selectors
from openlpse.accounts.forms import EnrolmentForm, PasswordConfirmForm
from openlpse.accounts.services import mfa, sessions
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error

NEW_CODES_KEY = "accounts_new_recovery_codes"


def _qr_data_uri(device: TOTPDevice) -> str:
    # An <img> with a data: URI: allowed by the CSP (img-src data:), no script, no inline style.
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#000", light="#fff"
    )


def _render_setup(
    request: HttpRequest,
    *,
    enrol_form: EnrolmentForm | None = None,
    password_form: PasswordConfirmForm | None = None,
    password_action: str = "",
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    state = selectors.user_mfa_status(user)
    pending = selectors.user_pending_totp(user)
    if not state.enabled and pending is None:
        pending = mfa.mfa_enrolment_start(user=user)
    context: dict[str, Any] = {"mfa": state, "pending": pending, "password_action": password_action}
    if pending is not None:
        context.update(
            qr_data_uri=_qr_data_uri(pending),
            secret=mfa.totp_secret_base32(pending),
            enrol_form=enrol_form or EnrolmentForm(initial={"device_id": pending.pk}),
        )
    context["password_form"] = password_form or PasswordConfirmForm()
    return render(request, "accounts/mfa_setup.html", context, status=status)


@login_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    """GET: status, or the QR code of the device being enrolled. POST: confirm it with a code."""
    if request.method == "GET":
        return _render_setup(request)
    form = EnrolmentForm(request.POST)
    if form.is_valid():
        try:
            device, codes = mfa.mfa_enrolment_confirm(
                user=request.user,  # type: ignore[arg-type]
                device_id=form.cleaned_data["device_id"],
                code=form.cleaned_data["code"],
            )
        except errors.DomainError as exc:
            form.add_error("code", str(exc.message))
        else:
            sessions.mark_verified(request, device)
            request.session[NEW_CODES_KEY] = codes
            messages.success(
                request,
                _("Two-factor authentication is on. Keep your recovery codes somewhere safe."),
            )
            return redirect("accounts:mfa_recovery_codes")
    return _render_setup(request, enrol_form=form, status=400)


def _password_action(request: HttpRequest, action: str, run: Any) -> HttpResponse | None:
    form = PasswordConfirmForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            run(form.cleaned_data["password"])
        except errors.Throttled as exc:
            form.add_error(None, str(exc.message))
            status = 429
        except errors.DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return None
    return _render_setup(request, password_form=form, password_action=action, status=status)


@login_required
@never_cache
@sensitive_post_parameters("password")
@require_POST
def mfa_replace_view(request: HttpRequest) -> HttpResponse:
    refused = _password_action(
        request,
        "replace",
        lambda password: mfa.mfa_replace_start(user=request.user, password=password),  # type: ignore[arg-type]
    )
    if refused is not None:
        return refused
    messages.info(
        request,
        _("Scan the new QR code with your new phone. Your old app works until you confirm."),
    )
    return redirect("accounts:mfa_setup")


@login_required
@never_cache
@require_POST
def mfa_cancel_view(request: HttpRequest) -> HttpResponse:
    if selectors.user_has_confirmed_totp(request.user):
        mfa.mfa_enrolment_cancel(user=request.user)  # type: ignore[arg-type]
    return redirect("accounts:mfa_setup")


@login_required
@never_cache
@sensitive_post_parameters("password")
@require_POST
def mfa_disable_view(request: HttpRequest) -> HttpResponse:
    refused = _password_action(
        request,
        "disable",
        lambda password: mfa.mfa_disable(user=request.user, password=password),  # type: ignore[arg-type]
    )
    if refused is not None:
        return refused
    messages.success(
        request, _("Two-factor authentication is off. Your sign-in now needs only your password.")
    )
    return redirect("accounts:profile")


@login_required
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New codes are shown once (kept in this session until the user confirms they saved
    them) and can be downloaded as text; otherwise the page offers new codes."""
    codes = request.session.get(NEW_CODES_KEY) or []
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "done":
            request.session.pop(NEW_CODES_KEY, None)
            return redirect("accounts:profile")
        form = PasswordConfirmForm(request.POST)
        if form.is_valid():
            try:
                new_codes = mfa.mfa_recovery_codes_regenerate(
                    user=request.user,  # type: ignore[arg-type]
                    password=form.cleaned_data["password"],
                )
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
            else:
                request.session[NEW_CODES_KEY] = new_codes
                messages.success(
                    request, _("New recovery codes were made. The old ones no longer work.")
                )
                return redirect("accounts:mfa_recovery_codes")
        return render(
            request,
            "accounts/mfa_recovery_codes.html",
            {"codes": [], "form": form, "left": selectors.user_recovery_codes_left(request.user)},
            status=400,
        )
    if codes and request.GET.get("download") == "txt":
        lines = [
            _("OpenLPSE recovery codes for %(username)s")
            % {"username": request.user.get_username()},
            _("Each code works once, in place of the code from your authenticator app."),
            "",
            *codes,
            "",
        ]
        response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="openlpse-recovery-codes.txt"'
        return response
    if not codes and not selectors.user_has_confirmed_totp(request.user):
        return redirect("accounts:mfa_setup")
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {
            "codes": codes,
            "form": PasswordConfirmForm(),
            "left": selectors.user_recovery_codes_left(request.user),
        },
    )
