"""Server-side SVG charts of the overview, identical on screen and in the PDF.

Hand-written SVG (no charting dependency): presentation attributes only, no ``style``
attributes or elements, so the pages' Content Security Policy allows them inline and
WeasyPrint draws them the same. Every chart carries a title and a description for
screen readers, and the pages show the same figures in a data table next to it;
colour is never the only cue (peak weeks also carry a "!" mark).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c8d0da"
DEMAND = "#0b5394"
OWN = "#e69f00"
PEAK = "#a4161a"
SUPPLY = "#1e6b30"
THRESHOLD = "#8a4b00"
# A sequential blue scale for the heat map (light to dark), readable in greyscale.
HEAT = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _fmt(value: float) -> str:
    return f"{value:.0f}"


def _nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum and tick step for values up to ``value``."""
    if value <= 0:
        return 10.0, 2.0
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _text(x, y, content, *, size=11, anchor="start", fill=INK, weight="normal", extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}" font-weight="{weight}"{extra}>'
        f"{escape(content)}</text>"
    )


def demand_supply_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    week_numbers: Sequence[int],
    demand: Sequence[float],
    supply: Sequence[float],
    threshold: float,
    peak_weeks: set[int],
    own: Sequence[float] | None = None,
    labels: dict[str, str],
) -> SafeString:
    """Bars of demand per week against the supply (step line) and the peak threshold."""
    n = len(week_numbers)
    left, right, top, bottom = 52, 12, 46, 34
    bar_w = 17.0
    width = left + right + n * bar_w
    height = 300
    plot_h = height - top - bottom
    top_value = max([*demand, *supply, 1.0])
    axis_max, step = _nice_max(top_value * 1.05)

    def y(value: float) -> float:
        return top + plot_h - plot_h * min(value, axis_max) / axis_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'preserveAspectRatio="xMinYMin meet" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height}" fill="#ffffff"/>',
    ]
    tick = 0.0
    while tick <= axis_max + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right:.1f}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, ty + 4, _fmt(tick), size=10, anchor="end", fill=MUTED))
        tick += step
    for i in range(n):
        x = left + i * bar_w
        d = demand[i]
        is_peak = i in peak_weeks
        if d > 0:
            parts.append(
                f'<rect x="{x + 2:.1f}" y="{y(d):.1f}" width="{bar_w - 4:.1f}" '
                f'height="{y(0) - y(d):.1f}" fill="{PEAK if is_peak else DEMAND}"/>'
            )
        if own is not None and own[i] > 0:
            parts.append(
                f'<rect x="{x + 2:.1f}" y="{y(own[i]):.1f}" width="{bar_w - 4:.1f}" '
                f'height="{y(0) - y(own[i]):.1f}" fill="{OWN}"/>'
            )
        if is_peak:
            parts.append(
                _text(
                    x + bar_w / 2, y(d) - 4, "!", size=12, anchor="middle", fill=PEAK, weight="bold"
                )
            )
        parts.append(
            _text(
                x + bar_w / 2,
                height - bottom + 14,
                str(week_numbers[i]),
                size=9,
                anchor="middle",
                fill=MUTED,
            )
        )
    # Supply and threshold as step lines.
    for series, colour, dash in (
        (list(supply), SUPPLY, ""),
        ([s * threshold for s in supply], THRESHOLD, ' stroke-dasharray="5 3"'),
    ):
        points = []
        for i, value in enumerate(series):
            x0, x1 = left + i * bar_w, left + (i + 1) * bar_w
            points += [f"{x0:.1f},{y(value):.1f}", f"{x1:.1f},{y(value):.1f}"]
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right:.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(_text(left, height - 4, labels["week"], size=10, fill=MUTED))
    # Legend.
    legend = [
        ("rect", DEMAND, labels["demand"]),
        ("rect", PEAK, labels["peak"]),
        ("line", SUPPLY, labels["supply"]),
        ("dash", THRESHOLD, labels["threshold"]),
    ]
    if own is not None:
        legend.insert(1, ("rect", OWN, labels["own"]))
    lx = left
    for kind, colour, label in legend:
        if kind == "rect":
            parts.append(f'<rect x="{lx}" y="12" width="14" height="12" fill="{colour}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            parts.append(
                f'<line x1="{lx}" x2="{lx + 14}" y1="18" y2="18" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        parts.append(_text(lx + 19, 23, label, size=11))
        lx += 28 + 6.6 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def heat_colour(value: float, top: float) -> tuple[str, str]:
    """Fill and text colour of a heat-map cell."""
    if value < 0.5 or top <= 0:
        return "#ffffff", MUTED
    step = min(len(HEAT) - 1, 1 + int((len(HEAT) - 1) * value / top * 0.999))
    return HEAT[step], ("#ffffff" if step >= 5 else INK)


def heatmap_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    week_numbers: Sequence[int],
    rows: Sequence[tuple[str, Sequence[float]]],
    demand: Sequence[float],
    supply: Sequence[float],
    peak_weeks: set[int],
    labels: dict[str, str],
    top: float | None = None,
) -> SafeString:
    """Weeks × schools: students on internship per school and week, with the totals
    against the open places below and the peak weeks marked."""
    n = len(week_numbers)
    label_w, cell_w, cell_h, head = 190, 17.0, 15, 30
    width = label_w + n * cell_w + 4
    body_rows = len(rows)
    height = head + (body_rows + 3) * cell_h + 14
    top = top if top is not None else max([max(r, default=0) for _n, r in rows] + [1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'preserveAspectRatio="xMinYMin meet" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        _text(4, 12, labels["week"], size=9, fill=MUTED),
    ]
    for i in range(n):
        x = label_w + i * cell_w
        parts.append(
            _text(
                x + cell_w / 2, head - 6, str(week_numbers[i]), size=8, anchor="middle", fill=MUTED
            )
        )
        if i in peak_weeks:
            parts.append(
                f'<rect x="{x + 0.5:.1f}" y="2" width="{cell_w - 1:.1f}" height="12" '
                f'fill="{PEAK}"/>'
            )
            parts.append(
                _text(
                    x + cell_w / 2, 12, "!", size=10, anchor="middle", fill="#ffffff", weight="bold"
                )
            )

    def cell(x, y, value, fill, colour, stroke=GRID):
        out = [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_w:.1f}" height="{cell_h}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="0.5"/>'
        ]
        if value >= 0.5:
            size = 7 if value < 999.5 else 5.6
            out.append(
                _text(
                    x + cell_w / 2,
                    y + cell_h - 4,
                    _fmt(value),
                    size=size,
                    anchor="middle",
                    fill=colour,
                )
            )
        return out

    y = head
    for name, values in rows:
        short = name if len(name) <= 30 else name[:29] + "…"
        parts.append(_text(4, y + cell_h - 4, short, size=9))
        for i in range(n):
            fill, colour = heat_colour(values[i], top)
            parts += cell(label_w + i * cell_w, y, values[i], fill, colour)
        y += cell_h
    y += 4
    for name, values, kind in (
        (labels["demand"], demand, "demand"),
        (labels["supply"], supply, "supply"),
    ):
        parts.append(_text(4, y + cell_h - 4, name, size=9, weight="bold"))
        for i in range(n):
            if kind == "demand" and i in peak_weeks:
                fill, colour = "#f4cccc", PEAK
            else:
                fill, colour = ("#eef3f8", INK)
            parts += cell(label_w + i * cell_w, y, values[i], fill, colour)
        y += cell_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
