"""Atom and RSS feeds: well-formed XML holding exactly the public articles of one language."""

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from news.feeds import FEED_SIZE
from tests.helpers.images import make_upload
from tests.helpers.news import make_article, make_draft, make_scheduled
from tests.helpers.pages import parse_xml

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def atom_entries(response):
    """(title, link) of each entry, in order, from a response that must parse as Atom."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    return [
        (entry.findtext(f"{ATOM}title"), entry.find(f"{ATOM}link").get("href"))
        for entry in root.iter(f"{ATOM}entry")
    ]


def rss_items(response):
    """(title, link) of each item, in order, from a response that must parse as RSS 2.0."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = parse_xml(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return [(item.findtext("title"), item.findtext("link")) for item in root.iter("item")]


def expected(*articles):
    return [(a.title, f"http://testserver{a.get_absolute_url()}") for a in articles]


@pytest.fixture
def mixed_articles():
    """Public articles in two languages, and some that must never be in a feed."""
    newer = make_article(title="Lanterns & letters <tonight>", tags=["4august"])
    older = make_article(title="Streets renamed", tags=["letters"])
    make_draft(title="Draft", tags=["4august"])
    make_scheduled(title="Scheduled", tags=["4august"])
    be = make_article(language="be", title="Ліхтарыкі", tags=["4жніўня", "4august"])
    return {"en": [newer, older], "be": [be]}


def test_atom_feed_holds_exactly_the_public_articles_of_its_language(visitor, mixed_articles):
    assert atom_entries(visitor.get("/en/news/feed/atom/")) == expected(*mixed_articles["en"])
    assert atom_entries(visitor.get("/be/news/feed/atom/")) == expected(*mixed_articles["be"])
    assert atom_entries(visitor.get("/ru/news/feed/atom/")) == []


def test_rss_feed_holds_exactly_the_public_articles_of_its_language(visitor, mixed_articles):
    assert rss_items(visitor.get("/en/news/feed/rss/")) == expected(*mixed_articles["en"])
    assert rss_items(visitor.get("/be/news/feed/rss/")) == expected(*mixed_articles["be"])
    assert rss_items(visitor.get("/ru/news/feed/rss/")) == []


def test_tag_feeds_hold_the_public_articles_with_the_tag(visitor, mixed_articles):
    newer, _older = mixed_articles["en"]
    [be] = mixed_articles["be"]

    assert atom_entries(visitor.get("/en/news/tag/4august/feed/atom/")) == expected(newer)
    assert rss_items(visitor.get("/en/news/tag/4august/feed/rss/")) == expected(newer)
    assert rss_items(visitor.get("/be/news/tag/4august/feed/rss/")) == expected(be)
    cyrillic = quote("/be/news/tag/4жніўня/feed/atom/")
    assert atom_entries(visitor.get(cyrillic)) == expected(be)
    assert atom_entries(visitor.get("/en/news/tag/4жніўня/feed/atom/")) == []


@pytest.mark.parametrize(
    "path",
    ["/en/news/tag/no-such-tag/feed/atom/", "/be/news/tag/няма/feed/rss/"],
)
def test_feed_of_an_unknown_tag_is_404(visitor, db, path):
    assert visitor.get(path).status_code == 404


def test_feed_holds_the_latest_articles_only(visitor):
    articles = [
        make_article(published_at=timezone.now() - timedelta(days=n)) for n in range(FEED_SIZE + 2)
    ]
    assert atom_entries(visitor.get("/en/news/feed/atom/")) == expected(*articles[:FEED_SIZE])


def test_atom_feed_describes_itself_and_its_entries(visitor):
    article = make_article(
        title="Letters",
        lead="Write to a prisoner.",
        author="Soliday team",
        tags=["letters", "4august"],
        published_at=timezone.now() - timedelta(days=1),
    )

    root = parse_xml(visitor.get("/be/news/feed/atom/").content)
    assert root.get(XML_LANG) == "be"
    root = parse_xml(visitor.get("/en/news/feed/atom/").content)
    assert root.get(XML_LANG) == "en"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/en/news/"
    [entry] = root.iter(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "Write to a prisoner."
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Soliday team"
    assert {c.get("term") for c in entry.iter(f"{ATOM}category")} == {"letters", "4august"}
    published = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published == article.published_at


def test_an_article_without_lead_gives_its_sanitised_body(visitor):
    make_article(lead="", body="Safe *text*<script>alert(1)</script>")

    root = parse_xml(visitor.get("/en/news/feed/rss/").content)

    description = root.findtext("channel/item/description")
    assert "<em>text</em>" in description
    assert "script" not in description


def test_pages_link_their_feeds_in_the_head(visitor):
    make_article(tags=["letters"], slug="one")
    atom = '<link rel="alternate" type="application/atom+xml"'
    rss = '<link rel="alternate" type="application/rss+xml"'

    for path in ["/en/", "/en/news/", "/en/news/one/", "/en/news/search/?q=x"]:
        head = visitor.get(path).content.decode().split("</head>")[0]
        assert f'{atom} title="News (Atom)" href="/en/news/feed/atom/">' in head, path
        assert f'{rss} title="News (RSS)" href="/en/news/feed/rss/">' in head, path

    head = visitor.get("/en/news/tag/letters/").content.decode().split("</head>")[0]
    assert 'href="/en/news/feed/atom/"' in head
    tag_atom = 'title="News tagged #letters (Atom)" href="/en/news/tag/letters/feed/atom/">'
    tag_rss = 'title="News tagged #letters (RSS)" href="/en/news/tag/letters/feed/rss/">'
    assert f"{atom} {tag_atom}" in head
    assert f"{rss} {tag_rss}" in head


@pytest.mark.parametrize("count", [2, 20])
def test_feed_query_counts(visitor, django_assert_num_queries, count):
    image = make_upload(size=(500, 300))
    for number in range(count):
        image.seek(0)
        make_article(tags=["4august", f"tag-{number}"], image=image)

    # 1. the latest articles, 2. their tags (prefetch).
    with django_assert_num_queries(2):
        assert len(atom_entries(visitor.get("/en/news/feed/atom/"))) == count
    with django_assert_num_queries(2):
        assert len(rss_items(visitor.get("/en/news/feed/rss/"))) == count
    # 1. the tag, 2. the latest articles with it, 3. their tags.
    with django_assert_num_queries(3):
        assert len(atom_entries(visitor.get("/en/news/tag/4august/feed/atom/"))) == count
