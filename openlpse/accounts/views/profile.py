"""The "Profil & keamanan" page: personal data, language, password and two-factor status,
and the user's own recent sign-ins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openlpse.accounts import selectors
from openlpse.accounts.forms import ProfileForm
from openlpse.accounts.services import users
from openlpse.accounts.views._common import set_language_cookie
from openlpse.accounts.views.access_log import rows_for, zone_for
from openlpse.core import errors
from openlpse.core.forms import apply_domain_error


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    initial = {
        "full_name": user.full_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                users.user_update_profile(user=user, actor=user, **form.cleaned_data)
            except errors.DomainError as exc:
                apply_domain_error(form, exc)
            else:
                translation.activate(user.preferred_language)
                messages.success(request, _("Your profile was saved."))
                response = redirect("accounts:profile")
                set_language_cookie(response, user.preferred_language)
                return response
    zone = zone_for(request)
    context = {
        "form": form,
        "mfa": selectors.user_mfa_status(user),
        "recent": rows_for(selectors.access_log_recent_own(user=user), zone),
        "can_read_access_log": selectors.can_read_own_access_log(user),
    }
    return render(request, "accounts/profile.html", context, status=status)
