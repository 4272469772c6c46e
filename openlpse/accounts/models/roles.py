from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.accounts.enums import LetterKind, Role, ScopeKind


class RoleAssignment(models.Model):
    """One role held by one user within one scope, for a period, granted by a letter.

    The scope is an LPSE, an agency, a work unit, a tender (Pokja), a set of packages (an
    auditor's surat tugas) or a vendor. `lpse` is filled for every scope but a vendor's
    (denormalised) so every assignment can be listed per tenant; vendors are platform-wide. Tender and package scopes point at apps that later
    issues add, so they are stored as references (`scope_ref`) until those models exist.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    lpse = models.ForeignKey(
        "organizations.Lpse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text=_("Empty only for vendor roles: vendors are platform-wide."),
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    work_unit = models.ForeignKey(
        "organizations.WorkUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    lpse_unit = models.ForeignKey(
        "organizations.LpseUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text=_("For LPSE staff: the unit they work in."),
    )
    scope_ref = models.CharField(
        _("scope reference"),
        max_length=200,
        blank=True,
        help_text=_("Tender code, or comma-separated package codes / period for an auditor."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    letter_kind = models.CharField(
        _("letter kind"), max_length=16, choices=LetterKind.choices, default=LetterKind.SK
    )
    letter_number = models.CharField(_("letter number"), max_length=120)
    letter_date = models.DateField(_("letter date"))
    letter_file = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes = [
            models.Index(fields=["user", "role"]),
            models.Index(fields=["lpse", "role"]),
            models.Index(fields=["agency", "role"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="accounts_roleassignment_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(scope_kind=ScopeKind.VENDOR) | Q(lpse__isnull=False),
                name="accounts_roleassignment_lpse_unless_vendor",
            ),
            models.CheckConstraint(
                condition=~Q(scope_kind=ScopeKind.VENDOR)
                | (Q(lpse__isnull=True) & ~Q(scope_ref="")),
                name="accounts_roleassignment_vendor_scope_is_platform_wide",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.LPSE_STAFF) | Q(lpse_unit__isnull=False),
                name="accounts_roleassignment_lpse_staff_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="accounts_roleassignment_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(scope_kind=ScopeKind.AGENCY) | Q(agency__isnull=False),
                name="accounts_roleassignment_agency_scope_has_agency",
            ),
            models.CheckConstraint(
                condition=~Q(scope_kind=ScopeKind.WORK_UNIT) | Q(work_unit__isnull=False),
                name="accounts_roleassignment_work_unit_scope_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_scope_kind_display()}"
