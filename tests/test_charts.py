"""The campaign page's charts stay readable on a 390 px phone with one day, 30 days and a
year of days: labels never overlap nor leave the chart, a small count stays visible, and
text is not shrunk below ~14 px."""

import datetime
import re

import pytest
from django.utils import translation

from actions import charts, results
from actions.results import Row

# The page's column on a 390 px phone: the screen less the page's margins.
PHONE_COLUMN = 358


def labels(svg):
    """(x, text) of the labels under the columns (below the baseline)."""
    return [
        (float(x), text)
        for x, text in re.findall(
            r'<text x="([\d.]+)" y="\d+" text-anchor="middle"[^>]*>([^<]*)<', svg
        )
    ]


def assert_readable(svg):
    found = labels(svg)
    assert found, "no label at all"
    spans = sorted((x - charts.label_width(t) / 2, x + charts.label_width(t) / 2) for x, t in found)
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert end <= next_start, f"labels overlap: {spans}"
    assert spans[0][0] >= 0 and spans[-1][1] <= charts.WIDTH, "a label leaves the chart"


def days(n, start=datetime.date(2026, 8, 4)):
    return [start + datetime.timedelta(days=i) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 7, 30, 62])
def test_day_labels_never_overlap(n, in_english):
    rows = [(charts.number(i), i + 1) for i in range(n)]
    rows = [
        (day.strftime("%Y-%m-%d"), count) for day, (_l, count) in zip(days(n), rows, strict=True)
    ]

    assert_readable(charts.columns(rows, title="Per day"))


def test_a_year_of_days_is_drawn_by_week(in_english):
    rows = [Row(day.isoformat(), 1, day.isoformat()) for day in days(365)]

    svg = results._day_chart(rows)

    assert "Approved actions per week" in svg
    assert len(re.findall(r"<rect ", svg)) in (53, 54)
    assert_readable(svg)
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]
    assert min(widths) >= 4  # a week is a column, not a hairline


def test_a_month_of_days_is_drawn_by_day_with_short_labels(in_english):
    rows = [Row(day.isoformat(), 1, day.isoformat()) for day in days(30)]

    svg = results._day_chart(rows)

    assert "Approved actions per day" in svg
    assert "4 Aug" in svg
    assert_readable(svg)


@pytest.mark.parametrize(("language", "label"), [("be", "4 жні"), ("ru", "4 авг.")])
def test_day_labels_in_the_visitors_language(language, label):
    with translation.override(language):
        svg = results._day_chart([Row("2026-08-04", 3, "2026-08-04")])

    assert f">{label}<" in svg


def test_a_small_count_stays_visible_beside_a_large_one():
    svg = charts.columns([("a", 1000), ("b", 1)], title="t")
    heights = [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', svg)]
    assert min(heights) >= charts.MIN_BAR

    bars = charts.bars([("a", 1000), ("b", 1)], title="t")
    lengths = [int(w) for w in re.findall(r'<rect x="0" y="\d+" width="(\d+)"', bars)]
    assert min(lengths) >= charts.MIN_BAR


def test_text_on_a_phone_is_not_shrunk_below_14_px():
    assert charts.FONT_SIZE * PHONE_COLUMN / charts.WIDTH >= 14
