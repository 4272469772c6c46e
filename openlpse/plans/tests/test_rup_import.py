"""RUP import from CSV and XLSX: row-by-row report, all or nothing, check-only mode, and the
files that cannot be read at all."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from openlpse.core import errors
from openlpse.plans.enums import ImportStatus, RupStatus
from openlpse.plans.models import RupImport, RupItem
from openlpse.plans.services.imports import COLUMNS, rup_import, template_csv
from openlpse.plans.tests.factories import announced_rup
from openlpse.plans.tests.plans_support import actions, build_scene, snapshot

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


@pytest.fixture
def scene():
    return build_scene()


def row(
    code,
    *,
    unit="",
    pagu="1500000000",
    months=("2", "4", "5", "11"),
    source="apbd",
    year="2026",
    name=None,
):
    return ",".join(
        [
            code,
            name or f"Paket {code}",
            unit,
            year,
            pagu,
            source,
            "barang",
            "tender",
            *months,
            "Sukadana",
            "Keterangan",
        ]
    )


def csv_upload(*lines, name="rup.csv", sep=","):
    text = "\n".join(lines).replace(",", sep) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, name="rup.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_clean_csv_imports_every_row_as_draft(scene):
    pa = scene.users["pa"]
    upload = csv_upload(HEADER, row("A1"), row("A2", unit=scene.work_unit.code, pagu="1250000.50"))
    content = upload.read()
    result = rup_import(actor=pa, agency=scene.agency, upload=upload)
    assert result.status == ImportStatus.IMPORTED
    assert (result.row_count, result.error_count) == (2, 0)
    assert result.report == [
        {"row": 2, "code": "A1", "errors": []},
        {"row": 3, "code": "A2", "errors": []},
    ]
    assert result.file_sha256 == hashlib.sha256(content).hexdigest()
    assert result.file_name == "rup.csv"
    items = {i.code: i for i in RupItem.objects.all()}
    assert set(items) == {"A1", "A2"}
    assert items["A1"].status == RupStatus.DRAFT
    assert items["A1"].work_unit is None
    assert items["A2"].work_unit == scene.work_unit
    assert items["A2"].pagu == Decimal("1250000.50")
    assert items["A1"].created_by == pa
    assert actions() == ["rup.import"]


def test_one_bad_row_saves_nothing_and_the_report_says_what_to_fix(scene):
    announced_rup(agency=scene.agency, code="TAKEN", name="Sudah Ada")
    upload = csv_upload(
        HEADER,
        row("B1"),
        row("B2", pagu="0"),
        row("B1"),
        row("TAKEN"),
        row("B5", months=("4", "2", "5", "11")),
        row("B6", unit="NOPE"),
        row("B7", pagu="sejuta", year="dua"),
    )
    with translation.override("en"):
        result = rup_import(actor=scene.users["pa"], agency=scene.agency, upload=upload)
    assert result.status == ImportStatus.REFUSED
    assert (result.row_count, result.error_count) == (7, 6)
    assert result.report == [
        {"row": 2, "code": "B1", "errors": []},
        {
            "row": 3,
            "code": "B2",
            "errors": [
                {
                    "field": "pagu",
                    "message": "The pagu must be more than Rp 0. Enter the budget of the item.",
                }
            ],
        },
        {
            "row": 4,
            "code": "B1",
            "errors": [
                {
                    "field": "code",
                    "message": "RUP code B1 is also used in row 2. Each code is used once.",
                }
            ],
        },
        {
            "row": 5,
            "code": "TAKEN",
            "errors": [
                {
                    "field": "code",
                    "message": (
                        f"RUP code TAKEN is already used by “Sudah Ada” ({scene.agency.name}, fiscal year "
                        "2026). Each RUP code is used once: enter another code, or open that item to "
                        "change it."
                    ),
                }
            ],
        },
        {
            "row": 6,
            "code": "B5",
            "errors": [
                {
                    "field": "selection_end_month",
                    "message": (
                        "The selection cannot end (month 2) before it starts (month 4). Choose an end "
                        "month on or after the start month."
                    ),
                }
            ],
        },
        {
            "row": 7,
            "code": "B6",
            "errors": [
                {
                    "field": "work_unit",
                    "message": f"{scene.agency.name} has no active work unit with code NOPE.",
                }
            ],
        },
        {
            "row": 8,
            "code": "B7",
            "errors": [
                {"field": "fiscal_year", "message": "“dua” is not a whole number."},
                {
                    "field": "pagu",
                    "message": (
                        "“sejuta” is not an amount. Write the pagu in rupiah, for example 1500000000."
                    ),
                },
            ],
        },
    ]
    assert list(RupItem.objects.values_list("code", flat=True)) == ["TAKEN"]
    assert actions() == ["rup.import"]


def test_check_only_saves_no_item(scene):
    result = rup_import(
        actor=scene.users["pa"],
        agency=scene.agency,
        upload=csv_upload(HEADER, row("C1")),
        check_only=True,
    )
    assert result.status == ImportStatus.CHECKED
    assert result.error_count == 0
    assert RupItem.objects.count() == 0
    assert RupImport.objects.count() == 1


def test_semicolon_csv_and_xlsx_are_read(scene):
    pa = scene.users["pa"]
    first = rup_import(
        actor=pa,
        agency=scene.agency,
        upload=csv_upload(HEADER, row("D1", pagu="1.250.000"), sep=";"),
    )
    assert first.status == ImportStatus.IMPORTED
    assert RupItem.objects.get(code="D1").pagu == Decimal("1250000.00")
    values = [
        "D2",
        "Pengadaan Laptop",
        scene.work_unit.code,
        2026,
        350000000.0,
        "APBD",
        "barang",
        "tender",
        3,
        4,
        5,
        12,
        "Sukadana",
        None,
    ]
    second = rup_import(actor=pa, agency=scene.agency, upload=xlsx_upload([list(COLUMNS), values]))
    assert second.status == ImportStatus.IMPORTED, second.report
    item = RupItem.objects.get(code="D2")
    assert item.pagu == Decimal("350000000.00")
    assert item.funding_source == "apbd"
    assert item.work_unit == scene.work_unit
    assert item.description == ""


def test_kpa_can_import_only_rows_of_its_work_unit(scene):
    kpa = scene.users["kpa"]
    upload = csv_upload(HEADER, row("E1", unit=scene.work_unit.code), row("E2"))
    with translation.override("en"):
        result = rup_import(actor=kpa, agency=scene.agency, upload=upload)
    assert result.status == ImportStatus.REFUSED
    assert result.report[1]["errors"] == [
        {
            "field": "work_unit",
            "message": f"You are not the PA or KPA of {scene.agency.name}, so you cannot plan for it.",
        }
    ]
    assert RupItem.objects.count() == 0


@pytest.mark.parametrize("role", ["ppk", "agency_admin", "pa_other_agency", "lpse_admin", "nobody"])
def test_others_cannot_import(scene, role):
    before = snapshot()
    with pytest.raises(errors.PermissionDenied):
        rup_import(
            actor=scene.users[role], agency=scene.agency, upload=csv_upload(HEADER, row("F1"))
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("rup.pdf", b"%PDF-1.4 x"),
            "Only CSV and XLSX files can be imported. Choose one of those.",
        ),
        (
            SimpleUploadedFile("rup.csv", b"   \n"),
            "The file is empty. Choose the CSV or XLSX file with the RUP items.",
        ),
        (
            SimpleUploadedFile("rup.csv", b"code,name,colour\n"),
            "Unknown columns: colour. The columns are: " + ", ".join(COLUMNS) + ".",
        ),
        (
            SimpleUploadedFile("rup.csv", b"code,name\n1,a\n"),
            "The first row must name the columns; these are missing: fiscal_year, pagu, funding_source, procurement_type, planned_method, selection_start_month, selection_end_month, contract_start_month, contract_end_month, location. Download the template to see them all.",
        ),
        (
            SimpleUploadedFile("rup.csv", (HEADER + "\n").encode()),
            "The file has a header but no RUP item. Add one row per item.",
        ),
        (
            SimpleUploadedFile("rup.xlsx", b"PK\x03\x04 not really"),
            "The XLSX file cannot be opened. Save it again from your spreadsheet and retry.",
        ),
    ],
)
def test_unreadable_files_are_refused_on_the_file_field(scene, upload, message):
    before = snapshot()
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        rup_import(actor=scene.users["pa"], agency=scene.agency, upload=upload)
    assert caught.value.fields == {"file": [message]}
    assert snapshot() == before


def test_template_is_a_clean_import(scene):
    upload = SimpleUploadedFile("templat.csv", template_csv().encode())
    result = rup_import(
        actor=scene.users["pa"], agency=scene.agency, upload=upload, check_only=True
    )
    assert result.status == ImportStatus.CHECKED, result.report
