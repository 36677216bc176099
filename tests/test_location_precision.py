"""The place of an action is kept only as precisely as the participant chose.

Choices: the exact point, about 1 km, the city, the country only, nothing. What is
stored (the row and the files) never holds more: coordinates are coarsened before
they are saved, and the photo's EXIF GPS never reaches the database or storage
beyond the choice, not even in the upload waiting for the background task.
"""

import io
import math
import random
import re

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from actions import gazetteer, services, uploads
from actions.location import Place, coarsen, km_cell_centre
from actions.models import Action, ActionType, LocationPrecision
from tests.helpers.actions import submit as submit_action
from tests.helpers.files import stored_files
from tests.helpers.images import (
    XMP,
    encode,
    gps_exif,
    heic_bytes,
    jpeg_with_everything,
    mpo_bytes,
    photo_with_metadata,
    two_colour,
)

URL = "/en/actions/submit/"
# Where tests.helpers.images.photo_with_metadata says it was taken: 53°54'N 27°33'E, in Minsk.
PHOTO_GPS = (53.9, 27.55)
# A pin somewhere else in Minsk.
PIN = (53.917412, 27.589513)


def centre(city, country):
    found = gazetteer.find(city, country)
    return found.latitude, found.longitude


def distance_km(a, b):
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# actions.location.coarsen: each precision keeps exactly what it says


def test_exact_keeps_the_point_to_about_a_metre():
    place = coarsen(
        "exact", latitude=53.917412345, longitude=27.5895129, city="Minsk", country="BY"
    )
    assert place == Place(city="Minsk", country="BY", latitude=53.91741, longitude=27.58951)


def test_km_keeps_the_centre_of_a_1_km_cell():
    place = coarsen("km", latitude=PIN[0], longitude=PIN[1], city="Minsk", country="BY")
    assert (place.city, place.country) == ("Minsk", "BY")
    point = (place.latitude, place.longitude)
    assert point != PIN
    assert point == pytest.approx(km_cell_centre(*PIN), abs=1e-5)
    # Within the half diagonal of a cell of about 1.1 × 1.1 km.
    assert distance_km(point, PIN) < 0.8


def test_city_discards_the_participants_point_for_the_city_centre():
    place = coarsen("city", latitude=PIN[0], longitude=PIN[1], city="Minsk", country="BY")
    assert place == Place("Minsk", "BY", *centre("Minsk", "BY"))


def test_city_unknown_to_the_gazetteer_keeps_no_point():
    place = coarsen(
        "city", latitude=PIN[0], longitude=PIN[1], city="Zaslauje-by-the-hill", country="BY"
    )
    assert place == Place("Zaslauje-by-the-hill", "BY", None, None)


def test_country_keeps_the_country_alone():
    place = coarsen("country", latitude=PIN[0], longitude=PIN[1], city="Minsk", country="BY")
    assert place == Place(city="", country="BY", latitude=None, longitude=None)


def test_none_keeps_nothing():
    place = coarsen("none", latitude=PIN[0], longitude=PIN[1], city="Minsk", country="BY")
    assert place == Place(city="", country="", latitude=None, longitude=None)


@pytest.mark.parametrize("precision", ["exact", "km"])
def test_without_a_point_exact_and_km_fall_back_to_the_city_centre(precision):
    place = coarsen(precision, city="Minsk", country="BY")
    expected = centre("Minsk", "BY")
    if precision == "km":
        expected = km_cell_centre(*expected)
    assert (place.latitude, place.longitude) == pytest.approx(expected, abs=1e-5)
    assert coarsen(precision, city="Nowhere-at-all", country="BY").has_point is False


@pytest.mark.parametrize("precision", LocationPrecision.values)
def test_coarsening_twice_changes_nothing(precision):
    # The admin coarsens again what the form already coarsened: the same place comes out.
    once = coarsen(precision, latitude=PIN[0], longitude=PIN[1], city="Minsk", country="BY")
    twice = coarsen(
        precision,
        latitude=once.latitude,
        longitude=once.longitude,
        city=once.city,
        country=once.country,
    )
    assert twice == once


