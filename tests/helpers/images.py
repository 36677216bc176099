"""Pictures made in code: plain ones, and the ones phones send (EXIF with GPS, an ICC
profile, XMP, HEIC, multi-picture JPEG), and a check that a stored picture carries none of it."""

import io
import os
import random
from pathlib import Path

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

RED, BLUE = (220, 20, 30), (20, 40, 220)


def plain(size=(640, 480), colour=(200, 30, 40)):
    return Image.new("RGB", size, colour)


def noise(size=(640, 480)):
    """Random pixels: they compress badly, so sizes and truncation are realistic."""
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def two_colour(size=(400, 200), first=RED, second=BLUE):
    """Left half `first`, right half `second`: orientation shows in where the colours end up."""
    width, height = size
    image = Image.new("RGB", size, second)
    image.paste(first, (0, 0, width // 2, height))
    return image


def gps_exif(
    orientation=None, *, lat=(53.0, 54.0, 1.2), lat_ref="N", lon=(27.0, 33.0, 2.5), lon_ref="E"
):
    """EXIF the way phones write it: camera, date, and a GPS position, by default
    53°54'1.2"N 27°33'2.5"E, in Minsk."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.DateTime] = "2026:08:04 21:15:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = lat
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = lon
    return exif


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Participant Name"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def encode(image, fmt, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def make_image_bytes(fmt="JPEG", size=(640, 480), color=(200, 30, 40), **save_kwargs):
    """A plain picture in `fmt`, as bytes."""
    return encode(plain(size, color), fmt, **save_kwargs)


def make_upload(name="photo.jpg", fmt="JPEG", size=(640, 480), content_type=None, **kwargs):
    content_type = content_type or f"image/{fmt.lower()}"
    return SimpleUploadedFile(name, make_image_bytes(fmt, size, **kwargs), content_type)


def jpeg_with_everything(size=(1200, 900), orientation=None):
    """A phone JPEG: EXIF with GPS, an ICC profile, XMP and a comment."""
    return encode(
        two_colour(size),
        "JPEG",
        exif=gps_exif(orientation).tobytes(),
        icc_profile=srgb_profile(),
        xmp=XMP,
        comment=b"taken by Participant Name",
    )


def photo_with_metadata(size=(2000, 1500), name="IMG_2041 at home in Minsk.jpg"):
    """An upload the way phones send them: EXIF with a camera, a date and a GPS position
    (53°54'N 27°33'E, in Minsk), and an ICC colour profile."""
    exif = gps_exif(1, lat=(53.0, 54.0, 0.0), lon=(27.0, 33.0, 0.0))
    data = encode(
        plain(size, (180, 40, 50)),
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=srgb_profile(),
        quality=90,
    )
    return upload(data, name)


def heic_bytes(image=None, *, quality=90, **kwargs):
    """A HEIC picture (`image`, or a plain one); `kwargs` as for saving, e.g. `exif`."""
    pillow_heif.register_heif_opener()
    return encode(plain() if image is None else image, "HEIF", quality=quality, **kwargs)


def mpo_bytes(size=(800, 600), first=None, second=(0, 200, 0)):
    """A multi-picture JPEG, as some cameras write them: a first frame (two colours unless
    `first` gives one) and a second one of colour `second`."""
    frames = [two_colour(size) if first is None else plain(size, first), plain(size, second)]
    return encode(frames[0], "MPO", save_all=True, append_images=frames[1:])


def animated_bytes(fmt, size=(200, 160), first=RED, second=BLUE):
    frames = [plain(size, first), plain(size, second)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def assert_no_metadata(path):
    """The stored picture carries no EXIF, XMP, ICC profile, comment or thumbnail."""
    data = Path(path).read_bytes()
    for secret in (b"PhoneMaker", b"Participant Name", b"Exif\x00\x00", b"ICC_PROFILE"):
        assert secret not in data, f"{path} contains {secret!r}"
    with Image.open(path) as image:
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
            assert key not in image.info, f"{path} carries {key}"
        assert not image.getexif(), f"{path} carries EXIF"
        assert not image.info.get("thumbnails")
        assert getattr(image, "applist", []) == [] or all(
            marker not in ("APP1", "APP2", "APP13") for marker, _data in image.applist
        ), f"{path} carries APP markers"


def scene(seed, size=(640, 480)):
    """A picture of coloured blocks, different for each `seed` (and the same for the same
    one): distinct photos for the duplicate finder, which sees noise as all alike."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x, y, x + rng.randrange(40, 300), y + rng.randrange(40, 240))
        image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)), box)
    return image
