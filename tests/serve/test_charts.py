"""Chart geometry: every point inside the plot, scaled from zero, with round ticks and escaped-later labels."""

from __future__ import annotations

import re

import pytest

from harness.serve.charts import (
    RISK_COLOURS,
    Chart,
    Column,
    Series,
    line_chart,
    nice_step,
    stacked_bars,
    verdict_strip,
)


def inside(chart: Chart, x: float, y: float) -> bool:
    return chart.left - 0.01 <= x <= chart.right + 0.01 and chart.top - 0.01 <= y <= chart.bottom + 0.01


@pytest.mark.parametrize(
    ("maximum", "step"), [(1.0, 0.25), (0.3, 0.1), (7, 2), (24, 10), (480, 200), (18, 5), (0, 1), (1e-6, 2.5e-7)]
)
def test_nice_steps(maximum: float, step: float) -> None:
    assert nice_step(maximum) == pytest.approx(step)


def test_line_chart_scales_from_zero_and_keeps_points_inside() -> None:
    series = [Series("p95", [(0, 0.2), (1, 0.25), (2, 0.4)], tips=["a", "b", "c"], links=["/runs/a", "", "/runs/c"]),
              Series("p50", [(0, 0.05), (2, 0.1)])]  # fmt: skip
    chart = line_chart("t", series, y_format=lambda v: f"{v * 1000:.0f} ms", x_format=lambda v: f"#{v:.0f}")
    dots = [d for line in chart.lines for d in line.dots]
    assert all(inside(chart, d.x, d.y) for d in dots)
    p95 = chart.lines[0].dots
    assert p95[0].y > p95[1].y > p95[2].y == chart.top  # higher values higher up; the highest on the top line
    assert [t.label for t in chart.y_ticks] == ["0", "100 ms", "200 ms", "300 ms", "400 ms"]
    assert chart.y_ticks[0].at == chart.bottom
    assert [t.label for t in chart.x_ticks] == ["#0", "#1", "#2"]
    assert (p95[0].tip, p95[0].href, p95[1].href) == ("a", "/runs/a", "")
    assert re.fullmatch(r"M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){2}", chart.lines[0].path)
    assert [item.label for item in chart.legend] == ["p95", "p50"] and chart.lines[0].colour != chart.lines[1].colour


def test_a_single_point_sits_in_the_middle_and_no_data_says_so() -> None:
    one = line_chart("t", [Series("rps", [(5, 12.0)])], y_format=str, x_format=str)
    assert one.lines[0].dots[0].x == pytest.approx((one.left + one.right) / 2)
    empty = line_chart("t", [Series("rps", [])], y_format=str, x_format=str, empty="nothing measured")
    assert empty.empty == "nothing measured" and not empty.lines


def test_many_x_values_get_a_few_ticks() -> None:
    chart = line_chart(
        "t", [Series("s", [(i, float(i)) for i in range(100)])], y_format=str, x_format=lambda v: str(int(v))
    )
    assert [t.label for t in chart.x_ticks] == ["0", "20", "40", "59", "79", "99"]


def test_stacked_bars_stack_in_legend_order() -> None:
    columns = [Column("r1", [("high", 1), ("low", 2)], tip="run-1", href="/runs/run-1"), Column("r2", [("info", 4)])]
    chart = stacked_bars("findings", columns, RISK_COLOURS)
    first = [b for b in chart.bars if b.href == "/runs/run-1"]
    high, low = first
    assert high.colour == RISK_COLOURS["high"] and low.colour == RISK_COLOURS["low"]
    assert high.y + high.height == pytest.approx(chart.bottom) and low.y + low.height == pytest.approx(high.y)
    assert low.height == pytest.approx(2 * high.height)
    assert (high.tip, low.tip) == ("run-1: 1 high", "run-1: 2 low")
    assert all(inside(chart, b.x, b.y) and inside(chart, b.x + b.width, b.y + b.height) for b in chart.bars)
    assert [t.label for t in chart.x_ticks] == ["r1", "r2"]
    assert stacked_bars("f", [], RISK_COLOURS, empty="none").empty == "none"


def test_verdict_strip() -> None:
    strip = verdict_strip("v", [("PASS", "a", "/runs/a"), ("FAIL", "b", "/runs/b"), ("INCOMPLETE", "c", "/runs/c")])
    assert [b.colour for b in strip.bars] == ["#1a7f37", "#d1242f", "#bf8700"]
    assert [b.href for b in strip.bars] == ["/runs/a", "/runs/b", "/runs/c"] and strip.bars[0].x < strip.bars[1].x
    assert verdict_strip("v", []).empty == "no runs"
