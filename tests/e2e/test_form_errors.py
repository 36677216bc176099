"""A participant who leaves out the place: the server's errors come back into the page
(submit.js sends the form with a progress bar), and the chosen photo is kept."""

import pytest

from actions.models import Action
from tests.e2e.browser import PHONE, focused
from tests.helpers.images import make_image_bytes

pytestmark = pytest.mark.e2e

CAPTION = "Sent twice: the city was missing the first time."


def test_participant_corrects_the_form_without_choosing_the_photo_again(open_context, campaign):
    context, watch = open_context(PHONE)
    page = context.new_page()
    page.goto("/en/actions/submit/")
    page.set_input_files(
        "#id_photo",
        {
            "name": "again.jpg",
            "mimeType": "image/jpeg",
            "buffer": make_image_bytes(color=(30, 90, 160)),
        },
    )
    page.fill("#id_caption", CAPTION)
    page.check("#id_consent")
    page.click("#submit-button")  # "the city only", but no city and no country

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert focused(page)["id"] == "error-summary", "the errors are read out first"
    assert "Enter the city or town of your action." in summary.inner_text()
    assert "Choose the country of your action." in summary.inner_text()
    assert page.locator("#photo-again").inner_text() == (
        "Your photo is still selected: you do not need to choose it again."
    )
    assert page.input_value("#id_caption") == CAPTION, "what was typed is kept"
    assert page.evaluate("() => document.getElementById('id_photo').files[0].name") == "again.jpg"
    assert not Action.objects.exists(), "nothing is stored from a form with errors"

    page.fill("#id_city", "Vilnius")
    page.select_option("#id_country", "LT")
    page.click("#submit-button")
    page.wait_for_url("**/en/actions/submit/thanks/")
    action = Action.objects.get()
    assert (action.caption, action.city, action.photo_width) == (CAPTION, "Vilnius", 640)
    watch.assert_clean("the form sent twice")
