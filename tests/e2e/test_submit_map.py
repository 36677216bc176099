"""The map on the submission form, as a participant on a slow connection sees it."""

import io

import pytest
from PIL import Image

from tests.e2e.browser import MAP_SHOWS_CITY, PHONE

pytestmark = pytest.mark.e2e

CITY_DOT = "#map path[stroke='#8a0c21']"  # the chosen city's centre, as submit.js draws it


def test_participant_sees_the_chosen_city_when_the_outlines_come_late(open_context, campaign):
    """The country outlines (170 KB, filled opaque) may arrive after a city is chosen:
    the city's dot must stay visible above them."""
    context, watch = open_context(PHONE)
    page = context.new_page()
    held = []
    page.route("**/countries-110m.geojson", lambda route: held.append(route))
    page.goto("/en/actions/submit/")
    page.check("input[name=location_precision][value=km]")
    page.locator("#id_city").press_sequentially("Viln", delay=30)
    page.locator("#city-suggestions [role=option]", has_text="Vilnius").first.click()
    page.locator(CITY_DOT).wait_for()
    assert len(held) == 1, "the outlines were asked for once, and are held back"
    held[0].continue_()
    page.wait_for_function("() => document.querySelectorAll('#map svg path').length > 100")
    page.wait_for_function(MAP_SHOWS_CITY)

    the_map = page.locator("#map")
    picture = Image.open(io.BytesIO(the_map.screenshot())).convert("RGB")
    dot, frame = page.locator(CITY_DOT).bounding_box(), the_map.bounding_box()
    middle = (dot["x"] - frame["x"] + dot["width"] / 2, dot["y"] - frame["y"] + dot["height"] / 2)
    red, green, blue = picture.getpixel(tuple(round(n) for n in middle))
    assert red > 150 and green < 150 and blue < 150, (
        f"the middle of the city dot is {(red, green, blue)}: covered by the outlines"
    )
    watch.assert_clean("the form")
