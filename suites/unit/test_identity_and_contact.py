"""Resident identity numbers (GB 11643-1999) and mobile numbers as the permit service validates them."""

from datetime import date

import pytest

from harness.demo.domain import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_resident_id,
    resident_id_check_digit,
)

# A structurally valid identity number (Beijing Dongcheng, born 1990-03-07) built with the standard checksum.
VALID_ID = "11010119900307" + "651"
VALID_ID = VALID_ID[:17] + resident_id_check_digit(VALID_ID[:17])


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # the example printed in GB 11643-1999
        ("44030719900101001", "0"),
        ("32010219800229123", "5"),  # 29 February of a leap year
    ],
)
def test_check_digit_matches_the_standard(first17: str, expected: str) -> None:
    assert resident_id_check_digit(first17) == expected


def test_check_digit_needs_17_digits() -> None:
    with pytest.raises(ValueError):
        resident_id_check_digit("1234")


def test_valid_identity_number_is_accepted() -> None:
    assert is_valid_resident_id(VALID_ID)


def test_lower_case_x_is_accepted() -> None:
    assert is_valid_resident_id("11010519491231002x")


def test_wrong_check_digit_is_rejected() -> None:
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    assert not is_valid_resident_id(wrong)


@pytest.mark.parametrize("number", ["", "123", "1101011990030765", "11010119900307651A", "abcdefghijklmnopqr"])
def test_malformed_identity_numbers_are_rejected(number: str) -> None:
    assert not is_valid_resident_id(number)


def test_impossible_birth_date_is_rejected() -> None:
    first17 = "11010119900231651"  # 31 February
    assert not is_valid_resident_id(first17 + resident_id_check_digit(first17))


def test_birth_date_in_the_future_is_rejected() -> None:
    first17 = "11010120990101651"
    assert not is_valid_resident_id(first17 + resident_id_check_digit(first17), today=date(2026, 1, 1))


def test_mask_keeps_region_and_last_four() -> None:
    assert mask_resident_id("11010519491231002X") == "110105********002X"


def test_mask_of_an_odd_length_hides_everything() -> None:
    assert mask_resident_id("12345") == "*****"


@pytest.mark.parametrize("number", ["13800138000", "+86 138 0013 8000", "86-15912345678", "19912345678"])
def test_mobile_numbers_are_accepted(number: str) -> None:
    assert is_valid_mobile(number)


@pytest.mark.parametrize("number", ["12800138000", "1380013800", "138001380001", "010-12345678", "phone"])
def test_non_mobile_numbers_are_rejected(number: str) -> None:
    assert not is_valid_mobile(number)
