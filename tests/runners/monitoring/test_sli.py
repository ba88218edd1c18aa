"""An SLI's value from Prometheus's answer — and every answer that is not one number, with its reason."""

from __future__ import annotations

from typing import Any

import pytest

from harness.runners.monitoring.options import Sli
from harness.runners.monitoring.sli import read

PLAIN = Sli(query="q")


def vector(*values: str, labels: tuple[dict[str, str], ...] = ()) -> dict[str, Any]:
    names = labels or tuple({} for _ in values)
    return {
        "resultType": "vector",
        "result": [{"metric": m, "value": [1.0, v]} for m, v in zip(names, values, strict=True)],
    }


def test_one_series_is_the_value() -> None:
    reading = read(vector("0.123"), PLAIN)
    assert (reading.value, reading.reason, reading.points) == (0.123, None, 1)
    assert read({"resultType": "scalar", "result": [1.0, "7"]}, PLAIN).value == 7.0


def test_units_are_converted_to_seconds_and_fractions() -> None:
    assert read(vector("250"), Sli(query="q", unit="ms")).value == 0.25
    assert read(vector("99.5"), Sli(query="q", percent=True)).value == pytest.approx(0.995)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (vector(), "monitoring.empty"),
        (vector("1", "2", labels=({"route": "/a"}, {"route": "/b"})), "monitoring.several"),
        (vector("NaN"), "monitoring.nan"),
        (vector("+Inf"), "monitoring.infinite"),
        (vector("not a number"), "monitoring.not_a_number"),
        ({"resultType": "matrix", "result": [{"metric": {}, "values": [[1.0, "1"]]}]}, "monitoring.range_vector"),
        ({"resultType": "string", "result": [1.0, "x"]}, "monitoring.string_result"),
        ({"resultType": "histogram"}, "monitoring.unexpected_answer"),
    ],
)
def test_anything_but_one_number_is_not_measured(data: dict[str, Any], key: str) -> None:
    reading = read(data, PLAIN)
    assert reading.value is None and reading.reason is not None and reading.reason.key == key


def test_several_series_are_named_so_the_query_can_be_fixed() -> None:
    labels = tuple({"route": f"/r{i}", "status": "200"} for i in range(5))
    reading = read(vector(*"12345", labels=labels), PLAIN)
    assert reading.reason is not None
    assert '{route="/r0", status="200"}' in reading.reason.text and "… 2 more" in reading.reason.text


@pytest.mark.parametrize(("over", "expected"), [("max", 3.0), ("min", 1.0), ("avg", 2.0)])
def test_a_range_is_reduced_over_its_finite_points(over: str, expected: float) -> None:
    points = [[1.0, "1"], [2.0, "NaN"], [3.0, "2"], [4.0, "3"]]
    reading = read({"resultType": "matrix", "result": [{"metric": {}, "values": points}]}, Sli(query="q", over=over))
    assert (reading.value, reading.points) == (expected, 3)


def test_a_range_without_a_single_finite_point_is_not_measured() -> None:
    data = {"resultType": "matrix", "result": [{"metric": {}, "values": [[1.0, "NaN"], [2.0, "NaN"]]}]}
    reading = read(data, Sli(query="q", over="max"))
    assert reading.reason is not None and reading.reason.key == "monitoring.no_finite_points"
    assert read({"resultType": "matrix", "result": []}, Sli(query="q", over="max")).reason is not None
