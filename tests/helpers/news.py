"""Articles made in code: no factory library, no magic."""

import itertools
from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

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
