from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.vendors.enums import DocumentType


class VendorDocument(models.Model):
    """One version of a registration document (LT 25(1)a.2). A new upload of the same kind
    makes a new version and the old one stays (history, LT 12(2)d archive); exactly one
    version per kind is current. Bytes and SHA-256 live in core.StoredFile."""

    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentType.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("document number"), max_length=120, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current version"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("vendor document")
        verbose_name_plural = _("vendor documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "kind", "version"], name="vendors_document_version_unique"
            ),
            models.UniqueConstraint(
                fields=["vendor", "kind"],
                condition=Q(is_current=True),
                name="vendors_document_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
