"""Import of RUP items from a CSV or XLSX file, with a row-by-row report (issue 4 item 1).

All or nothing: a file with one bad row saves no item, and the report (kept as a `RupImport`)
says what to fix in which row. `check_only=True` checks the whole file and saves no item even
when it is clean. Imported items are drafts: the PA/KPA reads them and announces them.

The first row names the columns (`COLUMNS`; the order is free, names are case-insensitive);
`work_unit` is the code of a work unit of the agency, or empty for the agency itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from openlpse.accounts.models import User
from openlpse.core import audit, clock, errors
from openlpse.organizations.models import Agency, WorkUnit
from openlpse.plans import permissions
from openlpse.plans.enums import ImportStatus, RupStatus
from openlpse.plans.models import RupImport, RupItem
from openlpse.plans.services.rup import RupFields, code_taken_message, parse_pagu, rup_problems

COLUMNS = (
    "code",
    "name",
    "work_unit",
    "fiscal_year",
    "pagu",
    "funding_source",
    "procurement_type",
    "planned_method",
    "selection_start_month",
    "selection_end_month",
    "contract_start_month",
    "contract_end_month",
    "location",
    "description",
)
OPTIONAL_COLUMNS = frozenset({"work_unit", "description"})
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
INTEGER_COLUMNS = (
    "fiscal_year",
    "selection_start_month",
    "selection_end_month",
    "contract_start_month",
    "contract_end_month",
)


def template_csv() -> str:
    """A CSV with the header and one example row, offered for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "26001234",
            "Pembangunan Jalan Desa Sukadana",
            "",
            "2026",
            "1500000000",
            "apbd",
            "konstruksi",
            "tender",
            "2",
            "4",
            "5",
            "11",
            "Kecamatan Sukadana",
            "Peningkatan jalan kabupaten",
        ]
    )
    return out.getvalue()


def _file_error(message: str) -> errors.ValidationError:
    return errors.field_error("file", message, code="rup_import_file")


