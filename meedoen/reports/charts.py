"""Server-side SVG charts of the reports, identical on screen and in the PDF.

Hand-written SVG, as in the planning app: presentation attributes only (no ``style``
attributes or elements, so the Content Security Policy allows them inline and WeasyPrint
draws them the same), a title and a description for screen readers, and every chart is
shown next to a table with the same figures. Colour is never the only cue: each bar
carries its value as text, and a hidden (suppressed) figure is drawn as "•" without a bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1b1b"
MUTED = "#4a4a4a"
GRID = "#c8d0da"
# Colour-blind safe series colours (Okabe–Ito), readable in greyscale by their order.
SERIES = ["#0b5394", "#e69f00", "#1e6b30", "#a4161a", "#56b4e9", "#8a4b00"]
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _text(x, y, content, *, size=11, anchor="start", fill=INK, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}" font-weight="{weight}">'
        f"{escape(content)}</text>"
    )


def _nice_max(value: float) -> tuple[float, float]:
    if value <= 0:
        return 10.0, 2.0
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _open(chart_id: str, title: str, description: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'preserveAspectRatio="xMinYMin meet" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def _fmt(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def bar_chart_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float | None]],
    colour: str = SERIES[0],
) -> SafeString:
    """Horizontal bars, one per category, each with its value (``None``: hidden, "•")."""
    label_w, bar_h, gap, right = 230, 18, 6, 60
    width = 620
    plot_w = width - label_w - right
    height = 12 + max(1, len(bars)) * (bar_h + gap) + 6
    top = max([v for _label, v in bars if v is not None] + [1])
    parts = _open(chart_id, title, description, width, height)
    y = 10
    for label, value in bars:
        short = label if len(label) <= 36 else label[:35] + "…"
        parts.append(_text(label_w - 8, y + bar_h - 5, short, size=11, anchor="end"))
        if value is None:
            parts.append(_text(label_w + 4, y + bar_h - 5, "•", size=12, fill=MUTED))
        else:
            w = plot_w * float(value) / float(top)
            if w > 0:
                parts.append(
                    f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{colour}"/>'
                )
            parts.append(_text(label_w + w + 5, y + bar_h - 5, _fmt(value), size=11))
        y += bar_h + gap
    parts.append(
        f'<line x1="{label_w}" x2="{label_w}" y1="6" y2="{height - 4}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def grouped_bars_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> SafeString:
    """Vertical bars per group (e.g. school years) and series (e.g. placed, completed) —
    the trend charts. ``None`` values are hidden figures, drawn as "•" without a bar."""
    n_groups, n_series = max(1, len(groups)), max(1, len(series))
    left, right, top_m, bottom = 52, 12, 40, 30
    width = max(620.0, left + right + 12 + n_groups * (n_series * 20.0 + 24))
    group_w = (width - left - right - 12) / n_groups
    bar_w = min(44.0, (group_w - 24) / n_series)
    height = 260
    plot_h = height - top_m - bottom
    values = [v for _name, vs in series for v in vs if v is not None]
    axis_max, step = _nice_max(max(values + [1]) * 1.1)

    def y(v: float) -> float:
        return top_m + plot_h - plot_h * min(float(v), axis_max) / axis_max

    parts = _open(chart_id, title, description, width, height)
    tick = 0.0
    while tick <= axis_max + 1e-9:
        parts.append(
            f'<line x1="{left}" x2="{width - right:.1f}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, _fmt(tick), size=10, anchor="end", fill=MUTED))
        tick += step
    for g, group in enumerate(groups):
        gx = left + 12 + g * group_w + (group_w - 24 - n_series * bar_w) / 2
        for s, (_name, vs) in enumerate(series):
            v = vs[g] if g < len(vs) else None
            x = gx + s * bar_w
            if v is None:
                parts.append(
                    _text(x + bar_w / 2, y(0) - 4, "•", size=12, anchor="middle", fill=MUTED)
                )
                continue
            if v > 0:
                parts.append(
                    f'<rect x="{x + 2:.1f}" y="{y(v):.1f}" width="{bar_w - 4:.1f}" '
                    f'height="{y(0) - y(v):.1f}" fill="{SERIES[s % len(SERIES)]}"/>'
                )
            parts.append(_text(x + bar_w / 2, y(v) - 3, _fmt(v), size=9, anchor="middle"))
        parts.append(
            _text(gx + n_series * bar_w / 2, height - bottom + 15, group, size=10, anchor="middle")
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right:.1f}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    lx = left
    for s, (name, _vs) in enumerate(series):
        parts.append(
            f'<rect x="{lx}" y="10" width="14" height="12" fill="{SERIES[s % len(SERIES)]}"/>'
        )
        parts.append(_text(lx + 19, 21, name, size=11))
        lx += 30 + 6.6 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
