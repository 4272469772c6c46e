"""Indonesian identity numbers: NPWP (15 or 16 digits), NIK (16), NIB (13).

Each `clean_*` takes what a person typed (with dots, dashes or spaces), returns the digits,
or raises errors.ValidationError on `field` with a sentence that says what is wrong and what
a valid number looks like. `format_*` shows the stored digits the way Indonesians write them.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from openlpse.core import errors

_SEPARATORS = re.compile(r"[\s.\-/]")


def _digits(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def _invalid(field: str, message: str) -> errors.ValidationError:
    return errors.ValidationError(fields={field: [message]}, code="invalid_number")


def clean_npwp(value: str, *, field: str = "npwp") -> str:
    """NPWP: the old 15-digit form (99.999.999.9-999.999) or the 16-digit form (NPWP16; for
    a person the NIK, for a company 0 followed by the old 15 digits)."""
    digits = _digits(value)
    if not digits.isdigit() or len(digits) not in (15, 16) or set(digits) == {"0"}:
        raise _invalid(
            field,
            _(
                "The NPWP must have 15 digits (for example 01.234.567.8-901.000) or 16 digits "
                "(for example 0012345678901000). Check the number on the NPWP card."
            ),
        )
    return digits


def clean_nik(value: str, *, field: str = "nik") -> str:
    """NIK: 16 digits; region code, date of birth (day + 40 for women), serial number."""
    digits = _digits(value)
    valid = digits.isdigit() and len(digits) == 16
    if valid:
        province, day, month, serial = (
            int(digits[0:2]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[12:16]),
        )
        valid = (
            11 <= province <= 99
            and (1 <= day <= 31 or 41 <= day <= 71)
            and 1 <= month <= 12
            and serial > 0
        )
    if not valid:
        raise _invalid(
            field,
            _(
                "The NIK must be the 16 digits printed on the KTP (region code, date of birth, "
                "serial number). Check the number and enter it again."
            ),
        )
    return digits


def clean_nib(value: str, *, field: str = "nib") -> str:
    """NIB (Nomor Induk Berusaha from OSS): 13 digits."""
    digits = _digits(value)
    if not digits.isdigit() or len(digits) != 13 or set(digits) == {"0"}:
        raise _invalid(
            field,
            _(
                "The NIB must have 13 digits, as printed on the NIB issued by OSS "
                "(for example 9120001234567)."
            ),
        )
    return digits


def npwp_forms(npwp: str) -> set[str]:
    """The same NPWP in its 15- and 16-digit forms (a company's NPWP16 is 0 + the old 15):
    duplicate and blacklist checks match either."""
    if not npwp:
        return set()
    forms = {npwp}
    if len(npwp) == 15:
        forms.add("0" + npwp)
    elif len(npwp) == 16 and npwp.startswith("0"):
        forms.add(npwp[1:])
    return forms


def format_npwp(digits: str) -> str:
    if len(digits) == 15:
        d = digits
        return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"
    return digits


def mask_npwp(digits: str) -> str:
    """For public pages (blacklist, results): keep the first two and last three digits."""
    if not digits:
        return ""
    shown = format_npwp(digits)
    out: list[str] = []
    seen = 0
    total = len(digits)
    for ch in shown:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= 2 or seen > total - 3 else "*")
        else:
            out.append(ch)
    return "".join(out)
