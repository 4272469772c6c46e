"""Django admin: read-only views of the organisations for operators. Changes go through the
back-office pages (services, permission checks, audit chain), never through the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openlpse.organizations.models import Agency, Holiday, Lpse, LpseUnit, StaffAssignment, WorkUnit


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Lpse)
class LpseAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "region", "province", "time_zone", "is_active")
    search_fields = ("name", "slug", "region")


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdmin):
    list_display = ("date", "name", "lpse")
    list_filter = ("lpse",)


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "kind", "lpse", "is_active")
    list_filter = ("lpse", "kind", "is_active")
    search_fields = ("name", "code")


@admin.register(WorkUnit)
class WorkUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "agency", "is_active")
    search_fields = ("name", "code")


@admin.register(LpseUnit)
class LpseUnitAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "lpse")
    list_filter = ("lpse",)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "unit", "position", "starts_on", "ends_on", "ended_at")
    list_filter = ("unit__lpse",)
