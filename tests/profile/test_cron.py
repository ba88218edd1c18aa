"""Cron expressions: every error names its field and column; fire times in explicit time zones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.profile.cron import CronError, CronSchedule, check_timezone, expand, machine_timezone, parse_cron


@pytest.mark.parametrize(
    ("expression", "field", "column", "words"),
    [
        ("61 * * * *", 1, 1, "61 is out of range 0-59"),
        ("0 25 * * *", 2, 3, "25 is out of range 0-23"),
        ("0 2 32 * *", 3, 5, "out of range 1-31"),
        ("0 2 * 13 *", 4, 7, "out of range 1-12"),
        ("0 2 * * 8", 5, 9, "out of range 0-7"),
        ("0,15,70 * * * *", 1, 6, "70 is out of range"),
        ("*/0 * * * *", 1, 1, "step '0'"),
        ("0 2 5-1 * *", 3, 5, "goes backwards"),
        ("0 2 * jan,FOO *", 4, 11, "'FOO' is not a number or a name JAN-DEC"),
        ("0 2,,3 * * *", 2, 5, "empty list item"),
        ("0 0 L * *", 3, 5, "'L' is not a number"),
    ],
)
def test_errors_name_field_and_column(expression: str, field: int, column: int, words: str) -> None:
    with pytest.raises(CronError) as caught:
        parse_cron(expression)
    assert (caught.value.field, caught.value.column) == (field, column)
    message = str(caught.value)
    assert f"field {field}" in message and f"column {column}" in message and words in message


@pytest.mark.parametrize("expression", ["* * * *", "0 2 * * * *", ""])
def test_wrong_number_of_fields(expression: str) -> None:
    with pytest.raises(CronError, match="expected 5 fields"):
        parse_cron(expression)


def test_never_matching_date_is_refused() -> None:
    with pytest.raises(CronError, match="never matches a real date"):
        parse_cron("0 0 30 2 *")


def test_aliases_and_names() -> None:
    assert parse_cron("@daily") == "0 0 * * *"
    assert parse_cron("  0   2 * *  mon-fri ") == "0 2 * * mon-fri"
    with pytest.raises(CronError, match="unknown alias"):
        parse_cron("@fortnightly")


def test_expand_folds_sunday_and_steps() -> None:
    minutes, hours, days, months, weekdays = expand(parse_cron("*/20 9-17/4 1,15 jan-mar 5-7"))
    assert minutes == (0, 20, 40)
    assert hours == (9, 13, 17)
    assert days == (1, 15)
    assert months == (1, 2, 3)
    assert weekdays == (0, 5, 6)


def test_fire_times_in_asia_shanghai() -> None:
    nightly = CronSchedule.parse("0 2 * * *", "Asia/Shanghai")
    before = datetime(2025, 1, 1, 17, 0, tzinfo=UTC)  # 01:00 in Shanghai
    assert nightly.next_after(before) == datetime(2025, 1, 1, 18, 0, tzinfo=UTC)
    exactly = datetime(2025, 1, 1, 18, 0, tzinfo=UTC)
    assert nightly.next_after(exactly) == datetime(2025, 1, 2, 18, 0, tzinfo=UTC)  # strictly after
    assert nightly.latest_at_or_before(exactly) == exactly
    assert nightly.latest_at_or_before(before) == datetime(2024, 12, 31, 18, 0, tzinfo=UTC)


def test_daylight_saving_is_followed() -> None:
    nine = CronSchedule.parse("0 9 * * *", "Europe/Berlin")
    winter = nine.next_after(datetime(2025, 3, 29, 12, 0, tzinfo=UTC))  # Sunday 30 March: clocks go forward
    assert winter == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_unknown_time_zone_and_default() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        CronSchedule.parse("0 2 * * *", "Mars/Olympus")
    assert CronSchedule.parse("0 2 * * *").timezone == machine_timezone()


@pytest.mark.parametrize("name", ["A" * 400, "Asia/../../etc/passwd", "/etc/passwd", "UTC\x00", ""])
def test_time_zone_names_that_are_no_zone_are_refused_cleanly(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        check_timezone(name)