@pytest.mark.parametrize(
    "precision, point",
    [
        ("unknown", {}),
        ("", {}),
        ("exact", {"latitude": 53.9}),
        ("km", {"longitude": 27.5}),
        ("exact", {"latitude": 91, "longitude": 27.5}),
        ("km", {"latitude": 53.9, "longitude": -180.5}),
        ("exact", {"latitude": float("nan"), "longitude": 27.5}),
    ],
)
def test_nonsense_is_refused(precision, point):
    with pytest.raises(ValueError):
        coarsen(precision, city="Minsk", country="BY", **point)


def test_a_point_is_not_even_read_when_the_precision_excludes_it():
    # Half a point, or one off the globe, does not matter when no point is kept.
    assert coarsen("city", latitude=95, city="Minsk", country="BY") == coarsen(
        "city", city="Minsk", country="BY"
    )
    assert coarsen("none", longitude=500).has_point is False


@pytest.mark.parametrize(
    "name, latitude, longitude",
    [
        ("the equator", -0.004, -0.004),
        ("Minsk", 53.9, 27.55),
        ("Tromsø", 69.65, 18.96),
        ("the antimeridian", -17.83, 179.99),
        ("near the pole", 89.97, 10.0),
    ],
)
def test_the_km_grid_is_never_finer_than_a_kilometre(name, latitude, longitude):
    """Points every ~100 m over 4 × 4 km: nearby points share a value, and the values
    are at least a kilometre apart, at any latitude."""
    rng = random.Random(name)
    step = 0.1 / 111.32  # 100 m of latitude, in degrees
    points = []
    for i in range(-20, 20):
        for j in range(-20, 20):
            lat = max(-90.0, min(90.0, latitude + i * step + rng.uniform(0, step / 10)))
            lon_step = step / max(math.cos(math.radians(lat)), 0.01)
            lon = (longitude + j * lon_step + 180) % 360 - 180
            points.append((lat, lon))
    stored = {p: coarsen("km", latitude=p[0], longitude=p[1]) for p in points}
    values = {(place.latitude, place.longitude) for place in stored.values()}

    assert len(values) < len(points) / 20  # 1,600 points, a few dozen cells
    for point, place in stored.items():
        # Half a cell's diagonal (0.79 km) but where the meridians meet.
        assert distance_km(point, (place.latitude, place.longitude)) < 1.0
    values = sorted(values)
    for index, first in enumerate(values):
        for second in values[index + 1 :]:
            assert distance_km(first, second) >= 1.0, (first, second)


@pytest.mark.parametrize("point", [(90, 180), (-90, -180), (90, -180), (0, 180), (-89.999, 0)])
def test_the_km_grid_stays_on_the_globe(point):
    latitude, longitude = km_cell_centre(*point)
    assert -90 < latitude < 90
    assert -180 < longitude < 180


# The service: whatever a caller passes, the row holds at most the chosen precision

MINSK = centre("Minsk", "BY")
STORED = {
    "exact": ("Minsk", "BY", (53.91741, 27.58951)),
    "km": ("Minsk", "BY", km_cell_centre(*PIN)),
    "city": ("Minsk", "BY", MINSK),
    "country": ("", "BY", (None, None)),
    "none": ("", "", (None, None)),
}


@pytest.mark.parametrize("precision", STORED)
def test_each_precision_stores_exactly_that_precision(campaign, precision):
    action = submit_action(
        campaign,
        None,
        location_precision=precision,
        city="Minsk",
        country="BY",
        latitude=53.917412345,
        longitude=27.589512901,
    )

    action = Action.objects.get(pk=action.pk)
    city, country, point = STORED[precision]
    assert action.location_precision == precision
    assert (action.city, action.country) == (city, country)
    assert (action.latitude, action.longitude) == pytest.approx(point, abs=1e-5)


