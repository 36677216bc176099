"""Blurred faces: the participant's choice on the form, detection in the background task,
the moderator's boxes in the admin, and no unblurred pixels once an action is decided."""

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image

from actions import faces, services
from actions.models import Action
from tests.helpers.actions import submit
from tests.helpers.admin import change_form_data, change_url, messages_of
from tests.helpers.files import stored_files
from tests.helpers.images import encode
from tests.helpers.pages import field_block

URL = "/en/actions/submit/"

# The astronaut (skimage.data.astronaut(), 512 px) enlarged into a 2400 × 1800 photo: the
# master keeps 2400 px, the display rendition is 1600 px wide (scale 2/3).
PHOTO_SIZE = (2400, 1800)
ASTRONAUT_AT, ASTRONAUT_SIDE = (900, 500), 1000


def astronaut_photo():
    skimage_data = pytest.importorskip("skimage.data")
    rng = np.random.default_rng(4)
    # A coarse texture around the astronaut, so that "unchanged outside" means something.
    texture = rng.integers(40, 215, (PHOTO_SIZE[1] // 30, PHOTO_SIZE[0] // 30, 3), np.uint8)
    photo = Image.fromarray(texture).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    astronaut = Image.fromarray(skimage_data.astronaut()).resize(
        (ASTRONAUT_SIDE, ASTRONAUT_SIDE), Image.Resampling.LANCZOS
    )
    photo.paste(astronaut, ASTRONAUT_AT)
    return encode(photo, "JPEG", quality=95)


@pytest.fixture
def process(submitted):
    """submitted(), checked: the face tests start from a photo the task has processed."""

    def run(campaign, data, **fields):
        action = submitted(campaign=campaign, photo=data, **fields)
        assert action.photo_status == Action.PhotoStatus.READY, action.processing_error
        return action

    return run


def pixels(media_dirs, action, name="display"):
    path = action.rendition(name)["path"]
    root = "media" if action.renditions_public else "private"
    with Image.open(media_dirs / root / path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def display_box(action, box):
    """A box of the master mapped onto the display rendition."""
    display = action.rendition("display")
    [scaled] = faces.scale_boxes(
        [box], (action.photo_width, action.photo_height), (display["width"], display["height"])
    )
    return scaled


def difference_inside_and_outside(first, second, box):
    """Mean absolute difference inside box, and outside box grown by its blur margin
    (plus a few pixels for the resampling filter)."""
    difference = np.abs(first - second).mean(axis=2)
    inside = difference[box.y : box.y + box.height, box.x : box.x + box.width].mean()
    grown = faces.grow(box, (first.shape[1], first.shape[0]))
    mask = np.ones(difference.shape, bool)
    pad = 8
    mask[
        max(0, grown.y - pad) : grown.y + grown.height + pad,
        max(0, grown.x - pad) : grown.x + grown.width + pad,
    ] = False
    return inside, difference[mask].mean()


# The form


def test_the_form_offers_to_blur_faces_checked_by_default(participant, campaign):
    block = field_block(participant.get(URL).content.decode(), "blur_faces")

    assert 'type="checkbox"' in block
    assert "checked" in block
    assert "Blur faces in my photo" in block


def test_without_detection_the_form_says_moderators_blur_by_hand(
    participant, campaign, monkeypatch
):
    monkeypatch.setattr(faces, "faces_available", lambda: False)

    block = field_block(participant.get(URL).content.decode(), "blur_faces")

    assert "A moderator blurs the faces by hand" in block


@pytest.mark.parametrize(("sent", "stored"), [({"blur_faces": "on"}, True), ({}, False)])
def test_the_choice_is_passed_through(participant, campaign, sent, stored):
    response = participant.send(campaign, **sent)

    assert response.status_code == 302
    assert Action.objects.get().blur_faces is stored


def test_submit_action_blurs_by_default(campaign):
    assert submit(campaign, None).blur_faces is True


# Detection and blurring in the background task


def test_the_detected_face_is_blurred_in_every_rendition_and_nothing_else(
    campaign, media_dirs, process
):
    pytest.importorskip("cv2")
    if not faces.faces_available():
        pytest.skip("needs the faces extra")
    data = astronaut_photo()

    blurred = process(campaign, data)
    sharp = process(campaign, data, blur_faces=False)

    assert blurred.faces_detected is True
    [stored] = blurred.face_boxes
    box = faces.Box.from_dict(stored)
    # The face is in the astronaut's upper half, in pixels of the master.
    assert ASTRONAUT_AT[0] < box.x < ASTRONAUT_AT[0] + ASTRONAUT_SIDE
    assert ASTRONAUT_AT[1] < box.y < ASTRONAUT_AT[1] + ASTRONAUT_SIDE // 2
    inside, outside = difference_inside_and_outside(
        pixels(media_dirs, blurred), pixels(media_dirs, sharp), display_box(blurred, box)
    )
    assert inside > 20
    assert outside < 3  # WebP's own noise: the same picture encoded twice
    # The share crop is made from the blurred master too.
    assert np.abs(pixels(media_dirs, blurred, "share") - pixels(media_dirs, sharp, "share")).max()
    # The master stays unblurred, for the moderator.
    with Image.open(media_dirs / "private" / blurred.photo) as master:
        assert master.size == PHOTO_SIZE


def test_when_the_participant_declines_nothing_is_detected_or_blurred(
    campaign, media_dirs, process, monkeypatch
):
    def must_not_run(image, **kwargs):
        raise AssertionError("detection ran")

    monkeypatch.setattr(faces, "detect_faces", must_not_run)

    action = process(campaign, astronaut_photo(), blur_faces=False)

    assert action.face_boxes == []
    assert action.faces_detected is None


def test_without_the_extra_nothing_is_detected(campaign, media_dirs, process, monkeypatch):
    monkeypatch.setattr(faces, "faces_available", lambda: False)

    action = process(campaign, astronaut_photo())

    assert action.blur_faces is True
    assert action.face_boxes == []
    assert action.faces_detected is None


# The moderator's boxes


def test_moderator_boxes_blur_and_unblur_the_renditions(
    moderator_client, campaign, media_dirs, process, django_capture_on_commit_callbacks
):
    action = process(campaign, astronaut_photo(), blur_faces=False)
    sharp = pixels(media_dirs, action)
    page = moderator_client.get(change_url(action)).content.decode()
    assert 'name="blur_boxes"' in page

    # The moderator adds a box (in pixels of the master).
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            change_url(action),
            change_form_data(action, blur_boxes="1200, 600, 300, 330\n"),
            follow=True,
        )

    assert "The images were made again with the new face boxes." in messages_of(response)
    old_paths = [r["path"] for r in action.renditions]
    action.refresh_from_db()
    assert action.face_boxes == [{"x": 1200, "y": 600, "width": 300, "height": 330, "score": 1.0}]
    added = display_box(action, faces.Box(1200, 600, 300, 330))
    inside, outside = difference_inside_and_outside(pixels(media_dirs, action), sharp, added)
    assert inside > 20
    assert outside < 3  # WebP's own noise: the same picture encoded twice
    # The old renditions are gone; the master and the new renditions remain.
    assert sorted(stored_files(media_dirs / "private")) == sorted(
        [action.photo, *(r["path"] for r in action.renditions)]
    )
    assert not set(old_paths) & set(stored_files(media_dirs / "private"))

    # The moderator removes it again: the region is sharp again.
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(change_url(action), change_form_data(action, blur_boxes=""))

    action.refresh_from_db()
    assert action.face_boxes == []
    inside, outside = difference_inside_and_outside(pixels(media_dirs, action), sharp, added)
    assert inside < 3
    assert outside < 3


@pytest.mark.parametrize(
    "lines",
    ["1, 2, 3", "a, b, c, d", "0, 0, 0, 10", "-1, 0, 10, 10", "2300, 0, 200, 10"],
)
def test_a_bad_box_is_an_error_beside_the_field(moderator_client, campaign, process, lines):
    action = process(campaign, astronaut_photo(), blur_faces=False)
    renditions = action.renditions

    response = moderator_client.post(change_url(action), change_form_data(action, blur_boxes=lines))

    assert "blur_boxes" in response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.renditions == renditions
    assert action.face_boxes == []


def test_unchanged_boxes_do_not_make_the_images_again(moderator_client, campaign, process):
    action = process(campaign, astronaut_photo(), blur_faces=False)
    services.set_face_boxes(action, [faces.Box(10, 20, 30, 40, score=0.8)])
    action.refresh_from_db()
    renditions = action.renditions

    moderator_client.post(change_url(action), change_form_data(action, blur_boxes="10 20 30 40"))

    action.refresh_from_db()
    assert action.renditions == renditions
    assert action.face_boxes[0]["score"] == 0.8


# No unblurred pixels once decided


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_after_a_decision_the_unblurred_master_is_gone(
    moderator_client,
    moderator,
    campaign,
    media_dirs,
    process,
    django_capture_on_commit_callbacks,
    decision,
):
    action = process(campaign, astronaut_photo(), blur_faces=False)
    master_url = reverse("admin:actions_action_photo", args=[action.pk, "master"])
    assert moderator_client.get(master_url).status_code == 200
    master_path = action.photo

    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            services.approve([action], moderator)
        else:
            services.reject([action], moderator, "Not an action.")

    action.refresh_from_db()
    assert action.photo == ""
    assert master_path not in stored_files(media_dirs / "private")
    assert moderator_client.get(master_url).status_code == 404
    if decision == "approve":
        # The blurred renditions remain, public.
        assert pixels(media_dirs, action).size
        assert stored_files(media_dirs / "private") == []
    else:
        # A rejected action keeps no photo at all, blurred or not.
        assert action.photo_status == Action.PhotoStatus.REMOVED
        assert action.renditions == []
        assert stored_files(media_dirs / "private") == []
        assert stored_files(media_dirs / "media") == []
    page = moderator_client.get(change_url(action)).content.decode()
    assert 'name="blur_boxes"' not in page
    assert services.set_face_boxes(action, [faces.Box(0, 0, 10, 10)]) is False


def test_a_photo_rejected_before_processing_is_never_processed(
    campaign, media_dirs, moderator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    action = submit(campaign, encode(Image.new("RGB", (640, 480), (90, 90, 90)), "JPEG"))
    assert stored_files(media_dirs / "private") != []  # the upload, waiting for the task
    with django_capture_on_commit_callbacks(execute=True):
        services.reject([action], moderator, "Not an action.")

    # The task, run late, finds nothing to do: the upload went with the rejection.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.process_photo(action.pk) is False

    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.REMOVED
    assert (action.upload, action.photo, action.renditions) == ("", "", [])
    assert stored_files(media_dirs / "private") == []
