from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.tenders.enums import (
    Envelope,
    EvaluationMethod,
    GuaranteeKind,
    RequirementKind,
    TenderMethod,
    TenderStatus,
)
from openlpse.vendors.enums import LicenceKind

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Tender(models.Model):
    """One selection of a provider for a package: a tender (pasca/pra-kualifikasi, 1 or 2
    files; KA 15(2)c) or a pengadaan langsung, set up by its committee (the package's Pokja, or
    its Pejabat Pengadaan), approved by every member (kolektif kolegial) and announced
    (LT 8(2)b). A tender ulang is a new Tender linked to the failed one (`previous`).

    `setup_version` grows with every change of the set-up or the draft schedule; approvals
    count only for the current version. `schedule_change_count` counts the schedule changes
    after announcement, shown publicly ("2 kali perubahan").
    """

    package = models.ForeignKey("tenders.Package", on_delete=models.PROTECT, related_name="tenders")
    lpse = models.ForeignKey("organizations.Lpse", on_delete=models.PROTECT, related_name="tenders")
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="retender"
    )
    code = models.CharField(_("tender code"), max_length=40, unique=True)
    name = models.CharField(_("tender name"), max_length=300)
    method = models.CharField(_("method"), max_length=24, choices=TenderMethod.choices)
    template_version = models.CharField(_("stage template version"), max_length=20)
    evaluation_method = models.CharField(
        _("evaluation method"),
        max_length=20,
        choices=EvaluationMethod.choices,
        default=EvaluationMethod.HARGA_TERENDAH,
    )
    technical_weight = models.DecimalField(
        _("technical weight (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    price_weight = models.DecimalField(
        _("price weight (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    technical_passing_grade = models.DecimalField(
        _("technical passing grade"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    economic_life_years = models.PositiveSmallIntegerField(
        _("economic life (years)"), null=True, blank=True
    )
    bid_validity_days = models.PositiveSmallIntegerField(
        _("bid validity (days)"), default=60, validators=[MinValueValidator(1)]
    )
    invited_vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        help_text=_("Pengadaan langsung: the one vendor invited to quote."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    setup_version = models.PositiveIntegerField(_("set-up version"), default=1)
    schedule_change_count = models.PositiveIntegerField(_("schedule changes"), default=0)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    public_modified_at = models.DateTimeField(
        _("public data changed at"),
        null=True,
        blank=True,
        help_text=_("When anything public about the tender last changed (feeds and open data)."),
    )

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["lpse", "status", "-announced_at"]),
            models.Index(fields=["status", "-announced_at"]),
            models.Index(fields=["public_modified_at", "id"]),
        ]
        constraints = [
            # At most one live tender per package (a tender ulang comes after the old one ended).
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(status__in=[TenderStatus.DRAFT, TenderStatus.ANNOUNCED]),
                name="tenders_tender_one_live_per_package",
            ),
            models.CheckConstraint(
                condition=~Q(status=TenderStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="tenders_tender_cancellation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=TenderStatus.DRAFT)
                | Q(announced_at__isnull=False)
                | Q(status=TenderStatus.CANCELLED),
                name="tenders_tender_announced_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TenderStage(models.Model):
    """One row of the tender's schedule (jadwal): a stage of its method's template with the
    start and end the committee set. `change_count` is the public "Perubahan" column."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(_("stage"), max_length=40)
    position = models.PositiveSmallIntegerField(_("no."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    change_count = models.PositiveIntegerField(_("changes"), default=0)
    # The chronograph's notices at the stage's start and end (sent once each).
    start_notice_at = models.DateTimeField(_("start notice sent at"), null=True, blank=True)
    end_notice_at = models.DateTimeField(_("end notice sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["tender", "position"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["ends_at"])]
        constraints = [
            models.UniqueConstraint(fields=["tender", "code"], name="tenders_stage_code_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="tenders_stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.code}"


class ScheduleChange(models.Model):
    """A change of one stage's dates after announcement, with the reason every participant
    sees (architecture §4). One operation moving several stages shares one `batch`."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="schedule_changes")
    batch = models.PositiveIntegerField(_("change no."))
    stage_code = models.CharField(_("stage"), max_length=40)
    old_starts_at = models.DateTimeField(_("old start"))
    old_ends_at = models.DateTimeField(_("old end"))
    new_starts_at = models.DateTimeField(_("new start"))
    new_ends_at = models.DateTimeField(_("new end"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["tender", "batch", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="tenders_schedulechange_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.stage_code} #{self.batch}"


class TenderApproval(models.Model):
    """One committee member's approval of one version of the set-up (kolektif kolegial): the
    tender is announced only when every active member approved the current version."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    setup_version = models.PositiveIntegerField(_("set-up version"))
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("set-up approval")
        verbose_name_plural = _("set-up approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "user", "setup_version"], name="tenders_approval_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.user_id} v{self.setup_version}"


class QualificationRequirement(models.Model):
    """One syarat kualifikasi. A licence requirement names the licence kind (and, optionally,
    a classification/KBLI the vendor's licence must mention): the vendors' list of open
    tenders matches on it."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="requirements")
    position = models.PositiveSmallIntegerField(_("no."))
    kind = models.CharField(_("kind"), max_length=12, choices=RequirementKind.choices)
    licence_kind = models.CharField(
        _("licence"), max_length=10, choices=LicenceKind.choices, blank=True
    )
    classification = models.CharField(_("classification / KBLI"), max_length=120, blank=True)
    text = models.TextField(_("requirement"))

    class Meta:
        verbose_name = _("qualification requirement")
        verbose_name_plural = _("qualification requirements")
        ordering = ["tender", "position"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RequirementKind.LICENCE) | ~Q(licence_kind=""),
                name="tenders_requirement_licence_named",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class RequiredDocument(models.Model):
    """A document the bidder must (or may) put in an envelope."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="required_documents")
    position = models.PositiveSmallIntegerField(_("no."))
    envelope = models.CharField(_("envelope"), max_length=16, choices=Envelope.choices)
    name = models.CharField(_("document"), max_length=300)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["tender", "envelope", "position"]

    def __str__(self) -> str:
        return self.name


class RequiredGuarantee(models.Model):
    """A guarantee the tender asks for (jaminan penawaran, pelaksanaan, uang muka,
    pemeliharaan); a bid guarantee names its amount."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="guarantees")
    kind = models.CharField(_("guarantee"), max_length=12, choices=GuaranteeKind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("required guarantee")
        verbose_name_plural = _("required guarantees")
        constraints = [
            models.UniqueConstraint(fields=["tender", "kind"], name="tenders_guarantee_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class StageLabel(models.Model):
    """A deployment's (or one LPSE's) own label for a stage, for the stage names the research
    could not verify (spse-reference §2.2 B and D). Empty `lpse`: the whole deployment."""

    lpse = models.ForeignKey(
        "organizations.Lpse", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    method = models.CharField(_("method"), max_length=24, choices=TenderMethod.choices)
    code = models.CharField(_("stage"), max_length=40)
    name_id = models.CharField(_("name in Indonesian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        verbose_name = _("stage label")
        verbose_name_plural = _("stage labels")
        constraints = [
            models.UniqueConstraint(
                fields=["lpse", "method", "code"], name="tenders_stagelabel_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method}:{self.code}"
