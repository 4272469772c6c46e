from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.organizations.enums import AgencyKind, LpseUnitKind, TimeZone


class Lpse(models.Model):
    """An LPSE tenant (Layanan Pengadaan Secara Elektronik): the service unit that runs
    e-procurement for a region. One deployment hosts several (LT 37(5), KA 22(4))."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(
        _("region"), max_length=200, help_text=_("e.g. Kabupaten Lampung Timur")
    )
    province = models.CharField(_("province"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.WIB
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    helpdesk_hours = models.CharField(_("helpdesk hours"), max_length=120, blank=True)
    logo = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    working_days = models.CharField(
        _("working days"),
        max_length=20,
        default="0,1,2,3,4",
        help_text=_("Weekdays the LPSE works, 0 = Monday."),
    )
    working_hours_start = models.TimeField(_("working hours start"), default="08:00")
    working_hours_end = models.TimeField(_("working hours end"), default="16:00")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LPSE")
        verbose_name_plural = _("LPSEs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A non-working day in one LPSE's calendar (national and regional holidays, cuti bersama)."""

    lpse = models.ForeignKey(Lpse, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["lpse", "date"], name="organizations_holiday_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Agency(models.Model):
    """An agency the LPSE serves (K/L/PD, SKPD, BUMN, BUMD, non-government; LT 8(3), KA 6(2))."""

    lpse = models.ForeignKey(Lpse, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=250)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["lpse", "code"], name="organizations_agency_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkUnit(models.Model):
    """A work unit (satuan kerja, satker) of an agency: where budgets and packages sit."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="work_units")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=250)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="organizations_workunit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LpseUnit(models.Model):
    """A unit of the LPSE's own organisation (LT 4-13, KA 8-13): Pengarah, Penanggungjawab,
    Koordinator, Kepala, Sekretariat, and the three operating units."""

    lpse = models.ForeignKey(Lpse, on_delete=models.CASCADE, related_name="units")
    kind = models.CharField(_("kind"), max_length=32, choices=LpseUnitKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    duties = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("LPSE unit")
        verbose_name_plural = _("LPSE units")
        constraints = [
            models.UniqueConstraint(
                fields=["lpse", "kind"], name="organizations_lpseunit_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class StaffAssignment(models.Model):
    """A person placed in an LPSE unit, with position, period and appointment letter (SK)."""

    unit = models.ForeignKey(LpseUnit, on_delete=models.PROTECT, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lpse_staff_assignments"
    )
    position = models.CharField(_("position"), max_length=120)
    is_head = models.BooleanField(_("head of unit"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    sk_number = models.CharField(_("SK number"), max_length=120)
    sk_date = models.DateField(_("SK date"))
    role_assignment = models.OneToOneField(
        "accounts.RoleAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_assignment",
        help_text=_(
            "The LPSE staff role granted with this placement; revoked when the placement ends."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="organizations_staffassignment_period_valid",
            ),
            # A person holds at most one open placement in a given unit.
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=Q(ended_at__isnull=True),
                name="organizations_staffassignment_one_open_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"
