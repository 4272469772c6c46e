"""People the LPSE registers on a letter: officials (their NIP) and auditors (their request).

Officials (PA, KPA, PPK, head of ULP, Pokja members, Pejabat Pengadaan) are registered by their
agency's administrator with the appointment letter (SK) and its term (LT 25(1)b, 25(7)); the
appointment itself is a RoleAssignment. Auditors ask for access with a surat tugas; the LPSE
checks the letter and, on approval, grants the auditor role for the letter's packages or period
(LT 25(7); spse-reference §1 "e-Audit").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class OfficialProfile(models.Model):
    """What an official's account carries besides the User fields: the NIP.

    NIP (Nomor Induk Pegawai) is the 18-digit civil-servant number; it identifies one person
    nationally, so two accounts may not carry the same NIP.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_profile"
    )
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        help_text=_(
            "18-digit civil-servant number (Nomor Induk Pegawai), when the person has one."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("official profile")
        verbose_name_plural = _("official profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="accounts_officialprofile_nip_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.nip or '-'}"


class AuditorInstitution(models.TextChoices):
    """Who sends auditors (spse-reference §1: APIP, BPK, BPKP, APH)."""

    APIP = "apip", _("Government internal auditor (APIP, Inspektorat)")
    BPK = "bpk", _("Audit Board of the Republic of Indonesia (BPK)")
    BPKP = "bpkp", _("Finance and Development Supervisory Agency (BPKP)")
    APH = "aph", _("Law enforcement (APH: police, prosecutor's office, KPK)")
    OTHER = "other", _("Other institution")


class AuditorRegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AuditorRegistration(models.Model):
    """A request for auditor access to one LPSE, on a surat tugas (letter of assignment).

    The surat tugas names the packages to examine (their codes, `package_codes`, comma
    separated) and/or a period; access never outlasts `ends_on`. The LPSE's Unit Registrasi dan
    Verifikasi (or its administrator) checks the letter and approves or rejects it with a
    reason; approval creates or reuses the account (`user`) and grants the auditor role
    (`role_assignment`).
    """

    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.PROTECT, related_name="auditor_registrations"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    institution = models.CharField(
        _("institution"), max_length=12, choices=AuditorInstitution.choices
    )
    institution_name = models.CharField(
        _("name of the institution"),
        max_length=200,
        help_text=_("e.g. Inspektorat Kabupaten Lampung Timur, BPK Perwakilan Provinsi Bali."),
    )
    letter_number = models.CharField(_("letter number"), max_length=120)
    letter_date = models.DateField(_("letter date"))
    letter_file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    package_codes = models.CharField(
        _("package codes"),
        max_length=200,
        blank=True,
        help_text=_("The package codes named in the surat tugas, comma separated; empty: all."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AuditorRegistrationStatus.choices,
        default=AuditorRegistrationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"))
    ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        default="id",
        help_text=_("The language of the request page: the decision is e-mailed in it."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auditor_registrations",
    )
    role_assignment = models.OneToOneField(
        "accounts.RoleAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auditor_registration",
    )

    class Meta:
        verbose_name = _("auditor registration")
        verbose_name_plural = _("auditor registrations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["lpse", "status", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="accounts_auditorregistration_period_valid",
            ),
            # One request per person waits at an LPSE at a time (a double click makes one).
            models.UniqueConstraint(
                Lower("email"),
                "lpse",
                condition=Q(status=AuditorRegistrationStatus.PENDING),
                name="accounts_auditorregistration_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status=AuditorRegistrationStatus.REJECTED) | ~Q(decision_note=""),
                name="accounts_auditorregistration_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=AuditorRegistrationStatus.APPROVED)
                | (Q(user__isnull=False) & Q(role_assignment__isnull=False)),
                name="accounts_auditorregistration_approval_has_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.lpse} · {self.get_status_display()}"

    @property
    def package_code_list(self) -> list[str]:
        return [code for code in self.package_codes.split(",") if code]
