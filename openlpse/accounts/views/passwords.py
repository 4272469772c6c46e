"""Password change (signed in) and password reset by e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from openlpse.accounts.forms import (
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
)
from openlpse.accounts.services import passwords, users
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error


@login_required
@never_cache
@sensitive_post_parameters("current_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = users.user_change_password(
                    user=request.user,  # type: ignore[arg-type]
                    actor=request.user,  # type: ignore[arg-type]
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except errors.Throttled as exc:
                form.add_error(None, str(exc.message))
                status = 429
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
            else:
                # This session stays; every other session of the user ends (ASVS 7.4.3).
                update_session_auth_hash(request, user)
                messages.success(
                    request,
                    _(
                        "Your password was changed. Other devices signed in to your account were signed out."
                    ),
                )
                return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():

            def build_link(uidb64: str, token: str) -> str:
                return request.build_absolute_uri(
                    reverse("accounts:password_reset_confirm", args=[uidb64, token])
                )

            try:
                passwords.password_reset_request(
                    email=form.cleaned_data["email"], build_link=build_link
                )
            except errors.Throttled as exc:
                form.add_error(None, str(exc.message))
                status = 429
            else:
                return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token check (the token moves from the URL to the session before the form is
    shown); the new password is set by the service, and the user is *not* signed in, so the
    second factor is still asked at the next sign-in (ASVS 6.4.3)."""

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False
    title = gettext_lazy("Choose a new password")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            users.user_set_password_after_reset(
                user=self.user, new_password=form.cleaned_data["new_password1"]
            )
        except errors.DomainError as exc:
            apply_domain_error(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(str(self.success_url))


class PasswordResetCompleteView(TemplateView):
    template_name = "accounts/password_reset_complete.html"
