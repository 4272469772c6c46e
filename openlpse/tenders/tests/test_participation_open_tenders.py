"""open_tenders_for_vendor: announced, join window open now, licences held (valid today,
classification mentioned), business qualification, PL invited only; my_tenders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openlpse.core import clock
from openlpse.tenders.enums import BusinessQualification, RequirementKind, TenderMethod
from openlpse.tenders.models import QualificationRequirement
from openlpse.tenders.selectors_vendor import (
    eligibility_problems,
    my_tenders,
    open_tenders_for_vendor,
)
from openlpse.tenders.tests.factories import TenderFactory, announced_tender, assigned_package, join
from openlpse.tenders.tests.participation_support import vendor_for
from openlpse.vendors.enums import BusinessScale, LicenceKind
from openlpse.vendors.models import BusinessLicence

pytestmark = pytest.mark.django_db


def _codes(vendor, **filters):
    return [t.code for t in open_tenders_for_vendor(vendor=vendor, **filters)]


def _licence(vendor, kind=LicenceKind.SIUJK, classification="", valid_until=None):
    return BusinessLicence.objects.create(
        vendor=vendor,
        kind=kind,
        number="503/123/SIUJK/2025",
        issuer="DPMPTSP",
        issued_on=dt.date(2025, 1, 2),
        valid_until=valid_until,
        classification=classification,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _require(tender, kind=LicenceKind.SIUJK, classification=""):
    return QualificationRequirement.objects.create(
        tender=tender,
        position=1,
        kind=RequirementKind.LICENCE,
        licence_kind=kind,
        classification=classification,
        text="Memiliki izin usaha jasa konstruksi",
    )


def test_lists_only_announced_tenders_whose_join_window_is_open_now():
    open_now = announced_tender(open_stage="pengumuman")
    downloading = announced_tender(open_stage="download_dokumen")
    closed = announced_tender(open_stage="upload_penawaran")
    future = announced_tender(open_stage="pengumuman", at=timezone.now() + dt.timedelta(days=3))
    TenderFactory(package=assigned_package())  # draft
    vendor = vendor_for(open_now)

    assert sorted(_codes(vendor)) == sorted([open_now.code, downloading.code])
    assert closed.code not in _codes(vendor)
    with clock.frozen(future.stages.get(code="pengumuman").starts_at):
        assert future.code in _codes(vendor)


def test_rows_carry_when_joining_closes_and_whether_the_vendor_joined():
    tender = announced_tender(open_stage="pengumuman")
    vendor = vendor_for(tender)
    join(tender, vendor)
    row = open_tenders_for_vendor(vendor=vendor).get()
    assert row.joined is True
    # The join stage open now is the announcement (one-day test stages).
    assert row.join_closes == tender.stages.get(code="pengumuman").ends_at


def test_licence_requirements_must_be_held_valid_today_with_the_classification():
    tender = announced_tender(open_stage="pengumuman")
    _require(tender, classification="BG004")
    vendor_without = vendor_for(tender)
    vendor_expired = vendor_for(tender)
    _licence(
        vendor_expired,
        classification="BG004 Konstruksi Gedung",
        valid_until=timezone.now().date() - dt.timedelta(days=1),
    )
    vendor_other_class = vendor_for(tender)
    _licence(vendor_other_class, classification="SI001 Jalan")
    vendor_ok = vendor_for(tender)
    _licence(vendor_ok, classification="bg004 konstruksi gedung", valid_until=timezone.now().date())
    vendor_other_kind = vendor_for(tender)
    _licence(vendor_other_kind, kind=LicenceKind.SIUP, classification="BG004")

    assert _codes(vendor_without) == []
    assert _codes(vendor_expired) == []
    assert _codes(vendor_other_class) == []
    assert _codes(vendor_other_kind) == []
    assert _codes(vendor_ok) == [tender.code]
    assert eligibility_problems(vendor=vendor_ok, tender=tender) == []
    assert len(eligibility_problems(vendor=vendor_without, tender=tender)) == 1


def test_a_requirement_without_classification_needs_only_the_licence_kind():
    tender = announced_tender(open_stage="pengumuman")
    _require(tender, kind=LicenceKind.NIB)
    holder = vendor_for(tender)
    _licence(holder, kind=LicenceKind.NIB, classification="")
    assert _codes(holder) == [tender.code]
    assert _codes(vendor_for(tender)) == []


def test_every_licence_requirement_must_be_met():
    tender = announced_tender(open_stage="pengumuman")
    _require(tender, kind=LicenceKind.NIB)
    QualificationRequirement.objects.create(
        tender=tender,
        position=2,
        kind=RequirementKind.LICENCE,
        licence_kind=LicenceKind.SBU,
        text="SBU",
    )
    QualificationRequirement.objects.create(
        tender=tender,
        position=3,
        kind=RequirementKind.EXPERIENCE,
        text="Pengalaman 1 paket",
    )
    vendor = vendor_for(tender)
    _licence(vendor, kind=LicenceKind.NIB)
    assert _codes(vendor) == []
    _licence(vendor, kind=LicenceKind.SBU)
    assert _codes(vendor) == [tender.code]


def test_business_qualification_filters_the_list():
    small_only = announced_tender(open_stage="pengumuman")
    small_only.package.business_qualification = BusinessQualification.KECIL
    small_only.package.save(update_fields=["business_qualification"])
    big_only = announced_tender(open_stage="pengumuman")
    big_only.package.business_qualification = BusinessQualification.NON_KECIL
    big_only.package.save(update_fields=["business_qualification"])
    anyone = announced_tender(open_stage="pengumuman")

    small = vendor_for(anyone, business_scale=BusinessScale.KECIL)
    big = vendor_for(anyone, business_scale=BusinessScale.NON_KECIL)

    assert sorted(_codes(small)) == sorted([small_only.code, anyone.code])
    assert sorted(_codes(big)) == sorted([big_only.code, anyone.code])


def test_pengadaan_langsung_is_listed_for_the_invited_vendor_only():
    invited = vendor_for(announced_tender())
    tender = announced_tender(
        method=TenderMethod.PENGADAAN_LANGSUNG,
        open_stage="upload_penawaran",
        invited_vendor=invited,
    )
    assert tender.code in _codes(invited)
    assert tender.code not in _codes(vendor_for(tender))


def test_filters_by_text_method_and_lpse():
    pasca = announced_tender(open_stage="pengumuman", name="Rehabilitasi Gedung Kantor Bupati")
    pra = announced_tender(method=TenderMethod.PRA_2_FILE, open_stage="pengumuman_prakualifikasi")
    vendor = vendor_for(pasca)
    assert _codes(vendor, query="gedung kantor") == [pasca.code]
    assert _codes(vendor, query=pra.code) == [pra.code]
    assert _codes(vendor, method=TenderMethod.PRA_2_FILE) == [pra.code]
    assert _codes(vendor, lpse=pasca.lpse) == [pasca.code]


def test_my_tenders_lists_the_joined_tenders_newest_first():
    first = announced_tender(open_stage="pengumuman")
    second = announced_tender(open_stage="upload_penawaran")
    vendor = vendor_for(first)
    join(first, vendor)
    join(second, vendor)
    join(first, vendor_for(first))
    assert [p.tender for p in my_tenders(vendor=vendor)] == [second, first]
