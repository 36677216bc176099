"""A participant's photo is proven whole by its structure in the request, not decoded:
truncated JPEG, PNG and HEIC files are refused beside the field. A JPEG's pixels are
then decoded only by the background task, a HEIC one too (its metadata items blanked
in place, tests/test_heic_uploads.py); PNG is re-encoded in the request
(uploads.without_metadata), where a forged PNG fails."""

import zlib

import pytest
from PIL import Image, ImageFile

from actions import structure
from actions.models import Action
from actions.uploads import validate_upload
from tests.helpers.files import stored_files
from tests.helpers.images import encode, heic_bytes, mpo_bytes, noise, upload

UNREADABLE = "This file is not a photo we can read"


def jpeg():
    return encode(noise((640, 480)), "JPEG", quality=90)


def progressive_jpeg():
    return encode(noise((640, 480)), "JPEG", quality=90, progressive=True)


def png():
    return encode(noise((320, 240)), "PNG")


def heic():
    return heic_bytes(noise((320, 240)))


def forged_png():
    """A PNG whose chunks are sound (right lengths and CRCs) but whose IDAT is not zlib."""
    data = png()
    start = data.index(b"IDAT") - 4
    length = int.from_bytes(data[start : start + 4], "big")
    junk = bytes((index * 37) % 251 for index in range(length))
    chunk = b"IDAT" + junk
    forged = (
        data[:start]
        + length.to_bytes(4, "big")
        + chunk
        + zlib.crc32(chunk).to_bytes(4, "big")
        + data[start + 12 + length :]
    )
    assert structure.png_problem(forged) is None
    return forged


def flipped(data, at):
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]


WHOLE = {
    "JPEG": jpeg,
    "progressive JPEG": progressive_jpeg,
    "MPO": mpo_bytes,
    "PNG": png,
    "HEIC": heic,
}

BROKEN = {
    "JPEG cut in its scan": lambda: jpeg()[: len(jpeg()) // 2],
    "JPEG cut before its last two bytes": lambda: jpeg()[:-2],
    "JPEG cut in its headers": lambda: jpeg()[:400],
    "JPEG with garbage instead of its end": lambda: jpeg()[:-2] + b"\x00\x00",
    "PNG cut in half": lambda: png()[: len(png()) // 2],
    "PNG without IEND": lambda: png()[:-12],
    "PNG with a changed byte in its data": lambda: flipped(png(), len(png()) // 2),
    "HEIC cut in half": lambda: heic()[: len(heic()) // 2],
    "HEIC with bytes after its boxes": lambda: heic() + b"\x00\x00\x00",
}


@pytest.mark.parametrize("case", WHOLE, ids=list(WHOLE))
def test_whole_files_pass_the_structure_check(case):
    data = WHOLE[case]()
    fmt = {"progressive JPEG": "JPEG", "HEIC": "HEIF"}.get(case, case)
    assert structure.PROBLEMS[fmt](data) is None


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_files_fail_the_structure_check(case):
    data = BROKEN[case]()
    fmt = case.split()[0].replace("HEIC", "HEIF")
    assert structure.PROBLEMS[fmt](data)


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_participants_broken_photo_is_refused_beside_the_field(
    participant, campaign, media_dirs, case
):
    response = participant.send(campaign, photo=upload(BROKEN[case]()))

    assert response.status_code == 200
    assert UNREADABLE in response.content.decode()
    assert 'value="Hrodna"' in response.content.decode()  # what was typed is kept
    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []


@pytest.mark.parametrize("case", ["JPEG", "PNG", "HEIC"])
def test_validate_upload_decodes_no_pixel_of_a_jpeg_png_or_heic(monkeypatch, case):
    photo = upload(WHOLE[case]())

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded in the request")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    image = validate_upload(photo)

    assert image.size in ((640, 480), (320, 240))


def test_a_forged_png_is_refused_when_its_copy_without_metadata_is_made(
    participant, campaign, media_dirs
):
    # Its structure is sound; a PNG is re-encoded in the request (uploads.without_metadata),
    # and that decode fails: refused beside the field, nothing stored.
    response = participant.send(campaign, photo=upload(forged_png(), "photo.png", "image/png"))

    assert response.status_code == 200
    assert UNREADABLE in response.content.decode()
    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []
