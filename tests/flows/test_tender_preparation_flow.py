"""Issue 4 story across apps, through the services every page and API endpoint calls:
RUP → package → Pokja → set-up → approvals → announcement → join → Q&A → addendum → schedule
change, with the server clock moved, never slept on. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from openlpse.core import clock, errors
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.models import AuditEvent
from openlpse.core.notifications import inbox
from openlpse.organizations.tests.factories import HolidayFactory, LpseFactory
from openlpse.plans.enums import FundingSource, PlannedMethod, ProcurementType, RupStatus
from openlpse.plans.services import rup
from openlpse.plans.tests.factories import make_planning_officials
from openlpse.tenders.enums import (
    AddendumStatus,
    BusinessQualification,
    ContractType,
    DocumentKind,
    Envelope,
    EvaluationMethod,
    PackageStatus,
    TenderMethod,
    TenderStatus,
)
from openlpse.tenders.errors import StageEnded
from openlpse.tenders.models import Participant, Question, ScheduleChange, TenderDocument
from openlpse.tenders.schedule import default_layout
from openlpse.tenders.selectors_questions import questions_for
from openlpse.tenders.services import (
    addenda,
    documents,
    packages,
    participation,
    pokja,
    questions,
    schedule_changes,
    setup,
)
from openlpse.tenders.tests.factories import make_committee
from openlpse.vendors.tests.factories import make_verified_vendor, pdf_upload

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


def _next_monday() -> dt.datetime:
    """A Monday, 09:00 WITA, one to two weeks from the real today: the factories' roles start
    30 days before the real today, so the story must happen after that."""
    day = timezone.now().astimezone(WITA).date() + dt.timedelta(days=7)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=WITA)


# The PA starts planning on a Monday morning; that Thursday is a holiday.
MONDAY = _next_monday()


def _rup_fields(code: str) -> rup.RupFields:
    return rup.RupFields(
        code=code,
        name="Rekonstruksi Jalan Amlapura - Rendang",
        fiscal_year=MONDAY.year,
        pagu=Decimal("2500000000"),
        funding_source=FundingSource.APBD,
        procurement_type=ProcurementType.KONSTRUKSI,
        planned_method=PlannedMethod.TENDER,
        selection_start_month=MONDAY.month,
        selection_end_month=MONDAY.month,
        contract_start_month=MONDAY.month,
        contract_end_month=12,
        location="Kecamatan Rendang",
    )


def test_from_rup_item_to_an_announced_tender_with_questions_and_an_addendum():
    lpse = LpseFactory(time_zone="Asia/Makassar", name="LPSE Kabupaten Karangasem")
    HolidayFactory(lpse=lpse, date=MONDAY.date() + dt.timedelta(days=3), name="Hari libur")
    officials = make_planning_officials(lpse)
    committee = make_committee(officials)
    chair, second, third = committee.pokja
    vendor = make_verified_vendor(lpse=lpse, business_scale="kecil")
    vendor_user = vendor.created_by

    with clock.frozen(MONDAY):
        # 1. The PA announces the RUP item; a package cannot come from a draft.
        item = rup.rup_create(
            actor=officials.pa, agency=officials.agency, data=_rup_fields("40100001")
        )
        with pytest.raises(errors.DomainError):
            packages.package_create(
                actor=officials.ppk,
                rup_item=item,
                contract_type=ContractType.HARGA_SATUAN,
                business_qualification=BusinessQualification.KECIL,
            )
        item = rup.rup_announce(actor=officials.pa, item=item)
        assert item.status == RupStatus.ANNOUNCED

        # 2. The PPK makes the package: an HPS over the pagu is refused, then a valid one.
        package = packages.package_create(
            actor=officials.ppk,
            rup_item=item,
            contract_type=ContractType.HARGA_SATUAN,
            business_qualification=BusinessQualification.KECIL,
        )
        with pytest.raises(errors.ValidationError) as over:
            packages.package_set_hps(
                actor=officials.ppk,
                package=package,
                items=[
                    {
                        "name": "Aspal",
                        "unit": "ton",
                        "quantity": "2000",
                        "unit_price": "1650000",
                        "notes": "",
                    }
                ],
            )
        assert over.value.code == "hps_over_pagu"
        package = packages.package_set_hps(
            actor=officials.ppk,
            package=package,
            items=[
                {
                    "name": "Aspal",
                    "unit": "ton",
                    "quantity": "1000",
                    "unit_price": "1650000",
                    "notes": "",
                }
            ],
        )
        assert package.hps_total == Decimal("1650000000.00")
        packages.package_upload_document(
            actor=officials.ppk, package=package, which="kak", upload=pdf_upload("kak.pdf")
        )
        package = packages.package_send(
            actor=officials.ppk, package=package, ulp_agency=committee.ulp_agency
        )
        assert package.status == PackageStatus.SENT

        # 3. The head of the ULP assigns the Pokja; the PPK may not sit on it.
        with pytest.raises(errors.SeparationOfDuties):
            pokja.pokja_assign(
                actor=committee.ulp_head,
                package=package,
                members=[chair, second, officials.ppk],
                chair=chair,
                sk_number="027/1/2026",
            )
        pokja.pokja_assign(
            actor=committee.ulp_head,
            package=package,
            members=[chair, second, third],
            chair=chair,
            sk_number="027/1/2026",
        )
        package.refresh_from_db()
        assert package.status == PackageStatus.ASSIGNED

        # 4. The chair sets up a 2-file tender with its schedule, every member approves.
        tender = setup.tender_create(actor=chair, package=package, method=TenderMethod.PASCA_2_FILE)
        setup.tender_update_setup(
            actor=chair,
            tender=tender,
            evaluation_method=EvaluationMethod.SISTEM_NILAI,
            technical_weight=Decimal("70"),
            price_weight=Decimal("30"),
            technical_passing_grade=Decimal("70"),
            bid_validity_days=60,
        )
        setup.tender_set_required_documents(
            actor=chair,
            tender=tender,
            items=[
                {"envelope": Envelope.FILE_1, "name": "Metode pelaksanaan", "mandatory": True},
                {
                    "envelope": Envelope.FILE_2,
                    "name": "Daftar kuantitas dan harga",
                    "mandatory": True,
                },
            ],
        )
        documents.document_upload(
            actor=chair,
            tender=tender,
            kind=DocumentKind.DOKUMEN_PEMILIHAN,
            title="Dokumen Pemilihan",
            upload=pdf_upload("dokumen-pemilihan.pdf"),
        )
        cal = WorkingCalendar.for_lpse(lpse)
        layout = default_layout(tender.method, MONDAY + dt.timedelta(days=1), cal)
        setup.tender_set_schedule(actor=chair, tender=tender, rows=layout)
        setup.tender_approve(actor=chair, tender=tender)
        setup.tender_approve(actor=second, tender=tender)
        with pytest.raises(errors.DomainError):  # kolektif kolegial: one member missing
            setup.tender_announce(actor=chair, tender=tender)
        setup.tender_approve(actor=third, tender=tender)
        # Issue 5: the chair's key ceremony (in Python) before the announcement.
        from openlpse.bids.tests.factories import make_envelope_keys

        make_envelope_keys(tender, with_system=False)
        tender = setup.tender_announce(actor=chair, tender=tender)
        assert tender.status == TenderStatus.ANNOUNCED

    # 5. The vendor joins inside the window; a double click gives the same participant.
    begins, _ends = layout["penjelasan"]
    with clock.frozen(begins - dt.timedelta(hours=2)):
        first = participation.tender_join(actor=vendor_user, tender=tender)
        again = participation.tender_join(actor=vendor_user, tender=tender)
    assert first.pk == again.pk
    assert Participant.objects.filter(tender=tender).count() == 1

    # 6. A question during the explanation stage, answered by the Pokja; none after the close.
    with clock.frozen(begins + dt.timedelta(minutes=30)):
        question = questions.question_ask(
            actor=vendor_user, tender=tender, text="Berapa lama masa pelaksanaan?"
        )
        questions.question_answer(actor=second, question=question, answer="120 hari kalender.")
    penjelasan_end = layout["penjelasan"][1]
    with clock.frozen(penjelasan_end + dt.timedelta(minutes=1)), translation.override("en"):
        with pytest.raises(StageEnded) as late:
            questions.question_ask(actor=vendor_user, tender=tender, text="Satu lagi?")
        assert "closed" in str(late.value)
    assert Question.objects.filter(tender=tender).count() == 1
    visible = questions_for(user=vendor_user, tender=tender)
    assert [(q.answer, q.is_yours) for q in visible.rows] == [("120 hari kalender.", True)]

    # 7. An addendum that changes the specifications needs the PPK's approval first.
    with clock.frozen(penjelasan_end + dt.timedelta(hours=1)):
        addendum = addenda.addendum_create(
            actor=chair,
            tender=tender,
            reason="Penyesuaian spesifikasi aspal.",
            changes_specifications=True,
            documents=[
                addenda.NewDocument(
                    kind=DocumentKind.DOKUMEN_PEMILIHAN,
                    title="Dokumen Pemilihan (Adendum 1)",
                    upload=pdf_upload("adendum-1.pdf"),
                )
            ],
        )
        with pytest.raises(errors.DomainError):
            addenda.addendum_publish(actor=chair, addendum=addendum)
        addendum = addenda.addendum_submit(actor=chair, addendum=addendum)
        addendum = addenda.addendum_decide(actor=officials.ppk, addendum=addendum, approve=True)
        addendum = addenda.addendum_publish(actor=chair, addendum=addendum)
    assert addendum.status == AddendumStatus.PUBLISHED
    versions = TenderDocument.objects.filter(tender=tender, kind=DocumentKind.DOKUMEN_PEMILIHAN)
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    assert inbox(user=vendor_user).filter(topic__startswith="tender").exists()

    # 8. A schedule change needs a reason and never moves an ended stage; it is counted.
    upload_start, upload_end = layout["upload_penawaran"]
    later = upload_end + dt.timedelta(days=7)
    with clock.frozen(penjelasan_end + dt.timedelta(hours=2)):
        with pytest.raises(errors.DomainError):
            schedule_changes.schedule_change(
                actor=chair,
                tender=tender,
                rows={"upload_penawaran": (upload_start, later)},
                reason="",
            )
        with pytest.raises(errors.DomainError):
            schedule_changes.schedule_change(
                actor=chair,
                tender=tender,
                rows={"penjelasan": (begins, penjelasan_end + dt.timedelta(days=1))},
                reason="Terlambat.",
            )
        new_rows = default_layout(tender.method, layout["pengumuman"][0], cal)
        shifted = {
            code: (start + dt.timedelta(days=7), end + dt.timedelta(days=7))
            for code, (start, end) in new_rows.items()
            if start > clock.now()
        }
        shifted = {
            code: (cal.snap_start(start), cal.snap_deadline(end))
            for code, (start, end) in shifted.items()
        }
        try:
            schedule_changes.schedule_change(
                actor=chair,
                tender=tender,
                rows=shifted,
                reason="Adendum dokumen pemilihan memerlukan tambahan waktu penyusunan penawaran.",
            )
        except errors.ValidationError as problem:  # pragma: no cover - shows the explanation
            raise AssertionError(problem.fields) from problem
    tender.refresh_from_db()
    assert tender.schedule_change_count == 1
    assert ScheduleChange.objects.filter(tender=tender).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"tender.schedule_set", "tender.question_ask", "tender.question_answer"} <= actions
