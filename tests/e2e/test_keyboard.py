"""A participant who uses the keyboard alone sends the form and opens the receipt.

Only the file chooser is a browser dialog that a test cannot type into: the photo is set
on the focused file input, as the dialog would. Everything else is Tab, typing, arrow
keys, Space and Enter. Every stop of the focus on the way must be visible and enabled.
"""

import pytest

from actions import location
from actions.models import Action, ActionType, LocationPrecision
from tests.e2e.browser import PHONE, focused, tab_to
from tests.helpers.images import make_image_bytes

pytestmark = pytest.mark.e2e

CAPTION = "Letters to prisoners, written by keyboard."


def checked_precision(page):
    return page.locator("input[name=location_precision]:checked").get_attribute("value")


def test_participant_sends_the_form_with_the_keyboard_alone(open_context, campaign, screenshots):
    context, watch = open_context(PHONE)
    page = context.new_page()
    page.goto("/en/actions/submit/")

    # The skip link is the first stop and leads into the page's content.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert tab_to(page, "#id_photo") and focused(page)["id"] == "id_photo"
    assert len(tab_to(page, "#id_no_photo")) == 1, "the photo is the first field after the skip"
    page.keyboard.press("Shift+Tab")
    page.locator(":focus").set_input_files(
        {
            "name": "letters.jpg",
            "mimeType": "image/jpeg",
            "buffer": make_image_bytes(color=(30, 90, 160)),
        }
    )

    tab_to(page, "#id_action_type")
    page.keyboard.press("ArrowDown")  # the campaign's types: Picket -> Photo action
    assert page.input_value("#id_action_type") == ActionType.PHOTO

    tab_to(page, "#id_hashtags")
    page.keyboard.type("#4августа #клавіятура")
    tab_to(page, "#id_caption")
    page.keyboard.type(CAPTION)
    tab_to(page, "#id_alt_text")
    page.keyboard.type("A pile of envelopes on a table.")

    # The precision radios: Tab enters the group on the chosen one; arrows change it.
    tab_to(page, "input[name=location_precision]")
    assert focused(page)["id"] == "id_location_precision_2"  # "the city only", the default
    page.keyboard.press("ArrowUp")
    assert checked_precision(page) == LocationPrecision.KM
    assert page.locator("#point-fields").is_visible(), "km shows the point fields"

    # The city: type, choose a suggestion with the arrow keys and Enter.
    tab_to(page, "#id_city")
    page.keyboard.type("Vilni")
    page.locator("#city-suggestions [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#id_city", "aria-activedescendant") == "city-option-0"
    page.keyboard.press("Enter")
    assert page.input_value("#id_city") == "Vilnius"
    assert page.input_value("#id_country") == "LT"
    assert focused(page)["id"] == "id_city", "Enter chose the city; it did not send the form"
    assert page.locator("#city-suggestions").is_hidden()

    # No pin by keyboard on the map: the coordinates are typed instead.
    tab_to(page, "#id_latitude")
    page.keyboard.type("54.6872")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_longitude"
    page.keyboard.type("25.2797")

    tab_to(page, "#id_name")
    page.keyboard.type("Ales")
    tab_to(page, "#id_email")
    page.keyboard.type("ales@example.org")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    assert page.is_checked("#id_consent")

    tab_to(page, "#submit-button")
    page.screenshot(path=screenshots / "keyboard-form-390.png", full_page=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/actions/submit/thanks/")

    # The receipt, by keyboard too.
    tab_to(page, "a[href*='/actions/receipt/?token=']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/actions/receipt/?token=*")
    assert page.locator("#status-title").inner_text() == "Waiting for a moderator"
    watch.assert_clean("the keyboard participant's pages")

    action = Action.objects.get(caption=CAPTION)
    assert action.action_type == ActionType.PHOTO
    assert action.location_precision == LocationPrecision.KM
    cell = location.coarsen(
        LocationPrecision.KM, latitude=54.6872, longitude=25.2797, city="Vilnius", country="LT"
    )
    assert (action.city, action.country) == ("Vilnius", "LT")
    assert (action.latitude, action.longitude) == (cell.latitude, cell.longitude)
    assert sorted(action.hashtags.names()) == ["4августа", "клавіятура"]
    assert action.display_name == "Ales"
    assert action.email == "ales@example.org"
    assert action.photo_width == 640
