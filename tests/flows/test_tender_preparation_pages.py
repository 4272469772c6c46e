"""Issue 4 story through the pages ("done when"): a PA announces a new RUP item, the PPK makes
its package (HPS, KAK) and sends it to the ULP, the head assigns the Pokja, the chair sets up
and uploads the dokumen pemilihan, every member approves, the chair announces; a vendor joins
and asks a question that a Pokja member answers; the public jadwal shows the tender.

Every step is the Django test client posting to the real URL as the person who would click,
following the redirect, checking the status, the message shown and the rows written. The
server clock is moved with `clock.frozen` (the views read it), never slept on. Runs on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from openlpse.accounts.models import RoleAssignment
from openlpse.core import clock
from openlpse.core.models import AuditEvent
from openlpse.organizations.tests.factories import LpseFactory
from openlpse.plans.enums import RupStatus
from openlpse.plans.models import RupItem
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders.enums import (
    DocumentKind,
    Envelope,
    EvaluationMethod,
    PackageStatus,
    SelectionUnit,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.models import (
    DocumentDownload,
    HpsItem,
    Package,
    Participant,
    PokjaMember,
    Question,
    RequiredDocument,
    Tender,
    TenderApproval,
    TenderDocument,
)
from openlpse.tenders.tests.factories import make_committee
from openlpse.vendors.models import Vendor
from openlpse.vendors.tests.factories import PDF_BYTES, make_verified_vendor, pdf_upload

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
# Monday 2 March 2026, 09:00 WITA: the PA announces the RUP item and the set-up is done.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=WITA)
APPOINTED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=WITA)


def _wita(day: int, hour: int) -> dt.datetime:
    """A moment of March 2026 in WITA."""
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=WITA)


def _as(client: Any, sign_in: Any, user: Any, *, official: bool = True) -> Any:
    """The next person at the keyboard: sign the previous one out, this one in (officials
    with their second factor), pages in English (the source language of the messages)."""
    client.logout()
    sign_in(user, mfa=official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _submit(client: Any, url: str, data: dict[str, Any], *, lands_on: str) -> Any:
    """POST as the page's form does, follow the redirect and check where it lands."""
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, response.content.decode()[:3000]
    assert response.redirect_chain == [(lands_on, 302)]
    return response


