from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.tenders.enums import AddendumStatus, DocumentKind


class Addendum(models.Model):
    """An adendum to the tender documents, with its public reason. A change of the HPS, the
    specifications or the draft contract needs the PPK's approval first (spse-reference §2.4);
    joined vendors are notified when it is published."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveSmallIntegerField(_("addendum no."))
    reason = models.TextField(_("reason"))
    changes_hps = models.BooleanField(_("changes the HPS"), default=False)
    changes_specifications = models.BooleanField(_("changes the specifications"), default=False)
    changes_contract = models.BooleanField(_("changes the draft contract"), default=False)
    status = models.CharField(
        _("status"), max_length=14, choices=AddendumStatus.choices, default=AddendumStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    ppk_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ppk_decided_at = models.DateTimeField(_("PPK decided at"), null=True, blank=True)
    ppk_note = models.CharField(_("PPK's note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="tenders_addendum_number"),
            models.CheckConstraint(condition=~Q(reason=""), name="tenders_addendum_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id} adendum {self.number}"

    @property
    def needs_ppk(self) -> bool:
        return self.changes_hps or self.changes_specifications or self.changes_contract


class TenderDocument(models.Model):
    """One version of a tender document (dokumen pemilihan or dokumen kualifikasi). Its
    SHA-256 (of the stored file) is published so anyone can check a downloaded copy. A new
    version (from an addendum) supersedes the previous one; every version stays public."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=24, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    addendum = models.ForeignKey(
        Addendum, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["tender", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "kind", "version"], name="tenders_document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class DocumentDownload(models.Model):
    """Who downloaded which document version when (per vendor; the Pokja and auditors see it)."""

    document = models.ForeignKey(TenderDocument, on_delete=models.CASCADE, related_name="downloads")
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    downloaded_at = models.DateTimeField(_("downloaded at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("document download")
        verbose_name_plural = _("document downloads")
        ordering = ["-downloaded_at"]
        indexes = [models.Index(fields=["document", "vendor"])]

    def __str__(self) -> str:
        return f"{self.document_id} by {self.vendor_id}"
