"""One action from a participant's phone to the public pages, in a real browser.

A participant sends a photo with a Cyrillic hashtag and "about 1 km" as the place, keeps
the receipt; a moderator logs in, draws a face box on the photo and approves; a visitor
finds the action in the gallery, on its page, under its hashtag, on the map and in the
campaign's counts, and each of those pages in Belarusian and Russian.
"""

import io
import re
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image, ImageStat

from actions import location
from actions.models import Action, LocationPrecision
from tests.e2e.browser import DESKTOP, MAP_SHOWS_CITY, PHONE

pytestmark = pytest.mark.e2e

CAPTION = "Lanterns on the Neris embankment at dusk."
ALT_TEXT = "Twelve paper lanterns on the grass by the river."
# The share of the photo (left, top, right, bottom) the moderator marks as a face.
FACE = (0.25, 0.25, 0.5, 0.5)


def noise_jpeg(size=(800, 600)):
    """A photo of pure noise: blurring any part of it shows in the numbers."""
    image = Image.merge("RGB", [Image.effect_noise(size, 90) for _ in range(3)])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def counters(page):
    """The campaign's headline numbers: approved actions, countries, cities."""
    numbers = page.locator(".campaign-counters dd").all_inner_texts()
    return [int(re.sub(r"\D", "", text)) for text in numbers]


def cards_of(page, action, language):
    """The page's gallery cards that lead to `action` in `language`."""
    return page.locator(f".action-card__link[href='/{language}/actions/{action.pk}/']")


def switch_language(page, code):
    """Follow the language switcher; the same page must come back in `code`."""
    before = urlsplit(page.url)
    language, rest = before.path.lstrip("/").split("/", 1)
    expected = f"/{code}/{rest}" + (f"?{before.query}" if before.query else "")
    page.locator(f".language-switcher a[hreflang='{code}']").click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/{code}/{rest}")
    after = urlsplit(page.url)
    assert after.path + (f"?{after.query}" if after.query else "") == expected, (
        f"the {code} link on {unquote(before.path)} led to {unquote(page.url)}"
    )
    assert page.locator("html").get_attribute("lang") == code
    current = page.locator(".language-switcher a[aria-current]")
    assert current.get_attribute("hreflang") == code


