"""A participant's HEIC photo (what iPhones send) is stored as it came, its metadata
items blanked in place (actions.heic), and decoded once, by the background task
(its renditions: tests/test_actions_cycle.py)."""

import io

import pytest
from PIL import Image, ImageFile

from actions import heic, uploads
from actions.models import Action
from tests.helpers.actions import submit as submit_action
from tests.helpers.images import XMP, gps_exif, heic_bytes, two_colour, upload

SECRETS = (b"PhoneMaker", b"Phone 15", b"Participant Name", b"2026:08:04 21:15:00")


def phone_heic(size=(400, 200)):
    """A HEIC file as a phone writes it: EXIF with a camera, a date, GPS and an
    orientation (turned into the picture's rotation property), and XMP naming a person."""
    data = heic_bytes(two_colour(size), quality=80, exif=gps_exif(6).tobytes(), xmp=XMP)
    assert all(secret in data for secret in SECRETS)
    return data


def stored_upload(media_dirs):
    action = Action.objects.get()
    assert action.photo_status == Action.PhotoStatus.QUEUED
    return (media_dirs / "private" / action.upload).read_bytes()


def pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size, image.tobytes()


def test_a_participants_heic_is_stored_as_it_came_without_its_metadata(
    campaign, media_dirs, task_not_run
):
    data = phone_heic()

    submit_action(campaign, data)

    stored = stored_upload(media_dirs)
    for secret in SECRETS:
        assert secret not in stored, secret
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "HEIF"
        assert not image.getexif()
        assert not image.info.get("xmp")
        assert not image.info.get("metadata")
    # Nothing moved: the compressed picture is the one the phone made, decoded the same,
    # turned by its rotation property (red, the left half, now on top).
    assert len(stored) == len(data)
    assert pixels(stored) == pixels(data)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (200, 400)
        red, blue = image.getpixel((100, 50)), image.getpixel((100, 350))
        assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0], (red, blue)


def test_a_heic_is_not_decoded_in_the_participants_request(monkeypatch):
    photo = upload(phone_heic(), "IMG_0001.HEIC", "image/heic")

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded in the request")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    clean = uploads.without_metadata(photo)

    assert clean.name == "photo.heic"
    assert b"PhoneMaker" not in clean.read()


def test_a_heic_we_cannot_follow_is_re_encoded(campaign, media_dirs, task_not_run, monkeypatch):
    def unfollowable(data):
        raise ValueError("a structure we do not follow")

    monkeypatch.setattr(heic, "strip", unfollowable)

    submit_action(campaign, phone_heic())

    with Image.open(io.BytesIO(stored_upload(media_dirs))) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (200, 400)  # oriented when re-encoded


def test_a_heic_whose_copy_still_shows_metadata_is_re_encoded(
    campaign, media_dirs, task_not_run, monkeypatch
):
    monkeypatch.setattr(heic, "strip", lambda data: data)  # a strip that missed everything

    submit_action(campaign, phone_heic())

    stored = stored_upload(media_dirs)
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"


def test_strip_blanks_every_metadata_item_and_leaves_the_picture():
    data = phone_heic()

    stripped = heic.strip(data)

    assert len(stripped) == len(data)
    assert stripped.count(heic.GONE) == 4  # two items, two references
    changed = [i for i, (a, b) in enumerate(zip(data, stripped, strict=True)) if a != b]
    exif_at = data.index(b"MM\x00*")
    assert exif_at in changed
    assert pixels(stripped) == pixels(data)


def with_mdat_tail(data, tail):
    """`data` (its mdat last, as pillow-heif writes it) with `tail` inside its mdat: bytes
    no item points to, as an editor that only drops an item's entry leaves them."""
    at = data.rindex(b"mdat") - 4
    size = int.from_bytes(data[at : at + 4], "big")
    assert at + size == len(data)
    return data[:at] + (size + len(tail)).to_bytes(4, "big") + data[at + 4 :] + tail


def free_box(payload):
    return (8 + len(payload)).to_bytes(4, "big") + b"free" + payload


@pytest.mark.parametrize(
    "hidden",
    [
        lambda data: data + free_box(gps_exif(6).tobytes() + XMP),  # a top-level free box
        lambda data: with_mdat_tail(data, gps_exif(6).tobytes() + XMP),  # orphan bytes
    ],
)
def test_metadata_outside_the_items_is_not_stored_either(
    campaign, media_dirs, task_not_run, hidden
):
    data = hidden(phone_heic())

    submit_action(campaign, data)

    stored = stored_upload(media_dirs)
    for secret in SECRETS:
        assert secret not in stored, secret
    assert pixels(stored) == pixels(data)


def test_strip_leaves_a_heic_without_metadata_as_it_is():
    data = heic_bytes(two_colour((64, 48)), quality=80)
    assert heic.strip(data) == data


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data.replace(b"infe\x02", b"infe\x01", 1),  # an infe version we skip
        lambda data: data.replace(b"meta", b"mxta", 1),  # no meta box
        lambda data: data[: data.index(b"mdat") + 20],  # cut short
        lambda data: data + b"\x00\x00\x00\x16uuidXMP-of-someone",  # a box we do not know
        lambda data: data.replace(b"pitm", b"udta", 1),  # a meta child we do not know
        lambda data: data.replace(b"ispe", b"crtt", 1),  # a creation time property
        lambda data: data.replace(b"Exif", b"zzzz", 1),  # an item type we do not know
    ],
)
def test_strip_refuses_a_structure_it_does_not_follow(damage):
    with pytest.raises(ValueError):
        heic.strip(damage(phone_heic()))
