from __future__ import annotations

import math
from typing import Annotated

import pytest
from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from harness.profile.durations import DurationSyntax

SYNTAX = DurationSyntax(
    {"d": 86400.0, "h": 3600.0, "min": 60.0, "m": 60.0, "s": 1.0, "ms": 0.001},
    2 * 86400.0,
    "two days",
    "30s, 2m or 1d",
    longest_examples="1d or 12h",
)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("30s", 30.0),
        ("2m", 120.0),
        ("10min", 600.0),
        ("500ms", 0.5),
        ("1d1h30m", 91800.0),
        (" 1H 30M ", 5400.0),
        ("1.5h", 5400.0),
        ("90", 90.0),
        ("0.25", 0.25),
        (45, 45.0),
        (2.5, 2.5),
        ("2d", 172800.0),
    ],
)
def test_durations_in_the_syntax_units_become_seconds(written: object, seconds: float) -> None:
    assert SYNTAX.parse(written) == seconds


@pytest.mark.parametrize("written", ["soon", "1w", "d1", "7 days", "1m30", "-5s", "30s!", "", "1e3"])
def test_what_is_no_duration_in_these_units_is_refused_with_the_examples(written: str) -> None:
    with pytest.raises(ValueError, match=r"^'.*' is not a duration such as 30s, 2m or 1d$"):
        SYNTAX.parse(written)


@pytest.mark.parametrize(("written", "shown"), [("3d", "259200"), (172801, "172801"), ("48h1s", "172801")])
def test_longer_than_the_longest_is_refused_as_a_typo(written: object, shown: str) -> None:
    with pytest.raises(ValueError) as refused:
        SYNTAX.parse(written)
    assert str(refused.value) == f"{shown} s is longer than two days; give a duration such as 1d or 12h"


def test_the_longest_itself_is_accepted() -> None:
    assert SYNTAX.parse("2d") == SYNTAX.parse(172800) == 172800.0


@pytest.mark.parametrize("written", [math.inf, -math.inf, 1e300, 10**400, -(10**400)])
def test_infinite_and_huge_numbers_are_refused_not_crashed_on(written: float) -> None:
    with pytest.raises(ValueError, match=r"^inf s is longer than two days"):
        SYNTAX.parse(written)


def test_a_long_text_is_refused_and_quoted_only_in_part() -> None:
    with pytest.raises(ValueError) as refused:
        SYNTAX.parse("1" * 60)
    assert str(refused.value) == f"'{'1' * 40}'... is not a duration such as 30s, 2m or 1d"


def test_without_a_separate_example_for_too_long_the_examples_serve() -> None:
    plain = DurationSyntax({"s": 1.0}, 10.0, "ten seconds", "5s")
    with pytest.raises(ValueError, match=r"^11 s is longer than ten seconds; give a duration such as 5s$"):
        plain.parse("11s")


@pytest.mark.parametrize("value", [None, [], {"s": 1}])
def test_values_of_other_types_go_through_untouched(value: object) -> None:
    assert SYNTAX.parse(value) is value


@pytest.mark.parametrize(("value", "shown"), [(True, "true"), (False, "false")])
def test_a_yes_no_value_is_no_duration(value: bool, shown: str) -> None:
    """YAML reads `run_time: yes` as true; pydantic alone would take it for one second."""
    with pytest.raises(ValueError, match=f"^{shown} \\(a yes/no value\\) is not a duration such as 30s, 2m or 1d$"):
        SYNTAX.parse(value)


@pytest.mark.parametrize("value", [None, [], {"s": 1}, math.nan])
def test_pydantic_and_the_field_bounds_refuse_what_goes_through(value: object) -> None:
    bounded = TypeAdapter(Annotated[float, BeforeValidator(SYNTAX.parse), Field(gt=0)])
    with pytest.raises(ValidationError):
        bounded.validate_python(value)
