"""tender_join (ikut tender): verified and not blacklisted, inside the join window by the server
clock, PL only the invited vendor, business qualification, officials never, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from openlpse.core import clock, errors
from openlpse.core.models import AuditEvent
from openlpse.tenders import errors as tender_errors
from openlpse.tenders.enums import BusinessQualification, TenderMethod
from openlpse.tenders.models import Participant
from openlpse.tenders.services.participation import tender_join
from openlpse.tenders.tests.factories import announced_tender
from openlpse.tenders.tests.participation_support import vendor_for, vendor_staff
from openlpse.vendors.enums import BusinessScale, VendorStatus
from openlpse.vendors.tests.factories import (
    BlacklistEntryFactory,
    VendorFactory,
    grant_vendor_role,
    make_verifikator,
)

pytestmark = pytest.mark.django_db


def test_a_verified_vendor_joins_during_the_announcement():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)

    participant = tender_join(actor=vendor.created_by, tender=tender, ip="10.0.0.7")

    assert (participant.tender, participant.vendor, participant.joined_by) == (
        tender,
        vendor,
        vendor.created_by,
    )
    assert participant.ip == "10.0.0.7"
    event = AuditEvent.objects.get(action="tender.join")
    assert event.changes == {"tender": tender.code, "vendor": vendor.pk, "vendor_name": vendor.name}


def test_joining_twice_returns_the_same_participant():
    tender = announced_tender(open_stage="download_dokumen")
    vendor = vendor_for(tender)
    staff = vendor_staff(vendor)

    first = tender_join(actor=vendor.created_by, tender=tender)
    second = tender_join(actor=staff, tender=tender)

    assert second.pk == first.pk
    assert second.joined_by == vendor.created_by
    assert Participant.objects.count() == 1
    assert AuditEvent.objects.filter(action="tender.join").count() == 1


def test_joining_after_the_window_is_refused_by_the_server_clock():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    join_end = tender.stages.get(code="download_dokumen").ends_at

    with (
        clock.frozen(join_end),
        translation.override("en"),
        pytest.raises(tender_errors.StageEnded) as refused,
    ):
        tender_join(actor=vendor.created_by, tender=tender)

    assert refused.value.code == "stage_ended"
    assert str(refused.value).startswith("Joining the tender closed with the stage “")
    assert str(refused.value).endswith("by the server's clock. Nothing was saved.")
    assert Participant.objects.count() == 0


def test_one_second_before_the_end_is_still_inside():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    join_end = tender.stages.get(code="download_dokumen").ends_at
    with clock.frozen(join_end - dt.timedelta(seconds=1)):
        participant = tender_join(actor=vendor.created_by, tender=tender)
    assert participant.joined_at == join_end - dt.timedelta(seconds=1)


def test_joining_before_the_window_is_refused():
    tender = announced_tender(open_stage="pengumuman", at=timezone.now() + dt.timedelta(days=3))
    vendor = vendor_for(tender)
    with translation.override("en"), pytest.raises(tender_errors.StageNotStarted) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "stage_not_started"
    assert "Try again then." in str(refused.value)
    assert Participant.objects.count() == 0


def test_an_unverified_vendor_is_refused():
    tender = announced_tender(open_stage="pengumuman")
    vendor = VendorFactory(status=VendorStatus.SUBMITTED)
    grant_vendor_role(vendor.created_by, vendor)
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "vendor_not_verified"
    assert Participant.objects.count() == 0


def test_a_blacklisted_vendor_is_refused():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    BlacklistEntryFactory(vendor=vendor, npwp=vendor.npwp, company_name=vendor.name)
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "blacklisted"
    assert f"{vendor.name} is on the blacklist until" in str(refused.value)
    assert Participant.objects.count() == 0


def test_a_vendor_verified_by_another_lpse_may_join():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(announced_tender(open_stage="pengumuman"))
    assert vendor.verified_lpse_id != tender.lpse_id
    assert tender_join(actor=vendor.created_by, tender=tender).vendor == vendor


@pytest.mark.parametrize("who", ["ppk", "chair", "lpse_staff", "pa"])
def test_officials_never_join(who):
    tender = announced_tender(open_stage="pengumuman")
    actor = {
        "ppk": lambda: tender.officials.ppk,
        "chair": lambda: tender.committee.chair,
        "lpse_staff": lambda: make_verifikator(tender.lpse),
        "pa": lambda: tender.officials.pa,
    }[who]()
    with pytest.raises(errors.SeparationOfDuties) as refused:
        tender_join(actor=actor, tender=tender)
    assert refused.value.code == "official_cannot_join"
    assert Participant.objects.count() == 0


def test_an_official_who_also_holds_a_vendor_role_is_refused():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    grant_vendor_role(tender.officials.ppk, vendor)
    with pytest.raises(errors.SeparationOfDuties):
        tender_join(actor=tender.officials.ppk, tender=tender)
    assert Participant.objects.count() == 0


def test_the_registrant_of_a_company_without_a_vendor_role_is_refused():
    tender = announced_tender(open_stage="pengumuman")
    vendor = VendorFactory()
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "not_vendor"
    assert str(refused.value) == (
        "Only the administrator or staff of a registered vendor can join a tender. Sign in with "
        "your company's account."
    )


def test_pengadaan_langsung_only_the_invited_vendor():
    invited = vendor_for(announced_tender())
    tender = announced_tender(
        method=TenderMethod.PENGADAAN_LANGSUNG,
        open_stage="upload_penawaran",
        invited_vendor=invited,
    )
    other = vendor_for(tender)

    with pytest.raises(errors.PermissionDenied) as refused:
        tender_join(actor=other.created_by, tender=tender)
    participant = tender_join(actor=invited.created_by, tender=tender)

    assert refused.value.code == "not_invited"
    assert list(Participant.objects.values_list("vendor_id", flat=True)) == [invited.pk]
    assert participant.vendor == invited


def test_prakualifikasi_joins_in_the_prequalification_announcement_only():
    open_now = announced_tender(
        method=TenderMethod.PRA_2_FILE, open_stage="pengumuman_prakualifikasi"
    )
    later = announced_tender(method=TenderMethod.PRA_2_FILE, open_stage="download_dokumen")
    vendor = vendor_for(open_now)

    assert tender_join(actor=vendor.created_by, tender=open_now).tender == open_now
    with pytest.raises(tender_errors.StageEnded):
        tender_join(actor=vendor.created_by, tender=later)
    assert Participant.objects.filter(tender=later).count() == 0


@pytest.mark.parametrize(
    ("wanted", "scale", "joins"),
    [
        (BusinessQualification.KECIL, BusinessScale.KECIL, True),
        (BusinessQualification.KECIL, BusinessScale.NON_KECIL, False),
        (BusinessQualification.NON_KECIL, BusinessScale.NON_KECIL, True),
        (BusinessQualification.NON_KECIL, BusinessScale.KECIL, False),
        (BusinessQualification.SEMUA, BusinessScale.KECIL, True),
        (BusinessQualification.SEMUA, BusinessScale.NON_KECIL, True),
    ],
)
def test_business_qualification_must_match(wanted, scale, joins):
    tender = announced_tender(open_stage="pengumuman")
    tender.package.business_qualification = wanted
    tender.package.save(update_fields=["business_qualification"])
    vendor = vendor_for(tender, business_scale=scale)

    if joins:
        assert tender_join(actor=vendor.created_by, tender=tender).vendor == vendor
        return
    with translation.override("en"), pytest.raises(errors.PermissionDenied) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "business_qualification_mismatch"
    assert str(refused.value).startswith(f"Tender {tender.code} is for vendors of business")
    assert Participant.objects.count() == 0


def test_a_draft_tender_cannot_be_joined():
    from openlpse.tenders.tests.factories import TenderFactory, assigned_package

    tender = TenderFactory(package=assigned_package())
    vendor = vendor_for(tender)
    with pytest.raises(errors.Conflict) as refused:
        tender_join(actor=vendor.created_by, tender=tender)
    assert refused.value.code == "tender_not_announced"
