"""Checking a participant's photo while the form is being validated.

Every upload is hostile: the extension and Content-Type say nothing, only a
successful decode as one of the allowed formats does. JPEG, PNG, WebP and GIF
are decoded fully here so that a truncated file is an error beside the field;
a HEIC photo is only opened (its size and metadata are known), because decoding
it takes seconds: the background task does that, and reports a failure to the
moderators.
"""

import math
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from actions.photos import ALLOWED_FORMATS
from soliday import images

# Formats decoded later, in the background task.
DECODED_LATER = frozenset({"HEIF"})
# Panoramas are about 4:1; a strip of 1×50000 pixels is no photo of an action.
MAX_ASPECT_RATIO = 10
MIN_SIDE = 32

UNREADABLE = _("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC photo.")


def too_large_error(max_bytes):
    return ValidationError(
        _("The file is too large: at most %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)},
        code="too_large",
    )


def validate_upload(upload, *, max_bytes=None, max_pixels=None):
    """Prove that `upload` is a photo we accept and return it opened with Pillow.

    Raises ValidationError with a message for the participant otherwise. The
    upload is left at its start, ready to be stored.
    """
    max_bytes = max_bytes or settings.ACTIONS_PHOTO_MAX_BYTES
    max_pixels = max_pixels or settings.ACTIONS_PHOTO_MAX_PIXELS
    if upload is None:
        raise ValidationError(_("Choose a photo to send."), code="required")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise too_large_error(max_bytes)

    # Read the header alone first: the format, and the size in pixels.
    image = _probe(upload, max_pixels)
    width, height = image.size
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ValidationError(
            _("This picture is too narrow or too tall (%(width)s × %(height)s pixels).")
            % {"width": width, "height": height},
            code="aspect_ratio",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("This picture is too small (%(width)s × %(height)s pixels) to show an action.")
            % {"width": width, "height": height},
            code="too_small",
        )
    if image.format not in DECODED_LATER:
        # Decode every pixel so that a truncated or corrupt file fails here. Pillow opens
        # MPO (phones' JPEG with extra frames) through its JPEG opener.
        # (Never image.close(): Pillow would close the upload itself.)
        fmt = "JPEG" if image.format == "MPO" else image.format
        image = images.open_upload(
            upload, max_pixels=max_pixels, max_bytes=max_bytes, formats=(fmt,)
        )
    upload.seek(0)
    return image


def _probe(upload, max_pixels):
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(upload, formats=_openers())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(UNREADABLE, code="invalid_image") from exc


def _openers():
    # Only names Pillow has an opener for: MPO comes through JPEG's, and an unknown
    # name would be a KeyError instead of a refusal.
    Image.init()
    return [name for name in ALLOWED_FORMATS if name in Image.OPEN]


def _too_many_pixels(max_pixels):
    return ValidationError(
        _("The picture is too large: at most %(limit)s megapixels.")
        % {"limit": max_pixels // 1_000_000},
        code="too_many_pixels",
    )


def read_gps(image):
    """The photo's location from its EXIF GPS data as (latitude, longitude), or None.

    Anything odd (a missing reference, a zero denominator, minutes over 60, a
    point outside the globe, or the 0, 0 that broken cameras write) gives None.
    """
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        latitude = _coordinate(
            gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90
        )
        longitude = _coordinate(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180
        )
    except Exception:  # a malformed EXIF block means "no location"
        return None
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        return None
    return round(latitude, 6), round(longitude, 6)


def _coordinate(value, reference, positive, negative, limit):
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    reference = (reference or "").strip("\x00 ").upper()
    if reference not in (positive, negative):
        return None
    if not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 3:
        return None
    parts = [_number(part) for part in value]
    if any(part is None or part < 0 for part in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    degrees, minutes, seconds = parts
    if minutes >= 60 or seconds >= 60:
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if result > limit:
        return None
    return -result if reference == negative else result


def _number(value):
    """A rational from EXIF as a float; None for a zero denominator or nonsense."""
    numerator = getattr(value, "numerator", None)
    denominator = getattr(value, "denominator", None)
    if numerator is not None and denominator is not None:
        if not denominator:
            return None
        value = numerator / denominator
    elif isinstance(value, tuple) and len(value) == 2:
        if not value[1]:
            return None
        value = value[0] / value[1]
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


class PhotoUploadHandler(FileUploadHandler):
    """Stop reading a photo once it is over the size limit, and refuse other files.

    Django would otherwise copy any upload to a temporary file whatever its size.
    A file that is skipped is named in `oversized` so that the form can say why.
    Put it first in `request.upload_handlers`; the usual handlers store what passes.
    """

    def __init__(self, request=None, *, field_name, max_bytes):
        super().__init__(request)
        self.accepted_field = field_name
        self.max_bytes = max_bytes
        self.oversized = set()

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name != self.accepted_field:
            raise SkipFile
        if self.content_length is not None and self.content_length > self.max_bytes:
            self.oversized.add(field_name)
            raise SkipFile

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.oversized.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
