"""Plain helpers that build test data: no factory library, no magic."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import ExifTags, Image, ImageCms

from news import services
from news.models import Article

_numbers = itertools.count(1)


def make_article(*, tags=(), image=None, **kwargs):
    """A published English article, one minute older than the one made before it.

    `tags` are added after saving; `image` is an upload attached the way the
    admin does it (re-encoded, with renditions).
    """
    number = next(_numbers)
    title = kwargs.pop("title", f"Article number {number}")
    fields = {
        "language": "en",
        "title": title,
        "slug": slugify(title, allow_unicode=True),
        "lead": f"Lead of {title}.",
        "body": f"Body of {title}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1, minutes=number),
        **kwargs,
    }
    article = Article(**fields)
    if image is not None:
        services.attach_lead_image(article, image)
    article.save()
    if tags:
        article.tags.add(*tags)
    return article


def make_draft(**kwargs):
    return make_article(status=Article.Status.DRAFT, **kwargs)


def make_scheduled(**kwargs):
    return make_article(published_at=timezone.now() + timedelta(days=1), **kwargs)


def photo_with_metadata(size=(2000, 1500), name="IMG_2041 at home in Minsk.jpg"):
    """A JPEG the way phones send them: EXIF with a camera, a date and a GPS position, and
    an ICC colour profile."""
    image = Image.new("RGB", size, (180, 40, 50))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.Base.DateTime] = "2026:08:04 21:15:00"
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (53.0, 54.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (27.0, 33.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), icc_profile=icc, quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
