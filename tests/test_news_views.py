"""Public news pages as a visitor sees them, including what they send that makes no sense."""

import re
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import resolve, reverse
from django.utils import timezone, translation
from PIL import Image

from news.views import MAX_QUERY_LENGTH, PAGE_SIZE
from soliday.views import HOME_ARTICLES as HOME_SIZE
from tests.helpers.images import make_upload
from tests.helpers.news import make_article, make_draft, make_scheduled
from tests.helpers.pages import browse_from

pytestmark = pytest.mark.django_db


def titles(response, key="page"):
    """Titles of the articles a list page shows, in order."""
    assert response.status_code == 200
    objects = response.context[key]
    objects = getattr(objects, "object_list", objects)
    return [article.title for article in objects]


def make_articles(count, **kwargs):
    """`count` articles, newest first in the returned list."""
    return [make_article(**kwargs) for _ in range(count)]


# Home


def test_home_shows_the_latest_news_of_its_language(visitor):
    english = make_articles(HOME_SIZE + 1)
    make_article(language="be", title="Навіна")
    make_draft(title="Draft")
    make_scheduled(title="Scheduled")

    response = visitor.get("/en/")

    assert titles(response, "articles") == [a.title for a in english[:HOME_SIZE]]
    html = response.content.decode()
    assert english[0].get_absolute_url() in html
    assert english[HOME_SIZE].title not in html


def test_home_of_each_language_shows_only_that_language(visitor):
    make_article(title="In English")
    make_article(language="be", title="Па-беларуску")
    make_article(language="ru", title="По-русски")

    assert titles(visitor.get("/en/"), "articles") == ["In English"]
    assert titles(visitor.get("/be/"), "articles") == ["Па-беларуску"]
    assert titles(visitor.get("/ru/"), "articles") == ["По-русски"]


def test_home_without_news(visitor, db):
    response = visitor.get("/ru/")
    assert response.status_code == 200
    assert response.context["articles"].count() == 0


# News list


def test_list_is_paginated_newest_first(visitor):
    articles = make_articles(PAGE_SIZE + 2)

    first = visitor.get("/en/news/")
    second = visitor.get("/en/news/", {"page": 2})

    assert titles(first) == [a.title for a in articles[:PAGE_SIZE]]
    assert titles(second) == [a.title for a in articles[PAGE_SIZE:]]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert 'rel="prev" href="?page=1"' in second.content.decode()


