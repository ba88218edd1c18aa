"""Small charts as geometry for inline SVG: line charts, stacked bars and a verdict strip.

Pure functions from numbers to coordinates; the template ``charts.html`` draws them, escaping every label
(run ids, endpoint names and suite names come from run data). No JavaScript: a point's tooltip is an SVG
``<title>`` and a point or bar links to its run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 540, 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 36, 12, 30
PALETTE = ("#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#0a7f91", "#bc4c00", "#57606a")
VERDICT_COLOURS = {"PASS": "#1a7f37", "FAIL": "#d1242f", "INCOMPLETE": "#bf8700"}
RISK_COLOURS = {"critical": "#82071e", "high": "#d1242f", "medium": "#bc4c00", "low": "#bf8700", "info": "#57606a"}


@dataclass(frozen=True)
class Series:
    """Input of a line chart: one line; ``tips`` and ``links`` (optional) per point."""

    label: str
    points: Sequence[tuple[float, float]]
    tips: Sequence[str] = ()
    links: Sequence[str] = ()


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    tip: str
    href: str


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    dots: tuple[Dot, ...]

    @property
    def path(self) -> str:
        """The SVG path data: numbers only."""
        return " ".join(f"{'M' if i == 0 else 'L'}{d.x:.1f},{d.y:.1f}" for i, d in enumerate(self.dots))


@dataclass(frozen=True)
class Tick:
    at: float  # pixel position along its axis
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    tip: str
    href: str = ""


@dataclass(frozen=True)
class Legend:
    label: str
    colour: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    lines: tuple[Line, ...] = ()
    bars: tuple[Bar, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    legend: tuple[Legend, ...] = ()
    empty: str = ""  # shown instead of a plot when there is nothing to draw
    kind: str = "line"  # line | bars | strip (a CSS class, and what tests look for)

    @property
    def left(self) -> float:
        return MARGIN_LEFT

    @property
    def right(self) -> float:
        return self.width - MARGIN_RIGHT

    @property
    def top(self) -> float:
        return MARGIN_TOP

    @property
    def bottom(self) -> float:
        return self.height - MARGIN_BOTTOM


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 x 10^n) giving about ``ticks`` intervals up to ``maximum``."""
    if maximum <= 0 or not math.isfinite(maximum):
        return 1.0
    raw = maximum / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _y_axis(values: Sequence[float], fmt: Callable[[float], str], top: float, bottom: float) -> tuple[
    Callable[[float], float], tuple[Tick, ...]
]:  # fmt: skip
    highest = max((v for v in values if math.isfinite(v)), default=0.0)
    step = nice_step(highest if highest > 0 else 1.0)
    ceiling = step * max(1, math.ceil(highest / step - 1e-9))  # the highest value may touch the top line

    def scale(value: float) -> float:
        value = min(max(value, 0.0), ceiling) if math.isfinite(value) else 0.0
        return bottom - (value / ceiling) * (bottom - top)

    count = round(ceiling / step)
    return scale, tuple(Tick(scale(step * i), fmt(step * i) if i else "0") for i in range(count + 1))


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    y_format: Callable[[float], str],
    x_format: Callable[[float], str],
    x_ticks: int = 6,
    width: int = WIDTH,
    height: int = HEIGHT,
    empty: str = "no data",
) -> Chart:
    """Lines on one y axis from 0; x from the smallest to the largest x of any point."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return Chart(title, width, height, empty=empty)
    frame = Chart(title, width, height)
    xs = [x for s in drawn for x, _ in s.points]
    low, high = min(xs), max(xs)
    pad = 0.0 if high > low else 0.5  # a single x value sits in the middle

    def x_of(value: float) -> float:
        return frame.left + (value - low + pad) / (high - low + 2 * pad) * (frame.right - frame.left)

    y_of, y_ticks = _y_axis([y for s in drawn for _, y in s.points], y_format, frame.top, frame.bottom)
    lines = []
    for index, s in enumerate(drawn):
        dots = tuple(
            Dot(x_of(x), y_of(y), s.tips[i] if i < len(s.tips) else "", s.links[i] if i < len(s.links) else "")
            for i, (x, y) in enumerate(s.points)
        )
        lines.append(Line(s.label, PALETTE[index % len(PALETTE)], dots))
    distinct = sorted(set(xs))
    if len(distinct) <= x_ticks:
        marks = distinct
    else:
        marks = [distinct[round(i * (len(distinct) - 1) / (x_ticks - 1))] for i in range(x_ticks)]
    return Chart(
        title, width, height, lines=tuple(lines),
        x_ticks=tuple(Tick(x_of(x), x_format(x)) for x in dict.fromkeys(marks)), y_ticks=y_ticks,
        legend=tuple(Legend(line.label, line.colour) for line in lines),
    )  # fmt: skip


@dataclass(frozen=True)
class Column:
    """Input of a stacked bar chart: one column, its segments bottom up as (name, value)."""

    label: str
    segments: Sequence[tuple[str, float]]
    tip: str = ""
    href: str = ""


def stacked_bars(
    title: str,
    columns: Sequence[Column],
    colours: dict[str, str],
    *,
    y_format: Callable[[float], str] = lambda v: f"{v:g}",
    width: int = WIDTH,
    height: int = HEIGHT,
    label_every: int = 0,
    empty: str = "no data",
) -> Chart:
    """One column per entry, segments stacked in the order of ``colours`` (its keys are the legend)."""
    if not columns:
        return Chart(title, width, height, empty=empty, kind="bars")
    frame = Chart(title, width, height)
    totals = [sum(v for _, v in c.segments) for c in columns]
    y_of, y_ticks = _y_axis(totals, y_format, frame.top, frame.bottom)
    slot = (frame.right - frame.left) / len(columns)
    bar_width = max(2.0, min(28.0, slot * 0.7))
    bars: list[Bar] = []
    ticks: list[Tick] = []
    every = label_every or max(1, math.ceil(len(columns) / 6))
    for index, column in enumerate(columns):
        centre = frame.left + slot * (index + 0.5)
        base = 0.0
        values = dict(column.segments)
        for name, colour in colours.items():
            value = values.get(name, 0.0)
            if value <= 0:
                continue
            y_top, y_bottom = y_of(base + value), y_of(base)
            tip = f"{column.tip or column.label}: {y_format(value)} {name}"
            bars.append(Bar(centre - bar_width / 2, y_top, bar_width, y_bottom - y_top, colour, tip, column.href))
            base += value
        if index % every == 0 or index == len(columns) - 1:
            ticks.append(Tick(centre, column.label))
    legend = tuple(Legend(name, colour) for name, colour in colours.items())
    return Chart(title, width, height, bars=tuple(bars), x_ticks=tuple(ticks), y_ticks=y_ticks, legend=legend,
                 kind="bars")  # fmt: skip


def verdict_strip(title: str, runs: Sequence[tuple[str, str, str]], *, width: int = WIDTH) -> Chart:
    """One square per run, oldest left, coloured by verdict: (verdict, tip, href) each."""
    if not runs:
        return Chart(title, width, 40, empty="no runs", kind="strip")
    size = min(18.0, (width - 8) / len(runs) - 2)
    bars = tuple(
        Bar(4 + i * (size + 2), 6, size, size, VERDICT_COLOURS.get(verdict, "#57606a"), tip, href)
        for i, (verdict, tip, href) in enumerate(runs)
    )
    return Chart(title, width, int(size + 12), bars=bars, kind="strip")