def test_participant_moderator_and_visitor(open_context, site, approved, screenshots):
    # Two actions already approved in Vilnius: the participant's makes three, the number
    # at which a city is named on public pages (ACTIONS_MIN_CITY_COUNT).
    for _ in range(2):
        approved(location_precision=LocationPrecision.CITY, latitude=None, longitude=None)

    visitor_context, visitor_watch = open_context(PHONE)
    visitor = visitor_context.new_page()
    visitor.goto("/en/campaigns/4august/")
    assert counters(visitor) == [2, 1, 0]

    # The participant, on a phone.
    participant_context, participant_watch = open_context(PHONE)
    form = participant_context.new_page()
    form.goto("/en/actions/submit/")
    form.set_input_files(
        "#id_photo", {"name": "lanterns.jpg", "mimeType": "image/jpeg", "buffer": noise_jpeg()}
    )
    form.locator("#photo-preview-canvas").wait_for()  # the preview drawn from the file
    form.select_option("#id_action_type", "picket")
    form.fill("#id_hashtags", "#4Августа #NeverAlone")
    form.fill("#id_caption", CAPTION)
    form.fill("#id_alt_text", ALT_TEXT)
    form.check("input[name=location_precision][value=km]")
    form.locator("#id_city").press_sequentially("Viln", delay=30)
    form.locator("#city-suggestions [role=option]", has_text="Vilnius").first.click()
    assert form.input_value("#id_country") == "LT"
    form.wait_for_function(MAP_SHOWS_CITY)
    form.locator("#map").click()  # a pin where the map shows the chosen city
    pin = float(form.input_value("#id_latitude")), float(form.input_value("#id_longitude"))
    assert abs(pin[0] - 54.69) < 1 and abs(pin[1] - 25.28) < 1, pin
    form.check("#id_consent")
    form.screenshot(path=screenshots / "journey-1-form-390.png", full_page=True)
    form.click("#submit-button")
    form.wait_for_url("**/en/actions/submit/thanks/")

    receipt_url = form.input_value("#receipt-link")
    assert receipt_url.startswith(f"{site.url}/en/actions/receipt/?token=")
    form.screenshot(path=screenshots / "journey-2-thanks-390.png", full_page=True)
    form.get_by_role("link", name="Open your receipt page").click()
    form.wait_for_url(receipt_url)
    assert form.locator("#status-title").inner_text() == "Waiting for a moderator"
    for code in ("be", "ru"):  # the same receipt, the token kept
        switch_language(form, code)
        assert form.locator(".receipt-status--pending #status-title").count() == 1
    participant_watch.assert_clean("the participant's pages")

    action = Action.objects.get(caption=CAPTION)
    assert action.status == Action.Status.PENDING
    assert action.location_precision == LocationPrecision.KM
    assert (action.city, action.country) == ("Vilnius", "LT")
    # The pin never reaches the database: only the centre of its ~1 km cell does.
    cell = location.coarsen(
        LocationPrecision.KM, latitude=pin[0], longitude=pin[1], city="Vilnius", country="LT"
    )
    assert (action.latitude, action.longitude) == (cell.latitude, cell.longitude)
    assert (action.latitude, action.longitude) != pin
    assert sorted(action.hashtags.names()) == ["4августа", "neveralone"]
    assert action.photo_width, "the photo was processed"

    # The moderator, at a desk: logs in, draws a face box on the photo, approves.
    moderator_context, moderator_watch = open_context(DESKTOP)
    admin = moderator_context.new_page()
    admin.goto("/admin/")
    admin.fill("#id_username", "moderator")
    admin.fill("#id_password", "password")
    admin.click("input[type=submit]")
    admin.wait_for_url("**/admin/")
    admin.goto("/admin/actions/action/")
    rows = admin.locator("#result_list tbody tr")
    assert rows.count() == 1, "the pending queue holds the participant's action alone"
    rows.first.locator("th a, td a").first.click()
    admin.wait_for_url(re.compile(rf"/admin/actions/action/{action.pk}/change/"))

    canvas = admin.locator("canvas.face-boxes-canvas")
    canvas.wait_for()
    textarea = admin.locator("textarea[data-face-boxes]")
    boxes_before = [line for line in textarea.input_value().splitlines() if line.strip()]
    canvas.scroll_into_view_if_needed()
    drawn = canvas.bounding_box()
    left, top, right, bottom = FACE
    admin.mouse.move(drawn["x"] + left * drawn["width"], drawn["y"] + top * drawn["height"])
    admin.mouse.down()
    admin.mouse.move(
        drawn["x"] + right * drawn["width"], drawn["y"] + bottom * drawn["height"], steps=8
    )
    admin.mouse.up()
    lines = [line for line in textarea.input_value().splitlines() if line.strip()]
    assert len(lines) == len(boxes_before) + 1, lines
    x, y, width, height = (int(n) for n in re.split(r"[,\s]+", lines[-1].strip()))
    expected = (
        left * action.photo_width,
        top * action.photo_height,
        (right - left) * action.photo_width,
        (bottom - top) * action.photo_height,
    )
    drawn_box = (x, y, width, height)
    assert all(abs(got - want) <= 4 for got, want in zip(drawn_box, expected, strict=True)), (
        drawn_box,
        expected,
    )
    for tick in admin.locator("input[name=checklist]").all():
        tick.check()
    admin.screenshot(path=screenshots / "journey-3-moderation-1440.png", full_page=True)
    admin.click("input[name=_approve]")
    admin.wait_for_url("**/admin/actions/action/**")
    assert "1 action approved." in admin.locator(".messagelist").inner_text()
    moderator_watch.assert_clean("the moderator's pages")

    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert {"x": x, "y": y, "width": width, "height": height}.items() <= next(
        box for box in action.face_boxes if (box["x"], box["y"]) == (x, y)
    ).items()

    # The participant's receipt now leads to the public page.
    form.goto(receipt_url)
    assert form.locator("#status-title").inner_text() == "Your action is public"
    detail_path = f"/en/actions/{action.pk}/"
    assert form.get_by_role("link", name="see it on Soliday").get_attribute("href") == detail_path

    # The visitor: the gallery, newest first.
    visitor.goto("/en/actions/")
    card = cards_of(visitor, action, "en")
    assert visitor.locator(".action-card__link").first.get_attribute("href") == detail_path
    photo = card.locator("img")
    assert photo.get_attribute("alt") == ALT_TEXT
    photo.scroll_into_view_if_needed()
    loaded = "(img) => img.complete && img.naturalWidth > 0"
    visitor.wait_for_function(loaded, arg=photo.element_handle())
    assert "Vilnius" in card.inner_text()  # three actions: the city is named
    visitor.screenshot(path=screenshots / "journey-4-gallery-390.png", full_page=True)
    for code in ("be", "ru"):
        switch_language(visitor, code)
        assert cards_of(visitor, action, code).count() == 1
    visitor.goto("/en/actions/")

    # Its page: the photo, blurred where the moderator drew the box.
    card.click()
    visitor.wait_for_url(f"**{detail_path}")
    assert CAPTION in visitor.locator(".action__caption").inner_text()
    public = visitor.locator(".action__photo img")
    assert public.get_attribute("alt") == ALT_TEXT
    response = visitor.request.get(public.get_attribute("src"))
    assert response.ok
    assert_blurred(Image.open(io.BytesIO(response.body())), drawn_box, action)
    visitor.screenshot(path=screenshots / "journey-5-action-390.png", full_page=True)
    for code in ("be", "ru"):
        switch_language(visitor, code)
        assert CAPTION in visitor.locator(".action__caption").inner_text()
    visitor.goto(detail_path)

    # Its Cyrillic hashtag leads to the hashtag's page.
    visitor.locator(".action .tags a", has_text="#4августа").click()
    visitor.wait_for_url(lambda url: unquote(urlsplit(url).path) == "/en/actions/tag/4августа/")
    assert cards_of(visitor, action, "en").count() == 1
    for code in ("be", "ru"):
        switch_language(visitor, code)
        assert cards_of(visitor, action, code).count() == 1

    # The map: Lithuania's three actions in the list; zooming in leads to this one.
    visitor.goto("/en/actions/map/")
    lithuania = visitor.locator(".action-map__table tr", has_text="Lithuania")
    assert lithuania.locator("td").inner_text() == "3"
    find_on_map(visitor, detail_path)
    visitor.wait_for_url(f"**{detail_path}")
    visitor.goto("/en/actions/map/")
    for code in ("be", "ru"):
        switch_language(visitor, code)
        visitor.locator(".map-cluster").first.wait_for()

    # The campaign's counts: one more action, and Vilnius is now counted as a city.
    visitor.goto("/en/campaigns/4august/")
    assert counters(visitor) == [3, 1, 1]
    assert "Vilnius" in visitor.locator("#by-city").locator("xpath=..").inner_text()
    visitor.screenshot(path=screenshots / "journey-6-campaign-390.png", full_page=True)
    for code in ("be", "ru"):
        switch_language(visitor, code)
        assert counters(visitor) == [3, 1, 1]
    visitor_watch.assert_clean("the visitor's pages")


