"""Charts of a campaign's results, drawn on the server as SVG.

No script and no style attribute (the Content-Security-Policy allows neither):
sizes and colours are presentation attributes, which the policy does not
govern. Each chart is one image for assistive technology (role="img", a
<title> and an aria-label); the page shows the same numbers in a table.
Colours keep a contrast of at least 4.5:1 against white.
"""

from django.utils import formats
from django.utils.html import format_html, format_html_join

# About the width a phone shows it at (390 px less the page's margins), so that there
# the text is drawn at FONT_SIZE px; wider screens scale it up (css: .chart).
WIDTH = 360
BAR_COLOUR = "#8a0c21"  # 9.9:1 on white
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#595959"  # 7:1 on white
FONT_SIZE = 15
# A generous average advance of a character, as a share of the font size: labels are
# spaced by it so that they never overlap.
CHAR_WIDTH = 0.62
# A count of one beside a thousand still shows (px).
MIN_BAR = 3
# A label stands on its own line above its bar, so it may use the whole width.
LABEL_CHARS = 40
# A lone day is a column, not a wall.
MAX_COLUMN = 40


def number(value):
    return formats.number_format(value, force_grouping=True)


def shorten(text, length=LABEL_CHARS):
    text = str(text)
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _svg(height, title, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{title}" '
        'font-size="{size}" font-family="system-ui, sans-serif">'
        "<title>{title}</title>{body}</svg>",
        w=WIDTH,
        h=height,
        title=title,
        size=FONT_SIZE,
        body=body,
    )


def bars(rows, *, title):
    """Horizontal bars, largest first as given: rows of (label, count)."""
    rows = list(rows)
    # Each row: the label on its own line, then the bar with its number.
    value_width, label_height, bar_height, gap = 64, 18, 16, 10
    row_height = label_height + bar_height + gap
    plot = WIDTH - value_width
    top = max((count for _label, count in rows), default=0) or 1
    parts = []
    for index, (label, count) in enumerate(rows):
        y = 4 + index * row_height
        bar_y = y + label_height + 2
        length = max(MIN_BAR, round(plot * count / top)) if count else 0
        parts.append(
            format_html(
                '<text x="0" y="{ly}" fill="{text}">{label}</text>'
                '<rect x="0" y="{by}" width="{length}" height="{bh}" fill="{bar}"></rect>'
                '<text x="{vx}" y="{vy}" fill="{text}">{value}</text>',
                ly=y + 14,
                label=shorten(label),
                by=bar_y,
                length=length,
                bh=bar_height,
                vx=length + 6,
                vy=bar_y + 13,
                value=number(count),
                text=TEXT_COLOUR,
                bar=BAR_COLOUR,
            )
        )
    height = 8 + len(rows) * row_height
    return _svg(height, title, format_html_join("", "{}", ((part,) for part in parts)))


def label_width(text):
    return len(str(text)) * FONT_SIZE * CHAR_WIDTH


def columns(rows, *, title):
    """Vertical columns in the order given (days, oldest first): rows of (label, count).

    Labels are spaced by their own width, so that they never overlap whether there is one
    day or a year of weeks, and kept inside the chart; a small count stays visible."""
    rows = list(rows)
    height, left, right, bottom, top_margin = 200, 44, 8, 30, 16
    plot_width, plot_height = WIDTH - left - right, height - bottom - top_margin
    top = max((count for _label, count in rows), default=0) or 1
    slot = min(plot_width / max(len(rows), 1), MAX_COLUMN)
    gap = min(8, slot * 0.2) if slot >= 4 else 0
    widest = max((label_width(label) for label, _count in rows), default=0)
    every = max(1, -(-(widest + 12) // slot))  # ceil: one label per this many columns
    baseline = top_margin + plot_height
    parts = [
        format_html(
            '<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="{axis}"></line>'
            '<text x="{tx}" y="{ty}" text-anchor="end" fill="{axis}">{top}</text>'
            '<text x="{tx}" y="{y}" text-anchor="end" fill="{axis}">0</text>',
            x=left,
            x2=WIDTH - right,
            y=baseline,
            tx=left - 6,
            ty=top_margin + 5,
            top=number(top),
            axis=AXIS_COLOUR,
        )
    ]
    for index, (label, count) in enumerate(rows):
        x = left + index * slot + gap / 2
        width = max(slot - gap, 1)
        bar_height = max(MIN_BAR, round(plot_height * count / top)) if count else 0
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{bar}"></rect>',
                x=f"{x:.1f}",
                y=baseline - bar_height,
                w=f"{width:.1f}",
                h=bar_height,
                bar=BAR_COLOUR,
            )
        )
        if index % every == 0:
            half = label_width(label) / 2
            # Centred under its column, but never past either edge of the chart.
            centre = min(max(x + width / 2, half), WIDTH - half)
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="middle" fill="{text}">{label}</text>',
                    x=f"{centre:.1f}",
                    y=baseline + 22,
                    label=label,
                    text=TEXT_COLOUR,
                )
            )
    return _svg(height, title, format_html_join("", "{}", ((part,) for part in parts)))
