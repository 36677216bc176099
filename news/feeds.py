from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from news.models import Article
from soliday.tags import public_tags

FEED_SIZE = 20


class LatestRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def title(self):
        return _("Soliday: news")

    def description(self):
        return _("News of the days of solidarity")

    def link(self):
        return reverse("news:list")

    def articles(self, obj):
        return Article.objects.published().in_language(translation.get_language())

    def items(self, obj):
        return self.articles(obj).prefetch_related("tags")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead or item.body_html

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class LatestAtomFeed(LatestRssFeed):
    feed_type = Atom1Feed
    subtitle = LatestRssFeed.description


class TagRssFeed(LatestRssFeed):
    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, obj):
        return _("Soliday: news tagged %(tag)s") % {"tag": obj.name}

    def link(self, obj):
        return reverse("news:tag", kwargs={"slug": obj.slug})

    def articles(self, obj):
        return super().articles(obj).filter(tags=obj)


class TagAtomFeed(TagRssFeed):
    feed_type = Atom1Feed
    subtitle = LatestRssFeed.description