def test_the_service_keeps_the_city_by_default(campaign):
    action = services.submit_action(
        campaign=campaign,
        action_type=ActionType.PICKET,
        city="Minsk",
        country="BY",
        latitude=PIN[0],
        longitude=PIN[1],
        hashtags=[],
        caption="",
        alt_text="",
        display_name="",
        email="",
        consent=True,
        upload=None,
        language="en",
    )
    action.refresh_from_db()
    assert action.location_precision == LocationPrecision.CITY
    assert (action.latitude, action.longitude) == MINSK


def test_the_service_refuses_an_unknown_precision(campaign, media_dirs):
    with pytest.raises(ValueError):
        submit_action(campaign, jpeg_with_everything(), location_precision="street")
    assert not Action.objects.exists()
    assert stored_files(media_dirs) == []


# The form, as a participant sends it


# The participant of these tests sends a phone's photo with its GPS (PHOTO_GPS) from Minsk,
# and gives no name, address or hashtag.
FROM_MINSK = {
    "city": "Minsk",
    "hashtags": "",
    "caption": "Lanterns on Independence Avenue.",
    "alt_text": "",
    "name": "",
    "email": "",
}


def send(participant, campaign, **fields):
    if "photo" not in fields:
        fields["photo"] = photo_with_metadata()
    return participant.send(campaign, **{**FROM_MINSK, **fields})


def assert_no_location_anywhere(media_dirs):
    """No stored file carries the photo's GPS, camera or any EXIF tag but the orientation."""
    for name in stored_files(media_dirs):
        path = media_dirs / name
        data = path.read_bytes()
        assert b"PhoneMaker" not in data, path
        with Image.open(path) as image:
            exif = image.getexif()
            assert set(exif) <= {ExifTags.Base.Orientation}, (path, dict(exif))
            assert not exif.get_ifd(ExifTags.IFD.GPSInfo), path
            assert uploads.read_gps(image) is None, path
            assert "xmp" not in image.info, path


@pytest.mark.parametrize(
    "precision, expected",
    [
        ("exact", ("Minsk", "BY", PHOTO_GPS)),
        ("km", ("Minsk", "BY", km_cell_centre(*PHOTO_GPS))),
        ("city", ("Minsk", "BY", MINSK)),
        ("country", ("", "BY", (None, None))),
        ("none", ("", "", (None, None))),
    ],
)
def test_the_photos_gps_is_kept_only_as_precisely_as_chosen(
    participant, campaign, media_dirs, precision, expected
):
    # The participant ticks "use the location stored in my photo" and places a pin too:
    # with city, country or none neither is read.
    response = send(
        participant,
        campaign,
        location_precision=precision,
        use_photo_location="on",
        latitude=str(PIN[0]),
        longitude=str(PIN[1]),
    )

    assert response.status_code == 302
    action = Action.objects.get()
    city, country, point = expected
    assert action.location_precision == precision
    assert (action.city, action.country) == (city, country)
    assert (action.latitude, action.longitude) == pytest.approx(point, abs=1e-5)
    if precision != "exact":
        assert (action.latitude, action.longitude) != pytest.approx(PHOTO_GPS, abs=1e-3)
    assert_no_location_anywhere(media_dirs)


def test_the_pin_is_coarsened_to_a_km_cell(participant, campaign):
    send(
        participant, campaign, location_precision="km", latitude=str(PIN[0]), longitude=str(PIN[1])
    )
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == pytest.approx(km_cell_centre(*PIN), abs=1e-5)
    assert distance_km((action.latitude, action.longitude), PIN) < 0.8


