from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Participant(models.Model):
    """A vendor that joined ("ikut tender") a tender: verified, not blacklisted, inside the
    join window by the server clock (domain.md step 6). The bids work builds on this row."""

    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.CASCADE, related_name="participants"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="participations"
    )
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["tender", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "vendor"], name="tenders_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}:{self.vendor_id}"


class Question(models.Model):
    """A question in pemberian penjelasan (aanwijzing) and the committee's answer. Answers are
    visible to every participant; the asker is anonymous to everyone but the committee and
    the asking vendor (domain.md step 6). A question is accepted only while its stage is open;
    the committee may answer after the close (spse-reference §2.4)."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="questions")
    stage_code = models.CharField(_("stage"), max_length=40)
    number = models.PositiveIntegerField(_("question no."))
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("about (section or page)"), max_length=200, blank=True)
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="tenders_question_number"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="tenders_question_answer_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id} Q{self.number}"


class ExplanationMinutes(models.Model):
    """The BAPP (berita acara pemberian penjelasan): a PDF generated from the questions and
    answers of one explanation stage, hashed and stored. A regenerated BAPP is a new version."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="minutes")
    stage_code = models.CharField(_("stage"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    question_count = models.PositiveIntegerField(_("questions"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("explanation minutes (BAPP)")
        verbose_name_plural = _("explanation minutes (BAPP)")
        ordering = ["tender", "stage_code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "stage_code", "version"], name="tenders_minutes_version"
            )
        ]

    def __str__(self) -> str:
        return f"BAPP {self.tender_id} v{self.version}"
