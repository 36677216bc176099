"""A JPEG upload is walked once: structure.jpeg_segments proves it whole and gives the
segments uploads.strip_jpeg copies. The photo is held in memory up to the form's own
limit, never spooled to a temporary file and read back."""

import io
import tempfile

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from actions import structure, uploads
from actions.uploads import PhotoUploadHandler
from tests.helpers.files import stored_files
from tests.helpers.images import encode, jpeg_with_everything, mpo_bytes, noise, upload


def test_the_segments_are_the_jpeg_from_its_start_to_its_end_of_image():
    data = jpeg_with_everything(size=(200, 100))

    segments = structure.jpeg_segments(data)

    assert segments[0] == (structure.SOI, 0, 2)
    assert segments[-1] == (structure.EOI, len(data) - 2, len(data))
    # Each span starts where the one before it ended: nothing is left out.
    assert b"".join(data[start:end] for _marker, start, end in segments) == data
    markers = [marker for marker, _start, _end in segments]
    assert markers.count(structure.SOS) == markers.count(None) == 1  # one scan, its data
    assert markers[markers.index(structure.SOS) + 1] is None


def test_fill_bytes_before_a_marker_are_left_out_of_its_segment():
    data = encode(noise((64, 48)), "JPEG")
    padded = data[:2] + b"\xff\xff\xff" + data[2:]

    segments = structure.jpeg_segments(padded)

    assert segments[1].start == 5  # the last 0xFF before the marker
    assert padded[segments[1].start : segments[1].start + 2] == data[2:4]
    assert uploads.strip_jpeg(padded) == uploads.strip_jpeg(data)


def test_an_mpo_s_segments_end_with_its_first_picture():
    data = mpo_bytes()

    segments = structure.jpeg_segments(data)

    assert segments[-1].marker == structure.EOI
    assert segments[-1].end < len(data)
    assert structure.jpeg_segments(data[segments[-1].end :])  # the second picture


def test_a_jpeg_sent_through_the_form_is_walked_once(
    participant, campaign, media_dirs, task_not_run, monkeypatch
):
    walks = []
    walk = structure.jpeg_segments

    def counted(data):
        walks.append(len(data))
        return walk(data)

    monkeypatch.setattr(structure, "jpeg_segments", counted)
    data = jpeg_with_everything()

    response = participant.send(campaign, photo=upload(data))

    assert response.status_code == 302
    assert walks == [len(data)]
    [stored] = stored_files(media_dirs / "private")
    kept = (media_dirs / "private" / stored).read_bytes()
    assert b"taken by Participant Name" not in kept  # the comment went
    assert b"ICC_PROFILE" in kept  # the colour profile stayed


def parse(body, max_bytes):
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handler = PhotoUploadHandler(field_name="photo", max_bytes=max_bytes)
    _post, files = MultiPartParser(meta, io.BytesIO(body), [handler]).parse()
    return handler, files


def test_the_photo_is_held_in_memory_up_to_the_forms_limit(settings, monkeypatch):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the photo went to a temporary file")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_temporary_file)
    photo = bytes(range(256)) * 40  # ten times FILE_UPLOAD_MAX_MEMORY_SIZE
    body = encode_multipart(BOUNDARY, {"city": "Hrodna", "photo": upload(photo)})

    handler, files = parse(body, max_bytes=len(photo))

    assert isinstance(files["photo"], InMemoryUploadedFile)
    assert files["photo"].size == len(photo)
    assert files["photo"].read() == photo
    assert handler.oversized == set()

    # One byte more than the form's limit: not kept at all.
    handler, files = parse(body, max_bytes=len(photo) - 1)
    assert "photo" not in files
    assert handler.oversized == {"photo"}


def test_a_jpeg_of_thousands_of_empty_segments_is_refused_beside_the_field(
    participant, campaign, media_dirs
):
    # Built to cost the walk seconds and gigabytes: millions of 4-byte comments fit in
    # the size limit. A phone's JPEG has a few dozen segments.
    data = encode(noise((64, 48)), "JPEG")
    padded = data[:-2] + b"\xff\xfe\x00\x02" * (structure.MAX_SEGMENTS + 1) + data[-2:]
    assert structure.jpeg_problem(data) is None  # the photo itself is whole

    response = participant.send(campaign, photo=upload(padded))

    assert response.status_code == 200
    assert "This file is not a photo we can read" in response.context["form"].errors["photo"][0]
    assert stored_files(media_dirs) == []


def test_a_long_run_of_fill_bytes_is_still_a_whole_jpeg():
    data = encode(noise((64, 48)), "JPEG")
    padded = data[:2] + b"\xff" * 100_000 + data[2:]

    assert structure.jpeg_problem(padded) is None
    assert uploads.strip_jpeg(padded) == uploads.strip_jpeg(data)
