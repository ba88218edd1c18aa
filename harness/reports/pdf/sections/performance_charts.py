"""Vector line charts over test time (reportlab graphics), set in the report's embedded font.

One chart = one or more series on a left axis, optionally one series on a right axis (users beside
requests per second), a legend above the plot, light grid lines, and an optional marker where a
windowed criterion stopped the test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, String
from reportlab.lib import colors

from harness.reports.pdf.fonts import FONT
from harness.reports.pdf.styles import GREY, RED, RULE

Point = tuple[float, float]
AXIS_COLOUR = colors.HexColor("#8A96A6")
GRID_COLOUR = colors.HexColor("#E3E8EF")


@dataclass(frozen=True)
class Series:
    label: str
    colour: colors.Color
    points: Sequence[Point]
    width: float = 1.3
    dash: tuple[float, ...] | None = None


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 x 10^n) giving about ``ticks`` intervals up to ``maximum``."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis_max(values: Sequence[float]) -> tuple[float, float]:
    top = max(values, default=0.0)
    step = nice_step(top if top > 0 else 1.0)
    return step * max(1, math.floor(top / step) + 1), step  # headroom: no line runs along the top edge


def time_label(seconds: float) -> str:
    """Tick text for test time: ``45s`` below three minutes, ``12:30`` (m:ss) beyond, ``1:02:00`` for hours."""
    seconds = round(seconds)
    if seconds < 180:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def number_label(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _style_axes(plot: LinePlot, x_max: float, x_step: float, y_max: float, y_step: float) -> None:
    x, y = plot.xValueAxis, plot.yValueAxis
    x.valueMin, x.valueMax, x.valueStep = 0, x_max, x_step
    y.valueMin, y.valueMax, y.valueStep = 0, y_max, y_step
    for axis in (x, y):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
        axis.labels.fillColor = GREY
        axis.strokeColor = AXIS_COLOUR
        axis.strokeWidth = 0.6
    x.labelTextFormat = time_label
    y.labelTextFormat = number_label
    x.tickDown = 3
    y.tickLeft = 3
    y.visibleGrid = 1
    y.gridStrokeColor = GRID_COLOUR
    y.gridStrokeWidth = 0.5


def _legend(series: Sequence[Series], x: float, y: float) -> Legend:
    legend = Legend()
    legend.colorNamePairs = [(s.colour, s.label) for s in series]
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.fillColor = GREY
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = 10, 3
    legend.dxTextSpace = 4
    legend.deltax = 14
    legend.deltay = 10
    legend.autoXPadding = 12
    legend.strokeWidth = 0
    legend.boxAnchor = "se"
    legend.x, legend.y = x, y
    return legend


def _title(text: str, x: float, y: float, rotate: bool = False, anchor: str = "middle") -> Group | String:
    label = String(0 if rotate else x, 0 if rotate else y, text, fontName=FONT, fontSize=7.5, fillColor=GREY)
    label.textAnchor = anchor
    if not rotate:
        return label
    return Group(label, transform=(0, 1, -1, 0, x, y))


def time_chart(
    series: Sequence[Series],
    *,
    width: float,
    height: float,
    x_title: str,
    y_title: str,
    right: Series | None = None,
    right_title: str = "",
    marker: tuple[float, str] | None = None,
    y_format: Callable[[float], str] = number_label,
) -> Drawing | None:
    """A line chart of ``series`` against test time; None when there is nothing to draw."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return None
    left_pad, bottom_pad, top_pad = 46.0, 30.0, 20.0
    right_pad = 46.0 if right and right.points else 12.0
    plot_width = width - left_pad - right_pad
    plot_height = height - bottom_pad - top_pad
    everything = [p for s in [*drawn, *([right] if right else [])] for p in s.points]
    x_max, x_step = _axis_max([t for t, _ in everything])
    y_max, y_step = _axis_max([v for s in drawn for _, v in s.points])

    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer otherwise selects Helvetica first, unembedded
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = left_pad, bottom_pad, plot_width, plot_height
    plot.data = [list(s.points) for s in drawn]
    for index, item in enumerate(drawn):
        plot.lines[index].strokeColor = item.colour
        plot.lines[index].strokeWidth = item.width
        if item.dash:
            plot.lines[index].strokeDashArray = list(item.dash)
    _style_axes(plot, x_max, x_step, y_max, y_step)
    plot.yValueAxis.labelTextFormat = y_format
    drawing.add(plot)

    legend_items = list(drawn)
    if right and right.points:
        top, step = _axis_max([v for _, v in right.points])
        second = LinePlot()
        second.x, second.y, second.width, second.height = left_pad, bottom_pad, plot_width, plot_height
        second.data = [list(right.points)]
        second.lines[0].strokeColor = right.colour
        second.lines[0].strokeWidth = right.width
        if right.dash:
            second.lines[0].strokeDashArray = list(right.dash)
        _style_axes(second, x_max, x_step, top, step)
        second.xValueAxis.visible = 0
        second.yValueAxis.visibleGrid = 0
        second.yValueAxis.joinAxisMode = "right"
        second.yValueAxis.tickLeft, second.yValueAxis.tickRight = 0, 3
        second.yValueAxis.labels.boxAnchor = "w"
        second.yValueAxis.labels.dx = 5
        drawing.add(second)
        drawing.add(_title(right_title, width - 8, bottom_pad + plot_height / 2, rotate=True))
        legend_items.append(right)

    if marker is not None:
        at, label = marker
        position = left_pad + plot_width * min(max(at / x_max, 0.0), 1.0)
        drawing.add(Line(position, bottom_pad, position, bottom_pad + plot_height, strokeColor=RED,
                         strokeWidth=0.9, strokeDashArray=[3, 2]))  # fmt: skip
        flag = String(position - 2, bottom_pad + plot_height - 9, label, fontName=FONT, fontSize=7, fillColor=RED)
        flag.textAnchor = "end"
        drawing.add(flag)

    drawing.add(_title(y_title, 10, bottom_pad + plot_height / 2, rotate=True))
    drawing.add(_title(x_title, left_pad + plot_width / 2, 4))
    drawing.add(_legend(legend_items, left_pad + plot_width, height - top_pad + 5))
    drawing.add(Line(left_pad, bottom_pad + plot_height, left_pad + plot_width, bottom_pad + plot_height,
                     strokeColor=RULE, strokeWidth=0.4))  # fmt: skip
    return drawing