def test_list_shows_neither_drafts_nor_scheduled_nor_other_languages(visitor):
    public = make_article(title="Public")
    make_draft(title="Draft")
    make_scheduled(title="Scheduled")
    make_article(language="ru", title="Русская")

    response = visitor.get("/en/news/")

    assert titles(response) == [public.title]
    html = response.content.decode()
    assert "Draft" not in html
    assert "Scheduled" not in html


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        ("99999", 2),
        ("-1", 2),
        ("0", 2),
        ("9" * 400, 2),
        ("２", 2),  # a full-width digit is still the number two
        ("1\x00", 1),
    ],
)
def test_list_survives_any_page_parameter(visitor, page, expected):
    make_articles(PAGE_SIZE + 1)

    response = visitor.get("/en/news/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_list_links_the_years_of_the_archive(visitor):
    make_article(published_at=timezone.now().replace(year=2017, month=8, day=4))
    make_article(published_at=timezone.now().replace(year=2023, month=8, day=4))
    make_draft(published_at=timezone.now().replace(year=2019, month=8, day=4))
    make_article(language="be", published_at=timezone.now().replace(year=2015, month=8, day=4))

    response = visitor.get("/en/news/")

    assert [d.year for d in response.context["years"]] == [2023, 2017]
    html = response.content.decode()
    assert 'href="/en/news/archive/2023/"' in html
    assert 'href="/en/news/archive/2019/"' not in html


# Article page


def test_article_page_shows_the_article(visitor):
    article = make_article(
        title="Letters that arrive",
        lead="How to write a letter that gets through.",
        body="Write *short* letters.",
        author="Soliday team",
        source="Viasna",
        tags=["letters", "4жніўня"],
    )

    response = visitor.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Letters that arrive</h1>" in html
    assert '<p class="lead">How to write a letter that gets through.</p>' in html
    assert "Write <em>short</em> letters." in html
    assert "Soliday team" in html
    assert "Viasna" in html
    assert 'href="/en/news/tag/letters/"' in html
    assert f'href="{quote("/en/news/tag/4жніўня/")}"' in html


def test_article_with_a_cyrillic_slug(visitor):
    article = make_article(language="be", title="Ліхтарыкі на 4 жніўня", slug="ліхтарыкі-на-4")

    assert visitor.get("/be/news/ліхтарыкі-на-4/").status_code == 200
    assert visitor.get(quote("/be/news/ліхтарыкі-на-4/")).status_code == 200
    assert resolve(unquote(article.get_absolute_url())).kwargs == {"slug": "ліхтарыкі-на-4"}


def test_article_is_found_only_under_its_own_language(visitor):
    article = make_article(slug="only-english")
    assert visitor.get(article.get_absolute_url()).status_code == 200
    assert visitor.get("/be/news/only-english/").status_code == 404
    assert visitor.get("/ru/news/only-english/").status_code == 404


@pytest.mark.parametrize("path", ["/en/news/no-such-article/", "/be/news/няма-такога/"])
def test_unknown_article_is_404(visitor, db, path):
    response = visitor.get(path)
    assert response.status_code == 404
    assert "<h1>" in response.content.decode()  # our page, not a bare error


@pytest.mark.parametrize("make", [make_draft, make_scheduled])
def test_draft_and_scheduled_articles_are_404_to_the_public(visitor, make):
    article = make(title="Secret plans")
    response = visitor.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Secret plans" not in response.content.decode()


def test_article_links_to_its_published_translations(visitor):
    original = make_article(title="Lanterns", slug="lanterns")
    be = make_article(language="be", title="Ліхтарыкі", slug="ліхтарыкі", translation_of=original)
    make_draft(language="ru", title="Фонарики", slug="фонарики", translation_of=original)

    html = visitor.get(be.get_absolute_url()).content.decode()

    assert f'<a href="{original.get_absolute_url()}" hreflang="en" lang="en">Lanterns</a>' in html
    assert (
        f'<link rel="alternate" hreflang="en" href="http://testserver{original.get_absolute_url()}">'
        in html
    )
    # The Russian translation is a draft: nobody is led to it.
    assert "Фонарики" not in html
    assert quote("/ru/news/фонарики/") not in html


def test_article_has_sharing_tags(visitor, settings):
    browse_from(visitor, settings)  # absolute links start with the host asked for
    article = make_article(
        title="Streets renamed",
        lead="Paper signs with the names of prisoners.",
        image=make_upload(size=(1300, 800)),
        lead_image_alt="A paper street sign",
    )
    card = article.card_rendition
    image_url = f"https://soliday.example/media/{card['path']}"

    html = visitor.get(article.get_absolute_url()).content.decode()

    for tag in [
        '<meta property="og:type" content="article">',
        '<meta property="og:locale" content="en_GB">',
        '<meta property="og:title" content="Streets renamed">',
        '<meta property="og:description" content="Paper signs with the names of prisoners.">',
        f'<meta property="og:url" content="https://soliday.example{article.get_absolute_url()}">',
        f'<meta property="og:image" content="{image_url}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta property="og:image:alt" content="A paper street sign">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:image" content="{image_url}">',
        '<meta name="twitter:title" content="Streets renamed">',
        '<meta name="twitter:description" content="Paper signs with the names of prisoners.">',
        f'<link rel="canonical" href="https://soliday.example{article.get_absolute_url()}">',
    ]:
        assert tag in html, tag


def test_visitor_shares_a_jpeg_card_while_the_page_shows_webp(visitor, settings):
    """Sites that fetch a shared link's picture do not all read WebP: the card is JPEG."""
    browse_from(visitor, settings)
    article = make_article(image=make_upload(size=(1300, 800)))

    html = visitor.get(article.get_absolute_url()).content.decode()

    shared = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    assert shared.endswith(".jpg")
    path = shared.removeprefix("https://soliday.example/media/")
    with default_storage.open(path) as f, Image.open(f) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 630))
    srcset = re.search(r'<img src="[^"]+" srcset="([^"]+)"', html)[1]
    candidates = [candidate.split() for candidate in srcset.split(", ")]
    assert [width for _url, width in candidates] == ["480w", "960w", "1200w"]
    assert all(url.endswith(".webp") for url, _width in candidates)


