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


# The article admin's forms, as an editor's browser posts them.


def change_url(article):
    return f"/admin/news/article/{article.pk}/change/"


def form_data(**overrides):
    """What the add form posts when an editor fills in the required fields."""
    data = {
        "language": "en",
        "title": "Lanterns in twelve cities",
        "slug": "lanterns-in-twelve-cities",
        "lead": "People lit lanterns for the prisoners.",
        "body_format": "markdown",
        "body": "On the evening of **4 August** people lit lanterns.",
        "tags": "4august, lanterns",
        "lead_image_alt": "",
        "lead_image_caption": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "author": "",
        "source": "",
        "translation_of": "",
    }
    data.update(overrides)
    return data


def change_data(article, **overrides):
    """The change form as it comes back from the browser, with the article's values."""
    published = timezone.localtime(article.published_at) if article.published_at else None
    return form_data(
        language=article.language,
        title=article.title,
        slug=article.slug,
        lead=article.lead,
        body_format=article.body_format,
        body=article.body,
        tags=", ".join(tag.name for tag in article.tags.all()),
        status=article.status,
        published_at_0=published.strftime("%Y-%m-%d") if published else "",
        published_at_1=published.strftime("%H:%M:%S") if published else "",
        **overrides,
    )