# Bad input: a message beside the field, nothing stored, what was typed kept


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"location_precision": "street"}, "location_precision", "Choose one of the options"),
        ({"location_precision": None}, "location_precision", "Choose what we may keep"),
        (
            {"location_precision": "km", "latitude": "53.9", "longitude": ""},
            "longitude",
            "Give both the latitude and the longitude, or neither.",
        ),
        (
            {"location_precision": "exact", "latitude": "91", "longitude": "27.5"},
            "latitude",
            "The latitude is between -90 and 90.",
        ),
        ({"location_precision": "exact", "city": ""}, "city", "Enter the city or town"),
        ({"location_precision": "city", "city": ""}, "city", "Enter the city or town"),
        ({"location_precision": "country", "country": ""}, "country", "Choose the country"),
        ({"location_precision": "country", "country": "XX"}, "country", "Choose a country"),
    ],
    ids=[
        "unknown precision",
        "no precision",
        "km with the latitude alone",
        "exact off the globe",
        "exact without a city",
        "city without a city",
        "country without a country",
        "country with an unknown country",
    ],
)
def test_bad_place_input_is_refused_beside_the_field(
    participant, campaign, media_dirs, overrides, field, message
):
    response = send(participant, campaign, caption="Typed before the mistake.", **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html  # the summary links to the field (or the group)
    assert "Typed before the mistake." in html
    assert not Action.objects.exists()
    assert stored_files(media_dirs) == []


def test_the_chosen_precision_stays_chosen_when_the_form_comes_back(participant, campaign):
    response = send(participant, campaign, location_precision="km", consent=None)
    html = response.content.decode()
    assert re.search(r'<input type="radio" name="location_precision" value="km"[^>]* checked', html)
    assert not re.search(r'value="city"[^>]* checked', html)


@pytest.mark.parametrize(
    "overrides, expected",
    [
        # Fields the choice leaves out are ignored, whatever they hold.
        (
            {"location_precision": "city", "latitude": "not a number", "longitude": ""},
            ("Minsk", "BY", MINSK),
        ),
        (
            {"location_precision": "city", "latitude": "53.9", "longitude": ""},
            ("Minsk", "BY", MINSK),
        ),
        ({"location_precision": "country", "city": ""}, ("", "BY", (None, None))),
        ({"location_precision": "country", "latitude": "95"}, ("", "BY", (None, None))),
        ({"location_precision": "none", "city": "", "country": ""}, ("", "", (None, None))),
        ({"location_precision": "none", "country": "XX"}, ("", "", (None, None))),
        ({"location_precision": "none", "city": "Minsk"}, ("", "", (None, None))),
    ],
    ids=[
        "city: a latitude that is no number",
        "city: half a point",
        "country: no city",
        "country: a point off the globe",
        "none: nothing at all",
        "none: an unknown country",
        "none: a city",
    ],
)
def test_what_the_choice_leaves_out_is_ignored(participant, campaign, overrides, expected):
    response = send(participant, campaign, **overrides)

    assert response.status_code == 302, response.context["form"].errors
    action = Action.objects.get()
    city, country, point = expected
    assert (action.city, action.country) == (city, country)
    assert (action.latitude, action.longitude) == pytest.approx(point, abs=1e-5)


# The page


def test_the_precision_is_a_radio_group_with_city_preselected(participant, campaign):
    html = participant.get(URL).content.decode()

    group = re.search(
        r'<fieldset class="precision" id="id_location_precision".*?</fieldset>', html, re.S
    )
    assert group
    group = group.group()
    assert "<legend>What may we keep of the place?</legend>" in group
    radios = re.findall(r'<input type="radio" name="location_precision" value="(\w+)"', group)
    assert radios == ["exact", "km", "city", "country", "none"]
    assert re.search(r'value="city"[^>]* checked', group)
    for index in range(5):
        # Each choice is labelled and says what it keeps.
        assert f'<label for="id_location_precision_{index}">' in group
        assert f'aria-describedby="id_location_precision_{index}_description"' in group
        assert f'id="id_location_precision_{index}_description"' in group
    assert "Your exact point is never stored." in group


def test_the_place_fields_do_not_block_sending_without_javascript(participant, campaign):
    # "Country only" or "none" must be sendable with the city (and the country) left
    # empty, so the browser may not insist on them.
    html = participant.get(URL).content.decode()
    city = re.search(r'<input type="text" name="city"[^>]*>', html).group()
    country = re.search(r'<select name="country"[^>]*>', html).group()
    assert "required" not in city
    assert "required" not in country
    # submit.js shows each group only for the precisions that use it.
    assert 'id="city-combobox"' in html and 'data-precisions="exact km city"' in html
    assert 'data-precisions="exact km city country"' in html
    assert re.search(r'id="point-fields" data-precisions="exact km"', html)


def test_the_page_is_translated(participant, campaign):
    html = participant.get("/be/actions/submit/").content.decode()
    assert 'name="location_precision"' in html
    assert 'lang="be"' in html


# The photo: what is stored while it waits for the task has no metadata


def incoming(media_dirs):
    action = Action.objects.get()
    assert action.photo_status == Action.PhotoStatus.QUEUED
    assert action.upload.startswith("incoming/")
    return media_dirs / "private" / action.upload


def decoded(data):
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.copy()


def test_the_waiting_upload_carries_no_gps(participant, campaign, media_dirs, task_not_run):
    original = photo_with_metadata()
    raw = original.read()
    original.seek(0)

    response = send(participant, campaign, photo=original, location_precision="exact")

    assert response.status_code == 302
    path = incoming(media_dirs)
    stored = path.read_bytes()
    assert stored_files(media_dirs) == [str(path.relative_to(media_dirs))]
    assert_no_location_anywhere(media_dirs)
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        # What rendering needs stays: the colour profile.
        assert image.info["icc_profile"] == Image.open(io.BytesIO(raw)).info["icc_profile"]
    # The compressed pixels are untouched: a lossless strip, not a re-encoding.
    assert decoded(stored).tobytes() == decoded(raw).tobytes()
    assert len(stored) < len(raw)


def test_the_orientation_stays_alone_in_a_new_exif(campaign, media_dirs, task_not_run):
    data = jpeg_with_everything(size=(400, 200), orientation=6)

    submit_action(campaign, data)

    with Image.open(incoming(media_dirs)) as image:
        assert dict(image.getexif()) == {ExifTags.Base.Orientation: 6}
        assert "xmp" not in image.info and "comment" not in image.info
    assert b"Participant Name" not in incoming(media_dirs).read_bytes()


def test_gps_in_xmp_and_a_trailing_video_are_left_behind(campaign, media_dirs, task_not_run):
    xmp = XMP.replace(b"/>", b' exif:GPSLatitude="53,54.0N" exif:GPSLongitude="27,33.0E"/>')
    picture = encode(two_colour(), "JPEG", xmp=xmp, comment=b"Minsk, Independence Avenue")
    # A "motion photo": a video appended after the picture, with its own metadata.
    data = picture + b"\x00\x00\x00\x18ftypmp42 GPS 53.9 27.55 PhoneMaker" + b"\x00" * 64

    submit_action(campaign, data)

    stored = incoming(media_dirs).read_bytes()
    for secret in (b"GPSLatitude", b"ftypmp42", b"PhoneMaker", b"Independence", b"xmpmeta"):
        assert secret not in stored
    assert stored.endswith(b"\xff\xd9")
    assert decoded(stored).tobytes() == decoded(picture).tobytes()


def test_an_mpo_keeps_its_first_frame_only(campaign, media_dirs, task_not_run):
    data = mpo_bytes()

    submit_action(campaign, data)

    with Image.open(incoming(media_dirs)) as image:
        assert image.format == "JPEG"
        assert getattr(image, "n_frames", 1) == 1
        assert "mp" not in image.info
        first = decoded(data)
        assert image.size == first.size
        image.load()
        assert image.tobytes() == first.tobytes()


OTHER_FORMATS = {
    "PNG": lambda: encode(two_colour((400, 200)), "PNG", exif=gps_exif(6).tobytes()),
    "WebP": lambda: encode(two_colour((400, 200)), "WEBP", exif=gps_exif(6).tobytes()),
    "GIF": lambda: encode(two_colour((400, 200)).convert("P"), "GIF", comment=b"PhoneMaker"),
}


@pytest.mark.parametrize("fmt", OTHER_FORMATS)
def test_other_formats_are_stored_re_encoded_without_metadata(
    campaign, media_dirs, task_not_run, fmt
):
    data = OTHER_FORMATS[fmt]()
    assert b"PhoneMaker" in data

    submit_action(campaign, data)

    assert_no_location_anywhere(media_dirs)
    with Image.open(incoming(media_dirs)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        image.load()
        # The orientation is applied to the pixels: the picture turned 90° clockwise,
        # red (the left half) now on top. (HEIC: tests/test_heic_uploads.py.)
        if fmt == "GIF":
            assert image.size == (400, 200)
        else:
            assert image.size == (200, 400)
            red, blue = image.getpixel((100, 50)), image.getpixel((100, 350))
            assert red[0] > 150 > red[2] and blue[2] > 150 > blue[0], (red, blue)


def test_a_heic_that_does_not_decode_is_refused_beside_the_field(participant, campaign, media_dirs):
    noise = Image.frombytes("RGB", (640, 480), random.Random(1).randbytes(640 * 480 * 3))
    data = heic_bytes(noise, quality=80)
    broken = data[: len(data) * 2 // 3]
    # Its header is whole: only decoding finds the damage.
    pillow_heif.register_heif_opener()
    assert Image.open(io.BytesIO(broken)).size == (640, 480)

    response = send(
        participant, campaign, photo=SimpleUploadedFile("IMG_0001.HEIC", broken, "image/heic")
    )

    assert response.status_code == 200
    assert "This file is not a photo we can read" in response.context["form"].errors["photo"][0]
    assert not Action.objects.exists()
    assert stored_files(media_dirs) == []


def test_the_service_strips_an_upload_that_did_not_come_through_the_form(
    campaign, media_dirs, task_not_run
):
    # No caller can store the participant's metadata: the service strips it itself.
    submit_action(campaign, photo_with_metadata().read())
    assert_no_location_anywhere(media_dirs)


def test_a_jpeg_we_cannot_follow_is_re_encoded(campaign, media_dirs, task_not_run, monkeypatch):
    def unfollowable(data, **kwargs):
        raise ValueError("a structure we do not follow")

    monkeypatch.setattr(uploads, "strip_jpeg", unfollowable)

    submit_action(campaign, jpeg_with_everything(size=(400, 200), orientation=6))

    assert_no_location_anywhere(media_dirs)
    with Image.open(incoming(media_dirs)) as image:
        assert not image.getexif()
        assert image.size == (200, 400)  # oriented when re-encoded


def test_strip_jpeg_refuses_what_is_not_a_whole_jpeg():
    data = jpeg_with_everything()
    for broken in (b"\x89PNG\r\n\x1a\n", data[:100], data[: data.index(b"\xff\xda") + 40]):
        with pytest.raises(ValueError):
            uploads.strip_jpeg(broken)


def test_without_metadata_leaves_a_clean_photo_alone():
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_everything())
    clean = uploads.without_metadata(upload)
    assert uploads.without_metadata(clean) is clean


def test_after_processing_no_file_has_any_metadata(
    participant, campaign, media_dirs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(participant, campaign, location_precision="km", use_photo_location="on")

    action = Action.objects.get()
    assert action.photo_status == Action.PhotoStatus.READY
    assert action.upload == ""
    files = stored_files(media_dirs)
    assert files and not any("incoming" in name for name in files)
    for path in (media_dirs / name for name in files):
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "icc_profile" not in image.info, path
    assert (action.latitude, action.longitude) == pytest.approx(
        km_cell_centre(*PHOTO_GPS), abs=1e-5
    )
