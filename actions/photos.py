"""Participants' photos: decode, clean and render. Pixels only; no database, no storage.

The background task (`actions.tasks`) feeds the bytes of an upload through
`decode()` and `clean()`, then stores what `render()` returns. Orientation is
applied exactly once, after shrinking (pillow-heif has already applied a HEIC
file's rotation and reset its EXIF orientation to 1, so it is not applied twice).
"""

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from actions import faces
from soliday import images

# What a participant may send. Animated GIF and WebP keep their first frame.
ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF")
# The clean master kept in private storage: long edge capped, JPEG, no metadata.
MASTER_LONG_EDGE = 3000
MASTER_QUALITY = 90
# name -> (how, size, format, quality). "box" fits the picture inside a square of that
# side (a portrait photo is as high as a landscape one is wide); "cover" crops to the box.
# "medium" is what a 3x phone needs for a gallery card between the two others.
# Each is made from the one before it (the share card from the display rendition).
RENDITIONS = {
    "thumb": ("box", 400, "WEBP", 80),
    "medium": ("box", 800, "WEBP", 80),
    "display": ("box", 1600, "WEBP", 82),
    "share": ("cover", (1200, 630), "JPEG", 85),
}
# The largest rendition: a JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) still
# covering it, and that is the master when it is smaller than MASTER_LONG_EDGE.
DISPLAY_EDGE = RENDITIONS["display"][1]


class UnreadablePhoto(Exception):
    """The bytes are not a picture we accept: retrying cannot help."""


@dataclass(frozen=True)
class Encoded:
    name: str
    data: bytes
    extension: str
    width: int
    height: int


def decode(data, *, max_pixels, long_edge=DISPLAY_EDGE):
    """Decode the first frame of `data`, letting the decoder scale down where it can.

    A JPEG is decoded at the smallest DCT scale whose long edge is still at least
    `long_edge` (the display rendition): a 12 MP photo at half size, a 48 MP one at a
    quarter, a quarter or a sixteenth of the pixels and of the work. Raises
    UnreadablePhoto for anything that is not a whole picture in an allowed format
    within `max_pixels`.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=images.openers(ALLOWED_FORMATS))
            width, height = image.size
            if width * height > max_pixels:
                raise UnreadablePhoto(f"{width}×{height} pixels is over the limit")
            if max(width, height) > long_edge:
                # JPEG decodes at 1/2, 1/4 or 1/8 scale, never below the requested size;
                # pillow-heif picks an embedded thumbnail only when it is large enough.
                scale = long_edge / max(width, height)
                image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()
    except UnreadablePhoto:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as exc:
        raise UnreadablePhoto(f"{type(exc).__name__}: {exc}") from exc
    return image


def clean(image, *, long_edge=MASTER_LONG_EDGE):
    """Shrink, then orient and convert to sRGB: a fresh RGB image with no metadata."""
    image = _usable_mode(image)
    if max(image.size) > long_edge:
        # reducing_gap: a box reduction by an integer factor first, LANCZOS for the rest.
        image.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS, reducing_gap=2.0)
    # to_srgb applies the EXIF orientation (once) and copies the pixels alone.
    return images.to_srgb(image)


def render(master, face_boxes=()):
    """Encode the master and its renditions; returns [Encoded], the master first.

    The master is encoded as it is (it stays private, for the moderator); the
    renditions are made with `face_boxes` (faces.Box in master pixels) blurred.
    """
    return [
        _encode("master", master, "JPEG", MASTER_QUALITY, progressive=False),
        *render_renditions(master, face_boxes),
    ]


def render_renditions(master, face_boxes=()):
    """Encode the renditions of the master, all made from one copy with the boxes blurred.

    Blurring the master before resizing and cropping covers each face in every
    rendition, the `share` crop included. The largest rendition is made from the master,
    each smaller one from the one above it (the share card from the display rendition):
    every resize starts from at most twice its output.
    """
    picture = faces.blur_regions(master, face_boxes) if face_boxes else master
    made, boxes = {}, []
    for name, (how, size, _fmt, _quality) in sorted(
        RENDITIONS.items(), key=lambda item: -_area(item[1])
    ):
        # Only uncropped renditions are sources; the master when none covers this one.
        source = _smallest_source(boxes, how, size) or picture
        if how == "box":
            made[name] = images.fit_box(source, size)
            boxes.append(made[name])
        else:
            made[name] = images.cover(source, *size)
    return [
        _encode(name, made[name], fmt, quality)
        for name, (_how, _size, fmt, quality) in RENDITIONS.items()
    ]


def _area(rendition):
    how, size = rendition[0], rendition[1]
    return size * size if how == "box" else size[0] * size[1] * 2  # a crop needs more


def _smallest_source(candidates, how, size):
    """The smallest image already made that covers a rendition of `size` without enlarging."""
    need = (size, size) if how == "box" else size
    fitting = [
        image
        for image in candidates
        if (how == "box" and max(image.size) >= size)
        or (how == "cover" and image.width >= need[0] and image.height >= need[1])
    ]
    return min(fitting, key=lambda image: image.width * image.height, default=None)


def _encode(name, picture, fmt, quality, *, progressive=True):
    return Encoded(
        name=name,
        data=images.encode(picture, fmt, quality, progressive=progressive),
        extension=images.EXTENSIONS[fmt],
        width=picture.width,
        height=picture.height,
    )


def _usable_mode(image):
    """A mode that resizes well; the info (ICC profile, EXIF orientation) is kept."""
    if image.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        return image
    if image.mode in ("P", "PA"):
        return image.convert("RGBA")
    if image.mode.startswith("I;16"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        eight_bit = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        eight_bit.info = dict(image.info)
        return eight_bit
    return image.convert("RGB")
