"""Read-only admin views of the chronograph's state, for the deployment's operators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from openlpse.ops.models import DueCheck, Heartbeat

if TYPE_CHECKING:
    _DueCheckAdminBase = admin.ModelAdmin[DueCheck]
    _HeartbeatAdminBase = admin.ModelAdmin[Heartbeat]
else:  # the admin classes are generic for the type checker only
    _DueCheckAdminBase = admin.ModelAdmin
    _HeartbeatAdminBase = admin.ModelAdmin


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DueCheck)
class DueCheckAdmin(_ReadOnly, _DueCheckAdminBase):
    list_display = [
        "kind",
        "object_ref",
        "due_at",
        "attempts",
        "locked_by",
        "last_run_at",
        "done_at",
    ]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["kind", "object_ref", "last_error"]
    ordering = ["-due_at"]


@admin.register(Heartbeat)
class HeartbeatAdmin(_ReadOnly, _HeartbeatAdminBase):
    list_display = ["name", "last_run_at", "runner_id", "beats"]
