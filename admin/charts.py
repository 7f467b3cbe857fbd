"""Small self-contained SVG charts (bar, stacked bar, line) for reports: pure Python, no JavaScript.

Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` (read by screen readers) and every
text is XML-escaped, so user text (a question, a topic label) can never inject markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
INK, MUTED, GRID = "#1f2933", "#616e7c", "#d9dee3"
PALETTE = ("#2f6690", "#3a7d44", "#d98e04", "#b23a48", "#6c4f9c", "#3c6e71", "#8a5a44", "#5c677d")
CHAR_W = 6.6  # average glyph width at 12px, for layout


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _ident(title: str, ident: str | None) -> str:
    base = ident or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chart"
    return "chart-" + base[:40]


def _fit(label: str, width: float) -> str:
    """Shorten a label to roughly `width` pixels."""
    room = max(3, int(width / CHAR_W))
    return label if len(label) <= room else label[: room - 1] + "…"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def nice_max(value: float) -> float:
    """The smallest 1/2/5 x 10^n at or above `value` (1 for empty data), for an axis."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _open(ident: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" '
            f'aria-labelledby="{ident}-t {ident}-d" {FONT} font-size="12">',
            f'<title id="{ident}-t">{_esc(title)}</title>', f'<desc id="{ident}-d">{_esc(desc)}</desc>']


def _empty(ident: str, width: float, title: str, desc: str) -> str:
    parts = _open(ident, width, 60, title, desc or "No data in this period.")
    parts.append(f'<text x="{width / 2:.0f}" y="34" text-anchor="middle" fill="{MUTED}">'
                 "No data in this period</text></svg>")
    return "".join(parts)


def _legend(names_colors: Sequence[tuple[str, str]], x: float, y: float, width: float) -> list[str]:
    out, cx, cy = [], x, y
    for name, color in names_colors:
        span = 18 + len(name) * CHAR_W + 16
        if cx + span > x + width and cx > x:
            cx, cy = x, cy + 18
        out.append(f'<rect x="{cx:.1f}" y="{cy - 9:.1f}" width="11" height="11" rx="2" fill="{color}"/>'
                   f'<text x="{cx + 16:.1f}" y="{cy:.1f}" fill="{INK}">{_esc(name)}</text>')
        cx += span
    return out


def bar_chart(items: Sequence[tuple[str, float | Sequence[float]]], *, title: str, desc: str = "",
              width: int = 640, series: Sequence[tuple[str, str]] = (("", PALETTE[0]),),
              ident: str | None = None, unit: str = "") -> str:
    """Horizontal bars, one per (label, value) in the order given; the total is printed at the bar end.

    A value may be a sequence, one number per (name, colour) of `series`: the bar is then stacked and a
    legend is drawn.
    """
    ident = _ident(title, ident)
    rows = [(str(label), [float(v) for v in (value if isinstance(value, Sequence) else [value])])
            for label, value in items]
    if not rows or not any(sum(vals) for _, vals in rows):
        return _empty(ident, width, title, desc)
    label_w = min(220.0, max(60.0, max(len(label) for label, _ in rows) * CHAR_W + 8))
    value_w, row_h = 64.0, 24.0
    named = [(name, color) for name, color in series if name]
    top = 28.0 if named else 6.0
    height = top + row_h * len(rows) + 6
    plot_w = width - label_w - value_w
    top_value = max(sum(vals) for _, vals in rows)
    default = ", ".join(f"{label}: {_fmt(sum(vals))}{unit}" for label, vals in rows)
    parts = _open(ident, width, height, title, desc or default)
    if named:
        parts += _legend(named, label_w, 14, plot_w)
    for i, (label, vals) in enumerate(rows):
        y, x = top + i * row_h, label_w
        detail = ", ".join(f"{name} {_fmt(v)}" for (name, _), v in zip(series, vals, strict=False) if name)
        tip = f"{label}: {_fmt(sum(vals))}{unit}" + (f" ({detail})" if detail else "")
        parts.append(f'<g><title>{_esc(tip)}</title><text x="{label_w - 8:.1f}" y="{y + 15:.1f}" '
                     f'text-anchor="end" fill="{INK}">{_esc(_fit(label, label_w - 8))}</text>')
        for (_, color), value in zip(series, vals, strict=False):
            bar = plot_w * value / top_value
            if bar > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{bar:.1f}" height="{row_h - 8:.1f}" '
                             f'fill="{color}"/>')
                x += bar
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15:.1f}" fill="{INK}">'
                     f"{_esc(_fmt(sum(vals)))}{_esc(unit)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def _y_axis(parts: list[str], left: float, right: float, top: float, plot_h: float, y_max: float,
            unit: str) -> None:
    for k in range(5):
        value = y_max * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                     f'{_esc(_fmt(value))}{_esc(unit)}</text>')


