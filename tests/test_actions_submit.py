"""The participant's submission form at /<lang>/actions/submit/, used as a participant would.

Bad input gets a message beside the field, keeps what was typed and stores nothing
(no row, no file); good input becomes one pending action through services.submit_action.
"""

import datetime
import io
import os
import re

import pytest
from django.core.cache import cache
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from actions import gazetteer
from actions.hashtags import parse as parse_hashtags
from actions.models import Action, Campaign
from actions.uploads import read_gps, validate_upload
from soliday import ratelimit
from tests.helpers.actions import submit_form_data
from tests.helpers.files import stored_files
from tests.helpers.images import (
    animated_bytes,
    encode,
    gps_exif,
    heic_bytes,
    make_image_bytes,
    mpo_bytes,
    noise,
    upload,
)
from tests.helpers.pages import assert_csp_clean, field_block

URL = "/en/actions/submit/"
THANKS = "/en/actions/submit/thanks/"


MINSK_GPS = (53.900333, 27.550694)  # where gps_exif() says a photo was taken


def assert_nothing_stored(media_dirs):
    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []
    assert stored_files(media_dirs / "media") == []


def assert_error_beside(response, name, message):
    """The message is in the field's own block, and the input points at it."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert name in errors, errors
    assert any(message in error for error in errors[name]), errors[name]
    html = response.content.decode()
    block = field_block(html, name)
    assert f'id="id_{name}_error"' in block
    assert message.replace("'", "&#x27;") in block or message in block
    assert re.search(rf'aria-describedby="[^"]*id_{name}_error', block)
    assert 'aria-invalid="true"' in block
    # The summary at the top links to the field.
    assert f'href="#id_{name}"' in html


def assert_typed_values_kept(response):
    html = response.content.decode()
    assert 'value="Hrodna"' in html
    assert "Lanterns by the Neman for the political prisoners." in html
    assert 'value="Alesia"' in html
    assert 'value="alesia@example.org"' in html
    assert '<option value="BY" selected>' in html
    # The file cannot be kept: the page says so.
    assert "please choose it again" in html


# Bad input: one case per row, each with the field that must show the message.

TIFF = make_image_bytes("TIFF")
PSD = b"8BPS\x00\x01" + os.urandom(4000)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
UNREADABLE = "This file is not a photo we can read"

BAD_PHOTOS = {
    "random bytes named .jpg": (lambda: upload(os.urandom(20_000)), UNREADABLE),
    "a truncated JPEG": (
        lambda: upload(encode(noise(), "JPEG", quality=90)[:30_000]),
        UNREADABLE,
    ),
    "TIFF": (lambda: upload(TIFF, "photo.tif", "image/tiff"), UNREADABLE),
    "PSD": (lambda: upload(PSD, "photo.jpg", "image/jpeg"), UNREADABLE),
    "SVG": (lambda: upload(SVG, "photo.svg", "image/svg+xml"), UNREADABLE),
    "HTML": (lambda: upload(HTML, "photo.jpg", "image/jpeg"), UNREADABLE),
    "an empty file": (lambda: upload(b""), "The file is empty."),
    "a 1×50000 image": (
        lambda: upload(encode(Image.new("L", (1, 50_000)), "PNG"), "strip.png", "image/png"),
        "too narrow or too tall (1 × 50000 pixels)",
    ),
}


@pytest.mark.parametrize("case", BAD_PHOTOS, ids=list(BAD_PHOTOS))
def test_a_bad_photo_is_refused_beside_the_field(participant, campaign, media_dirs, case):
    make, message = BAD_PHOTOS[case]
    response = participant.send(campaign, photo=make())
    assert_error_beside(response, "photo", message)
    assert_typed_values_kept(response)
    assert_nothing_stored(media_dirs)


def test_no_file_is_refused(participant, campaign, media_dirs):
    response = participant.send(campaign, photo=None)
    assert_error_beside(response, "photo", "Choose a photo to send.")
    assert_typed_values_kept(response)
    assert_nothing_stored(media_dirs)


def test_a_picture_over_the_pixel_limit_is_refused(participant, campaign, media_dirs, settings):
    settings.ACTIONS_PHOTO_MAX_PIXELS = 1_000_000
    response = participant.send(campaign, photo=upload(make_image_bytes(size=(1200, 1000))))
    assert_error_beside(response, "photo", "The picture is too large: at most 1 megapixels.")
    assert_typed_values_kept(response)
    assert_nothing_stored(media_dirs)


def test_a_file_over_the_size_limit_is_refused(participant, campaign, media_dirs, settings):
    settings.ACTIONS_PHOTO_MAX_BYTES = 1024 * 1024
    data = encode(noise((1000, 800)), "PNG")
    assert len(data) > 2 * 1024 * 1024
    response = participant.send(campaign, photo=upload(data, "big.png", "image/png"))
    assert_error_beside(response, "photo", "The file is too large: at most 1 MB.")
    assert_typed_values_kept(response)
    assert_nothing_stored(media_dirs)


def test_validate_upload_checks_the_size_itself(settings):
    data = encode(noise((300, 300)), "PNG")
    with pytest.raises(Exception, match="too large"):
        validate_upload(upload(data), max_bytes=len(data) - 1)


BAD_FIELDS = {
    "latitude 91": (
        {"location_precision": "exact", "latitude": "91", "longitude": "27.5"},
        "latitude",
        "between -90 and 90",
    ),
    "longitude alone": (
        {"location_precision": "exact", "longitude": "27.5"},
        "latitude",
        "Give both the latitude",
    ),
    "latitude not a number": (
        {"location_precision": "exact", "latitude": "nan", "longitude": "27.5"},
        "latitude",
        "Enter the latitude as a number",
    ),
    "unknown country": ({"country": "XX"}, "country", "Choose a country from the list."),
    "no country": ({"country": ""}, "country", "Choose the country of your action."),
    "no city": ({"city": ""}, "city", "Enter the city or town of your action."),
    "unknown action type": ({"action_type": "riot"}, "action_type", "Choose a type of action"),
    "200 hashtags": (
        {"hashtags": " ".join(f"#tag{i}" for i in range(200))},
        "hashtags",
        "At most 10 hashtags, please: you entered 200.",
    ),
    "a 300-character hashtag": (
        {"hashtags": "#" + "a" * 300},
        "hashtags",
        "A hashtag can be at most 50 characters long",
    ),
    "a hashtag with markup": (
        {"hashtags": "#ok #<b>bold</b>"},
        "hashtags",
        "Hashtags are made of letters, digits, _ and -",
    ),
    "a 100,000-character caption": (
        {"caption": "x" * 100_000},
        "caption",
        "The text can be at most 2000 characters long (it has 100000).",
    ),
    "missing consent": ({"consent": None}, "consent", "Without your consent"),
    "a bad email": ({"email": "not an address"}, "email", "Enter an email address"),
}


@pytest.mark.parametrize("case", BAD_FIELDS, ids=list(BAD_FIELDS))
def test_bad_fields_are_refused_beside_the_field(participant, campaign, media_dirs, case):
    overrides, name, message = BAD_FIELDS[case]
    response = participant.send(campaign, **overrides)
    assert_error_beside(response, name, message)
    assert_nothing_stored(media_dirs)
    html = response.content.decode()
    # What was typed in the other fields stays.
    if "city" not in overrides:
        assert 'value="Hrodna"' in html
    if "caption" not in overrides:
        assert "Lanterns by the Neman for the political prisoners." in html


def test_a_long_caption_comes_back_as_typed(participant, campaign):
    response = participant.send(campaign, caption="x" * 100_000)
    assert "x" * 100_000 in response.content.decode()


def test_a_closed_campaign_cannot_be_chosen(participant, campaign, media_dirs):
    closed = Campaign.objects.create(
        slug="old", name_en="Old", starts_on=datetime.date(2020, 8, 4), is_active=False
    )
    response = participant.post(URL, {**submit_form_data(campaign), "campaign": closed.pk})
    assert_error_beside(response, "campaign", "Choose a campaign from the list.")
    assert_nothing_stored(media_dirs)


# Good photos


GOOD_PHOTOS = {
    "JPEG": lambda: upload(make_image_bytes()),
    "PNG": lambda: upload(make_image_bytes("PNG"), "photo.png", "image/png"),
    "WebP": lambda: upload(make_image_bytes("WEBP"), "photo.webp", "image/webp"),
    "HEIC": lambda: upload(heic_bytes(quality=60), "IMG_0001.HEIC", "image/heic"),
    "MPO": lambda: upload(mpo_bytes((640, 480), first=(200, 30, 40))),
    "animated GIF": lambda: upload(
        animated_bytes("GIF", first=(200, 30, 40)), "photo.gif", "image/gif"
    ),
    "JPEG named .png, sent as text": lambda: upload(make_image_bytes(), "photo.png", "text/plain"),
}


@pytest.mark.parametrize("case", GOOD_PHOTOS, ids=list(GOOD_PHOTOS))
def test_a_good_photo_becomes_a_pending_action(participant, campaign, media_dirs, case):
    response = participant.send(campaign, photo=GOOD_PHOTOS[case]())
    assert response.status_code == 302
    assert response["Location"] == THANKS
    action = Action.objects.get()
    assert action.status == Action.Status.PENDING
    assert action.campaign == campaign
    assert action.city == "Hrodna"
    assert action.country == "BY"
    assert action.display_name == "Alesia"
    assert action.email == "alesia@example.org"
    assert action.consent is True
    assert action.language == "en"
    assert action.alt_text == "Twelve people holding lanterns."
    # The photo waits in private storage; nothing is public.
    assert stored_files(media_dirs / "private")
    assert stored_files(media_dirs / "media") == []


def test_the_language_of_the_page_is_stored(participant, campaign):
    response = participant.send(campaign, language="be")
    assert response["Location"] == "/be/actions/submit/thanks/"
    assert Action.objects.get().language == "be"


def test_anonymous_by_default(participant, campaign):
    participant.send(campaign, name="", email="")
    action = Action.objects.get()
    assert action.display_name == ""
    assert action.email == ""


# Hashtags


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("#a #b", ["a", "b"]),
        ("a, b", ["a", "b"]),
        ("a,b;c", ["a", "b", "c"]),
        ("#a#b", ["a", "b"]),
        ("  #FreeBelarus  ", ["freebelarus"]),
        ("#4Августа #4августа 4АВГУСТА", ["4августа"]),
        ("#bysoliday, bysoliday", ["bysoliday"]),
        ("＃ｗｉｄｅ", ["wide"]),
        ("", []),
    ],
)
def test_hashtags_are_parsed_the_way_people_type_them(typed, expected):
    assert parse_hashtags(typed) == expected


def test_hashtags_are_one_tag_whatever_their_case(participant, campaign):
    participant.send(campaign, hashtags="#4Августа, 4августа #FreeBelarus")
    first = Action.objects.get()
    assert sorted(first.hashtags.names()) == ["4августа", "freebelarus"]
    participant.send(campaign, hashtags="#4АВГУСТА")
    second = Action.objects.latest("id")
    # taggit finds the existing tag: one tag for both actions.
    assert list(second.hashtags.values_list("pk", flat=True)) == list(
        first.hashtags.filter(name="4августа").values_list("pk", flat=True)
    )


def test_empty_hashtags_take_the_campaigns(participant, campaign):
    participant.send(campaign, hashtags="")
    assert sorted(Action.objects.get().hashtags.names()) == sorted(
        ["4august", "4августа", "bysoliday"]
    )


# Location with the exact point allowed: the photo's GPS only when ticked, else the pin,
# else the city centre. (tests/test_location_precision.py: the other precisions.)


def gps_photo():
    return upload(make_image_bytes(exif=gps_exif().tobytes()))


def test_exif_gps_is_used_when_ticked(participant, campaign):
    participant.send(
        campaign,
        photo=gps_photo(),
        location_precision="exact",
        use_photo_location="on",
        latitude="50.45",
        longitude="30.52",
    )
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == pytest.approx(MINSK_GPS)


def test_exif_gps_is_ignored_when_not_ticked_the_pin_wins(participant, campaign):
    participant.send(
        campaign,
        photo=gps_photo(),
        location_precision="exact",
        latitude="50.45",
        longitude="30.52",
    )
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == (50.45, 30.52)


def test_exif_gps_is_ignored_when_not_ticked_the_city_centre_follows(participant, campaign):
    participant.send(
        campaign,
        photo=gps_photo(),
        location_precision="exact",
        city="Vilnius",
        country="LT",
    )
    action = Action.objects.get()
    vilnius = gazetteer.find("Vilnius", "LT")
    assert (action.latitude, action.longitude) == (vilnius.latitude, vilnius.longitude)
    assert action.latitude == pytest.approx(54.69, abs=0.05)


def test_ticked_without_gps_in_the_photo_falls_back_to_the_pin(participant, campaign):
    participant.send(
        campaign,
        location_precision="exact",
        use_photo_location="on",
        latitude="50.45",
        longitude="30.52",
    )
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == (50.45, 30.52)


def test_a_heic_photos_gps_is_read_when_ticked(participant, campaign):
    data = heic_bytes(exif=gps_exif().tobytes(), quality=60)
    photo = upload(data, "IMG_0001.HEIC", "image/heic")
    participant.send(campaign, photo=photo, location_precision="exact", use_photo_location="on")
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == pytest.approx(MINSK_GPS)


def test_the_city_centre_is_found_in_another_spelling(participant, campaign):
    participant.send(campaign, city="Гродна", country="BY")
    action = Action.objects.get()
    assert action.city == "Гродна"
    assert action.latitude == pytest.approx(53.68, abs=0.05)


def test_a_city_in_the_wrong_country_gets_no_centre(participant, campaign):
    participant.send(campaign, city="Hrodna", country="PL")
    action = Action.objects.get()
    assert (action.latitude, action.longitude) == (None, None)


def test_a_place_not_in_the_gazetteer_is_accepted_with_its_country(participant, campaign):
    response = participant.send(campaign, city="Zaslauje-under-the-hill", country="BY")
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.city == "Zaslauje-under-the-hill"
    assert action.country == "BY"
    assert (action.latitude, action.longitude) == (None, None)


def read(data):
    return read_gps(Image.open(io.BytesIO(data)))


def test_read_gps_understands_the_hemispheres():
    exif = gps_exif(lat=(33.0, 52.0, 0.0), lat_ref="S", lon=(151.0, 12.0, 0.0), lon_ref="W")
    assert read(make_image_bytes(exif=exif.tobytes())) == pytest.approx((-33.866667, -151.2))


@pytest.mark.parametrize(
    "exif",
    [
        gps_exif(lat=(53.0, 75.0, 0.0)),  # 75 minutes
        gps_exif(lat=(95.0, 0.0, 0.0)),  # beyond the pole
        gps_exif(lon=(181.0, 0.0, 0.0)),
        gps_exif(lat_ref="X"),
        gps_exif(lat=(0.0, 0.0, 0.0), lon=(0.0, 0.0, 0.0)),  # what broken cameras write
        gps_exif(lat=(IFDRational(53, 0), 0.0, 0.0)),  # a zero denominator
    ],
    ids=["minutes", "pole", "longitude", "reference", "null island", "zero denominator"],
)
def test_read_gps_ignores_nonsense(exif):
    assert read(make_image_bytes(exif=exif.tobytes())) is None


def test_read_gps_without_gps_is_none():
    assert read(make_image_bytes()) is None
    assert read(make_image_bytes("PNG")) is None


# Text that looks like markup stays text


def test_markup_in_the_caption_and_city_is_shown_as_text(participant, campaign):
    response = participant.send(
        campaign,
        city="<b>Minsk</b>",
        caption="<script>alert('caption')</script>",
        consent=None,
    )
    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;caption&#x27;)&lt;/script&gt;" in html
    assert "<b>Minsk</b>" not in html
    assert 'value="&lt;b&gt;Minsk&lt;/b&gt;"' in html


# The honeypot


def test_a_filled_honeypot_is_silently_dropped(participant, campaign, media_dirs):
    response = participant.send(campaign, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert_nothing_stored(media_dirs)


def test_the_honeypot_is_hidden_from_people(participant, campaign):
    html = participant.get(URL).content.decode()
    trap = re.search(r'<div class="hp" aria-hidden="true">.*?</div>', html, flags=re.S)
    assert trap
    assert 'tabindex="-1"' in trap.group()
    assert 'autocomplete="off"' in trap.group()
    assert 'name="website"' in trap.group()


# Rate limit


def test_over_the_rate_limit_a_client_gets_429_and_retry_after(
    participant, campaign, settings, media_dirs
):
    settings.ACTIONS_RATE_LIMIT = 2
    settings.ACTIONS_RATE_WINDOW = 600
    for _ in range(2):
        assert participant.send(campaign, consent=None).status_code == 200
    response = participant.send(campaign)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "You have sent many forms in a short time" in response.content.decode()
    assert_nothing_stored(media_dirs)
    # Another client is not affected.
    other = participant.post(URL, submit_form_data(campaign), REMOTE_ADDR="198.51.100.23")
    assert other.status_code == 302


def test_the_rate_limit_keeps_no_address(participant, campaign, settings):
    settings.ACTIONS_RATE_LIMIT = 5
    participant.post(URL, submit_form_data(campaign, consent=None), REMOTE_ADDR="203.0.113.77")
    keys = list(cache._cache.keys())
    assert any("ratelimit" in key for key in keys)
    for key in keys:
        assert "203.0.113.77" not in key
        assert "203-0-113-77" not in key
        assert "203.0.113.77" not in str(cache.get(key.split(":", 2)[-1]))


def test_the_rate_limit_salt_changes_every_day(rf):
    request = rf.post(URL, REMOTE_ADDR="203.0.113.77")
    today = ratelimit.client_fingerprint(request, day=datetime.date(2026, 8, 4))
    tomorrow = ratelimit.client_fingerprint(request, day=datetime.date(2026, 8, 5))
    assert today != tomorrow
    assert "203" not in today


def test_ipv6_clients_are_counted_per_network(rf):
    day = datetime.date(2026, 8, 4)
    first = rf.post(URL, REMOTE_ADDR="2001:db8:1:2::10")
    second = rf.post(URL, REMOTE_ADDR="2001:db8:1:2:ffff::1")
    elsewhere = rf.post(URL, REMOTE_ADDR="2001:db8:1:3::10")
    fingerprint = ratelimit.client_fingerprint
    assert fingerprint(first, day=day) == fingerprint(second, day=day)
    assert fingerprint(first, day=day) != fingerprint(elsewhere, day=day)


def test_behind_our_proxies_the_client_is_the_address_they_saw(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.5"
    # The client may write anything before the address our balancer appends.
    alice = rf.post(URL, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    alice_again = rf.post(URL, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.7")
    bob = rf.post(URL, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.9")

    assert ratelimit.client_address(alice) == "203.0.113.7"
    assert ratelimit.client_address(alice_again) == "203.0.113.7"
    assert ratelimit.client_address(bob) == "198.51.100.9"


def test_without_trusted_proxies_a_forwarded_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.post(URL, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert ratelimit.client_address(request) == "203.0.113.7"


def test_the_address_is_not_logged(participant, campaign, caplog):
    with caplog.at_level("DEBUG"):
        participant.post(URL, submit_form_data(campaign), REMOTE_ADDR="203.0.113.77")
        participant.post(
            URL, submit_form_data(campaign, website="spam"), REMOTE_ADDR="203.0.113.77"
        )
    assert "203.0.113.77" not in caplog.text


# The page itself


def test_the_form_offers_the_only_active_campaign_preselected(participant, campaign):
    response = participant.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'<option value="{campaign.pk}"[^>]*selected', html)
    assert 'data-hashtags="#4august #4августа #bysoliday"' in html
    assert 'placeholder="#4august #4августа #bysoliday"' in html
    # The campaign's expected action types come first.
    form = response.context["form"]
    assert [value for value, _label in form.fields["action_type"].choices][:2] == [
        "picket",
        "photo",
    ]
    assert form["action_type"].value() == "picket"


def test_with_two_campaigns_the_participant_chooses(participant, campaign, other_campaign):
    html = participant.get(URL).content.decode()
    assert '<option value="" selected>' in html
    assert "Letter marathon" in html


def test_without_an_active_campaign_there_is_no_form(participant, db):
    response = participant.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No campaign is open" in html
    assert 'name="photo"' not in html


def test_the_page_is_translated_with_country_names(participant, campaign):
    html = participant.get("/be/actions/submit/").content.decode()
    assert '<option value="BY">Беларусь</option>' in html
    assert 'lang="be"' in html


def test_the_page_has_no_inline_script_style_or_handler(participant, campaign):
    html = participant.get(URL).content.decode()
    assert_csp_clean(html)
    assert re.search(r'<script src="/static/js/submit.js" defer>', html)


def test_every_field_has_a_label(participant, campaign):
    html = participant.get(URL).content.decode()
    for name in [
        "photo",
        "campaign",
        "action_type",
        "city",
        "country",
        "latitude",
        "longitude",
        "hashtags",
        "caption",
        "name",
        "email",
        "consent",
        "use_photo_location",
    ]:
        assert f'<label for="id_{name}">' in html, name
        assert f'name="{name}"' in html, name


def test_the_upload_handler_stops_reading_an_oversized_photo_and_other_files():
    from django.http.multipartparser import MultiPartParser
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from actions.uploads import PhotoUploadHandler

    def parse(max_bytes, files):
        body = encode_multipart(BOUNDARY, {"city": "Hrodna", **files})
        meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
        handler = PhotoUploadHandler(field_name="photo", max_bytes=max_bytes)
        post, uploaded = MultiPartParser(meta, io.BytesIO(body), [handler]).parse()
        return handler, post, uploaded

    handler, post, uploaded = parse(1000, {"photo": upload(b"x" * 5000)})
    assert "photo" not in uploaded
    assert handler.oversized == {"photo"}
    assert post["city"] == "Hrodna"

    handler, post, uploaded = parse(10_000, {"photo": upload(b"x" * 5000)})
    assert uploaded["photo"].size == 5000
    assert uploaded["photo"].read() == b"x" * 5000
    assert handler.oversized == set()

    handler, post, uploaded = parse(10_000, {"other": upload(b"x" * 50)})
    assert "other" not in uploaded

    # Another file after the photo is dropped; the photo stays open and whole.
    handler, post, uploaded = parse(
        10_000, {"photo": upload(b"y" * 300), "other": upload(b"x" * 50)}
    )
    assert list(uploaded) == ["photo"]
    assert uploaded["photo"].read() == b"y" * 300

    # A second photo is dropped and counted, so that the form refuses the request.
    handler, post, uploaded = parse(10_000, {"photo": [upload(b"y" * 300), upload(b"z" * 30)]})
    assert [f.size for f in uploaded.getlist("photo")] == [300]
    assert handler.repeated == 1


def test_an_email_longer_than_its_column_is_refused_beside_the_field(
    participant, campaign, media_dirs
):
    # Valid for the email validator (at most 320 characters), too long for the column
    # (254): PostgreSQL would refuse the row with a server error.
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".com"
    assert len(email) > 254

    response = participant.send(campaign, email=email)

    assert_error_beside(response, "email", "Ensure this value has at most 254 characters")
    assert_nothing_stored(media_dirs)
    assert not Action.objects.exists()
