"""A participant's form sent as a hostile or broken client sends it: every malformed
multipart body gets a 400 or the form back with an error, never a server error, and
nothing is stored unless what arrived is a whole, valid submission."""

import base64

import pytest

from actions.models import Action
from tests.helpers.actions import submit_form_data
from tests.helpers.files import stored_files
from tests.helpers.images import make_image_bytes

URL = "/en/actions/submit/"
BOUNDARY = "SolidayBoundary7MA4YWxkTrZu0gW"
CRLF = b"\r\n"

# What happens to each body: stored once, the form back with an error, or a 400.
STORED, FORM_ERROR, BAD_REQUEST = "stored", "form error", "400"


def text_fields(campaign, **changes):
    """The form's text fields as a participant fills them in (see submit_form_data)."""
    data = submit_form_data(campaign, photo=None, **changes)
    return [(name, str(value)) for name, value in data.items()]


def field(name, value, *, headers=()):
    head = f'Content-Disposition: form-data; name="{name}"'.encode()
    return CRLF.join([head, *headers, b"", value.encode() if isinstance(value, str) else value])


def file_part(name, data, *, filename="photo.jpg", content_type="image/jpeg", headers=()):
    lines = [
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
        f"Content-Type: {content_type}".encode(),
        *headers,
        b"",
        data,
    ]
    return CRLF.join(lines)


def multipart(parts, *, boundary=BOUNDARY, close=True):
    dash = b"--" + boundary.encode()
    body = b"".join(dash + CRLF + part + CRLF for part in parts)
    return body + (dash + b"--" + CRLF if close else b"")


def photo():
    return make_image_bytes()


def form(campaign, *extra, before=(), photo_part=None, **changes):
    """The whole form: text fields, then the photo (or `photo_part`), then `extra` parts."""
    photo_part = photo_part if photo_part is not None else file_part("photo", photo())
    parts = [*before, *(field(n, v) for n, v in text_fields(campaign, **changes))]
    return multipart([*parts, photo_part, *extra])


def content_type(boundary=BOUNDARY):
    return f"multipart/form-data; boundary={boundary}"


# Each case: (body, Content-Type or None, extra META, expected outcome).


def extra_file_after_photo(campaign):
    return form(campaign, file_part("other", photo(), filename="b.jpg")), content_type(), STORED


def extra_file_before_photo(campaign):
    extra = file_part("attachment", b"%PDF-1.4", filename="a.pdf", content_type="application/pdf")
    return form(campaign, before=[extra]), content_type(), STORED


def several_extra_files(campaign):
    extras = [file_part(f"f{i}", photo(), filename=f"{i}.jpg") for i in range(5)]
    return form(campaign, *extras), content_type(), STORED


def two_photos(campaign):
    return (
        form(campaign, file_part("photo", photo(), filename="again.jpg")),
        content_type(),
        (FORM_ERROR),
    )


def photo_as_a_text_field(campaign):
    return form(campaign, photo_part=field("photo", photo())), content_type(), FORM_ERROR


def photo_with_an_empty_file_name(campaign):
    part = file_part("photo", photo(), filename="")
    return form(campaign, photo_part=part), content_type(), FORM_ERROR


def photo_named_dot_dot(campaign):
    part = file_part("photo", photo(), filename="..")
    return form(campaign, photo_part=part), content_type(), FORM_ERROR


def photo_named_with_a_path(campaign):
    part = file_part("photo", photo(), filename="../../../etc/passwd")
    return form(campaign, photo_part=part), content_type(), STORED


def photo_that_is_no_picture(campaign):
    part = file_part("photo", b"#!/bin/sh\nrm -rf /\n", filename="photo.jpg")
    return form(campaign, photo_part=part), content_type(), FORM_ERROR


def empty_photo(campaign):
    return form(campaign, photo_part=file_part("photo", b"")), content_type(), FORM_ERROR


def body_cut_inside_the_photo(campaign):
    body = form(campaign)
    cut = body.index(b"\xff\xd8") + 200
    return body[:cut], content_type(), FORM_ERROR


def body_cut_inside_a_part_header(campaign):
    body = form(campaign)
    cut = body.index(b'name="photo"') + 5
    return body[:cut], content_type(), FORM_ERROR


def body_without_its_closing_boundary(campaign):
    parts = [field(n, v) for n, v in text_fields(campaign)]
    return (
        multipart([*parts, file_part("photo", photo())], close=False),
        content_type(),
        (FORM_ERROR),
    )


def body_with_another_boundary(campaign):
    return form(campaign), content_type("SomethingElseEntirely"), FORM_ERROR


def content_type_without_a_boundary(campaign):
    return form(campaign), "multipart/form-data", BAD_REQUEST


def boundary_over_201_characters(campaign):
    return form(campaign), content_type("x" * 202), BAD_REQUEST


def non_ascii_content_type(campaign):
    return form(campaign), f"{content_type()}; charset=беларуская", BAD_REQUEST


