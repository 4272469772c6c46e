"""Ikut tender: a vendor joins an announced tender (issue 4 item 8; domain.md step 6).

Refused unless the vendor is verified and not on the blacklist
(vendors.services.participation.vendor_assert_may_participate), outside the join window by the
server clock (the stages with StageAction.JOIN: pengumuman and download in pascakualifikasi,
the pre-qualification announcement in prakualifikasi, the bid upload of pengadaan langsung),
for a pengadaan langsung to which the vendor was not invited, and when the vendor's business
qualification does not fit the package's. People who hold an official role never join.
Joining twice returns the first Participant (a double click is harmless).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openlpse.core import audit, clock, errors
from openlpse.tenders import permissions_documents as perms
from openlpse.tenders.enums import BusinessQualification, StageAction, TenderMethod
from openlpse.tenders.models import Participant, Tender
from openlpse.tenders.selectors_vendor import allowed_qualifications
from openlpse.tenders.services.common import lock_tender, touch_public
from openlpse.tenders.windows import assert_open
from openlpse.vendors.models import Vendor
from openlpse.vendors.services.participation import vendor_assert_may_participate


def _acting_vendor(actor: Any) -> Vendor:
    if perms.holds_official_role(actor):
        raise errors.SeparationOfDuties(
            _(
                "You hold an official role (for example PPK, Pokja or LPSE staff), so you "
                "cannot join a tender as a vendor. Use your company's own account."
            ),
            code="official_cannot_join",
        )
    vendor_id = perms.acting_vendor_id(actor)
    vendor = Vendor.objects.filter(pk=vendor_id).first() if vendor_id else None
    if vendor is None:
        raise errors.PermissionDenied(
            _(
                "Only the administrator or staff of a registered vendor can join a tender. "
                "Sign in with your company's account."
            ),
            code="not_vendor",
        )
    return vendor


def _qualification_refusal(tender: Tender, vendor: Vendor) -> errors.PermissionDenied:
    wanted = BusinessQualification(tender.package.business_qualification)
    return errors.PermissionDenied(
        _(
            "Tender %(code)s is for vendors of business qualification “%(wanted)s”; "
            "%(company)s is registered as “%(has)s”. Only vendors of that qualification can "
            "join. If your company's qualification changed, update it in your company data "
            "and have it verified."
        )
        % {
            "code": tender.code,
            "wanted": wanted.label,
            "company": vendor.name,
            "has": vendor.get_business_scale_display(),
        },
        code="business_qualification_mismatch",
    )


def tender_join(*, actor: Any, tender: Tender, ip: str | None = None) -> Participant:
    """Join `tender` for the vendor `actor` acts for; returns the Participant (the existing
    one when the vendor already joined)."""
    vendor = _acting_vendor(actor)
    with transaction.atomic():
        tender = lock_tender(tender)
        # Issue 3 item 6: verified by any LPSE of the deployment, not blacklisted.
        vendor_assert_may_participate(vendor=vendor, lpse=tender.lpse)
        existing = Participant.objects.filter(tender=tender, vendor=vendor).first()
        if existing is not None:
            return existing
        if (
            tender.method == TenderMethod.PENGADAAN_LANGSUNG
            and tender.invited_vendor_id != vendor.pk
        ):
            raise errors.PermissionDenied(
                _(
                    "This direct procurement (pengadaan langsung) is open only to the vendor "
                    "the Pejabat Pengadaan invited."
                ),
                code="not_invited",
            )
        # Architecture §4: the window is decided by the server clock inside the transaction.
        assert_open(tender, StageAction.JOIN, what=_("Joining the tender"))
        if tender.package.business_qualification not in allowed_qualifications(vendor):
            raise _qualification_refusal(tender, vendor)
        try:
            with transaction.atomic():
                participant = Participant.objects.create(
                    tender=tender,
                    vendor=vendor,
                    joined_by=actor,
                    joined_at=clock.now(),
                    ip=ip or None,
                )
        except IntegrityError:
            # Another request of the same vendor won the race (the unique constraint).
            return Participant.objects.get(tender=tender, vendor=vendor)
        touch_public(tender)  # the peserta page lists participants
        audit.record(
            actor=actor,
            action="tender.join",
            obj=participant,
            changes={"tender": tender.code, "vendor": vendor.pk, "vendor_name": vendor.name},
            lpse_id=tender.lpse_id,
        )
    return participant