def test_sharing_image_keeps_an_absolute_media_url(visitor, settings):
    """Media on object storage has absolute URLs: the site address is not put before them."""
    browse_from(visitor, settings)
    settings.MEDIA_URL = "https://media.soliday.example/"
    settings.STORAGES["default"]["OPTIONS"]["base_url"] = settings.MEDIA_URL
    article = make_article(image=make_upload(size=(1300, 800)))
    card = article.card_rendition

    html = visitor.get(article.get_absolute_url()).content.decode()

    expected = f"https://media.soliday.example/{card['path']}"
    assert f'<meta property="og:image" content="{expected}">' in html


def test_article_without_image_has_a_small_card(visitor):
    article = make_article(title="No picture", lead="")

    html = visitor.get(article.get_absolute_url()).content.decode()

    assert '<meta name="twitter:card" content="summary">' in html
    assert "og:image" not in html
    # Without a lead the title describes the article.
    assert '<meta property="og:description" content="No picture">' in html


def test_sharing_tags_are_escaped(visitor):
    article = make_article(title='The "quoted" <b>title</b>', slug="quoted")
    html = visitor.get(article.get_absolute_url()).content.decode()
    assert (
        '<meta property="og:title" content="The &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt;">'
        in html
    )


# Tag page


def test_tag_page_lists_the_tagged_articles_of_its_language(visitor):
    tagged = make_article(language="be", title="З тэгам", tags=["4жніўня"])
    make_article(language="be", title="Без тэга")
    make_article(language="ru", title="Русская с тегом", tags=["4жніўня"])
    make_draft(language="be", title="Чарнавік", tags=["4жніўня"])

    response = visitor.get("/be/news/tag/4жніўня/")

    assert titles(response) == [tagged.title]
    assert response.context["tag"].name == "4жніўня"


def test_cyrillic_tag_url_resolves_both_ways(visitor):
    make_article(language="be", tags=["4жніўня"])
    with translation.override("be"):
        url = reverse("news:tag", kwargs={"slug": "4жніўня"})

    assert url == quote("/be/news/tag/4жніўня/")
    # Django resolves the path as it arrives, decoded, in the language of its prefix
    # (LocaleMiddleware activates it before resolving).
    with translation.override("be"):
        assert resolve(unquote(url)).kwargs == {"slug": "4жніўня"}
        assert resolve("/be/news/tag/4жніўня/").url_name == "tag"
    assert visitor.get(url).status_code == 200
    assert visitor.get("/be/news/tag/4жніўня/").status_code == 200


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite folds the case of ASCII letters only"
)
def test_tags_differing_only_in_case_are_one_tag(visitor):
    first = make_article(language="ru", tags=["4Августа"])
    second = make_article(language="ru", tags=["4августа"])

    response = visitor.get(quote("/ru/news/tag/4августа/"))

    assert set(titles(response)) == {first.title, second.title}


def test_tag_page_is_paginated_and_survives_bad_pages(visitor):
    articles = make_articles(PAGE_SIZE + 1, tags=["letters"])

    assert titles(visitor.get("/en/news/tag/letters/", {"page": 2})) == [articles[-1].title]
    assert visitor.get("/en/news/tag/letters/", {"page": "abc"}).context["page"].number == 1
    assert visitor.get("/en/news/tag/letters/", {"page": "99999"}).context["page"].number == 2


@pytest.mark.parametrize("path", ["/en/news/tag/no-such-tag/", "/be/news/tag/няма/"])
def test_unknown_tag_is_404(visitor, db, path):
    assert visitor.get(path).status_code == 404


# Year archive


def test_year_archive_lists_the_published_articles_of_that_year(visitor):
    in_year = make_article(published_at=timezone.now().replace(year=2017, month=8, day=4))
    make_article(published_at=timezone.now().replace(year=2018, month=8, day=4))
    make_draft(published_at=timezone.now().replace(year=2017, month=3, day=1))
    make_article(language="be", published_at=timezone.now().replace(year=2017, month=5, day=1))

    response = visitor.get("/en/news/archive/2017/")

    assert titles(response, "page_obj") == [in_year.title]
    # The neighbouring year with news is linked.
    assert 'href="/en/news/archive/2018/"' in response.content.decode()


