"""Charts drawn on the server: plain data in, coordinates out; templates draw the SVG.

Every chart travels with the table behind it (``Figure``): the SVG is a picture
for the eye (``role="img"``, named by its caption), the table is what a screen
reader, a keyboard user or a printer reads. No script, no external asset.

Horizontal positions are percentages of the chart's width and vertical ones
pixels, so a chart stretches to any screen while its text keeps its size: a
phone shows the same readable labels as a desktop, over shorter bars.

In a right-to-left language the picture is mirrored: bars grow from the right,
years run from the right, labels start at the right edge. Positions are
mirrored here; text anchors stay logical ("start" is the right end of a text
whose direction is rtl: the SVG says its direction), and only the nudges
(``dx``) change sign. Numbers are written the reader's way (``tcp.l10n``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tcp import l10n

Number = int | float | Decimal

# Labels longer than this are cut (with an ellipsis) in the picture; the table
# and the bar's tooltip carry them whole.
LABEL_CHARS = 42


def nice_step(span: float, parts: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) cutting ``span`` in about
    ``parts`` intervals."""
    if span <= 0:
        return 1.0
    raw = span / parts
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def axis_top(high: float, parts: int = 4) -> tuple[float, float]:
    """(top of the axis, step): the smallest multiple of a round step at or above ``high``."""
    step = nice_step(high, parts) if high > 0 else 1.0
    if step < 1:
        step = 1.0
    top = math.ceil(high / step) * step if high > 0 else step
    return top, step


def whole(value: Number) -> str:
    """A count or an amount in whole units, grouped the locale's way."""
    return l10n.number(value, 0)


def compact(value: Number) -> str:
    """A short label for an axis or a bar, the locale's way: 950, 12k, 1.2m, 1,2 M."""
    return l10n.compact(value)


def _pct(value: float) -> str:
    return f"{value:.2f}%"


@dataclass(frozen=True)
class Side:
    """Which way a chart reads: left to right, or mirrored for a right-to-left language."""

    rtl: bool

    @classmethod
    def current(cls) -> Side:
        return cls(l10n.is_rtl())

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def edge(self) -> str:
        """Where lines of text start: the left edge, or the right one."""
        return "100%" if self.rtl else "0"

    def at(self, value: float) -> float:
        """A position measured from the start edge, as a percentage from the left."""
        return 100 - value if self.rtl else value

    def span(self, start: float, width: float) -> float:
        """The left end of a span ``width`` long that begins ``start`` from the start edge."""
        return 100 - start - width if self.rtl else start

    def nudge(self, pixels: int) -> int:
        """A ``dx`` of ``pixels`` towards the end of the line."""
        return -pixels if self.rtl else pixels


def _cut(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Series:
    """One measure drawn in a chart (a legend entry): its colour is a CSS class."""

    key: str
    label: str
    css: str


@dataclass(frozen=True)
class Tick:
    at: str
    label: str
    anchor: str = "middle"


# --- the table behind every chart ---


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[Cell]
    url: str = ""

    def values(self) -> list[Any]:
        return [c.value for c in self.cells]


@dataclass(frozen=True)
class Table:
    # The first header names the rows; the others, the cells' columns.
    headers: list[str]
    rows: list[TableRow]
    total: TableRow | None = None

    def as_dict(self) -> dict[str, list[Any]]:
        """{row label: its values}: what a test compares with the database."""
        return {row.label: row.values() for row in self.rows}


# --- horizontal bars: counts by category, stacked when there are several series ---


@dataclass(frozen=True)
class Segment:
    label: str
    css: str
    value: Number
    x: str
    width: str


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    total_text: str
    label_y: int
    bar_y: int
    text_y: int
    segments: list[Segment]
    # Where the total is written: after the bar, or inside its end when it is long.
    text_x: str
    text_dx: int
    text_inside: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]
    height: int
    axis_y: int
    tick_label_y: int
    bar_height: int = 16
    side: Side = Side(rtl=False)


@dataclass(frozen=True)
class BarRow:
    """One category: its values, one per series; ``css`` colours a one-series bar
    by category (an outcome's own colour) instead of by series."""

    label: str
    values: Sequence[Number]
    css: str = ""
    url: str = ""


_ROW_HEIGHT = 46


def bar_chart(
    rows: Sequence[BarRow], series: Sequence[Series], *, side: Side | None = None
) -> BarChart:
    """Geometry of one bar per row, its series stacked from the start edge."""
    side = side or Side.current()
    totals = [sum(Decimal(v) for v in row.values) for row in rows]
    top, step = axis_top(float(max(totals, default=0)))
    bars = []
    for i, (row, total) in enumerate(zip(rows, totals, strict=True)):
        y0 = 4 + i * _ROW_HEIGHT
        segments, offset = [], 0.0
        for s, value in zip(series, row.values, strict=True):
            width = float(value) * 100 / top
            if width > 0:
                css = row.css if row.css and len(series) == 1 else s.css
                segments.append(
                    Segment(s.label, css, value, _pct(side.span(offset, width)), _pct(width))
                )
            offset += width
        inside = offset > 82
        bars.append(
            Bar(
                label=row.label,
                short_label=_cut(row.label),
                total_text=compact(total),
                label_y=y0 + 14,
                bar_y=y0 + 20,
                text_y=y0 + 32,
                segments=segments,
                text_x=_pct(side.at(offset)),
                text_dx=side.nudge(-4 if inside else 4),
                text_inside=inside,
            )
        )
    axis_y = 4 + len(rows) * _ROW_HEIGHT
    ticks = []
    value = 0.0
    while value <= top + step / 1000:
        at = value * 100 / top
        anchor = "start" if at == 0 else "end" if at >= 99.9 else "middle"
        ticks.append(Tick(_pct(side.at(at)), compact(value), anchor))
        value += step
    return BarChart(
        bars=bars,
        ticks=ticks,
        height=axis_y + 22,
        axis_y=axis_y,
        tick_label_y=axis_y + 16,
        side=side,
    )


