"""Hashtags the public may know of: taggit's one Tag table holds both news and actions'."""

from django.db.models import Exists, OuterRef
from taggit.models import Tag

from actions.models import Action, TaggedAction
from news.models import Article, TaggedArticle


def public_tags():
    """Tags of published articles or public actions.

    A tag that only drafts or pending and rejected actions carry is unknown: its page
    must not tell that it exists.
    """
    return Tag.objects.filter(
        Exists(
            TaggedArticle.objects.filter(
                tag=OuterRef("pk"), content_object__in=Article.objects.published()
            )
        )
        | Exists(
            TaggedAction.objects.filter(
                tag=OuterRef("pk"), content_object__in=Action.objects.public()
            )
        )
    )
