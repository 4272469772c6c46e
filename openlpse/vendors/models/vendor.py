from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openlpse.vendors.enums import BusinessForm, BusinessScale, VendorStatus


class Vendor(models.Model):
    """A business (penyedia barang/jasa) registered once for the whole deployment.

    Vendors are platform-wide (architecture §3): one registration, verified by the Unit
    Registrasi dan Verifikasi of any LPSE (LT 12, KA 12), lets the vendor take part at every
    LPSE of the deployment; `verified_lpse` and `verified_at` say who verified it and when.
    One user ID per vendor: NPWP and NIB are unique among vendors. The people who act for it
    hold the vendor_admin / vendor_staff roles (RoleAssignment, scope_ref = the vendor's id).
    """

    name = models.CharField(_("company name"), max_length=200)
    business_form = models.CharField(
        _("business form"), max_length=16, choices=BusinessForm.choices, blank=True
    )
    business_scale = models.CharField(
        _("business qualification"),
        max_length=16,
        choices=BusinessScale.choices,
        default=BusinessScale.KECIL,
    )
    # Digits only: 15 (old NPWP) or 16 (NPWP16 / NIK-based). Shown formatted.
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    address = models.TextField(_("address"), blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    city = models.CharField(_("city or regency"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("company e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The first administrator (issue 3 item 1); their account is `created_by`.
    admin_name = models.CharField(_("administrator's name"), max_length=200, blank=True)
    admin_nik = models.CharField(_("administrator's NIK"), max_length=16, blank=True)
    admin_position = models.CharField(_("administrator's position"), max_length=120, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=VendorStatus.choices, default=VendorStatus.DRAFT
    )
    registration_lpse = models.ForeignKey(
        "organizations.Lpse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("LPSE chosen for verification"),
    )
    verified_lpse = models.ForeignKey(
        "organizations.Lpse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by LPSE"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registered_vendors"
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        indexes = [models.Index(fields=["status", "registration_lpse"])]
        constraints = [
            models.UniqueConstraint(
                fields=["npwp"], condition=~Q(npwp=""), name="vendors_vendor_npwp_unique"
            ),
            models.UniqueConstraint(
                fields=["nib"], condition=~Q(nib=""), name="vendors_vendor_nib_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=VendorStatus.VERIFIED)
                | (Q(verified_lpse__isnull=False) & Q(verified_at__isnull=False)),
                name="vendors_vendor_verified_has_lpse",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def scope_ref(self) -> str:
        """The RoleAssignment.scope_ref of this vendor's people."""
        return str(self.pk)