# --- vertical columns: several series side by side per group (years) ---


@dataclass(frozen=True)
class Column:
    label: str
    css: str
    value: Number
    text: str
    x: str
    width: str
    y: str
    height: str


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    label_x: str
    columns: list[Column]


@dataclass(frozen=True)
class ColumnChart:
    groups: list[ColumnGroup]
    ticks: list[Tick]
    height: int
    axis_y: int
    group_label_y: int
    side: Side = Side(rtl=False)

    @property
    def tick_dx(self) -> int:
        return self.side.nudge(2)


_PLOT_TOP, _PLOT_BOTTOM = 20, 170


def column_chart(
    groups: Sequence[tuple[str, Sequence[Number]]],
    series: Sequence[Series],
    *,
    high: float | None = None,
    side: Side | None = None,
) -> ColumnChart:
    """Geometry of groups of columns; ``high`` shares one scale across several charts."""
    side = side or Side.current()
    biggest = max((float(v) for _label, values in groups for v in values), default=0.0)
    top, step = axis_top(high if high is not None else biggest)
    plot = _PLOT_BOTTOM - _PLOT_TOP
    per_group = 100 / max(len(groups), 1)
    inner = per_group * 0.7
    width = inner / max(len(series), 1)
    result = []
    for g, (label, values) in enumerate(groups):
        start = g * per_group + (per_group - inner) / 2
        columns = []
        for k, (s, value) in enumerate(zip(series, values, strict=True)):
            h = float(value) * plot / top
            columns.append(
                Column(
                    label=s.label,
                    css=s.css,
                    value=value,
                    text=whole(value),
                    x=_pct(side.span(start + k * width, width * 0.92)),
                    width=_pct(width * 0.92),
                    y=f"{_PLOT_BOTTOM - h:.1f}",
                    height=f"{h:.1f}",
                )
            )
        result.append(ColumnGroup(label, _pct(side.at(g * per_group + per_group / 2)), columns))
    ticks = []
    value = 0.0
    while value <= top + step / 1000:
        ticks.append(Tick(f"{_PLOT_BOTTOM - value * plot / top:.1f}", compact(value), "start"))
        value += step
    return ColumnChart(
        groups=result,
        ticks=ticks,
        height=_PLOT_BOTTOM + 26,
        axis_y=_PLOT_BOTTOM,
        group_label_y=_PLOT_BOTTOM + 18,
        side=side,
    )


# --- a chart and its table ---


@dataclass(frozen=True)
class Figure:
    """A chart, its caption, its legend, and the table behind it."""

    key: str
    caption: str
    kind: str  # "bars" or "columns": the template that draws it
    chart: BarChart | ColumnChart
    table: Table
    series: list[Series] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"tcp/charts/{self.kind}.html"

    @property
    def legend(self) -> list[Series]:
        return self.series if len(self.series) > 1 else []

    @property
    def is_empty(self) -> bool:
        return not any(any(c.value for c in row.cells) for row in self.table.rows)


def bar_figure(
    key: str,
    caption: str,
    rows: Sequence[BarRow],
    series: Sequence[Series],
    *,
    row_header: str,
    fmt: Callable[[Number], str] = whole,
    total_label: str = "",
) -> Figure:
    """Bars and their table: one column per series, and a total column when stacked."""
    stacked = len(series) > 1
    headers = [row_header, *(s.label for s in series)]
    if stacked:
        headers.append(total_label)

    def cells(values: Sequence[Number]) -> list[Cell]:
        out = [Cell(v, fmt(v)) for v in values]
        if stacked:
            total = sum(values)
            out.append(Cell(total, fmt(total)))
        return out

    table_rows = [TableRow(row.label, cells(row.values), row.url) for row in rows]
    total = None
    if total_label and rows:
        sums = [sum(row.values[i] for row in rows) for i in range(len(series))]
        total = TableRow(total_label, cells(sums))
    return Figure(
        key=key,
        caption=caption,
        kind="bars",
        chart=bar_chart(rows, series),
        table=Table(headers, table_rows, total),
        series=list(series),
    )


def column_figure(
    key: str,
    caption: str,
    groups: Sequence[tuple[str, Sequence[Number]]],
    series: Sequence[Series],
    *,
    row_header: str,
    high: float | None = None,
    fmt: Callable[[Number], str] = whole,
) -> Figure:
    """Grouped columns and their table: one row per group, one column per series."""
    return Figure(
        key=key,
        caption=caption,
        kind="columns",
        chart=column_chart(groups, series, high=high),
        table=Table(
            [row_header, *(s.label for s in series)],
            [TableRow(label, [Cell(v, fmt(v)) for v in values]) for label, values in groups],
        ),
        series=list(series),
    )