def _x_labels(parts: list[str], labels: Sequence[str], xs: Sequence[float], y: float, step: float) -> None:
    every = max(1, math.ceil(len(labels) * 64 / max(step * len(labels), 1)))
    for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" fill="{MUTED}">'
                         f'{_esc(_fit(str(label), max(step * every, 40)))}</text>')


def stacked_bar_chart(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]], *,
                      title: str, desc: str = "", width: int = 640, height: int = 260,
                      ident: str | None = None) -> str:
    """Vertical columns per category, each stacked from the series (name, values, colour), with a legend."""
    ident = _ident(title, ident)
    totals = [sum(s[1][i] for s in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(ident, width, title, desc)
    left, right, top, bottom = 48.0, 12.0, 28.0, 28.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = nice_max(max(totals))
    step = plot_w / len(categories)
    bar_w = min(48.0, step * 0.7)
    parts = _open(ident, width, height, title, desc)
    parts += _legend([(name, color) for name, _, color in series], left, 14, plot_w)
    _y_axis(parts, left, width - right, top, plot_h, y_max, "")
    xs = [left + step * (i + 0.5) for i in range(len(categories))]
    for i, (category, x) in enumerate(zip(categories, xs, strict=True)):
        base = top + plot_h
        tip = ", ".join(f"{name} {_fmt(values[i])}" for name, values, _ in series)
        parts.append(f"<g><title>{_esc(category)}: {_esc(tip)}</title>")
        for _name, values, color in series:
            h = plot_h * values[i] / y_max
            if h > 0:
                base -= h
                parts.append(f'<rect x="{x - bar_w / 2:.1f}" y="{base:.1f}" width="{bar_w:.1f}" '
                             f'height="{h:.1f}" fill="{color}"/>')
        parts.append("</g>")
    _x_labels(parts, categories, xs, height - 8, step)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]], *,
               title: str, desc: str = "", width: int = 640, height: int = 240, y_max: float | None = None,
               unit: str = "", ident: str | None = None) -> str:
    """Lines over labelled x positions; a None value leaves a gap. `y_max` fixes the axis (e.g. 100 %)."""
    ident = _ident(title, ident)
    values = [v for _, vals, _ in series for v in vals if v is not None]
    if not labels or not values:
        return _empty(ident, width, title, desc)
    left, right, top, bottom = 48.0, 16.0, 28.0, 28.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_top = y_max or nice_max(max(values))
    step = plot_w / len(labels)
    xs = [left + step * (i + 0.5) for i in range(len(labels))]
    parts = _open(ident, width, height, title, desc)
    parts += _legend([(name, color) for name, _, color in series], left, 14, plot_w)
    _y_axis(parts, left, width - right, top, plot_h, y_top, unit)
    for name, vals, color in series:
        points = [(x, top + plot_h - plot_h * v / y_top, v) for x, v in zip(xs, vals, strict=True)
                  if v is not None]
        runs: list[list[str]] = [[]]
        for x, v in zip(xs, vals, strict=True):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(f"{x:.1f},{top + plot_h - plot_h * v / y_top:.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" '
                             'stroke-width="2.5" stroke-linejoin="round"/>')
        for (x, y, v), label in zip(points, [lb for lb, v in zip(labels, vals, strict=True) if v is not None],
                                    strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                         f'<title>{_esc(name)}, {_esc(label)}: {_esc(_fmt(v))}{_esc(unit)}</title></circle>')
    _x_labels(parts, labels, xs, height - 8, step)
    parts.append("</svg>")
    return "".join(parts)
