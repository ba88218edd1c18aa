"""Path patterns of the parallel-run comparison rules: what each form selects, and what is refused."""

from __future__ import annotations

import pytest

from harness.runners.parallel.paths import STATUS, FieldPath, header_path, parse_pattern


def path(*segments: str | int) -> FieldPath:
    return FieldPath(tuple(segments))


@pytest.mark.parametrize(
    ("pattern", "field", "selected"),
    [
        ("$.items[*].updated_at", path("items", 3, "updated_at"), True),
        ("$.items[*].updated_at", path("items", "x", "updated_at"), False),  # [*] is an array element
        ("items[*].updated_at", path("items", 0, "updated_at"), True),  # $. is implied
        ("$.items[2].fee", path("items", 2, "fee"), True),
        ("$.items[2].fee", path("items", 1, "fee"), False),
        ("$..fee", path("fee"), True),
        ("$..fee", path("items", 0, "fee"), True),
        ("$..fee", path("items", 0, "fee_note"), False),
        ("$.*.id", path("owner", "id"), True),
        ("$.*.id", path("a", "b", "id"), False),
        ("$.**", path("a", 1, "b"), True),
        ("$.**", path(), True),
        ("$", path(), True),
        ("$", path("a"), False),
        ("$['a.b'].c", path("a.b", "c"), True),
        ("$['it\\'s']", path("it's"), True),
        ("status", STATUS, True),
        ("status", path("status"), False),  # the HTTP status, not a body field named status
        ("$.status", path("status"), True),
        ("header:Date", header_path("date"), True),
        ("$.**", header_path("date"), False),  # body patterns never select headers
    ],
)
def test_a_pattern_selects_the_fields_it_names(pattern: str, field: FieldPath, selected: bool) -> None:
    assert parse_pattern(pattern).matches(field) is selected


def test_fields_are_shown_in_the_pattern_syntax_so_a_reported_field_can_be_pasted_as_a_rule() -> None:
    field = path("items", 0, "a b", "updated_at")
    assert str(field) == "$.items[0]['a b'].updated_at"
    assert parse_pattern(str(field)).matches(field)
    assert str(STATUS) == "status" and str(header_path("Content-Type")) == "header:content-type"


def test_a_pattern_that_cannot_be_read_says_where() -> None:
    with pytest.raises(ValueError, match=r"cannot read '\[x\]'"):
        parse_pattern("$.items[x]")
    with pytest.raises(ValueError, match="must not be empty"):
        parse_pattern(" ")
