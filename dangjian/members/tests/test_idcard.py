import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.members import idcard

KNOWN_VALID = "11010519491231002X"  # the GB 11643 example number


def test_it_accepts_the_standard_example():
    assert idcard.validate_id_number(KNOWN_VALID.lower()) == KNOWN_VALID


def test_it_rejects_a_bad_checksum():
    with pytest.raises(ValidationError, match="校验位"):
        idcard.validate_id_number("110105194912310021")


@pytest.mark.parametrize("value", ["1101051949123100", "11010519491231002A", "", "11010519491331002X"])
def test_it_rejects_malformed_numbers(value):
    with pytest.raises(ValidationError):
        idcard.validate_id_number(value)


def test_it_reads_birth_date_and_gender():
    assert idcard.birth_date_of(KNOWN_VALID) == datetime.date(1949, 12, 31)
    assert idcard.gender_of(KNOWN_VALID) == "F"


def test_it_reports_inconsistent_birth_date_and_gender():
    errors = idcard.consistency_errors(KNOWN_VALID, birth_date=datetime.date(1950, 1, 1), gender="M")
    assert set(errors) == {"birth_date", "gender"}


def test_it_masks_all_but_the_ends():
    assert idcard.mask(KNOWN_VALID) == "1101**********002X"


def test_generated_numbers_are_valid():
    number = idcard.make_id_number("610102", datetime.date(1988, 2, 29), 7)
    assert idcard.validate_id_number(number) == number
    assert idcard.gender_of(number) == "M"


@pytest.mark.parametrize("first17", ["00010519491231002", "99010519491231002", "19010519491231002"])
def test_it_rejects_a_number_without_a_real_province_code(first17):
    number = first17 + idcard.check_char(first17)
    with pytest.raises(ValidationError, match="行政区划代码"):
        idcard.validate_id_number(number)


def test_full_width_digits_are_stored_as_ascii():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in KNOWN_VALID)  # １１０１…Ｘ
    assert idcard.validate_id_number(full_width) == KNOWN_VALID
