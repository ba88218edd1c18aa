"""Field-by-field comparison of two answers: each rule kind, and the shapes answers come in."""

from __future__ import annotations

from typing import Any

from harness.runners.parallel.compare import ABSENT, Answer, compare
from harness.runners.parallel.options import CompareOptions, FieldRule


def answer(body: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, {"content-type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}},
                  body, "", True)  # fmt: skip


def fields(left: Answer, right: Answer, **options: Any) -> dict[str, tuple[str, str]]:
    return {d.path: (d.left, d.right) for d in compare(left, right, CompareOptions(**options)) if not d.ignored}


def test_every_differing_field_is_reported_with_both_values() -> None:
    old = answer({"id": 1, "fee": "3500.00", "items": [{"n": 1}, {"n": 2}], "gone": True, "note": "旧"})
    new = answer({"id": 1, "fee": "3250.00", "items": [{"n": 1}, {"n": 3}, {"n": 4}], "note": "新", "added": None})
    assert fields(old, new) == {
        "$.fee": ('"3500.00"', '"3250.00"'),
        "$.items[1].n": ("2", "3"),
        "$.items[2]": (ABSENT, '{"n": 4}'),
        "$.gone": ("true", ABSENT),
        "$.note": ('"旧"', '"新"'),
        "$.added": (ABSENT, "null"),
    }
    assert fields(old, old) == {}


def test_status_and_the_chosen_headers_are_compared_other_headers_not() -> None:
    old = answer({}, 200, content_type="application/json", date="Mon", location="/a/1")
    new = answer({}, 201, content_type="application/json; charset=utf-8", date="Tue", location="/a/1")
    assert fields(old, new, headers=["Content-Type", "location"]) == {
        "status": ("200", "201"),
        "header:content-type": ('"application/json"', '"application/json; charset=utf-8"'),
    }
    assert fields(old, new, status=False, headers=[]) == {}


def test_types_differ_even_when_python_calls_them_equal() -> None:
    assert fields(answer({"a": 1}), answer({"a": True})) == {"$.a": ("1", "true")}
    assert fields(answer({"a": 1}), answer({"a": "1"})) == {"$.a": ("1", '"1"')}
    assert fields(answer({"a": 1}), answer({"a": 1.0})) == {}  # the same JSON number


def test_ignored_fields_are_listed_apart_with_the_rule_and_not_counted() -> None:
    old = answer({"items": [{"updated_at": "t1", "x": 1}, {"updated_at": "t2", "x": 1}], "version": "1.3"})
    new = answer({"items": [{"updated_at": "t3", "x": 1}, {"updated_at": "t2", "x": 2}], "version": "1.4"})
    options = CompareOptions(
        ignore=["$.items[*].updated_at"], rules=[FieldRule(path="$.version", ignore=True, reason="release")]
    )
    found = compare(old, new, options)
    assert [(d.path, d.ignored, d.reason) for d in found] == [
        ("$.items[0].updated_at", True, "$.items[*].updated_at"),
        ("$.items[1].x", False, ""),
        ("$.version", True, "release"),
    ]


def test_a_regex_blanks_the_parts_it_matches_before_comparing() -> None:
    rule = FieldRule(path="$..message", regex=r"\d{4}-\d{2}-\d{2}T[\d:.+]+")
    old = answer({"a": {"message": "saved at 2026-01-01T10:00:00+00:00"}})
    new = answer({"a": {"message": "saved at 2026-01-02T11:30:00+00:00"}})
    worse = answer({"a": {"message": "failed at 2026-01-02T11:30:00+00:00"}})
    assert fields(old, new, rules=[rule]) == {}
    assert list(fields(old, worse, rules=[rule])) == ["$.a.message"]


def test_numbers_are_equal_within_the_absolute_or_relative_tolerance_of_their_rule() -> None:
    old, new = answer({"total": 100.0, "rate": 0.5}), answer({"total": 100.004, "rate": 0.5004})
    assert list(fields(old, new)) == ["$.total", "$.rate"]
    assert fields(old, new, rules=[FieldRule(path="$.*", absolute=0.01)]) == {}
    assert list(fields(old, new, rules=[FieldRule(path="$.*", relative=0.0001)])) == ["$.rate"]  # 8e-4 relative
    assert list(fields(old, new, rules=[FieldRule(path="$.total", absolute=0.001)])) == ["$.total", "$.rate"]


def test_an_unordered_array_is_compared_as_a_multiset() -> None:
    old = answer({"tags": ["a", "b", "c"], "rows": [{"id": 1, "at": "x"}, {"id": 2, "at": "y"}]})
    new = answer({"tags": ["c", "a", "b"], "rows": [{"id": 2, "at": "q"}, {"id": 1, "at": "p"}]})
    assert set(fields(old, new)) == {"$.tags[0]", "$.tags[1]", "$.tags[2]", "$.rows[0].id", "$.rows[0].at",
                                     "$.rows[1].id", "$.rows[1].at"}  # fmt: skip
    rules = [FieldRule(path="$.tags", unordered=True), FieldRule(path="$.rows", unordered=True)]
    # ignored fields do not decide the order: the rows pair up by id, and only their at differs
    ignore = ["$.rows[*].at"]
    assert fields(old, new, rules=rules, ignore=ignore) == {}
    missing = answer({"tags": ["c", "a"], "rows": []})
    assert fields(old, missing, rules=rules, ignore=ignore)["$.tags[2]"] == ('"c"', ABSENT)


def test_a_body_that_is_not_json_is_compared_as_text_and_long_values_are_cut() -> None:
    old = Answer(200, {"content-type": "text/html"}, None, "<p>" + "x" * 500 + "</p>")
    new = Answer(200, {"content-type": "text/html"}, None, "<p>" + "y" * 500 + "</p>")
    ((path, (left, _right)),) = fields(old, new).items()
    assert path == "$" and left.startswith('"<p>xxx') and left.endswith("… (509 chars)") and len(left) < 230
    assert fields(old, old) == {}
    json_side = answer({"a": 1})
    assert fields(old, json_side)["$"][1] == '{"a": 1}'


def test_a_system_that_did_not_answer_differs_in_one_field() -> None:
    down = Answer(problem="no answer: ConnectionError")
    assert fields(answer({"a": 1}), down) == {"status": ("HTTP 200", "no answer: ConnectionError")}
    assert fields(down, down) == {}