def find_on_map(page, detail_path):
    """Zoom into the clusters until single actions show, then open each until the one
    whose card links to `detail_path`; follow that link."""
    page.locator(".map-cluster, .map-point").first.wait_for()
    for _ in range(10):
        if page.locator(".map-point").count():
            break
        with page.expect_response(lambda response: "/map/clusters/" in response.url):
            page.locator(".map-cluster").first.click()
        page.wait_for_selector(".action-map__canvas:not([aria-busy])")
    points = page.locator(".map-point")
    assert points.count(), "zooming in never showed single actions"
    for index in range(points.count()):
        points.nth(index).click()
        link = page.locator(f".leaflet-popup-content a[href='{detail_path}']")
        if link.count():
            link.click()
            return
        page.keyboard.press("Escape")
    raise AssertionError(f"no point on the map leads to {detail_path}")


def assert_blurred(picture, box, action):
    """Inside the moderator's box the public photo is smooth; outside it is still noise."""
    scale = picture.width / action.photo_width
    x, y, width, height = (round(n * scale) for n in box)
    margin = max(2, width // 10)
    inside = picture.crop((x + margin, y + margin, x + width - margin, y + height - margin))
    outside = picture.crop((0, picture.height - height, width, picture.height))
    spread_inside = max(ImageStat.Stat(inside.convert("L")).stddev)
    spread_outside = max(ImageStat.Stat(outside.convert("L")).stddev)
    assert spread_inside < spread_outside / 4, (spread_inside, spread_outside)
