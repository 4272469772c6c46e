"""Django admin for operators: stage labels (the deployment's or an LPSE's own names for the
stage names the research could not verify, ADR 9), audited like every change; read-only views
of packages and tenders (their changes go through the back-office pages and services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openlpse.organizations.admin import ReadOnlyAdmin
from openlpse.tenders.models import Package, StageLabel, Tender
from openlpse.tenders.services import labels


@admin.register(StageLabel)
class StageLabelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("method", "code", "name_id", "name_en", "lpse")
    list_filter = ("method", "lpse")

    def save_model(self, request: HttpRequest, obj: StageLabel, form: Any, change: bool) -> None:
        labels.stage_label_save(actor=request.user, label=obj)

    def delete_model(self, request: HttpRequest, obj: StageLabel) -> None:
        labels.stage_label_delete(actor=request.user, label=obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would bypass the audit chain
        return actions


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "agency", "status", "hps_total", "pagu")
    search_fields = ("code", "name")


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "method", "status", "announced_at")
    list_filter = ("method", "status", "lpse")
    search_fields = ("code", "name")
