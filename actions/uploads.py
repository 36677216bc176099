"""Checking a participant's photo while the form is being validated.

Every upload is hostile: the extension and Content-Type say nothing. Pillow must
open it as one of the allowed formats (its header: format and size), and the file
must be whole: a JPEG, PNG or HEIC file by its structure (`actions.structure`, no
pixel decoded), WebP and GIF by a full decode, so that a truncated file is an error
beside the field. The background task decodes the photo; pixels that lie inside a
sound structure fail there. A PNG photo is decoded once the rest of the form is
valid, by `without_metadata()`, to be stored as a JPEG.

What is stored of the upload, in private storage until the background task has
made its clean copy, is `without_metadata()`'s copy: no EXIF (so no GPS), XMP,
IPTC or comment, even for the minutes or hours the file waits for the worker.
"""

import io
import math
import warnings
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from actions import heic, photos, structure
from actions.photos import ALLOWED_FORMATS
from soliday import images

# Panoramas are about 4:1; a strip of 1×50000 pixels is no photo of an action.
MAX_ASPECT_RATIO = 10
MIN_SIDE = 32


# A JPEG, or an MPO whose first frame is one.
JPEG_FORMATS = ("JPEG", "MPO")


class Checked(NamedTuple):
    """A photo check_upload() accepted.

    `image` is the upload opened with Pillow (its header only, for a JPEG, PNG or HEIC);
    `data` the bytes whose structure proved the file whole (None for WebP and GIF, which
    are decoded instead); `segments` a JPEG's, as structure.jpeg_segments() found them in
    `data`, which is all without_metadata() needs to copy it without its metadata.
    """

    image: Image.Image
    data: bytes | None = None
    segments: list[structure.Segment] | None = None


def validate_upload(upload, *, max_bytes=None, max_pixels=None):
    """Prove that `upload` is a photo we accept and return it opened with Pillow
    (check_upload()'s image)."""
    return check_upload(upload, max_bytes=max_bytes, max_pixels=max_pixels).image


def check_upload(upload, *, max_bytes=None, max_pixels=None):
    """Prove that `upload` is a photo we accept; what was found, as a Checked.

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
        raise images.too_large_error(max_bytes)

    # Read the header alone first: the format, and the size in pixels.
    image = _probe(upload, max_pixels)
    width, height = image.size
    if width * height > max_pixels:
        raise images.too_many_pixels_error(max_pixels)
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
    data = segments = None
    if image.format in structure.PROBLEMS:
        # JPEG, PNG, HEIC: their structure proves the file whole without decoding it
        # (actions.structure); the task decodes it once. A JPEG's walk also gives the
        # segments that without_metadata() copies: the file is walked once.
        upload.seek(0)
        data = upload.read()
        try:
            if image.format in JPEG_FORMATS:
                segments = structure.jpeg_segments(data)
            elif (problem := structure.PROBLEMS[image.format](data)) is not None:
                raise structure.NotWhole(problem)
        except structure.NotWhole:
            upload.seek(0)
            raise ValidationError(images.UNREADABLE, code="invalid_image") from None
    else:
        # WebP, GIF: decode every pixel so that a truncated or corrupt file fails here.
        # (Never image.close(): Pillow would close the upload itself.)
        image = images.open_upload(
            upload, max_pixels=max_pixels, max_bytes=max_bytes, formats=(image.format,)
        )
    upload.seek(0)
    return Checked(image, data, segments)


def _probe(upload, max_pixels):
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(upload, formats=images.openers(ALLOWED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise images.too_many_pixels_error(max_pixels) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(images.UNREADABLE, code="invalid_image") from exc


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


# Stripping metadata before anything is stored

# Of a JPEG's APPn segments only what decoding needs stays: the ICC profile (APP2) and
# Adobe's colour transform flag (APP14). EXIF, XMP, IPTC, MPF, comments... all go.
KEPT_APP_SEGMENTS = ((0xE2, b"ICC_PROFILE\x00"), (0xEE, b"Adobe"))
COM = 0xFE
# Other formats are re-encoded as a JPEG of this quality (the task's master is 90).
REENCODE_QUALITY = 95


class CleanPhoto(ContentFile):
    """A photo's bytes as without_metadata() made them: safe to store."""


def without_metadata(upload, checked=None):
    """A copy of the photo `upload` carrying no metadata but what rendering needs.

    A JPEG (or an MPO's first frame) keeps its compressed pixels untouched: only the
    metadata segments go, with anything after the picture (an MPO's other frames, a
    motion photo's video); the ICC profile stays and the orientation is carried in a
    new EXIF block holding that one tag. A HEIC file keeps its pictures too, its
    metadata items blanked (`actions.heic`; the orientation is a property of the
    picture there, not EXIF). Other formats, and files whose structure we do not
    follow, are decoded and re-encoded,
    oriented and in sRGB as the task would make them (at full size: the task shrinks),
    into a JPEG of quality REENCODE_QUALITY.

    `checked` is what check_upload() found (checked here without it): the bytes it proved
    whole are the bytes copied, a JPEG from the segments its walk found. Raises
    ValidationError for a photo that cannot be decoded. A CleanPhoto is returned as it is.
    """
    if isinstance(upload, CleanPhoto):
        return upload
    if checked is None:
        checked = check_upload(upload)
    image = checked.image
    data, name = None, "photo.jpg"
    if image.format in JPEG_FORMATS:
        try:
            data = strip_jpeg(
                checked.data, orientation=_orientation(image), segments=checked.segments
            )
        except ValueError:
            data = None  # a structure we do not follow: the pixels are re-encoded
        if data is not None and not _clean_jpeg(data, image.size):
            data = None
    elif image.format == "HEIF":
        try:
            data, name = heic.strip(checked.data), "photo.heic"
        except ValueError:
            data = None
        if data is not None and not _clean_heif(data, image.size):
            data, name = None, "photo.jpg"
    if data is None:
        data = _reencode(image)
    upload.seek(0)
    return CleanPhoto(data, name=name)