def _page(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return response


def _formset_post(formset: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the browser sends for the formset the page rendered: its management form, `rows`
    in the first forms and the remaining (spare) forms left empty."""
    management = formset.management_form
    data = {
        management.add_prefix(name): management.initial[name]
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    }
    assert len(rows) <= len(formset.forms)
    for form, row in zip(formset.forms, rows, strict=False):
        for name, value in row.items():
            data[form.add_prefix(name)] = value
    return data


def test_new_rup_item_to_an_announced_tender_a_question_and_its_answer_through_the_pages(
    client, sign_in
):
    lpse = LpseFactory(
        slug="karangasem", name="LPSE Kabupaten Karangasem", time_zone="Asia/Makassar"
    )
    officials = make_planning_officials(lpse)
    committee = make_committee(officials)
    chair, second, third = committee.pokja
    vendor = make_verified_vendor(lpse=lpse, business_scale="kecil")
    # The factories date roles and the verification from the real today; the story's people
    # were appointed, and the vendor verified, well before its Monday.
    RoleAssignment.objects.update(
        starts_on=APPOINTED.date(), letter_date=APPOINTED.date(), granted_at=APPOINTED
    )
    Vendor.objects.filter(pk=vendor.pk).update(
        submitted_at=APPOINTED, verified_at=APPOINTED + dt.timedelta(days=1)
    )

    with clock.frozen(MONDAY):
        # --- 1. The PA writes the RUP item and announces it -------------------------------
        _as(client, sign_in, officials.pa)
        create_url = reverse("plans:rup_create")
        form = _page(client, create_url).context["form"]
        scope = f"{officials.agency.pk}:{officials.work_unit.pk}"
        assert scope in dict(form.fields["scope"].choices)
        response = client.post(
            create_url,
            {
                "scope": scope,
                "code": "40200001",
                "name": "Rekonstruksi Jalan Amlapura - Rendang",
                "fiscal_year": "2026",
                "pagu": "2.500.000.000",
                "funding_source": "apbd",
                "procurement_type": "konstruksi",
                "planned_method": "tender",
                "selection_start_month": "3",
                "selection_end_month": "4",
                "contract_start_month": "5",
                "contract_end_month": "11",
                "location": "Kecamatan Rendang",
                "description": "Rekonstruksi jalan kabupaten sepanjang 4 km.",
            },
            follow=True,
        )
        item = RupItem.objects.get()
        detail_url = reverse("plans:rup_detail", args=[item.pk])
        assert response.status_code == 200
        assert response.redirect_chain == [(detail_url, 302)]
        assert _messages(response) == [
            "The RUP item was saved as a draft. Announce it to publish it."
        ]
        assert (item.status, item.agency, item.work_unit, item.pagu, item.created_by) == (
            RupStatus.DRAFT,
            officials.agency,
            officials.work_unit,
            Decimal("2500000000.00"),
            officials.pa,
        )
        response = _submit(
            client,
            reverse("plans:rup_announce", args=[item.pk]),
            {"reason": ""},
            lands_on=detail_url,
        )
        assert _messages(response) == ["The RUP item is announced."]
        item.refresh_from_db()
        assert (item.status, item.revision, item.announced_at) == (
            RupStatus.ANNOUNCED,
            1,
            MONDAY,
        )
        assert list(item.revisions.values_list("number", flat=True)) == [1]

        # --- 2. The PPK makes the package, its HPS and KAK, and sends it to the ULP --------
        _as(client, sign_in, officials.ppk)
        choose = _page(client, reverse("tenders:package_create"))
        assert [row.pk for row in choose.context["items"]] == [item.pk]
        create_url = reverse("tenders:package_create") + f"?rup={item.pk}"
        form = _page(client, create_url).context["form"]
        assert "work_unit" not in form.fields  # the RUP item's work unit is the package's
        response = client.post(
            reverse("tenders:package_create"),
            {
                "rup": str(item.pk),
                "name": "Rekonstruksi Jalan Amlapura - Rendang",
                "contract_type": "harga_satuan",
                "business_qualification": "kecil",
                "description": "Lapis aspal dan drainase.",
            },
            follow=True,
        )
        package = Package.objects.get()
        hps_url = reverse("tenders:package_hps", args=[package.pk])
        package_url = reverse("tenders:package_detail", args=[package.pk])
        assert response.status_code == 200
        assert response.redirect_chain == [(hps_url, 302)]
        assert _messages(response) == [f"Package {package.code} was made. Now enter its HPS."]
        assert (
            package.rup_item,
            package.status,
            package.ppk,
            package.work_unit,
            package.pagu,
            package.hps_total,
            package.business_qualification,
        ) == (
            item,
            PackageStatus.DRAFT,
            officials.ppk,
            officials.work_unit,
            Decimal("2500000000.00"),
            Decimal("0.00"),
            "kecil",
        )

        formset = response.context["formset"]
        assert len(formset.forms) == 3  # no line yet: three empty rows
        rows = [
            {
                "name": "Aspal hotmix AC-WC",
                "unit": "ton",
                "quantity": "1000",
                "unit_price": "1650000",
            },
            {"name": "Saluran drainase", "unit": "m", "quantity": "800", "unit_price": "250000.50"},
        ]
        response = _submit(client, hps_url, _formset_post(formset, rows), lands_on=package_url)
        assert _messages(response) == ["The HPS was saved."]
        lines = HpsItem.objects.filter(package=package).order_by("position")
        assert [(x.position, x.name, x.unit, x.quantity, x.unit_price, x.total) for x in lines] == [
            (
                1,
                "Aspal hotmix AC-WC",
                "ton",
                Decimal("1000"),
                Decimal("1650000.00"),
                Decimal("1650000000.00"),
            ),
            (
                2,
                "Saluran drainase",
                "m",
                Decimal("800"),
                Decimal("250000.50"),
                Decimal("200000400.00"),
            ),
        ]
        package.refresh_from_db()
        assert package.hps_total == Decimal("1850000400.00")

        documents_url = reverse("tenders:package_documents", args=[package.pk])
        _page(client, documents_url + "?which=kak")
        response = _submit(
            client,
            documents_url,
            {"which": "kak", "file": pdf_upload("kak-jalan-rendang.pdf")},
            lands_on=package_url,
        )
        assert _messages(response) == ["The document was uploaded."]
        package.refresh_from_db()
        assert package.kak_file is not None
        download = client.get(reverse("tenders:package_document", args=[package.pk, "kak"]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES

        send_url = reverse("tenders:package_send", args=[package.pk])
        form = _page(client, send_url).context["form"]
        assert str(committee.ulp_agency.pk) in dict(form.fields["ulp_agency"].choices)
        response = _submit(
            client,
            send_url,
            {"target": "ulp", "ulp_agency": str(committee.ulp_agency.pk)},
            lands_on=package_url,
        )
        assert _messages(response) == ["The package was sent."]
        package.refresh_from_db()
        assert (package.status, package.selection_unit, package.ulp_agency, package.sent_at) == (
            PackageStatus.SENT,
            SelectionUnit.ULP,
            committee.ulp_agency,
            MONDAY,
        )

        # --- 3. The head of the ULP assigns the Pokja --------------------------------------
        _as(client, sign_in, committee.ulp_head)
        incoming = _page(client, reverse("tenders:package_incoming"))
        assert [p.pk for p in incoming.context["page"].object_list] == [package.pk]
        assign_url = reverse("tenders:package_pokja_assign", args=[package.pk])
        form = _page(client, assign_url).context["form"]
        assert {str(u.pk) for u in committee.pokja} <= set(dict(form.fields["members"].choices))
        response = _submit(
            client,
            assign_url,
            {
                "members": [str(chair.pk), str(second.pk), str(third.pk)],
                "chair": str(chair.pk),
                "sk_number": "027/14/SK-POKJA/2026",
            },
            lands_on=package_url,
        )
        assert _messages(response) == ["The Pokja was assigned; its members were told."]
        package.refresh_from_db()
        assert package.status == PackageStatus.ASSIGNED
        members = PokjaMember.objects.filter(package=package, removed_at__isnull=True)
        assert sorted((m.user_id, m.is_chair, m.sk_number, m.assigned_by_id) for m in members) == (
            sorted(
                (u.pk, u == chair, "027/14/SK-POKJA/2026", committee.ulp_head.pk)
                for u in (chair, second, third)
            )
        )

        # --- 4. The chair creates the tender and sets it up ------------------------------
        _as(client, sign_in, chair)
        waiting = _page(client, reverse("tenders:setup_my_tenders")).context["waiting"]
        assert [p.pk for p in waiting] == [package.pk]
        create_url = reverse("tenders:setup_create", args=[package.pk])
        form = _page(client, create_url).context["form"]
        assert TenderMethod.PENGADAAN_LANGSUNG not in dict(form.fields["method"].choices)
        response = client.post(create_url, {"method": TenderMethod.PASCA_1_FILE}, follow=True)
        tender = Tender.objects.get()
        setup_url = reverse("tenders:setup_detail", args=[tender.pk])
        assert response.status_code == 200
        assert response.redirect_chain == [(setup_url, 302)]
        assert _messages(response) == [
            f"Tender {tender.code} was created with the default schedule of its method."
        ]
        assert (tender.package, tender.lpse, tender.method, tender.status, tender.created_by) == (
            package,
            lpse,
            TenderMethod.PASCA_1_FILE,
            TenderStatus.DRAFT,
            chair,
        )
        # The method's 12 stages, from the next working day's opening: Tuesday 08:00 WITA.
        assert tender.stages.count() == 12
        assert tender.stages.get(code="pengumuman").starts_at == _wita(3, 8)

        edit_url = reverse("tenders:setup_edit", args=[tender.pk])
        _page(client, edit_url)
        response = _submit(
            client,
            edit_url,
            {
                "evaluation_method": EvaluationMethod.HARGA_TERENDAH,
                "technical_weight": "",
                "price_weight": "",
                "technical_passing_grade": "",
                "economic_life_years": "",
                "bid_validity_days": "90",
            },
            lands_on=setup_url,
        )
        assert _messages(response) == ["The evaluation settings were saved."]
        tender.refresh_from_db()
        assert (tender.evaluation_method, tender.bid_validity_days) == (
            EvaluationMethod.HARGA_TERENDAH,
            90,
        )

        required_url = reverse("tenders:setup_documents", args=[tender.pk])
        formset = _page(client, required_url).context["formset"]
        rows = [
            {"envelope": Envelope.SINGLE, "name": "Surat penawaran", "mandatory": "on"},
            {"envelope": Envelope.SINGLE, "name": "Metode pelaksanaan", "mandatory": "on"},
            {"envelope": Envelope.SINGLE, "name": "Daftar personel inti"},
        ]
        response = _submit(client, required_url, _formset_post(formset, rows), lands_on=setup_url)
        assert _messages(response) == ["Saved. The set-up needs the committee's approval again."]
        assert list(
            RequiredDocument.objects.filter(tender=tender)
            .order_by("position")
            .values_list("position", "envelope", "name", "mandatory")
        ) == [
            (1, Envelope.SINGLE, "Surat penawaran", True),
            (2, Envelope.SINGLE, "Metode pelaksanaan", True),
            (3, Envelope.SINGLE, "Daftar personel inti", False),
        ]

        documents_url = reverse("tenders:document_list", args=[tender.pk])
        page = _page(client, documents_url)
        assert page.context["can_upload"] is True
        response = _submit(
            client,
            documents_url,
            {
                "kind": DocumentKind.DOKUMEN_PEMILIHAN,
                "title": "Dokumen Pemilihan Nomor 027/DP/14/2026",
                "file": pdf_upload("dokumen-pemilihan.pdf"),
            },
            lands_on=documents_url,
        )
        document = TenderDocument.objects.get(tender=tender)
        assert _messages(response) == [
            "Selection document (dokumen pemilihan) uploaded. SHA-256: "
            f"{document.file.sha256}. Every member must approve the set-up again."
        ]
        assert (
            document.kind,
            document.version,
            document.title,
            document.uploaded_by,
            document.superseded_at,
        ) == (
            DocumentKind.DOKUMEN_PEMILIHAN,
            1,
            "Dokumen Pemilihan Nomor 027/DP/14/2026",
            chair,
            None,
        )

        # --- 5. Every member approves (kolektif kolegial), then the chair announces -------
        tender.refresh_from_db()
        version = tender.setup_version
        approve_url = reverse("tenders:setup_approve", args=[tender.pk])
        announce_url = reverse("tenders:setup_announce", args=[tender.pk])
        for member in (chair, second):
            _as(client, sign_in, member)
            response = _submit(client, approve_url, {}, lands_on=setup_url)
            assert _messages(response) == [f"You approved version {version} of the set-up."]

        # One approval missing: the announcement is refused with the reason, nothing changes.
        _as(client, sign_in, chair)
        response = _submit(client, announce_url, {}, lands_on=setup_url)
        [refusal] = _messages(response)
        assert refusal.startswith(
            "The tender cannot be announced yet: Every committee member must approve the "
            f"current set-up (version {version}); still missing: "
        )
        assert (third.get_full_name() or third.username) in refusal
        tender.refresh_from_db()
        assert (tender.status, tender.announced_at) == (TenderStatus.DRAFT, None)

        _as(client, sign_in, third)
        response = _submit(client, approve_url, {}, lands_on=setup_url)
        assert _messages(response) == [f"You approved version {version} of the set-up."]
        assert sorted(
            TenderApproval.objects.filter(tender=tender).values_list("user_id", "setup_version")
        ) == sorted((u.pk, version) for u in (chair, second, third))

        # Issue 5: the chair's key ceremony (in Python) before the announce click.
        from openlpse.bids.tests.factories import make_envelope_keys

        make_envelope_keys(tender, with_system=False)
        _as(client, sign_in, chair)
        response = _submit(client, announce_url, {}, lands_on=setup_url)
        assert _messages(response) == ["The tender was announced."]
        assert response.context["blockers"] == []
        tender.refresh_from_db()
        assert (tender.status, tender.announced_at, tender.announced_by, tender.setup_version) == (
            TenderStatus.ANNOUNCED,
            MONDAY,
            chair,
            version,
        )
        document.refresh_from_db()
        assert document.published_at == MONDAY

    stages = {s.code: s for s in tender.stages.all()}
    assert len(stages) == 12  # the announcement keeps the schedule
    penjelasan = stages["penjelasan"]
    # The default layout from Tuesday: announcement and download open Tuesday 08:00 WITA, the
    # explanation stage runs Thursday 08:00 to Friday 16:00 WITA.
    assert [
        (code, stages[code].starts_at, stages[code].ends_at)
        for code in ("pengumuman", "download_dokumen", "penjelasan")
    ] == [
        ("pengumuman", _wita(3, 8), _wita(10, 16)),
        ("download_dokumen", _wita(3, 8), _wita(13, 16)),
        ("penjelasan", _wita(5, 8), _wita(6, 16)),
    ]

    # --- 6. Inside the join window the vendor joins (a second click changes nothing) -------
    joining = stages["pengumuman"].starts_at + dt.timedelta(hours=2)
    assert joining < penjelasan.starts_at
    with clock.frozen(joining):
        _as(client, sign_in, vendor.created_by, official=False)
        vendor_url = reverse("tenders:vendor_tender_detail", args=[tender.pk])
        before = _page(client, vendor_url)
        assert before.context["can_join"] is True
        assert before.context["problems"] == []
        join_url = reverse("tenders:vendor_join", args=[tender.pk])
        response = _submit(client, join_url, {}, lands_on=vendor_url)
        assert _messages(response) == [
            f"{vendor.name} takes part in tender {tender.code}. You can now download its documents."
        ]
        assert response.context["can_join"] is False
        again = _submit(client, join_url, {}, lands_on=vendor_url)
        assert _messages(again) == _messages(response)
        participant = Participant.objects.get(tender=tender)
        assert (participant.vendor, participant.joined_by, participant.joined_at) == (
            vendor,
            vendor.created_by,
            joining,
        )
        download = client.get(
            reverse("tenders:vendor_document_download", args=[tender.pk, document.pk])
        )
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert list(
            DocumentDownload.objects.values_list("document", "vendor", "user", "downloaded_at")
        ) == [(document.pk, vendor.pk, vendor.created_by.pk, joining)]

    # --- 7. During the explanation stage the vendor asks, a Pokja member answers -----------
    asking = penjelasan.starts_at + dt.timedelta(minutes=30)
    with clock.frozen(asking):
        # Two days later: the session of Tuesday has expired, the vendor signs in again.
        _as(client, sign_in, vendor.created_by, official=False)
        qa_url = reverse("tenders:qa_vendor", args=[tender.pk])
        assert _page(client, qa_url).context["asking_open"] is True
        response = _submit(
            client,
            qa_url,
            {"subject": "BAB III, Lembar Data Pemilihan", "text": "Berapa masa pelaksanaan?"},
            lands_on=qa_url,
        )
        assert _messages(response) == [
            "Your question was sent as question 1. The Pokja will answer it."
        ]
        question = Question.objects.get(tender=tender)
        assert (
            question.number,
            question.stage_code,
            question.participant,
            question.asked_by,
            question.subject,
            question.text,
            question.asked_at,
            question.answer,
            question.answered_at,
        ) == (
            1,
            "penjelasan",
            participant,
            vendor.created_by,
            "BAB III, Lembar Data Pemilihan",
            "Berapa masa pelaksanaan?",
            asking,
            "",
            None,
        )

    answering = asking + dt.timedelta(hours=1)
    with clock.frozen(answering):
        _as(client, sign_in, second)
        committee_url = reverse("tenders:qa_committee", args=[tender.pk])
        board = _page(client, committee_url).context["board"]
        assert [row.id for row in board.rows] == [question.pk]
        answer_url = reverse("tenders:qa_answer", args=[tender.pk, question.pk])
        _page(client, answer_url)
        response = _submit(
            client,
            answer_url,
            {"answer": "120 hari kalender sejak SPMK."},
            lands_on=f"{committee_url}#q-1",
        )
        assert _messages(response) == ["The answer to question 1 was saved."]
        question.refresh_from_db()
        assert (question.answer, question.answered_by, question.answered_at) == (
            "120 hari kalender sejak SPMK.",
            second,
            answering,
        )

        # The vendor reads the answer on its page.
        _as(client, sign_in, vendor.created_by, official=False)
        rows = _page(client, qa_url).context["board"].rows
        assert [(row.answer, row.is_yours) for row in rows] == [
            ("120 hari kalender sejak SPMK.", True)
        ]

        # --- 8. Anyone sees the tender's jadwal, in WITA, at the explanation stage ---------
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = _page(client, reverse("tenders:public_schedule", args=[tender.code]))
        assert response.context["tender"] == tender
        rows = response.context["rows"]
        assert [row.code for row in rows] == [
            s.code for s in sorted(stages.values(), key=lambda s: s.position)
        ]
        assert [row.code for row in rows if row.is_current] == [
            "pengumuman",
            "download_dokumen",
            "penjelasan",
        ]
        html = response.content.decode()
        assert tender.code in html
        assert tender.name in html
        assert "5 March 2026 08:00 WITA" in html  # the explanation stage starts
        assert "6 March 2026 16:00 WITA" in html  # and ends

    # Every step went through its service: one audit event each, in the order of the story.
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "rup.create",
        "rup.announce",
        "package.create",
        "package.set_hps",
        "file.store",
        "package.upload_document",
        "package.send",
        "pokja.assign",
        "tender.create",
        "tender.setup_update",
        "tender.required_documents_set",
        "file.store",
        "tender.document_upload",
        "tender.approve",
        "tender.approve",
        "tender.approve",
        "tender.announce",
        "tender.join",
        "tender.question_ask",
        "tender.question_answer",
    ]
