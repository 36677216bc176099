"""An action without a photo (a letter, a petition), from the form to the results.

It goes through the same moderation as a photo, counts in the campaign's results,
and never appears where photos are shown.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions import services
from actions.models import Action, ActionType
from tests.helpers.files import stored_files
from tests.helpers.images import make_image_bytes

URL = "/en/actions/submit/"
CHANGELIST = "/admin/actions/action/"


def letter(**fields):
    """The form as the participant of these tests fills it: a letter, no photo, the box
    "I have no photo" ticked."""
    return {
        "no_photo": "on",
        "photo": None,
        "action_type": ActionType.LETTER,
        "city": "Vilnius",
        "country": "LT",
        "latitude": None,
        "longitude": None,
        "hashtags": "#4august",
        "caption": "Thirty letters to political prisoners.",
        "alt_text": None,
        "name": "",
        "email": "writer@example.org",
        **fields,
    }


def test_the_form_offers_an_action_without_a_photo(participant, campaign):
    html = participant.get(URL).content.decode()

    checkbox = re.search(r'<input type="checkbox" name="no_photo"[^>]*>', html)
    assert checkbox
    assert "I have no photo of this action" in html
    # The photo input itself is not `required`: otherwise the browser would refuse to send.
    photo = re.search(r'<input type="file" name="photo"[^>]*>', html).group(0)
    assert "required" not in photo


@pytest.mark.usefixtures("every_city_named")  # not about the K threshold: one action, one city
def test_a_letter_without_a_photo_from_form_to_results(
    participant, visitor, moderator_client, campaign, media_dirs
):
    response = participant.send(campaign, **letter())

    assert response.status_code == 302
    assert response["Location"] == "/en/actions/submit/thanks/"
    action = Action.objects.get()
    assert action.status == Action.Status.PENDING
    assert action.photo_status == Action.PhotoStatus.NONE
    assert (action.upload, action.photo, action.renditions) == ("", "", [])
    assert stored_files(media_dirs / "private") == []

    # Pending: nowhere public, counted nowhere.
    page = visitor.get("/en/campaigns/4august/")
    assert page.context["results"].total == 0
    assert visitor.get(action.get_absolute_url()).status_code == 404

    # The moderator approves it in the admin, as any other action.
    response = moderator_client.post(
        CHANGELIST + "?status=pending",
        {"action": "approve_selected", "_selected_action": [action.pk], "index": 0},
        follow=True,
    )
    assert "1 action approved." in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED

    results = visitor.get("/en/campaigns/4august/").context["results"]
    assert (results.total, results.countries, results.cities) == (1, 1, 1)
    assert [(row.label, row.count) for row in results.by_type.rows] == [("Letter", 1)]
    assert [(row.label, row.count) for row in results.by_city.rows] == [("Vilnius, Lithuania", 1)]

    # Its own page exists (text only); the home page's photos leave it out.
    assert visitor.get(action.get_absolute_url()).status_code == 200
    home = visitor.get("/en/")
    assert home.context["counters"]["total"] == 1
    assert home.context["photos"] == []
    assert action.get_absolute_url() not in home.content.decode()


def test_the_gallery_leaves_it_out(participant, visitor, campaign, moderator):
    participant.send(campaign, **letter())
    action = Action.objects.get()
    services.approve([action], moderator)

    response = visitor.get(reverse("actions:gallery"))

    assert response.status_code == 200
    assert action.get_absolute_url() not in response.content.decode()


def test_without_a_photo_and_without_the_tick_the_photo_is_asked_for(participant, campaign):
    response = participant.send(campaign, **letter(no_photo=None))

    assert response.status_code == 200
    assert "Choose a photo to send." in response.context["form"].errors["photo"]
    assert not Action.objects.exists()


def test_a_photo_sent_with_the_tick_is_not_kept(participant, campaign, media_dirs):
    photo = SimpleUploadedFile("photo.jpg", make_image_bytes(), "image/jpeg")

    response = participant.send(campaign, **letter(photo=photo))

    assert response.status_code == 302
    action = Action.objects.get()
    assert action.photo_status == Action.PhotoStatus.NONE
    assert stored_files(media_dirs / "private") == []


def test_an_unreadable_file_does_not_matter_with_the_tick(participant, campaign):
    junk = SimpleUploadedFile("photo.jpg", b"not a picture", "image/jpeg")

    response = participant.send(campaign, **letter(photo=junk))

    assert response.status_code == 302
    assert Action.objects.get().photo_status == Action.PhotoStatus.NONE