def strip_jpeg(data, *, orientation=None, segments=None):
    """The JPEG `data` without its metadata segments, the pixels' bytes unchanged.

    `segments` are data's as structure.jpeg_segments() found them (walked here without
    them). With an `orientation` other than 1, a minimal EXIF block holds it. Raises
    ValueError (structure.NotWhole) for a file that is not a whole JPEG.
    """
    if segments is None:
        segments = structure.jpeg_segments(data)
    view = memoryview(data)  # slices of it are not copies: the one copy is the join
    out = []
    for marker, start, end in segments:
        if marker is None or _keep_segment(marker, data, start, end):
            out.append(view[start:end])
        if marker == structure.SOI and orientation and orientation != 1:
            exif = Image.Exif()
            exif[ExifTags.Base.Orientation] = orientation
            out.append(_jpeg_segment(0xE1, exif.tobytes()))
    # Whatever follows the picture (other frames, a video) is left behind.
    return b"".join(out)


def _keep_segment(marker, data, start, end):
    """Whether the segment data[start:end] (0xFF, its marker, length, payload) stays."""
    if marker == COM:
        return False
    if 0xE0 <= marker <= 0xEF:
        return any(
            marker == m and data.startswith(prefix, start + 4, end)
            for m, prefix in KEPT_APP_SEGMENTS
        )
    return True


def _jpeg_segment(marker, payload):
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def _orientation(image):
    """The EXIF (or XMP) orientation, 2 to 8, or None when there is nothing to turn."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # a malformed EXIF block: no orientation
        return None
    return value if value in range(2, 9) else None


def _clean_jpeg(data, size):
    """Whether Pillow reads `data` as a JPEG of `size` with no metadata but orientation."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            exif = image.getexif()
            return (
                image.size == size
                and set(exif) <= {ExifTags.Base.Orientation}
                and not any(key in image.info for key in ("xmp", "comment", "photoshop", "mp"))
            )
    except Exception:
        return False


def _clean_heif(data, size):
    """Whether Pillow reads `data` as a HEIF picture of `size` with no metadata at all."""
    try:
        with Image.open(io.BytesIO(data), formats=["HEIF"]) as image:
            return (
                image.size == size
                and not image.getexif()
                and not any(image.info.get(key) for key in ("exif", "xmp", "metadata"))
            )
    except Exception:
        return False


def _reencode(image):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = photos.clean(image, long_edge=max(image.size))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise images.too_many_pixels_error(settings.ACTIONS_PHOTO_MAX_PIXELS) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(images.UNREADABLE, code="invalid_image") from exc
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=REENCODE_QUALITY)
    return buffer.getvalue()


class PhotoUploadHandler(FileUploadHandler):
    """The submission form's only upload handler: it keeps the first `photo` and nothing else.

    - A photo over `max_bytes` is not read further; the field is named in `oversized`
      so that the form can say why it arrives empty.
    - Any other file field, and any further `photo`, is read and dropped; a second
      photo is counted in `repeated` so that the form can refuse the submission.
    - It never raises SkipFile: Django's parser then closes every handler's file,
      including a photo already received (a 500 when the form read it).
    Install it as the only handler (`request.upload_handlers = [handler]`).

    The photo is held in memory, whatever FILE_UPLOAD_MAX_MEMORY_SIZE says, up to
    `max_bytes` (ACTIONS_PHOTO_MAX_BYTES, 25 MiB): check_upload() reads it whole to walk
    its structure and without_metadata() copies it, so a temporary file would not lower
    a worker's peak, only add a write and a read of every large photo. A sync worker
    handles one request at a time; it holds the photo and its copy (a HEIC's strip one
    more working copy): at most three times `max_bytes`.
    """

    def __init__(self, request=None, *, field_name, max_bytes):
        super().__init__(request)
        self.accepted_field = field_name
        self.max_bytes = max_bytes
        self.oversized = set()
        self.repeated = 0
        self._chunks = None  # the photo's, while it is received
        self._seen = False

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self._chunks = None
        if field_name != self.accepted_field:
            return
        if self._seen:
            self.repeated += 1
            return
        self._seen = True
        if self.content_length is not None and self.content_length > self.max_bytes:
            self.oversized.add(field_name)
            return
        self._chunks = []

    def receive_data_chunk(self, raw_data, start):
        if self._chunks is None:
            return None  # a field or a part we drop: read and forgotten
        if start + len(raw_data) > self.max_bytes:
            self.oversized.add(self.field_name)
            self._chunks = None
            return None
        self._chunks.append(raw_data)
        return None

    def file_complete(self, file_size):
        chunks, self._chunks = self._chunks, None
        if chunks is None:
            return None
        # One copy; reading the file whole from its start then hands these bytes over.
        data = b"".join(chunks)
        chunks.clear()
        return InMemoryUploadedFile(
            io.BytesIO(data),
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self):
        self._chunks = None