def test_year_archive_is_paginated(visitor):
    make_articles(PAGE_SIZE + 3, published_at=timezone.now().replace(year=2020, month=6, day=1))

    assert len(titles(visitor.get("/en/news/archive/2020/"), "page_obj")) == PAGE_SIZE
    assert len(titles(visitor.get("/en/news/archive/2020/", {"page": 2}), "page_obj")) == 3
    assert visitor.get("/en/news/archive/2020/", {"page": "abc"}).status_code == 200
    assert visitor.get("/en/news/archive/2020/", {"page": "99999"}).status_code == 200


@pytest.mark.parametrize("year", ["2019", "1", "0", "9999", "99999", "123456789012345678901"])
def test_year_without_public_news_is_404(visitor, year):
    make_article(published_at=timezone.now().replace(year=2017, month=8, day=4))
    make_draft(published_at=timezone.now().replace(year=2019, month=8, day=4))
    assert visitor.get(f"/en/news/archive/{year}/").status_code == 404


def test_year_of_a_scheduled_article_is_404(visitor):
    next_year = timezone.now().year + 1
    make_article(published_at=timezone.now().replace(year=next_year, month=6, day=1))
    assert visitor.get(f"/en/news/archive/{next_year}/").status_code == 404


def test_year_archive_counts_the_year_in_local_time(visitor):
    # 00:30 on New Year's Day in Vilnius is still the old year in UTC.
    new_year = timezone.make_aware(datetime(2021, 1, 1, 0, 30))
    article = make_article(published_at=new_year)

    assert titles(visitor.get("/en/news/archive/2021/"), "page_obj") == [article.title]
    assert visitor.get("/en/news/archive/2020/").status_code == 404


# Search


@pytest.mark.parametrize("field", ["title", "lead", "body"])
def test_search_finds_a_word_in_title_lead_or_body(visitor, field):
    found = make_article(**{field: "Volunteers wrote postcards to prisoners"})
    make_article(title="Lanterns", lead="Lights in the evening.", body="Nothing more.")

    response = visitor.get("/en/news/search/", {"q": "postcards"})

    assert titles(response) == [found.title]


def test_search_finds_cyrillic_words(visitor):
    found = make_article(
        language="be", title="Ліхтарыкі", lead="Валанцёры запалілі ліхтарыкі ўвечары."
    )
    make_article(language="be", title="Лісты", lead="Пішыце лісты вязням.")

    response = visitor.get("/be/news/search/", {"q": "валанцёры"})

    assert titles(response) == [found.title]


def test_search_needs_every_word(visitor):
    both = make_article(title="Lanterns and letters")
    make_article(title="Lanterns only")

    assert titles(visitor.get("/en/news/search/", {"q": "lanterns letters"})) == [both.title]


def test_search_shows_only_public_articles_of_its_language(visitor):
    make_draft(title="Draft about postcards")
    make_scheduled(title="Scheduled postcards")
    make_article(language="ru", title="postcards по-русски")
    public = make_article(title="Public postcards")

    response = visitor.get("/en/news/search/", {"q": "postcards"})

    assert titles(response) == [public.title]


def test_search_without_a_query_shows_the_form(visitor, db):
    response = visitor.get("/en/news/search/")
    assert response.status_code == 200
    assert response.context["page"] is None
    assert 'name="q"' in response.content.decode()


def test_search_with_nothing_found(visitor, db):
    make_article(title="Lanterns")
    response = visitor.get("/en/news/search/", {"q": "submarine"})
    assert titles(response) == []
    assert "Nothing found. Try other words." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "postcards " * 1100,  # about 10 kB
        "x" * 10_240,
        "a" + "\x00" + "b",
        "'; DROP TABLE news_article; --",
        '"postcards" -lanterns OR ( ) & | ! : * <> \\',
        "%_%",
        "     ",
    ],
    ids=["10kB-words", "10kB-word", "nul", "sql", "operators", "wildcards", "spaces"],
)
def test_search_never_fails_on_strange_queries(visitor, query):
    make_article(title="Postcards")

    response = visitor.get("/en/news/search/", {"q": query})

    assert response.status_code == 200
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH


