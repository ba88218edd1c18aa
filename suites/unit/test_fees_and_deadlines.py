"""Administrative fees and statutory processing deadlines."""

from datetime import date
from decimal import Decimal

import pytest

from harness.demo.domain import (
    PermitType,
    RuleViolation,
    add_working_days,
    due_date,
    permit_fee,
    reference_number,
)


def test_business_licence_is_free() -> None:
    assert permit_fee(PermitType.BUSINESS_LICENSE) == Decimal("0.00")


def test_food_service_is_free() -> None:
    assert permit_fee(PermitType.FOOD_SERVICE) == Decimal("0.00")


@pytest.mark.parametrize(
    ("area", "fee"),
    [
        ("1", "502.00"),
        ("500", "1500.00"),
        ("1000", "2500.00"),  # the tier boundary belongs to the first tier
        ("1001", "2501.50"),
        ("2500.5", "4750.75"),
    ],
)
def test_construction_fee_has_two_tiers(area: str, fee: str) -> None:
    assert permit_fee(PermitType.CONSTRUCTION, Decimal(area)) == Decimal(fee)


def test_construction_needs_an_area() -> None:
    with pytest.raises(RuleViolation) as caught:
        permit_fee(PermitType.CONSTRUCTION)
    assert caught.value.code == "invalid_area_sqm"


def test_road_occupation_is_charged_per_day() -> None:
    assert permit_fee(PermitType.ROAD_OCCUPATION, days=7) == Decimal("240.00")


@pytest.mark.parametrize("days", [None, 0, 91])
def test_road_occupation_days_must_be_between_1_and_90(days: int | None) -> None:
    with pytest.raises(RuleViolation):
        permit_fee(PermitType.ROAD_OCCUPATION, days=days)


def test_outdoor_advertising_is_charged_per_square_metre() -> None:
    assert permit_fee(PermitType.OUTDOOR_ADVERTISING, Decimal("2.5")) == Decimal("275.00")


def test_working_days_skip_the_weekend() -> None:
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1) == date(2026, 11, 23)  # Monday


def test_working_days_skip_holidays() -> None:
    monday = date(2026, 9, 28)
    national_day = frozenset(date(2026, 10, d) for d in range(1, 8))
    assert add_working_days(monday, 3, national_day) == date(2026, 10, 8)


def test_zero_working_days_is_the_same_day() -> None:
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


def test_business_licence_is_decided_within_three_working_days() -> None:
    assert due_date(date(2026, 11, 19), PermitType.BUSINESS_LICENSE) == date(2026, 11, 24)


def test_construction_permit_takes_fifteen_working_days() -> None:
    assert due_date(date(2026, 11, 2), PermitType.CONSTRUCTION) == date(2026, 11, 23)


def test_reference_numbers_are_zero_padded() -> None:
    assert reference_number(2026, 42) == "XK-2026-000042"


@pytest.mark.parametrize("sequence", [0, 1_000_000])
def test_reference_sequence_is_bounded(sequence: int) -> None:
    with pytest.raises(ValueError):
        reference_number(2026, sequence)
