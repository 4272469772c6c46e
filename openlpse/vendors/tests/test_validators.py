"""NPWP, NIK and NIB: what people type, what is stored, and the sentence when it is wrong."""

import pytest
from django.utils import translation

from openlpse.core import errors
from openlpse.vendors import validators


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01.234.567.8-901.000", "012345678901000"),
        ("012345678901000", "012345678901000"),
        ("01 234 567 8 901 000", "012345678901000"),
        ("0012345678901000", "0012345678901000"),  # NPWP16 of a company
        ("3171011508850001", "3171011508850001"),  # NPWP16 of a person: the NIK
    ],
)
def test_npwp_accepts_the_15_and_16_digit_forms(typed, stored):
    assert validators.clean_npwp(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "01.234.567.8-901.00", "01234567890100012", "01.234.567.8-901.00A", "0" * 15],
)
def test_npwp_refuses_anything_else_with_a_sentence_on_the_field(typed):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        validators.clean_npwp(typed)
    assert caught.value.code == "invalid_number"
    message = str(caught.value.fields["npwp"][0])
    assert "15 digits" in message
    assert "16 digits" in message


def test_npwp_message_is_indonesian_by_default():
    with pytest.raises(errors.ValidationError) as caught:
        validators.clean_npwp("123")
    assert "NPWP" in str(caught.value.fields["npwp"][0])


@pytest.mark.parametrize(
    "typed", ["1804011508850001", "1804-0115-0885-0001", "1804015508850001"]
)  # the last: a woman (day + 40)
def test_nik_accepts_16_digits_with_a_plausible_date(typed):
    assert validators.clean_nik(typed) == typed.replace("-", "")


@pytest.mark.parametrize(
    "typed",
    [
        "180401150885000",  # 15 digits
        "18040115088500011",  # 17 digits
        "0904011508850001",  # province code below 11
        "1804013508850001",  # day 35
        "1804011513850001",  # month 13
        "1804011508850000",  # serial 0
        "18040115088500AB",
    ],
)
def test_nik_refuses_impossible_numbers(typed):
    with translation.override("en"), pytest.raises(errors.ValidationError) as caught:
        validators.clean_nik(typed, field="admin_nik")
    assert "16 digits" in str(caught.value.fields["admin_nik"][0])


def test_nib_is_13_digits():
    assert validators.clean_nib("912 0001 234 567") == "9120001234567"
    for typed in ("912000123456", "91200012345678", "0000000000000", "91200012345AB"):
        with pytest.raises(errors.ValidationError) as caught:
            validators.clean_nib(typed)
        assert set(caught.value.fields) == {"nib"}


def test_format_and_mask_npwp():
    assert validators.format_npwp("012345678901000") == "01.234.567.8-901.000"
    assert validators.format_npwp("0012345678901000") == "0012345678901000"
    assert validators.mask_npwp("012345678901000") == "01.***.***.*-***.000"
    assert validators.mask_npwp("") == ""
