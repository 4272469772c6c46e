from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.plans.enums import (
    AdoptionPlanStatus,
    FundingSource,
    ImportStatus,
    PlannedMethod,
    ProcurementType,
    RupStatus,
)

MONTH = [MinValueValidator(1), MaxValueValidator(12)]


class RupItem(models.Model):
    """One item of the RUP (Rencana Umum Pengadaan): the agency's annual procurement plan,
    announced by the PA/KPA (LT 8(2)a, KA 6(1)a). No package, and so no tender, exists without
    an announced RUP item (Perpres 16/2018 Pasal 50(8)).

    `revision` counts the announced versions; each announcement writes an `RupRevision` with
    the full public snapshot, so the history stays public after a change.
    """

    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, related_name="rup_items"
    )
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="rup_items"
    )
    work_unit = models.ForeignKey(
        "organizations.WorkUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rup_items",
    )
    code = models.CharField(_("RUP code"), max_length=40)
    name = models.CharField(_("package name"), max_length=300)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    pagu = models.DecimalField(
        _("budget ceiling (pagu)"),
        max_digits=20,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    funding_source = models.CharField(
        _("source of funds"), max_length=20, choices=FundingSource.choices
    )
    procurement_type = models.CharField(
        _("procurement type"), max_length=30, choices=ProcurementType.choices
    )
    planned_method = models.CharField(
        _("planned method"), max_length=30, choices=PlannedMethod.choices
    )
    selection_start_month = models.PositiveSmallIntegerField(
        _("selection starts (month)"), validators=MONTH
    )
    selection_end_month = models.PositiveSmallIntegerField(
        _("selection ends (month)"), validators=MONTH
    )
    contract_start_month = models.PositiveSmallIntegerField(
        _("contract starts (month)"), validators=MONTH
    )
    contract_end_month = models.PositiveSmallIntegerField(
        _("contract ends (month)"), validators=MONTH
    )
    location = models.CharField(_("location"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RupStatus.choices, default=RupStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("announced revisions"), default=0)
    has_unannounced_changes = models.BooleanField(_("changed since announcement"), default=False)
    # Changes to an announced item wait here until the PA/KPA announces them with a reason
    # (services.rup.rup_announce): the columns always hold what was last announced, so the
    # public list, its filters and the packages made from the item never see a draft change.
    pending_changes = models.JSONField(
        _("changes waiting for announcement"), default=dict, blank=True
    )
    announced_at = models.DateTimeField(_("first announced at"), null=True, blank=True)
    last_announced_at = models.DateTimeField(_("last announced at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("RUP item")
        verbose_name_plural = _("RUP items")
        ordering = ["-fiscal_year", "code"]
        indexes = [
            models.Index(fields=["lpse", "status", "fiscal_year"]),
            models.Index(fields=["agency", "fiscal_year"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lpse", "code"], name="plans_rupitem_code_unique"),
            models.CheckConstraint(condition=Q(pagu__gt=0), name="plans_rupitem_pagu_positive"),
            models.CheckConstraint(
                condition=Q(selection_end_month__gte=models.F("selection_start_month")),
                name="plans_rupitem_selection_months_ordered",
            ),
            models.CheckConstraint(
                condition=Q(contract_end_month__gte=models.F("contract_start_month")),
                name="plans_rupitem_contract_months_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=RupStatus.ANNOUNCED) | Q(announced_at__isnull=False),
                name="plans_rupitem_announced_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RupRevision(models.Model):
    """One announced version of an RUP item: the full public snapshot and, from the second
    on, the reason for the change. Public: the RUP history is part of the RUP."""

    rup_item = models.ForeignKey(RupItem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("announced data"))
    reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField(_("announced at"))

    class Meta:
        verbose_name = _("RUP revision")
        verbose_name_plural = _("RUP revisions")
        ordering = ["rup_item", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rup_item", "number"], name="plans_ruprevision_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""),
                name="plans_ruprevision_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rup_item.code} r{self.number}"


class RupImport(models.Model):
    """One CSV or XLSX import of plan items with its row-by-row report. All or nothing: a file
    with any bad row saves no row, and the report says what to fix in which row."""

    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("organizations.Agency", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    report = models.JSONField(
        _("report"), default=list, help_text=_("[{row, code, errors: [{field, message}]}]")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("RUP import")
        verbose_name_plural = _("RUP imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class AdoptionPlan(models.Model):
    """An agency's phased plan for a fiscal year of which packages go through e-procurement,
    agreed with the LPSE (LT 37(2)-(3), KA 22(1)-(2)): every package with a pagu at or above
    `value_threshold`, and/or at least `target_count` packages worth `target_value`."""

    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="adoption_plans"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value_threshold = models.DecimalField(
        _("packages with a pagu of at least"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
    )
    target_count = models.PositiveIntegerField(
        _("target number of packages"), null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value of packages"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AdoptionPlanStatus.choices,
        default=AdoptionPlanStatus.DRAFT,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("LPSE's note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("e-procurement adoption plan")
        verbose_name_plural = _("e-procurement adoption plans")
        ordering = ["-fiscal_year", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"], name="plans_adoptionplan_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(value_threshold__isnull=False)
                | Q(target_count__isnull=False)
                | Q(target_value__isnull=False),
                name="plans_adoptionplan_has_a_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.fiscal_year}"
