import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from django.views.generic.dates import YearArchiveView

from news.models import Article
from soliday.links import absolute, share_links
from soliday.publiccache import public_page
from soliday.tags import public_tags

PAGE_SIZE = 10
# Longer queries are cut: nobody types more, and the database need not parse it.
MAX_QUERY_LENGTH = 200

SEARCH_CONFIGS = {"en": "english", "ru": "russian"}  # PostgreSQL has no Belarusian one.


def public_articles():
    """Published articles in the current language, ready for a list."""
    return Article.objects.listed(translation.get_language())


def paginate(request, queryset, per_page=PAGE_SIZE):
    # get_page() turns page=abc into the first page and page=99999 into the last.
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@require_GET
@public_page
def article_list(request):
    page = paginate(request, public_articles())
    years = (
        Article.objects.published()
        .in_language(translation.get_language())
        .dates("published_at", "year", order="DESC")
    )
    return render(request, "news/article_list.html", {"page": page, "years": years})


@require_GET
@public_page
def article_detail(request, slug):
    language = translation.get_language()
    article = get_object_or_404(
        Article.objects.in_language(language).prefetch_related("tags"), slug=slug
    )
    is_preview = not article.is_public
    if is_preview and not request.user.has_perm("news.view_article"):
        raise Http404
    translations = (
        Article.objects.published()
        .filter(article.translation_group_filter())
        .exclude(pk=article.pk)
        .only("language", "slug", "title")
    )
    translation_urls = {t.language: t.get_absolute_url() for t in translations}
    translation_urls[article.language] = article.get_absolute_url()
    for code, _name in settings.LANGUAGES:
        # Without a translation, the switcher leads to that language's news list.
        if code not in translation_urls:
            with translation.override(code):
                translation_urls[code] = reverse("news:list")
    response = render(
        request,
        "news/article_detail.html",
        {
            "article": article,
            "translations": translations,
            "translation_urls": translation_urls,
            "is_preview": is_preview,
            "share_links": share_links(absolute(article.get_absolute_url()), article.title),
        },
    )
    if is_preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@public_page
def tag_detail(request, slug):
    tag = get_object_or_404(public_tags(), slug=slug)
    page = paginate(request, public_articles().filter(tags=tag))
    return render(request, "news/tag_detail.html", {"tag": tag, "page": page})


@require_GET
def search(request):
    # PostgreSQL refuses NUL characters in text: they cannot be part of a word anyway.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    page = None
    if query:
        page = paginate(request, search_articles(public_articles(), query))
    return render(request, "news/search.html", {"query": query, "page": page})


def search_articles(queryset, query):
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        config = SEARCH_CONFIGS.get(translation.get_language(), "simple")
        vector = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("lead", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )
        search_query = SearchQuery(query, config=config, search_type="websearch")
        # Filter on the match itself: a rank above 0 needs only one of the words.
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "-published_at", "-id")
        )
    # SQLite: every word must appear in the title, lead or body. Its LIKE ignores the case of
    # ASCII letters only; Django's REGEXP runs Python's re, which folds Cyrillic as well.
    for word in query.split()[:10]:
        pattern = re.escape(word)
        queryset = queryset.filter(
            Q(title__iregex=pattern) | Q(lead__iregex=pattern) | Q(body__iregex=pattern)
        )
    return queryset


class YearArchive(YearArchiveView):
    date_field = "published_at"
    make_object_list = True
    allow_empty = False
    paginate_by = PAGE_SIZE
    template_name = "news/year_archive.html"

    def get_queryset(self):
        return public_articles()

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset, page_size)
        return (page.paginator, page, page.object_list, page.has_other_pages())
