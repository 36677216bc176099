from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import Article


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "language", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.updated_at


class NewsPagesSitemap(Sitemap):
    """The home page and news list, in every language."""

    i18n = True
    changefreq = "daily"

    def items(self):
        return ["home", "news:list"]

    def location(self, item):
        return reverse(item)
