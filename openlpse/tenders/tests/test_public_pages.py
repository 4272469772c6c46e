"""One tender's public pages: pengumuman, jadwal (changes and reasons, times in the LPSE zone),
peserta, dokumen (SHA-256, addenda), a cancelled tender, and drafts hidden exactly like codes
that do not exist."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from openlpse.core.timezones import local_datetime_label
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders.enums import (
    AddendumStatus,
    DocumentKind,
    RequirementKind,
    TenderMethod,
)
from openlpse.tenders.models import QualificationRequirement, Question
from openlpse.tenders.stages import template_for
from openlpse.tenders.tests.factories import announced_tender, join
from openlpse.tenders.tests.public_support import (
    addendum,
    cancelled_tender,
    change_schedule,
    document,
    draft_tender,
)
from openlpse.vendors.enums import LicenceKind
from openlpse.vendors.tests.factories import make_verified_vendor

pytestmark = pytest.mark.django_db

PAGES = ("public_announcement", "public_schedule", "public_participants", "public_documents")


def normalised(response, code: str) -> str:
    text = response.content.decode().replace(code, "CODE")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def url(name: str, code: str) -> str:
    return reverse(f"tenders:{name}", args=[code])


@pytest.fixture
def tender(lpse_karangasem):
    officials = make_planning_officials(lpse=lpse_karangasem)
    return announced_tender(officials=officials, open_stage="penjelasan", name="Jalan Lingkar")


@pytest.fixture
def english(client):
    client.cookies["openlpse_language"] = "en"
    return client


class TestHiddenIsNotFound:
    @pytest.mark.parametrize("name", [*PAGES, "public_detail"])
    def test_a_draft_answers_exactly_like_a_missing_code(self, client, name):
        draft = draft_tender(code="T9990001")
        hidden = client.get(url(name, draft.code))
        missing = client.get(url(name, "T9990002"))
        assert hidden.status_code == missing.status_code == 404
        # Byte for byte, but for the path echoed in the language switch and the CSRF token
        # (masked afresh in every response).
        assert normalised(hidden, draft.code) == normalised(missing, "T9990002")

    def test_a_tender_cancelled_before_its_announcement_was_never_public(self, client):
        never = cancelled_tender(announced=False)
        for name in PAGES:
            assert client.get(url(name, never.code)).status_code == 404

    def test_the_tender_address_leads_to_its_announcement(self, client, tender):
        response = client.get(url("public_detail", tender.code))
        assert response.status_code == 302
        assert response["Location"] == url("public_announcement", tender.code)


class TestAnnouncement:
    def test_shows_the_tender_package_rup_and_requirements(self, english, tender):
        QualificationRequirement.objects.create(
            tender=tender,
            position=1,
            kind=RequirementKind.LICENCE,
            licence_kind=LicenceKind.NIB,
            classification="KBLI 42101",
            text="Memiliki NIB dengan KBLI 42101.",
        )
        vendor = make_verified_vendor(name="CV Maju Jaya")
        join(tender, vendor)
        participant = tender.participants.get()
        Question.objects.create(
            tender=tender,
            stage_code="penjelasan",
            number=1,
            participant=participant,
            asked_by=vendor.created_by,
            text="Berapa tebal aspal?",
            asked_at=tender.announced_at,
        )
        response = english.get(url("public_announcement", tender.code))
        assert response.status_code == 200
        content = response.content.decode()
        package = tender.package
        for text in (
            tender.code,
            "Jalan Lingkar",
            package.agency.name,
            package.work_unit.name,
            package.rup_item.code,
            "Construction works (pekerjaan konstruksi)",
            "Post-qualification, one file",
            "IDR 600,000,000.00",  # HPS of the factory's two lines
            "IDR 1,500,000,000.00",  # pagu
            "Regional budget (APBD) 2026",
            "Memiliki NIB dengan KBLI 42101.",
            "Explanation (aanwijzing)",  # current stage
            "1 participant",
            "1 question, 0 answered",
        ):
            assert text in content, text
        assert "Berapa tebal aspal?" not in content  # the public sees counts only
        assert "CV Maju Jaya" not in content
        with translation.override("en"):
            assert local_datetime_label(tender.announced_at, "Asia/Makassar") in content
        assert response.context["request"].lpse == tender.lpse

    def test_a_cancelled_tender_says_so_with_its_public_reason(self, english):
        cancelled = cancelled_tender(reason="Anggaran dialihkan untuk penanganan bencana.")
        for name in PAGES:
            content = english.get(url(name, cancelled.code)).content.decode()
            assert "Tender cancelled (Tender Batal)" in content
            assert "Anggaran dialihkan untuk penanganan bencana." in content

    def test_stage_names_are_indonesian_by_default(self, client, tender):
        content = client.get(url("public_announcement", tender.code)).content.decode()
        assert "Pemberian Penjelasan" in content


class TestSchedule:
    def test_rows_in_template_order_with_times_in_the_lpse_zone(self, english, tender):
        response = english.get(url("public_schedule", tender.code))
        rows = response.context["rows"]
        assert [r.code for r in rows] == [s.code for s in template_for(tender.method)]
        assert [r.position for r in rows] == list(range(1, len(rows) + 1))
        assert [r.code for r in rows if r.is_current] == ["penjelasan"]
        content = response.content.decode()
        for heading in ("No.", "Stage", "Starts", "Ends", "Changes"):
            assert f">{heading}</th>" in content
        stage = tender.stages.get(code="penjelasan")
        with translation.override("en"):
            assert local_datetime_label(stage.starts_at, "Asia/Makassar") in content
            assert local_datetime_label(stage.ends_at, "Asia/Makassar") in content
        assert "WITA" in content and "WIB" not in content

    def test_changes_are_counted_per_stage_and_listed_with_their_reasons(self, english, tender):
        change_schedule(
            tender, codes=["penjelasan", "upload_penawaran"], reason="Banyak pertanyaan."
        )
        change_schedule(tender, codes=["upload_penawaran"], reason="Gangguan server.")
        response = english.get(url("public_schedule", tender.code))
        counts = {r.code: r.change_count for r in response.context["rows"]}
        assert counts["upload_penawaran"] == 2
        assert counts["penjelasan"] == 1
        assert counts["pengumuman"] == 0
        changes = response.context["changes"]
        assert [(b.number, b.reason, len(b.rows)) for b in changes] == [
            (1, "Banyak pertanyaan.", 2),
            (2, "Gangguan server.", 1),
        ]
        content = response.content.decode()
        assert "2 changes" in content
        assert "1 change<" in content
        assert "The schedule was changed 2 times." in content
        assert "Banyak pertanyaan." in content and "Gangguan server." in content

    def test_a_wib_lpse_shows_wib(self, english, lpse_lampung_timur):
        tender = announced_tender(officials=make_planning_officials(lpse=lpse_lampung_timur))
        content = english.get(url("public_schedule", tender.code)).content.decode()
        stage = tender.stages.get(code="pengumuman")
        with translation.override("en"):
            assert local_datetime_label(stage.starts_at, "Asia/Jakarta") in content
        assert "WITA" not in content

    def test_every_method_has_its_stages(self, client):
        for method in TenderMethod:
            tender = announced_tender(method=method)
            response = client.get(url("public_schedule", tender.code))
            assert response.status_code == 200
            assert len(response.context["rows"]) == len(template_for(method))


class TestParticipants:
    def test_names_and_count(self, english, tender):
        for name in ("CV Maju Jaya", "PT Bangun Nusa"):
            join(tender, make_verified_vendor(name=name))
        response = english.get(url("public_participants", tender.code))
        content = response.content.decode()
        assert [p.vendor.name for p in response.context["participants"]] == [
            "CV Maju Jaya",
            "PT Bangun Nusa",
        ]
        assert "2 participants" in content
        assert "CV Maju Jaya" in content and "PT Bangun Nusa" in content

    def test_none_yet(self, english, tender):
        content = english.get(url("public_participants", tender.code)).content.decode()
        assert "No vendor has joined this tender yet." in content


class TestDocuments:
    def test_every_public_version_with_its_sha256_and_no_pending_addendum(self, english, tender):
        first = document(tender, version=1, content=b"versi satu", superseded=True)
        published = addendum(tender, number=1)
        second = document(tender, version=2, addendum=published, content=b"versi dua")
        pending = addendum(tender, number=2, status=AddendumStatus.AWAITING_PPK)
        hidden = document(tender, version=3, addendum=pending, content=b"versi tiga")
        response = english.get(url("public_documents", tender.code))
        assert [d.pk for d in response.context["documents"]] == [second.pk, first.pk]
        assert [a.number for a in response.context["addenda"]] == [1]
        content = response.content.decode()
        assert first.file.sha256 in content and second.file.sha256 in content
        assert hidden.file.sha256 not in content
        assert "Superseded" in content and "Addendum 1" in content
        assert published.reason in content and pending.reason not in content

    def test_the_announcement_shows_the_documents_in_force(self, english, tender):
        old = document(tender, version=1, content=b"lama", superseded=True)
        current = document(
            tender,
            version=2,
            addendum=addendum(tender),
            content=b"baru",
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
        )
        content = english.get(url("public_announcement", tender.code)).content.decode()
        assert current.file.sha256 in content
        assert old.file.sha256 not in content


def test_pages_are_get_only(client, tender):
    for name in PAGES:
        assert client.post(url(name, tender.code)).status_code == 405


def test_detail_pages_cost_a_fixed_number_of_queries(client, tender, django_assert_max_num_queries):
    for n in range(5):
        join(tender, make_verified_vendor(name=f"CV Peserta {n}"))
    # 9 or 10 today (the tender with its related rows and prefetches, stage labels, the page's
    # own list, the layout's LPSE); a margin for the layout's menu as apps add entries.
    for name in PAGES:
        with django_assert_max_num_queries(12):
            assert client.get(url(name, tender.code)).status_code == 200