def test_search_keeps_the_query_in_its_page_links(visitor):
    for _ in range(PAGE_SIZE + 1):
        make_article(lead="About postcards & stamps")

    response = visitor.get("/en/news/search/", {"q": "postcards & stamps"})

    assert response.context["page"].paginator.count == PAGE_SIZE + 1
    assert 'href="?q=postcards%20%26%20stamps&amp;page=2"' in response.content.decode()


def test_search_wildcards_are_plain_characters(visitor):
    make_article(title="One hundred percent")
    assert titles(visitor.get("/en/news/search/", {"q": "%"})) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgresql_search_finds_word_forms_and_ranks_titles_first(visitor):
    in_body = make_article(title="Evening", body="Volunteers lit a lantern in the square.")
    in_title = make_article(title="Lanterns in twelve cities", body="Evening.")

    response = visitor.get("/en/news/search/", {"q": "lanterns"})

    # English stemming: "lanterns" finds "lantern"; a hit in the title ranks higher.
    assert titles(response) == [in_title.title, in_body.title]


# Query counts: constant whatever the number of articles.


def make_rich_articles(count):
    """Articles as they are in production: each with two tags and a lead image."""
    image = make_upload(size=(500, 300))
    for number in range(count):
        image.seek(0)
        make_article(
            tags=["4august", f"tag-{number}"],
            image=image,
            published_at=timezone.now() - timedelta(days=number),
        )


@pytest.mark.parametrize("count", [2, 20])
def test_news_list_query_count(visitor, django_assert_num_queries, count):
    make_rich_articles(count)
    # 1. count for the paginator, 2. the page of articles, 3. their tags (prefetch),
    # 4. the years for the archive links.
    with django_assert_num_queries(4):
        response = visitor.get("/en/news/")
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", [2, 20])
def test_tag_page_query_count(visitor, django_assert_num_queries, count):
    make_rich_articles(count)
    # 1. the tag, 2. count for the paginator, 3. the page of articles, 4. their tags.
    with django_assert_num_queries(4):
        response = visitor.get("/en/news/tag/4august/")
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", [2, 20])
def test_home_query_count(visitor, django_assert_num_queries, count):
    make_rich_articles(count)
    # 1. the active campaign (none here; see tests/test_campaigns.py for the home page
    # with one), 2. the latest articles, 3. their tags.
    with django_assert_num_queries(3):
        response = visitor.get("/en/")
    assert len(response.context["articles"]) == min(count, HOME_SIZE)


@pytest.mark.parametrize("count", [2, 20])
def test_search_query_count(visitor, django_assert_num_queries, count):
    make_rich_articles(count)
    # 1. count for the paginator, 2. the page of articles, 3. their tags.
    with django_assert_num_queries(3):
        response = visitor.get("/en/news/search/", {"q": "article"})
    assert len(response.context["page"].object_list) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", [2, 20])
def test_article_page_query_count(visitor, django_assert_num_queries, count):
    make_rich_articles(count)
    article = make_article(tags=[f"topic-{n}" for n in range(count)])
    for language in ("be", "ru"):
        make_article(language=language, translation_of=article, slug=article.slug)
    # 1. the article, 2. its tags, 3. its published translations.
    with django_assert_num_queries(3):
        response = visitor.get(article.get_absolute_url())
    assert len(response.context["translations"]) == 2


def test_a_tag_of_hidden_actions_or_drafts_only_has_no_news_page(visitor, campaign):
    from tests.helpers.actions import submit

    submit(campaign, None, hashtags=["secretplan"])
    make_draft(tags=["draftonly"])
    make_article(tags=["letters"])

    for slug in ("secretplan", "draftonly"):
        for url in (f"/en/news/tag/{slug}/", f"/en/news/tag/{slug}/feed/atom/"):
            assert visitor.get(url).status_code == 404, url
        assert visitor.get(f"/en/news/tag/{slug}/feed/rss/").status_code == 404
    assert visitor.get("/en/news/tag/letters/").status_code == 200
    assert visitor.get("/en/news/tag/letters/feed/rss/").status_code == 200
