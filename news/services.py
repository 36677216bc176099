"""Workflows with side effects for news articles: lead images and publishing."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from news.models import Article
from soliday import files, images

# Widths offered to the browser through srcset: 1200 is what a news card takes on a 3x
# phone (1,068 device px). WebP at the quality of the actions' display photos
# (actions/photos.py); on phone photos it is about half the bytes of a JPEG q85
# (bench/README.md, "Page weight").
SRCSET_WIDTHS = (480, 960, 1200, 1600)
SRCSET_FORMAT = "WEBP"
SRCSET_QUALITY = 82
# The OpenGraph card stays JPEG: not every site that fetches a shared link reads WebP.
CARD_SIZE = (1200, 630)
MASTER_WIDTH = 2400
MAX_PIXELS = 50_000_000
PREFIX = "news"


def attach_lead_image(article, upload):
    """Store a clean copy of `upload` as the article's lead image, with its renditions.

    The editor's original bytes are never stored: only a re-encoded copy without
    metadata, and renditions made once here so that pages never resize anything.
    Call inside `files.delete_files_on_error()` and before saving the article.
    """
    image = images.open_upload(
        upload, max_pixels=MAX_PIXELS, max_bytes=settings.NEWS_IMAGE_MAX_BYTES
    )
    clean = images.to_srgb(image)
    old_paths = image_paths(article)

    master = images.encode(images.fit_width(clean, MASTER_WIDTH), "JPEG", quality=88)
    # A plain path, not the upload: the FieldFile must not save the original bytes.
    article.lead_image = images.save_bytes(default_storage, PREFIX, master, "jpg")
    article.lead_image_renditions = make_renditions(clean)
    files.delete_on_commit(default_storage, old_paths)


def make_renditions(picture):
    """Write the srcset renditions and the card of `picture` (clean RGB); their dicts."""
    renditions = [
        images.save_rendition(
            default_storage,
            PREFIX,
            name,
            images.fit_width(picture, width),
            SRCSET_FORMAT,
            SRCSET_QUALITY,
        )
        for name, width in srcset_plan(picture.width)
    ]
    renditions.append(
        images.save_rendition(default_storage, PREFIX, "card", images.cover(picture, *CARD_SIZE))
    )
    return [r.as_dict() for r in renditions]


def srcset_plan(width):
    """(name, width) of the srcset renditions of a picture `width` pixels wide: never
    enlarged, except that a small picture still gets the smallest."""
    widths = [w for w in SRCSET_WIDTHS if w <= width] or [SRCSET_WIDTHS[0]]
    return [(f"w{w}", w) for w in widths]


def remake_renditions(article, *, dry_run=False):
    """Make the article's renditions again from its stored master, at today's widths and
    formats, when they are not what attach_lead_image makes now; True if they were not.

    The master is the clean copy attach_lead_image stored (no metadata, sRGB, at most
    MASTER_WIDTH wide, so the same widths come out). The old files are deleted on
    commit; call inside `files.delete_files_on_error()` and a transaction, then save
    the article. Raises OSError (FileNotFoundError too) when the master cannot be read.
    """
    with default_storage.open(article.lead_image.name) as f, Image.open(f) as master:
        if current(article.lead_image_renditions, master.width):
            return False
        if dry_run:
            return True
        master.load()
        picture = master.convert("RGB")
    old_paths = [r["path"] for r in article.lead_image_renditions]
    article.lead_image_renditions = make_renditions(picture)
    files.delete_on_commit(default_storage, old_paths)
    return True


def current(renditions, master_width):
    """Whether `renditions` are the ones make_renditions gives a master this wide: the
    same names, in order, in the same formats."""
    extension = images.EXTENSIONS[SRCSET_FORMAT]
    wanted = [(name, extension) for name, _width in srcset_plan(master_width)]
    wanted.append(("card", images.EXTENSIONS["JPEG"]))
    made = [(r["name"], r["path"].rpartition(".")[2]) for r in renditions]
    return made == wanted


def remove_lead_image(article):
    files.delete_on_commit(default_storage, image_paths(article))
    article.lead_image = ""
    article.lead_image_renditions = []


def delete_article(article):
    files.delete_on_commit(default_storage, image_paths(article))
    article.delete()


def publish(queryset):
    """Publish the given articles now; a publication time already set is kept."""
    now = timezone.now()
    queryset.filter(published_at__isnull=True).update(published_at=now)
    return queryset.update(status=Article.Status.PUBLISHED, updated_at=now)


def unpublish(queryset):
    return queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())


def image_paths(article):
    paths = [r["path"] for r in article.lead_image_renditions]
    if article.lead_image:
        paths.append(article.lead_image.name)
    return paths
