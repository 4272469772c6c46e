"""Demo plans and tenders, made through the same services the PA, PPK, ULP head, Pokja and
vendors use, so every row has its audit event and every rule was checked.

Each LPSE gets an announced RUP with an agreed adoption plan, tenders of all five methods in
different stages (questions and answers, an addendum, a BAPP, a cancelled tender), a tender
still in set-up for the demo Pokja, and an announced RUP item left for the demo PPK to take to
a tender through the pages.

Tenders that are already running need a past: the loader freezes the service clock
(`core.clock.frozen`) at the moments things happened (announcement, joining, questions), with
a schedule laid out so that the wanted stage is open at the real time of loading. Running the
demo later simply finds the tenders further along, as in real life.

Idempotent: a scenario whose RUP code exists is skipped.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from reportlab.pdfgen import canvas

from openlpse.accounts.models.user import User
from openlpse.core import clock
from openlpse.core.calendar import WorkingCalendar
from openlpse.core.demo import data
from openlpse.organizations.models import Agency, Lpse, WorkUnit
from openlpse.plans.enums import FundingSource, PlannedMethod, ProcurementType
from openlpse.plans.models import AdoptionPlan, RupItem
from openlpse.plans.services import adoption, rup
from openlpse.tenders.enums import (
    BusinessQualification,
    ContractType,
    DocumentKind,
    Envelope,
    EvaluationMethod,
    RequirementKind,
    StageAction,
    TenderMethod,
)
from openlpse.tenders.models import Package, Tender
from openlpse.tenders.schedule import default_layout
from openlpse.tenders.services import (
    addenda,
    cancellation,
    documents,
    minutes,
    packages,
    participation,
    pokja,
    questions,
    setup,
)
from openlpse.tenders.stages import stages_with, template_for
from openlpse.vendors.models import Vendor

DEMO_VENDOR_ADMIN = "vendor.admin"


def _pdf(title: str, *lines: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.setFont("Helvetica-Bold", 14)
    page.drawString(72, 770, title)
    page.setFont("Helvetica", 10)
    y = 745
    for line in (*lines, "Dokumen contoh untuk demo OpenLPSE (bukan dokumen asli)."):
        page.drawString(72, y, line)
        y -= 16
    page.save()
    name = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return SimpleUploadedFile(f"{name}.pdf", buffer.getvalue(), content_type="application/pdf")


@dataclass
class People:
    lpse: Lpse
    pa: User
    ppk: User
    ulp: User
    pokja: list[User]
    pp: User
    agency: Agency
    work_unit: WorkUnit
    ulp_agency: Agency


@dataclass
class Scenario:
    """One demo tender: its RUP item and package, the method, and the stage open at loading."""

    number: int
    name: str
    method: str
    open_stage: str | None  # None: left in set-up (draft)
    procurement_type: str = ProcurementType.KONSTRUKSI
    pagu: Decimal = Decimal("2500000000")
    hps: list[tuple[str, str, str, str]] = field(default_factory=list)
    questions: list[tuple[str, str, str]] = field(default_factory=list)  # subject, q, answer
    addendum: bool = False
    minutes: bool = False
    cancel_reason: str = ""


_WORKS = [
    ("Pekerjaan persiapan dan mobilisasi", "ls", "1", "45000000"),
    ("Galian tanah biasa", "m3", "1200", "85000"),
    ("Lapis pondasi agregat kelas A", "m3", "850", "780000"),
    ("Lapis aspal beton AC-WC", "ton", "620", "1650000"),
]
_GOODS = [
    ("Laptop kerja prosesor 8 inti, RAM 16 GB", "unit", "8", "14500000"),
    ("Printer laser A4", "unit", "3", "4200000"),
]
_CONSULTING = [
    ("Tenaga ahli utama (team leader)", "orang-bulan", "4", "38000000"),
    ("Tenaga ahli jalan", "orang-bulan", "4", "30000000"),
    ("Biaya langsung non-personel", "ls", "1", "60000000"),
]
_QUESTIONS = [
    (
        "Spesifikasi teknis Bab VII",
        "Apakah agregat kelas A boleh dari quarry di luar kabupaten asalkan memenuhi uji mutu?",
        "Boleh, sepanjang hasil uji laboratorium memenuhi spesifikasi dan dilampirkan.",
    ),
    (
        "Jadwal pelaksanaan",
        "Berapa lama masa pelaksanaan yang diminta dan kapan SPMK direncanakan terbit?",
        "Masa pelaksanaan 120 hari kalender sejak SPMK; SPMK direncanakan pekan kedua "
        "setelah penandatanganan kontrak.",
    ),
]


def _scenarios(lpse_prefix: str) -> list[Scenario]:
    if lpse_prefix == "lt":
        return [
            Scenario(
                1,
                "Peningkatan Jalan Ruas Sukadana - Pasar Sukadana",
                TenderMethod.PASCA_1_FILE,
                "penjelasan",
                hps=_WORKS,
                questions=_QUESTIONS,
                addendum=True,
            ),
            Scenario(
                2,
                "Rehabilitasi Jembatan Way Bungur",
                TenderMethod.PASCA_2_FILE,
                "upload_penawaran",
                hps=_WORKS,
            ),
            Scenario(
                3,
                "Jasa Konsultansi Perencanaan Drainase Kota Sukadana",
                TenderMethod.PRA_2_FILE,
                "kirim_kualifikasi",
                procurement_type=ProcurementType.KONSULTANSI_BADAN_USAHA,
                pagu=Decimal("450000000"),
                hps=_CONSULTING,
            ),
            Scenario(
                4,
                "Jasa Konsultansi Pengawasan Jalan Kabupaten",
                TenderMethod.PRA_1_FILE,
                "pengumuman_prakualifikasi",
                procurement_type=ProcurementType.KONSULTANSI_BADAN_USAHA,
                pagu=Decimal("400000000"),
                hps=_CONSULTING,
            ),
            Scenario(
                5,
                "Pengadaan Laptop dan Printer Bidang Bina Marga",
                TenderMethod.PENGADAAN_LANGSUNG,
                "upload_penawaran",
                procurement_type=ProcurementType.BARANG,
                pagu=Decimal("150000000"),
                hps=_GOODS,
            ),
            Scenario(
                6,
                "Pemeliharaan Berkala Jalan Ruas Labuhan Ratu",
                TenderMethod.PASCA_1_FILE,
                None,
                hps=_WORKS,
            ),
        ]
    return [
        Scenario(
            1,
            "Rekonstruksi Jalan Amlapura - Rendang",
            TenderMethod.PASCA_1_FILE,
            "evaluasi",
            hps=_WORKS,
            questions=_QUESTIONS,
            minutes=True,
        ),
        Scenario(
            2,
            "Pembangunan Talud Pengaman Pantai Ujung",
            TenderMethod.PASCA_2_FILE,
            "pengumuman",
            hps=_WORKS,
        ),
        Scenario(
            3,
            "Jasa Konsultansi Penyusunan DED Pasar Amlapura",
            TenderMethod.PRA_2_FILE,
            "evaluasi_kualifikasi",
            procurement_type=ProcurementType.KONSULTANSI_BADAN_USAHA,
            pagu=Decimal("500000000"),
            hps=_CONSULTING,
        ),
        Scenario(
            4,
            "Jasa Konsultansi Supervisi Irigasi Subak",
            TenderMethod.PRA_1_FILE,
            "penjelasan_kualifikasi",
            procurement_type=ProcurementType.KONSULTANSI_BADAN_USAHA,
            pagu=Decimal("400000000"),
            hps=_CONSULTING,
            questions=_QUESTIONS[1:],
        ),
        Scenario(
            5,
            "Pengadaan Perangkat Komputer Bidang Cipta Karya",
            TenderMethod.PENGADAAN_LANGSUNG,
            "evaluasi",
            procurement_type=ProcurementType.BARANG,
            pagu=Decimal("150000000"),
            hps=_GOODS,
        ),
        Scenario(
            6,
            "Pembangunan Gedung Balai Banjar Seraya",
            TenderMethod.PASCA_1_FILE,
            "pengumuman",
            hps=_WORKS,
            cancel_reason="Anggaran kegiatan dialihkan untuk penanganan bencana alam "
            "berdasarkan keputusan PA; paket akan ditender ulang pada tahun anggaran berikutnya.",
        ),
    ]


# --- helpers ---------------------------------------------------------------------------------


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _people(spec: data.LpseSpec) -> People:
    lpse = Lpse.objects.get(slug=spec.slug)
    prefix = spec.admin.username.split(".")[0]
    dpupr = Agency.objects.get(lpse=lpse, code="DPUPR")
    return People(
        lpse=lpse,
        pa=_user(f"{prefix}.pa"),
        ppk=_user(f"{prefix}.ppk"),
        ulp=_user(f"{prefix}.ulp"),
        pokja=[_user(f"{prefix}.pokja{n}") for n in (1, 2, 3)],
        pp=_user(f"{prefix}.pp"),
        agency=dpupr,
        work_unit=WorkUnit.objects.get(agency=dpupr, code="BM"),
        ulp_agency=Agency.objects.get(lpse=lpse, code="SETDA"),
    )


def _rup_code(lpse: Lpse, year: int, number: int) -> str:
    return f"{40_100_000 + lpse.pk * 1000 + (year % 100) * 10 + number}"


def _find_start(
    method: str, open_stage: str, cal: WorkingCalendar, now: dt.datetime
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """A default layout whose `open_stage` is open at `now` (searching back day by day)."""
    for days_back in range(0, 90):
        start = cal.snap_start(now - dt.timedelta(days=days_back))
        layout = default_layout(method, start, cal)
        begins, ends = layout[open_stage]
        if begins <= now < ends:
            return layout
    raise RuntimeError(f"no demo layout puts {open_stage} open now for {method}")


def _inside(
    layout: dict[str, tuple[dt.datetime, dt.datetime]], codes: list[str], now: dt.datetime
) -> dt.datetime | None:
    """A moment inside one of the stages `codes` that is already past (or just now)."""
    for code in codes:
        if code in layout:
            begins, ends = layout[code]
            moment = begins + dt.timedelta(minutes=45)
            if moment < min(ends, now):
                return moment
    return None


def _at(moment: dt.datetime, action: Callable[[], Any]) -> Any:
    with clock.frozen(moment):
        return action()


def _months() -> dict[str, int]:
    """Selection this month (or from last month), contract from this month to December."""
    month = clock.now().month
    return {
        "selection_start_month": max(1, month - 1),
        "selection_end_month": month,
        "contract_start_month": month,
        "contract_end_month": 12,
    }


# --- plans -----------------------------------------------------------------------------------


def _rup(people: People, scenario: Scenario, year: int) -> RupItem:
    method = (
        PlannedMethod.PENGADAAN_LANGSUNG
        if scenario.method == TenderMethod.PENGADAAN_LANGSUNG
        else PlannedMethod.SELEKSI
        if scenario.procurement_type == ProcurementType.KONSULTANSI_BADAN_USAHA
        else PlannedMethod.TENDER
    )
    fields = rup.RupFields(
        code=_rup_code(people.lpse, year, scenario.number),
        name=scenario.name,
        fiscal_year=year,
        pagu=scenario.pagu,
        funding_source=FundingSource.APBD if scenario.number % 3 else FundingSource.DAK,
        procurement_type=scenario.procurement_type,
        planned_method=method,
        **_months(),
        location=f"{people.lpse.region}",
        description=f"{scenario.name}, {people.agency.name}.",
    )
    item = rup.rup_create(
        actor=people.pa, agency=people.agency, work_unit=people.work_unit, data=fields
    )
    return rup.rup_announce(actor=people.pa, item=item)


def _plans(people: People, year: int) -> None:
    """Two more announced items (one revised, one left for the demo PPK), and the agreed
    adoption plan of the public works agency."""
    base = _rup_code(people.lpse, year, 0)
    if not RupItem.objects.filter(lpse=people.lpse, code=f"{base}-A").exists():
        extra = rup.RupFields(
            code=f"{base}-A",
            name="Pengadaan Alat Berat Excavator Mini",
            fiscal_year=year,
            pagu=Decimal("950000000"),
            funding_source=FundingSource.APBD,
            procurement_type=ProcurementType.BARANG,
            planned_method=PlannedMethod.TENDER,
            selection_start_month=3,
            selection_end_month=5,
            contract_start_month=6,
            contract_end_month=9,
            location=people.lpse.region,
            description="Untuk pemeliharaan rutin jalan kabupaten.",
        )
        item = rup.rup_announce(
            actor=people.pa,
            item=rup.rup_create(
                actor=people.pa, agency=people.agency, work_unit=people.work_unit, data=extra
            ),
        )
        revised = rup.RupFields(**{**rup.fields_of(item).__dict__, "pagu": Decimal("1100000000")})
        item = rup.rup_update(actor=people.pa, item=item, data=revised)
        rup.rup_announce(
            actor=people.pa, item=item, reason="Penyesuaian pagu setelah perubahan APBD."
        )
    if not RupItem.objects.filter(lpse=people.lpse, code=f"{base}-B").exists():
        free = rup.RupFields(
            code=f"{base}-B",
            name="Pembangunan Saluran Drainase Jalan Protokol",
            fiscal_year=year,
            pagu=Decimal("780000000"),
            funding_source=FundingSource.APBD,
            procurement_type=ProcurementType.KONSTRUKSI,
            planned_method=PlannedMethod.TENDER,
            **_months(),
            location=people.lpse.region,
            description="Siap dibuat paketnya oleh PPK demo.",
        )
        rup.rup_announce(
            actor=people.pa,
            item=rup.rup_create(
                actor=people.pa, agency=people.agency, work_unit=people.work_unit, data=free
            ),
        )
    if not AdoptionPlan.objects.filter(agency=people.agency, fiscal_year=year).exists():
        plan = adoption.adoption_plan_save(
            actor=people.pa,
            agency=people.agency,
            fiscal_year=year,
            value_threshold=Decimal("200000000"),
            target_count=8,
            target_value=Decimal("10000000000"),
            notes="Seluruh paket konstruksi dan konsultansi melalui e-tendering.",
        )
        adoption.adoption_plan_propose(actor=people.pa, plan=plan)
        admin = _user(f"{people.pa.username.split('.')[0]}.admin")
        adoption.adoption_plan_decide(
            actor=admin, plan=plan, agree=True, note="Disepakati dalam rapat koordinasi LPSE."
        )


# --- tenders ---------------------------------------------------------------------------------


def _package(people: People, scenario: Scenario, item: RupItem) -> Package:
    ppk = people.ppk
    package = packages.package_create(
        actor=ppk,
        rup_item=item,
        contract_type=(
            ContractType.LUMP_SUM
            if scenario.procurement_type != ProcurementType.KONSTRUKSI
            else ContractType.HARGA_SATUAN
        ),
        business_qualification=(
            BusinessQualification.KECIL
            if scenario.pagu <= Decimal("15000000000")
            else BusinessQualification.NON_KECIL
        ),
        description=scenario.name,
        work_unit=people.work_unit,
    )
    packages.package_set_hps(
        actor=ppk,
        package=package,
        items=[
            {"name": n, "unit": u, "quantity": Decimal(q), "unit_price": Decimal(p), "notes": ""}
            for n, u, q, p in scenario.hps
        ],
    )
    packages.package_set_locations(
        actor=ppk,
        package=package,
        locations=[
            {"province": people.lpse.province, "city": people.lpse.region, "detail": item.location}
        ],
    )
    packages.package_upload_document(
        actor=ppk,
        package=package,
        which="kak",
        upload=_pdf(f"KAK {scenario.name}", "Kerangka Acuan Kerja dan spesifikasi teknis."),
    )
    packages.package_upload_document(
        actor=ppk,
        package=package,
        which="draft_contract",
        upload=_pdf(f"Rancangan Kontrak {scenario.name}"),
    )
    if scenario.method == TenderMethod.PENGADAAN_LANGSUNG:
        return packages.package_send(actor=ppk, package=package, pejabat_pengadaan=people.pp)
    package = packages.package_send(actor=ppk, package=package, ulp_agency=people.ulp_agency)
    pokja.pokja_assign(
        actor=people.ulp,
        package=package,
        members=people.pokja,
        chair=people.pokja[0],
        sk_number=f"027/{package.code}/SK-POKJA/{package.fiscal_year}",
    )
    return Package.objects.get(pk=package.pk)


def _set_up(people: People, scenario: Scenario, package: Package, vendor: Vendor | None) -> Tender:
    chair = people.pp if scenario.method == TenderMethod.PENGADAAN_LANGSUNG else people.pokja[0]
    tender = setup.tender_create(actor=chair, package=package, method=scenario.method)
    two_file = scenario.method in (TenderMethod.PASCA_2_FILE, TenderMethod.PRA_2_FILE)
    setup.tender_update_setup(
        actor=chair,
        tender=tender,
        evaluation_method=EvaluationMethod.SISTEM_NILAI
        if two_file
        else EvaluationMethod.HARGA_TERENDAH,
        technical_weight=Decimal("70") if two_file else None,
        price_weight=Decimal("30") if two_file else None,
        technical_passing_grade=Decimal("70") if two_file else None,
        bid_validity_days=60,
        invited_vendor=vendor if scenario.method == TenderMethod.PENGADAAN_LANGSUNG else None,
    )
    setup.tender_set_requirements(
        actor=chair,
        tender=tender,
        items=[
            {
                "kind": RequirementKind.LICENCE,
                "licence_kind": "nib",
                "text": "Memiliki NIB yang berlaku dengan KBLI sesuai bidang pekerjaan.",
            },
            {
                "kind": RequirementKind.TAX,
                "text": "Telah memenuhi kewajiban perpajakan tahun terakhir (KSWP valid).",
            },
            {
                "kind": RequirementKind.EXPERIENCE,
                "text": "Memiliki pengalaman paling kurang 1 pekerjaan sejenis dalam 4 tahun terakhir.",
            },
        ],
    )
    envelopes = [Envelope.FILE_1, Envelope.FILE_2] if two_file else [Envelope.SINGLE]
    items = [
        {"envelope": envelopes[0], "name": "Surat penawaran", "mandatory": True},
        {"envelope": envelopes[0], "name": "Metode pelaksanaan pekerjaan", "mandatory": True},
    ]
    if two_file:
        items.append(
            {"envelope": Envelope.FILE_2, "name": "Daftar kuantitas dan harga", "mandatory": True}
        )
    else:
        items.append(
            {"envelope": Envelope.SINGLE, "name": "Daftar kuantitas dan harga", "mandatory": True}
        )
    setup.tender_set_required_documents(actor=chair, tender=tender, items=items)
    kind = setup.required_document_kind(tender)
    documents.document_upload(
        actor=chair,
        tender=tender,
        kind=kind,
        title=(
            "Dokumen Kualifikasi"
            if kind == DocumentKind.DOKUMEN_KUALIFIKASI
            else "Dokumen Pemilihan"
        ),
        upload=_pdf(f"Dokumen {scenario.name}", f"Metode: {scenario.method}"),
    )
    return Tender.objects.get(pk=tender.pk)


def _announce(
    people: People,
    scenario: Scenario,
    tender: Tender,
    layout: dict[str, tuple[dt.datetime, dt.datetime]],
) -> Tender:
    chair = people.pp if scenario.method == TenderMethod.PENGADAAN_LANGSUNG else people.pokja[0]
    setup.tender_set_schedule(actor=chair, tender=tender, rows=layout)
    members = [people.pp] if scenario.method == TenderMethod.PENGADAAN_LANGSUNG else people.pokja
    for member in members:
        setup.tender_approve(actor=member, tender=Tender.objects.get(pk=tender.pk))
    # Issue 5: demo personal keys (files in VAR_DIR/demo-keys/) and the chair's key ceremony.
    from openlpse.bids import demo_keys

    demo_keys.run_ceremony(chair=chair, tender=Tender.objects.get(pk=tender.pk))
    return setup.tender_announce(actor=chair, tender=Tender.objects.get(pk=tender.pk))


def _scenario(people: People, scenario: Scenario, year: int, vendor: Vendor | None) -> None:
    code = _rup_code(people.lpse, year, scenario.number)
    if RupItem.objects.filter(lpse=people.lpse, code=code).exists():
        return
    now = clock.now()
    cal = WorkingCalendar.for_lpse(people.lpse)
    layout = (
        _find_start(scenario.method, scenario.open_stage, cal, now) if scenario.open_stage else None
    )
    first_start = min(b for b, _e in layout.values()) if layout else now
    prepared_at = first_start - dt.timedelta(days=3)

    def prepare() -> Tender:
        item = _rup(people, scenario, year)
        package = _package(people, scenario, item)
        return _set_up(people, scenario, package, vendor)

    tender = _at(prepared_at, prepare)
    if layout is None:
        return
    tender = _at(
        first_start - dt.timedelta(hours=1), lambda: _announce(people, scenario, tender, layout)
    )
    if vendor is None:
        return
    vendor_user = vendor.created_by
    join_codes = [s.code for s in stages_with(scenario.method, StageAction.JOIN)]
    joined_at = _inside(layout, join_codes, now)
    if joined_at is not None:
        _at(joined_at, lambda: participation.tender_join(actor=vendor_user, tender=tender))
    ask_codes = [
        s.code
        for s in template_for(scenario.method)
        if s.allows(StageAction.ASK) or s.allows(StageAction.ASK_QUALIFICATION)
    ]
    asked_at = _inside(layout, ask_codes, now)
    if joined_at is not None and asked_at is not None and scenario.questions:
        for index, (subject, text, answer) in enumerate(scenario.questions):
            moment = asked_at + dt.timedelta(minutes=10 * index)
            with clock.frozen(moment):
                question = questions.question_ask(
                    actor=vendor_user, tender=tender, subject=subject, text=text
                )
            with clock.frozen(moment + dt.timedelta(minutes=5)):
                questions.question_answer(actor=people.pokja[1], question=question, answer=answer)
    if scenario.addendum and asked_at is not None:
        _addendum(people, tender, asked_at + dt.timedelta(minutes=40))
    if scenario.minutes and asked_at is not None:
        stage_code = next(c for c in ask_codes if c in layout)
        ended = layout[stage_code][1]
        if ended < now:
            _at(
                ended + dt.timedelta(minutes=30),
                lambda: minutes.minutes_generate(
                    actor=people.pokja[0], tender=tender, stage_code=stage_code
                ),
            )
    if scenario.cancel_reason:
        cancellation.tender_cancel(
            actor=people.pokja[0], tender=tender, reason=scenario.cancel_reason
        )


def _addendum(people: People, tender: Tender, moment: dt.datetime) -> None:
    chair = people.pokja[0]

    def create() -> Any:
        return addenda.addendum_create(
            actor=chair,
            tender=tender,
            reason="Perubahan spesifikasi lapis pondasi sesuai hasil pemberian penjelasan "
            "(jawaban pertanyaan nomor 1).",
            changes_specifications=True,
            documents=[
                addenda.NewDocument(
                    kind=DocumentKind.DOKUMEN_PEMILIHAN,
                    title="Dokumen Pemilihan (Adendum 1)",
                    upload=_pdf(
                        "Adendum 1 Dokumen Pemilihan", "Bab VII Spesifikasi Teknis diubah."
                    ),
                )
            ],
        )

    addendum = _at(moment, create)
    addendum = _at(
        moment + dt.timedelta(minutes=5),
        lambda: addenda.addendum_submit(actor=chair, addendum=addendum),
    )
    addendum = _at(
        moment + dt.timedelta(minutes=30),
        lambda: addenda.addendum_decide(
            actor=people.ppk,
            addendum=addendum,
            approve=True,
            note="Perubahan spesifikasi disetujui; HPS tidak berubah.",
        ),
    )
    _at(
        moment + dt.timedelta(minutes=40),
        lambda: addenda.addendum_publish(actor=chair, addendum=addendum),
    )


def load() -> None:
    """Plans and tenders at both demo LPSEs (after the people and vendors exist)."""
    vendor = Vendor.objects.filter(created_by__username=DEMO_VENDOR_ADMIN).first()
    year = clock.now().year
    for spec in data.LPSES:
        people = _people(spec)
        _plans(people, year)
        for scenario in _scenarios(spec.admin.username.split(".")[0]):
            with transaction.atomic():
                _scenario(people, scenario, year, vendor)