def _read(upload: Any) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _file_error(
            _("The file is larger than 5 MB. Split the plan into several files and import each.")
        )
    upload.seek(0)
    content: bytes = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _file_error(
            _("The file is larger than 5 MB. Split the plan into several files and import each.")
        )
    if not content.strip():
        raise _file_error(_("The file is empty. Choose the CSV or XLSX file with the RUP items."))
    return content


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _file_error(
                _("The CSV file cannot be read as text. Save it as CSV UTF-8 and try again.")
            ) from exc
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _file_error(
            _("The XLSX file cannot be opened. Save it again from your spreadsheet and retry.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows_of(name: str, content: bytes) -> Iterator[list[Any]]:
    lowered = name.lower()
    if lowered.endswith(".xlsx") or content[:2] == b"PK":
        if not lowered.endswith(".xlsx"):
            raise _file_error(_("Only CSV and XLSX files can be imported. Choose one of those."))
        return _xlsx_rows(content)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return _csv_rows(content)
    raise _file_error(_("Only CSV and XLSX files can be imported. Choose one of those."))


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    return None


def _header(raw: list[Any]) -> dict[str, int]:
    names = [str(_cell(v)).lower().replace(" ", "_") for v in raw]
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise _file_error(
            _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise _file_error(
            _("These columns appear twice: %(columns)s. Keep one of each.")
            % {"columns": ", ".join(duplicated)}
        )
    missing = [c for c in COLUMNS if c not in names and c not in OPTIONAL_COLUMNS]
    if missing:
        raise _file_error(
            _(
                "The first row must name the columns; these are missing: %(missing)s. Download "
                "the template to see them all."
            )
            % {"missing": ", ".join(missing)}
        )
    return {name: i for i, name in enumerate(names) if name}


def _row_fields(values: dict[str, Any], problems: dict[str, list[Any]]) -> RupFields | None:
    numbers: dict[str, int] = {}
    for name in INTEGER_COLUMNS:
        number = _integer(values[name])
        if number is None:
            problems.setdefault(name, []).append(
                _("“%(value)s” is not a whole number.") % {"value": values[name]}
            )
        else:
            numbers[name] = number
    pagu = parse_pagu(values["pagu"])
    if pagu is None:
        problems.setdefault("pagu", []).append(
            _("“%(value)s” is not an amount. Write the pagu in rupiah, for example 1500000000.")
            % {"value": values["pagu"]}
        )
    if problems:
        return None
    assert pagu is not None
    return RupFields(
        code=str(values["code"]),
        name=str(values["name"]),
        pagu=pagu,
        funding_source=str(values["funding_source"]).lower(),
        procurement_type=str(values["procurement_type"]).lower(),
        planned_method=str(values["planned_method"]).lower(),
        location=str(values["location"]),
        description=str(values["description"]),
        **numbers,
    ).cleaned()


def _may_import(actor: User, agency: Agency) -> bool:
    if permissions.is_planner(actor, agency):
        return True
    return any(permissions.is_planner(actor, agency, unit) for unit in agency.work_units.all())


def rup_import(*, actor: User, agency: Agency, upload: Any, check_only: bool = False) -> RupImport:
    """Check the file row by row and, when every row is good and `check_only` is false, create
    every item as a draft of `agency`. Returns the import with its report; a file that cannot
    be read at all (type, size, header) is refused with a ValidationError on `file`."""
    if not _may_import(actor, agency):
        raise errors.PermissionDenied(
            _(
                "Only a PA or KPA of %(agency)s can import its RUP items. Ask your agency "
                "administrator for the role if you should have it."
            )
            % {"agency": agency.name}
        )
    name = str(getattr(upload, "name", "") or "rup.csv")[:255]
    content = _read(upload)
    rows = enumerate(_rows_of(name, content), start=1)
    header_row = next((r for _n, r in rows if any(_cell(v) != "" for v in r)), None)
    if header_row is None:
        raise _file_error(_("The file is empty. Choose the CSV or XLSX file with the RUP items."))
    positions = _header(header_row)
    units = {u.code: u for u in agency.work_units.filter(is_active=True)}
    report: list[dict[str, Any]] = []
    parsed: list[tuple[RupFields, WorkUnit | None]] = []
    seen: dict[str, int] = {}
    existing = dict(RupItem.objects.filter(lpse_id=agency.lpse_id).values_list("code", "pk"))
    for number, raw in rows:
        if not any(_cell(v) != "" for v in raw):
            continue
        if len(report) >= MAX_ROWS:
            raise _file_error(
                _("The file has more than %(max)d rows. Split it and import each part.")
                % {"max": MAX_ROWS}
            )
        values = {
            col: _cell(raw[positions[col]])
            if col in positions and positions[col] < len(raw)
            else ""
            for col in COLUMNS
        }
        problems: dict[str, list[Any]] = {}
        data = _row_fields(values, problems)
        unit: WorkUnit | None = None
        unit_code = str(values["work_unit"])
        if unit_code:
            unit = units.get(unit_code)
            if unit is None:
                problems.setdefault("work_unit", []).append(
                    _("%(agency)s has no active work unit with code %(code)s.")
                    % {"agency": agency.name, "code": unit_code}
                )
        if data is not None:
            for field, messages in rup_problems(data).items():
                problems.setdefault(field, []).extend(messages)
            if data.code in seen:
                problems.setdefault("code", []).append(
                    _("RUP code %(code)s is also used in row %(row)d. Each code is used once.")
                    % {"code": data.code, "row": seen[data.code]}
                )
            elif data.code in existing:
                taken = RupItem.objects.select_related("agency").get(pk=existing[data.code])
                problems.setdefault("code", []).append(code_taken_message(taken))
            seen.setdefault(data.code, number)
        if "work_unit" not in problems and not permissions.is_planner(actor, agency, unit):
            problems.setdefault("work_unit", []).append(
                _("You are not the PA or KPA of %(where)s, so you cannot plan for it.")
                % {"where": unit.name if unit else agency.name}
            )
        report.append(
            {
                "row": number,
                "code": str(values["code"]),
                "errors": [
                    {"field": field, "message": str(message)}
                    for field, messages in problems.items()
                    for message in messages
                ],
            }
        )
        if data is not None and not problems:
            parsed.append((data, unit))
    if not report:
        raise _file_error(_("The file has a header but no RUP item. Add one row per item."))
    error_count = sum(1 for row in report if row["errors"])
    if error_count:
        status = ImportStatus.REFUSED
    elif check_only:
        status = ImportStatus.CHECKED
    else:
        status = ImportStatus.IMPORTED
    now = clock.now()
    with transaction.atomic():
        if status == ImportStatus.IMPORTED:
            codes = [data.code for data, _unit in parsed]
            clash = (
                RupItem.objects.select_for_update(of=("self",))
                .filter(lpse_id=agency.lpse_id, code__in=codes)
                .select_related("agency")
                .first()
            )
            if clash is not None:  # created by someone else since the check above
                message = code_taken_message(clash)
                raise errors.Conflict(message, code="rup_code_taken", fields={"file": [message]})
            RupItem.objects.bulk_create(
                RupItem(
                    lpse_id=agency.lpse_id,
                    agency=agency,
                    work_unit=unit,
                    status=RupStatus.DRAFT,
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                    **asdict(data),
                )
                for data, unit in parsed
            )
        result = RupImport.objects.create(
            lpse_id=agency.lpse_id,
            agency=agency,
            file_name=name,
            file_sha256=hashlib.sha256(content).hexdigest(),
            status=status,
            row_count=len(report),
            error_count=error_count,
            report=report,
            created_by=actor,
            created_at=now,
        )
        audit.record(
            actor=actor,
            action="rup.import",
            obj=result,
            changes={
                "agency": agency.name,
                "file": name,
                "sha256": result.file_sha256,
                "status": status,
                "rows": len(report),
                "errors": error_count,
                "check_only": check_only,
                "codes": [data.code for data, _unit in parsed] if status == "imported" else [],
            },
            lpse_id=agency.lpse_id,
        )
    return result
