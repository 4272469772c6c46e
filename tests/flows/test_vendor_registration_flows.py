"""Issue 3 stories across apps: register, reject, fix, approve, sign in; blacklist, sign-in
refused, period ends, sign-in works; verified at Lampung Timur, takes part at Karangasem."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from openlpse.accounts.enums import Role
from openlpse.accounts.models import User
from openlpse.accounts.permissions import has_active_role, today
from openlpse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import AgencyFactory
from openlpse.vendors import selectors
from openlpse.vendors.enums import REQUIRED_DOCUMENTS, DocumentType, VendorStatus
from openlpse.vendors.errors import Blacklisted
from openlpse.vendors.models import BlacklistEntry, Vendor, VerificationRequest
from openlpse.vendors.services import blacklist as blacklist_services
from openlpse.vendors.services import documents, registration, verification
from openlpse.vendors.services.participation import vendor_assert_may_participate
from openlpse.vendors.tests.factories import make_verified_vendor, make_verifikator, pdf_upload

pytestmark = pytest.mark.django_db

PASSWORD = "Rahasia-Penyedia-2026"


def _sign_in_ok(client, username: str, password: str = PASSWORD) -> bool:
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"identifier": username, "password": password}
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


def _register(lpse, *, username: str, npwp: str, nib: str, email: str) -> Vendor:
    token = registration.signup_token(email=email, lpse=lpse, language="id")
    vendor = registration.signup_confirm(
        token=token, username=username, password=PASSWORD, admin_name="Sri Wahyuni"
    )
    user = vendor.created_by
    registration.registration_save(
        actor=user,
        vendor=vendor,
        values={
            "name": "PT Maju Bersama Nusantara",
            "business_form": "pt",
            "business_scale": "kecil",
            "npwp": npwp,
            "nib": nib,
            "address": "Jl. Ahmad Yani No. 7",
            "province": "Lampung",
            "city": "Kabupaten Lampung Timur",
            "postal_code": "34111",
            "phone": "0725-555123",
            "email": email,
            "website": "",
            "admin_name": "Sri Wahyuni",
            "admin_nik": "1804015508850001",
            "admin_position": "Direktur Utama",
        },
        complete=True,
    )
    for kind in REQUIRED_DOCUMENTS:
        extra = {}
        if kind == DocumentType.IZIN_USAHA:
            extra = {
                "number": "9120001234567",
                "issuer": "OSS RBA",
                "valid_until": today() + dt.timedelta(days=700),
            }
        documents.document_upload(
            actor=user, vendor=vendor, kind=kind, upload=pdf_upload(f"{kind}.pdf"), **extra
        )
    return Vendor.objects.get(pk=vendor.pk)


def test_register_reject_fix_approve_sign_in(
    client, lpse_lampung_timur, django_capture_on_commit_callbacks
):
    verifikator = make_verifikator(lpse_lampung_timur)
    vendor = _register(
        lpse_lampung_timur,
        username="maju.bersama",
        npwp="01.234.567.8-901.000",
        nib="9120001234567",
        email="kantor@majubersama.co.id",
    )
    user = vendor.created_by
    assert vendor.status == VendorStatus.DRAFT

    # Before verification the person may sign in (to finish the registration), but holds no
    # vendor role and cannot take part.
    assert _sign_in_ok(client, "maju.bersama")
    assert not has_active_role(user, Role.VENDOR_ADMIN)

    request = registration.registration_submit(actor=user, vendor=vendor)
    assert Vendor.objects.get(pk=vendor.pk).status == VendorStatus.SUBMITTED

    # The verifikator finds the KTP unreadable.
    with django_capture_on_commit_callbacks(execute=True):
        verification.verification_reject(
            actor=verifikator,
            request=request,
            reviews={DocumentType.KTP: (False, "Foto KTP buram; unggah pindaian yang jelas.")},
            note="Perbaiki KTP.",
        )
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.REJECTED
    assert any("KTP" in m.body or "KTP" in m.subject for m in mail.outbox)
    with pytest.raises(Exception):  # noqa: B017  not verified: cannot take part
        vendor_assert_may_participate(vendor=vendor, lpse=lpse_lampung_timur)

    # The vendor uploads a new KTP (a new version; the old one stays) and resubmits.
    documents.document_upload(
        actor=user, vendor=vendor, kind=DocumentType.KTP, upload=pdf_upload("ktp-jelas.pdf")
    )
    assert vendor.documents.filter(kind=DocumentType.KTP).count() == 2
    second = registration.registration_submit(actor=user, vendor=Vendor.objects.get(pk=vendor.pk))
    assert second.pk != request.pk
    assert VerificationRequest.objects.filter(vendor=vendor).count() == 2

    verification.verification_approve(actor=verifikator, request=second)
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.VERIFIED
    assert vendor.verified_lpse == lpse_lampung_timur
    assert has_active_role(user, Role.VENDOR_ADMIN)
    vendor_assert_may_participate(vendor=vendor, lpse=lpse_lampung_timur)
    assert _sign_in_ok(client, "maju.bersama")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"vendor.verification_approve"} <= actions


def test_blacklist_sign_in_refused_until_the_period_ends(client, lpse_karangasem):
    vendor = make_verified_vendor(lpse=lpse_karangasem)
    holder = vendor.created_by
    holder.set_password(PASSWORD)
    holder.save()
    assert _sign_in_ok(client, holder.username)

    agency = AgencyFactory(lpse=lpse_karangasem)
    ppk = UserFactory()
    RoleAssignmentFactory(
        user=ppk, role=Role.PPK, scope_kind="agency", lpse=lpse_karangasem, agency=agency
    )
    verifikator = make_verifikator(lpse_karangasem)
    start = today()
    request = blacklist_services.blacklist_request_create(
        actor=ppk,
        vendor=vendor,
        lpse=lpse_karangasem,
        reason="Menyampaikan dokumen palsu pada tender jalan 2026",
        legal_basis="Perpres 16/2018 Pasal 78; Peraturan LKPP 17/2018",
        starts_on=start,
        ends_on=start + dt.timedelta(days=30),
        evidence=[pdf_upload("berita-acara.pdf")],
    )
    blacklist_services.blacklist_request_decide(
        actor=verifikator, request=request, approve=True, note="Terbukti."
    )
    entry = BlacklistEntry.objects.get(vendor=vendor)
    assert not User.objects.get(pk=holder.pk).is_active
    assert not _sign_in_ok(client, holder.username)
    with pytest.raises(Blacklisted):
        vendor_assert_may_participate(vendor=vendor, lpse=lpse_karangasem)
    # The public list shows it, with the NPWP masked.
    page = client.get(reverse("vendors:blacklist_public"))
    assert vendor.name in page.content.decode()
    assert vendor.npwp not in page.content.decode()

    # The period ends; the chronograph closes the entry and the account works again.
    with clock.frozen(clock.now() + dt.timedelta(days=32)):
        blacklist_services.blacklist_periods_run()
        entry.refresh_from_db()
        assert entry.ended_at is not None
        assert User.objects.get(pk=holder.pk).is_active
        assert selectors.blacklist_entry_for(vendor=vendor) is None
        assert _sign_in_ok(client, holder.username)


def test_vendor_verified_at_lampung_timur_takes_part_at_karangasem(
    client, sign_in, lpse_lampung_timur, lpse_karangasem
):
    verifikator = make_verifikator(lpse_lampung_timur)
    vendor = _register(
        lpse_lampung_timur,
        username="lintas.lpse",
        npwp="0012345678901000",
        nib="9120007654321",
        email="admin@lintas.co.id",
    )
    request = registration.registration_submit(actor=vendor.created_by, vendor=vendor)
    verification.verification_approve(actor=verifikator, request=request)
    vendor.refresh_from_db()
    # One registration for every LPSE of the deployment (issue 3 item 6).
    vendor_assert_may_participate(vendor=vendor, lpse=lpse_karangasem)
    assert vendor.verified_lpse == lpse_lampung_timur

    # A Karangasem official sees who verified it and when.
    ppk = UserFactory()
    RoleAssignmentFactory(user=ppk, role=Role.PPK, scope_kind="lpse", lpse=lpse_karangasem)
    sign_in(ppk, mfa=True)
    page = client.get(reverse("vendors:directory_detail", args=[vendor.pk])).content.decode()
    assert lpse_lampung_timur.name in page
    assert re.search(r"\d{4}", page)