def empty_body(campaign):
    return b"", content_type(), FORM_ERROR


def no_content_type(campaign):
    return form(campaign), None, FORM_ERROR


def plain_text_content_type(campaign):
    return form(campaign), "text/plain", FORM_ERROR


def urlencoded_content_type_with_a_multipart_body(campaign):
    return form(campaign), "application/x-www-form-urlencoded", FORM_ERROR


def huge_part_header(campaign):
    header = b"X-Padding: " + b"a" * 70_000
    part = file_part("photo", photo(), headers=[header])
    return form(campaign, photo_part=part), content_type(), BAD_REQUEST


def part_header_that_is_not_utf8(campaign):
    part = file_part("photo", photo(), headers=[b"X-Junk: \xff\xfe\xfa"])
    return form(campaign, photo_part=part), content_type(), STORED


def part_without_content_disposition(campaign):
    junk = CRLF.join([b"Content-Type: text/plain", b"", b"who am I?"])
    return form(campaign, before=[junk]), content_type(), STORED


def caption_that_is_not_utf8(campaign):
    body = form(campaign, caption="CAPTION-HERE").replace(b"CAPTION-HERE", b"Lanterns \xff\xfe")
    return body, content_type(), STORED


def invalid_base64_photo(campaign):
    base64_header = b"Content-Transfer-Encoding: base64"
    part = file_part("photo", b"not base64 at all!!", headers=[base64_header])
    return form(campaign, photo_part=part), content_type(), BAD_REQUEST


def base64_photo(campaign):
    encoded = base64.b64encode(photo())
    part = file_part("photo", encoded, headers=[b"Content-Transfer-Encoding: base64"])
    return form(campaign, photo_part=part), content_type(), STORED


def photo_declaring_a_length_over_the_limit(campaign):
    part = file_part("photo", photo(), headers=[b"Content-Length: 999999999999"])
    return form(campaign, photo_part=part), content_type(), FORM_ERROR


def too_many_files(campaign):
    extras = [file_part(f"f{i}", b"x", filename=f"{i}.txt") for i in range(101)]
    return form(campaign, *extras), content_type(), BAD_REQUEST


def too_many_fields(campaign):
    extras = [field(f"x{i}", "1") for i in range(1001)]
    return form(campaign, *extras), content_type(), BAD_REQUEST


def text_field_over_the_memory_limit(campaign):
    return (
        form(campaign, field("caption", "a" * (5 * 1024 * 1024 + 1))),
        content_type(),
        (BAD_REQUEST),
    )


def nested_multipart_mixed(campaign):
    inner = multipart([file_part("photo", photo())], boundary="InnerBoundary")
    part = CRLF.join(
        [
            b'Content-Disposition: form-data; name="photo"',
            b"Content-Type: multipart/mixed; boundary=InnerBoundary",
            b"",
            inner,
        ]
    )
    return form(campaign, photo_part=part), content_type(), FORM_ERROR


CASES = [
    extra_file_after_photo,
    extra_file_before_photo,
    several_extra_files,
    two_photos,
    photo_as_a_text_field,
    photo_with_an_empty_file_name,
    photo_named_dot_dot,
    photo_named_with_a_path,
    photo_that_is_no_picture,
    empty_photo,
    body_cut_inside_the_photo,
    body_cut_inside_a_part_header,
    body_without_its_closing_boundary,
    body_with_another_boundary,
    content_type_without_a_boundary,
    boundary_over_201_characters,
    non_ascii_content_type,
    empty_body,
    no_content_type,
    plain_text_content_type,
    urlencoded_content_type_with_a_multipart_body,
    huge_part_header,
    part_header_that_is_not_utf8,
    part_without_content_disposition,
    caption_that_is_not_utf8,
    invalid_base64_photo,
    base64_photo,
    photo_declaring_a_length_over_the_limit,
    too_many_files,
    too_many_fields,
    text_field_over_the_memory_limit,
    nested_multipart_mixed,
]


@pytest.mark.parametrize("make_body", CASES, ids=[case.__name__ for case in CASES])
def test_a_malformed_body_gets_a_400_or_a_form_error_never_a_server_error(
    participant, campaign, media_dirs, make_body
):
    body, kind, expected = make_body(campaign)
    # No Content-Type (None) reaches Django as an empty one, as from a WSGI server.
    response = participant.generic("POST", URL, body, CONTENT_TYPE=kind or "")

    if expected == STORED:
        assert response.status_code == 302, response.content[:500]
        assert Action.objects.count() == 1
        assert len(stored_files(media_dirs / "private")) == 1
    else:
        wanted = 400 if expected == BAD_REQUEST else 200
        assert response.status_code == wanted, response.content[:500]
        if expected == FORM_ERROR:
            assert b'class="errorlist' in response.content
        assert not Action.objects.exists()
        assert stored_files(media_dirs / "private") == []
    assert stored_files(media_dirs / "media") == []
