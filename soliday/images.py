"""Decoding uploads and writing renditions: the one place that touches pixels.

Every upload is hostile until it has been decoded by Pillow as one of the
formats we allow. What we store is always a re-encoded copy that carries no
metadata (EXIF, XMP, IPTC, ICC, comments, thumbnails).
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from soliday import files

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a core dependency
    pillow_heif = None

ALLOWED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "HEIF")
SRGB_PROFILE = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    name: str
    path: str
    width: int
    height: int

    def as_dict(self):
        return {"name": self.name, "path": self.path, "width": self.width, "height": self.height}


def too_large_error(max_bytes):
    return ValidationError(
        _("The file is too large: at most %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)},
        code="too_large",
    )


def too_many_pixels_error(max_pixels):
    return ValidationError(
        _("The picture is too large: at most %(limit)s megapixels.")
        % {"limit": max_pixels // 1_000_000},
        code="too_many_pixels",
    )


UNREADABLE = _("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC photo.")


def openers(formats):
    """The names in `formats` that Pillow has an opener of their own for, for Image.open.

    Pillow opens MPO through the JPEG opener and raises KeyError for a name it has none
    for, which would turn a PNG into a crash.
    """
    Image.init()
    return [name for name in formats if name in Image.OPEN]


def open_upload(fileobj, *, max_pixels, max_bytes=None, formats=ALLOWED_FORMATS):
    """Decode an upload fully and return it as a Pillow image, or raise ValidationError.

    The whole image is loaded so that truncated files fail here, not later.
    """
    size = getattr(fileobj, "size", None)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if max_bytes is not None and size is not None and size > max_bytes:
        raise too_large_error(max_bytes)
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            # A decompression-bomb warning is an error for us.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fileobj, formats=openers(formats))
            width, height = image.size
            if width * height > max_pixels:
                raise too_many_pixels_error(max_pixels)
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels_error(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(UNREADABLE, code="invalid_image") from exc
    return image


def to_srgb(image):
    """Return a new RGB image in sRGB, with orientation applied and no metadata attached."""
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, SRGB_PROFILE, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass
    # Copy the pixels alone into a fresh image: nothing from the upload's info survives.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def fit_width(image, width):
    if image.width <= width:
        return image.copy()
    height = round(image.height * width / image.width)
    return image.resize((width, max(1, height)), Image.Resampling.LANCZOS)


def fit_box(image, side):
    """The image fitted inside a side × side square (never enlarged): a new image."""
    if max(image.size) <= side:
        return image.copy()
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def cover(image, width, height):
    return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)


# The formats `encode` writes, and the extension of their files.
EXTENSIONS = {"JPEG": "jpg", "WEBP": "webp"}

# WebP's method 2 encodes about twice as fast as its default 4 for a few per cent more
# bytes at the same quality (bench/pipeline.py prints both); its largest stage was the
# display rendition's encode.
WEBP_METHOD = 2


def encode(image, fmt="JPEG", quality=85, *, progressive=True):
    """The image's bytes as `fmt`; a JPEG is optimised (and progressive unless told not:
    the private master is not shown while it loads)."""
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=quality, method=WEBP_METHOD)
    else:
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return buffer.getvalue()


def save_bytes(storage, prefix, data, extension):
    """Save under a random, unguessable name and track the file for rollback."""
    path = storage.save(f"{prefix}/{uuid.uuid4().hex}.{extension}", ContentFile(data))
    files.track(storage, path)
    return path


def save_rendition(storage, prefix, name, image, fmt="JPEG", quality=85):
    path = save_bytes(storage, prefix, encode(image, fmt, quality), EXTENSIONS[fmt])
    return Rendition(name=name, path=path, width=image.width, height=image.height)
