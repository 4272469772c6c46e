"""Sign-in (password, then second factor) and sign-out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from openlpse.accounts import selectors
from openlpse.accounts.forms import LoginForm, SecondFactorForm
from openlpse.accounts.services import auth, sessions
from openlpse.accounts.views._common import safe_next, set_language_cookie
from openlpse.core import errors


def notice_text(notice: dict[str, Any] | None) -> str | None:
    """Why the previous session ended, in the active language."""
    if not notice:
        return None
    kind = notice.get("kind")
    minutes = int(notice.get("minutes") or 0)
    if kind == "idle":
        return ngettext(
            "Your session ended after %(minutes)d minute without activity. Please sign in again.",
            "Your session ended after %(minutes)d minutes without activity. Please sign in again.",
            minutes,
        ) % {"minutes": minutes}
    if kind == "absolute":
        hours = max(1, minutes // 60)
        return ngettext(
            "Your session ended because you signed in more than %(hours)d hour ago. Please sign in again.",
            "Your session ended because you signed in more than %(hours)d hours ago. Please sign in again.",
            hours,
        ) % {"hours": hours}
    if kind == "pending_expired":
        return _("The sign-in took too long to complete. Enter your password again.")
    if kind == "signed_out":
        return _("You have signed out.")
    return None


def _throttled(form: Any, exc: errors.Throttled) -> dict[str, str]:
    form.add_error(None, str(exc.message))
    return {"Retry-After": str(exc.retry_after)}


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.user.is_authenticated:
        return redirect(safe_next(request, next_url))
    notice = notice_text(sessions.pop_notice(request))
    form = LoginForm(request.POST if request.method == "POST" else None)
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        try:
            user = auth.login_check_password(
                request=request,
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
            )
        except errors.Throttled as exc:
            headers, status = _throttled(form, exc), 429
        except auth.InvalidCredentials as exc:
            form.add_error(None, str(exc.message))
        except auth.SignInRefused as exc:  # right password; deactivated or not in office
            form.add_error(None, str(exc.message))
            status = exc.http_status
        else:
            target = safe_next(request, next_url)
            if selectors.user_has_confirmed_totp(user):
                sessions.pending_start(request, user, target)
                return redirect("accounts:mfa_verify")
            sessions.sign_in(request, user)
            signed_in: HttpResponse = redirect(target)
            set_language_cookie(signed_in, user.preferred_language)
            return signed_in
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "notice": notice},
        status=status,
    )
    for key, value in headers.items():
        response[key] = value
    return response


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    """The code step: after a correct password, or for a session that has not given its code."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user: Any = request.user
        if user.is_verified():
            return redirect(safe_next(request, request.GET.get("next")))
        next_url = request.POST.get("next") or request.GET.get("next") or ""
    else:
        user, timed_out = sessions.pending_user(request)
        if user is None:
            if timed_out:
                sessions.set_notice(request, "pending_expired")
            return redirect("accounts:login")
        next_url = sessions.pending_next(request)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        try:
            device = auth.login_check_second_factor(user=user, code=form.cleaned_data["code"])
        except errors.Throttled as exc:
            headers, status = _throttled(form, exc), 429
        except auth.InvalidSecondFactor as exc:
            form.add_error("code", str(exc.message))
        else:
            if signed_in:
                sessions.mark_verified(request, device)
                auth.mfa_record_verified(user=user, device=device)
                return redirect(safe_next(request, next_url))
            sessions.sign_in(request, user, device)
            done: HttpResponse = redirect(safe_next(request, next_url))
            set_language_cookie(done, user.preferred_language)
            return done
    response = render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "next": next_url if signed_in else "", "signed_in": signed_in},
        status=status,
    )
    for key, value in headers.items():
        response[key] = value
    return response


@csrf_protect
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    sessions.sign_out(request)
    if was_signed_in:
        sessions.set_notice(request, "signed_out")
    response = redirect("accounts:login")
    # ASVS 14.3.1: the browser drops what it kept of the signed-in pages.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response
