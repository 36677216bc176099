"""Articles: what the public may see, slugs, translations and safe bodies."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from news.models import Article
from tests.helpers.news import make_article, make_draft, make_scheduled

pytestmark = pytest.mark.django_db


def article_body(response):
    """The rendered body of an article page, between its container's tags."""
    html = response.content.decode()
    match = re.search(r'<div class="article__body">(.*?)</div>\s*<footer', html, re.S)
    assert match, "no article body on the page"
    return match.group(1)


def test_published_excludes_drafts_and_scheduled_articles():
    public = make_article()
    make_draft()
    make_scheduled()
    # Published status without a time is not public either: it has no place in a list.
    make_article(published_at=None)

    assert list(Article.objects.published()) == [public]


def test_published_includes_an_article_whose_time_has_just_come():
    article = make_article(published_at=timezone.now() - timedelta(seconds=1))
    assert article in Article.objects.published()
    assert article.is_public


def test_is_public_agrees_with_published():
    articles = [make_article(), make_draft(), make_scheduled(), make_article(published_at=None)]
    published = set(Article.objects.published())
    for article in articles:
        assert article.is_public == (article in published), article.title


def test_in_language_keeps_one_language():
    english = make_article(language="en")
    make_article(language="be", title="Навіна")
    assert list(Article.objects.in_language("en")) == [english]


def test_newest_first():
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(days=1))
    assert list(Article.objects.all()) == [newer, older]


def test_str_is_the_title():
    assert str(make_article(title="Letters to Minsk")) == "Letters to Minsk"


def test_absolute_url_is_in_the_article_language_whatever_the_current_one():
    article = make_article(language="be", title="Ліхтарыкі", slug="ліхтарыкі")
    assert article.get_absolute_url() == quote("/be/news/ліхтарыкі/")


def test_slug_is_unique_per_language():
    make_article(language="be", title="Навіны", slug="навіны")
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_article(language="be", title="Іншыя навіны", slug="навіны")


def test_the_same_slug_is_allowed_in_another_language():
    make_article(language="be", slug="4-жніўня", title="4 жніўня")
    other = make_article(language="ru", slug="4-жніўня", title="4 августа")
    assert other.pk is not None
    assert Article.objects.filter(slug="4-жніўня").count() == 2


def test_translation_group_finds_the_original_and_its_other_translations():
    original = make_article(language="en", title="Lanterns")
    be = make_article(language="be", title="Ліхтарыкі", translation_of=original)
    ru = make_article(language="ru", title="Фонарики", translation_of=original)
    make_article(language="ru", title="Другое")

    group = set(Article.objects.filter(be.translation_group_filter()))
    assert group == {original, be, ru}
    assert set(Article.objects.filter(original.translation_group_filter())) == group


def test_renditions_are_looked_up_by_name():
    article = make_article(
        lead_image_renditions=[
            {"name": "w480", "path": "news/a.jpg", "width": 480, "height": 320},
            {"name": "w960", "path": "news/b.jpg", "width": 960, "height": 640},
            {"name": "card", "path": "news/c.jpg", "width": 1200, "height": 630},
        ]
    )
    assert article.rendition("w960")["path"] == "news/b.jpg"
    assert article.rendition("w1600") is None
    assert [r["name"] for r in article.srcset_renditions] == ["w480", "w960"]
    assert article.card_rendition["path"] == "news/c.jpg"


# Sanitising. Every test looks at the page a visitor gets, not only at the stored HTML.

HOSTILE_MARKDOWN = """\
Intro with **bold** and a [good link](https://example.org/letters).

<script>alert("markdown")</script>

<p onclick="alert('click')">Click me</p>

[bad link](javascript:alert('link'))

<a href="JaVaScRiPt:alert('mixed')">mixed case</a>

<img src="x" onerror="alert('img')">

<iframe src="https://evil.example/"></iframe>
"""

HOSTILE_HTML = """\
<p>Intro with <strong>bold</strong> and a <a href="https://example.org/letters">good link</a>.</p>
<script>alert("html")</script>
<p onclick="alert('click')" style="color:red">Click me</p>
<a href="javascript:alert('link')">bad link</a>
<a href="  javascript:alert('spaced')">spaced</a>
<img src="x" onerror="alert('img')">
<svg onload="alert('svg')"></svg>
<style>body { display: none }</style>
<iframe src="https://evil.example/"></iframe>
"""


@pytest.mark.parametrize(
    ("body_format", "body"),
    [(Article.BodyFormat.MARKDOWN, HOSTILE_MARKDOWN), (Article.BodyFormat.HTML, HOSTILE_HTML)],
)
def test_no_script_reaches_the_article_page(visitor, body_format, body):
    article = make_article(body=body, body_format=body_format)

    response = visitor.get(article.get_absolute_url())

    assert response.status_code == 200
    rendered = article_body(response).lower()
    for forbidden in ("<script", "alert(", "onclick", "onerror", "onload", "javascript:"):
        assert forbidden not in rendered, forbidden
    for forbidden in ("<iframe", "<img", "<svg", "<style", "style="):
        assert forbidden not in rendered, forbidden
    # What is harmless survives: formatting, text and safe links.
    assert "<strong>bold</strong>" in rendered
    assert "click me" in rendered
    assert 'href="https://example.org/letters"' in rendered
    # Links to other sites cannot act on the opener or pass on our ranking.
    assert 'rel="noopener noreferrer nofollow"' in rendered


def test_markdown_becomes_html():
    article = make_article(body="## Where\n\n- Vilnius\n- Warsaw\n\n*Bring a lantern.*")
    assert "<h2>Where</h2>" in article.body_html
    assert "<li>Vilnius</li>" in article.body_html
    assert "<em>Bring a lantern.</em>" in article.body_html


def test_body_html_follows_every_edit():
    article = make_article(body="First *version*")
    article.body = "Second **version**"
    article.save()
    article.refresh_from_db()
    assert "<strong>version</strong>" in article.body_html
    assert "First" not in article.body_html
