"""Collusion signals (issue 5 item 9; spse-reference §5.4): IP address, user agent and time of
each action kept for auditors (by their surat tugas) and LPSE staff; equal IPs across vendors
of one tender flagged; never public, never to vendors or the Pokja."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from openlpse.accounts.enums import Role, ScopeKind
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import selectors_audit as selectors
from openlpse.bids.models import Submission, Upload
from openlpse.core import errors
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.organizations.tests.world import give
from openlpse.tenders.enums import TenderMethod
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.vendors.tests.factories import make_verified_vendor, make_verifikator

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def _bid(tender, vendor, participant, *, ip, agent, at, version=1, effective=True):
    upload = Upload.objects.create(
        tender=tender,
        envelope="single",
        vendor=vendor,
        user=vendor.created_by,
        file_name="penawaran.pdf.lpsebid",
        length=1000,
        offset=1000,
        declared_sha256="a" * 64,
        staging_name=f"staging/{uuid.uuid4()}",
        status="finalized",
        created_at=at - dt.timedelta(minutes=1),
        updated_at=at,
        ip=ip,
        user_agent=agent,
    )
    return Submission.objects.create(
        tender=tender,
        envelope="single",
        vendor=vendor,
        participant=participant,
        upload=upload,
        version=version,
        file_name=upload.file_name,
        size=1000,
        sha256="a" * 64,
        storage_name=f"bids/{tender.code}/{uuid.uuid4().hex}",
        received_at=at,
        receipt_number=f"R-{uuid.uuid4().hex[:12]}",
        receipt={},
        receipt_signature="sig",
        is_effective=effective,
        submitted_by=vendor.created_by,
        ip=ip,
        user_agent=agent,
    )


@pytest.fixture
def case():
    """Three bidders: A and B upload from the same office IP; B and C with the same browser
    three minutes apart from different addresses; D alone, an hour later."""
    tender = announced_tender(method=TenderMethod.PASCA_1_FILE, open_stage="upload_penawaran")
    now = timezone.now()
    vendors = {}
    for name in ("A", "B", "C", "D"):
        vendor = make_verified_vendor(lpse=tender.lpse, name=f"PT {name}")
        vendors[name] = (vendor, join(tender, vendor))
    _bid(tender, *vendors["A"], ip="10.1.2.3", agent=FIREFOX, at=now - dt.timedelta(hours=3))
    _bid(tender, *vendors["B"], ip="10.1.2.3", agent=CHROME, at=now - dt.timedelta(hours=2))
    _bid(
        tender,
        *vendors["C"],
        ip="203.0.113.7",
        agent=CHROME,
        at=now - dt.timedelta(hours=2) + dt.timedelta(minutes=3),
    )
    _bid(tender, *vendors["D"], ip="198.51.100.9", agent=CHROME, at=now - dt.timedelta(minutes=20))
    tender.vendors = vendors  # type: ignore[attr-defined]
    return tender


def _auditor(tender, codes=None):
    user = UserFactory()
    if codes is None:
        give(user, Role.AUDITOR, lpse=tender.lpse, scope_kind=ScopeKind.LPSE)
    else:
        give(
            user,
            Role.AUDITOR,
            lpse=tender.lpse,
            scope_kind=ScopeKind.PACKAGES,
            scope_ref=codes,
            ends_on=timezone.localdate() + dt.timedelta(days=30),
        )
    return user


def test_same_ip_across_vendors_is_flagged(case):
    report = selectors.tender_signals(user=_auditor(case), tender=case)
    assert [(g.key, [v[1] for v in g.vendors]) for g in report.same_ip] == [
        ("10.1.2.3", ["PT A", "PT B"])
    ]
    assert report.flagged_ips == {"10.1.2.3"}
    kinds = sorted((s.kind, s.vendor_name) for s in report.signals if s.kind != "join")
    assert len(kinds) == 8  # one upload and one submission per vendor
    submission = next(
        s for s in report.signals if s.kind == "submission" and s.vendor_name == "PT C"
    )
    assert (submission.ip, submission.user_agent, submission.detail) == (
        "203.0.113.7",
        CHROME,
        "effective",
    )


def test_same_user_agent_within_minutes_is_grouped(case):
    report = selectors.tender_signals(user=_auditor(case), tender=case)
    assert [(g.key, [v[1] for v in g.vendors]) for g in report.same_user_agent] == [
        (CHROME, ["PT B", "PT C"])
    ]
    # D's same browser an hour and a half later is not in the group.
    assert all("PT D" not in [v[1] for v in g.vendors] for g in report.same_user_agent)
    wider = selectors.tender_signals(user=_auditor(case), tender=case, minutes=200)
    assert [v[1] for v in wider.same_user_agent[0].vendors] == ["PT B", "PT C", "PT D"]


def test_a_single_vendor_from_one_ip_is_not_flagged(case):
    vendor, participant = case.vendors["A"]
    _bid(
        case,
        vendor,
        participant,
        ip="10.9.9.9",
        agent=FIREFOX,
        at=timezone.now() - dt.timedelta(minutes=5),
        version=2,
        effective=False,
    )
    report = selectors.tender_signals(user=_auditor(case), tender=case)
    assert "10.9.9.9" not in report.flagged_ips


def test_who_may_see_the_signals(case):
    lpse = case.lpse
    lpse_staff = make_verifikator(lpse)
    lpse_admin = UserFactory()
    give(lpse_admin, Role.LPSE_ADMIN, lpse=lpse, scope_kind=ScopeKind.LPSE)
    allowed = [
        _auditor(case),
        _auditor(case, codes=f"{case.package.code},P-OTHER"),
        lpse_staff,
        lpse_admin,
        UserFactory(is_superuser=True),
    ]
    other_lpse_auditor = UserFactory()
    give(other_lpse_auditor, Role.AUDITOR, lpse=LpseFactory(), scope_kind=ScopeKind.LPSE)
    refused = [
        _auditor(case, codes="P-OTHER"),
        case.committee.chair,
        *case.committee.pokja[1:],
        case.package.ppk,
        case.vendors["A"][0].created_by,
        case.vendors["D"][0].created_by,
        other_lpse_auditor,
        UserFactory(),
    ]
    for user in allowed:
        assert selectors.can_view_signals(user, case), user
        assert selectors.tender_signals(user=user, tender=case).same_ip
    for user in refused:
        assert not selectors.can_view_signals(user, case), user
        with pytest.raises(errors.NotFound):
            selectors.tender_signals(user=user, tender=case)


def test_pages_show_signals_to_auditors_only(client, sign_in, case):
    url = reverse("bids:audit_signals", args=[case.code])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "10.1.2.3" not in anonymous.content.decode()
    for vendor, _ in case.vendors.values():
        client.force_login(vendor.created_by)
        response = client.get(url)
        assert response.status_code == 404 and b"10.1.2.3" not in response.content
    for member in case.committee.pokja:
        sign_in(member, mfa=True)
        response = client.get(url)
        assert response.status_code == 404 and b"10.1.2.3" not in response.content
    sign_in(_auditor(case), mfa=True)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "10.1.2.3" in body and "203.0.113.7" in body and "PT B" in body
    assert page["Cache-Control"] == "private, no-store"
    listing = client.get(reverse("bids:audit_signal_tenders"))
    assert listing.status_code == 200 and case.code in listing.content.decode()


def test_the_public_tender_pages_never_show_signals(client, case):
    for name, args in (
        ("tenders:public_announcement", [case.code]),
        ("tenders:public_list", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200
        body = response.content.decode()
        for value in ("10.1.2.3", "203.0.113.7", "198.51.100.9", "Chrome/130.0"):
            assert value not in body
