"""Django admin for operators: users (read-mostly) and the access log (read-only).

Changes that the domain cares about (roles, activation, passwords) go through the services and
their pages; the admin is a window for the deployment's operators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.models.access_log import AccessLogEntry
from openlpse.accounts.models.user import User

if TYPE_CHECKING:
    _UserAdminBase = DjangoUserAdmin[User]
    _AccessLogAdminBase = admin.ModelAdmin[AccessLogEntry]
else:  # the admin classes are generic for the type checker only
    _UserAdminBase = DjangoUserAdmin
    _AccessLogAdminBase = admin.ModelAdmin


@admin.register(User)
class UserAdmin(_UserAdminBase):
    list_display = ("username", "email", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "email", "full_name")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal data"), {"fields": ("full_name", "email", "phone", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(_AccessLogAdminBase):
    list_display = ("created_at", "event", "user", "username_attempted", "ip", "lpse")
    list_filter = ("event",)
    search_fields = ("username_attempted", "user__username", "ip")
    date_hierarchy = "created_at"
    list_select_related = ("user", "lpse")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin has no sign-in form of its own: everyone signs in through the accounts page,
    which throttles, logs and asks for the second factor."""
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url, settings.LOGIN_URL)


admin.site.login = _admin_login  # type: ignore[method-assign]
