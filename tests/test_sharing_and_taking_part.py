"""A visitor who reads an article can share it and is asked to send an action; a photo
opens larger on its own page, without JavaScript."""

import re

import pytest

from tests.helpers.news import make_article, make_draft
from tests.helpers.pages import assert_csp_clean, browse_from


def test_a_reader_shares_an_article(visitor, settings, db):
    origin = browse_from(visitor, settings)
    article = make_article(title="Lanterns for 4 August", slug="lanterns")

    html = visitor.get(article.get_absolute_url()).content.decode()

    assert '<h2 id="share-heading">Share</h2>' in html
    url = f"{origin}/en/news/lanterns/"
    assert f"https://t.me/share/url?url={url.replace(':', '%3A').replace('/', '%2F')}" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert_csp_clean(html)


def test_an_article_asks_for_an_action(visitor, db):
    article = make_article(language="be", title="Ліхтарыкі", slug="ліхтарыкі")

    html = visitor.get(article.get_absolute_url()).content.decode()

    assert 'href="/be/actions/submit/"' in html
    assert 'class="call-to-action"' in html
    assert "Далучайцеся" in html


def test_a_preview_offers_neither_sharing_nor_the_call(editor_client):
    draft = make_draft(title="Not yet", slug="not-yet")

    html = editor_client.get(draft.get_absolute_url()).content.decode()

    assert "Preview: this article is not public." in html
    assert "share-heading" not in html
    assert "call-to-action" not in html


@pytest.mark.usefixtures("every_city_named")
def test_a_visitor_opens_a_photo_larger_on_the_same_page(visitor, approved):
    action = approved(city="Warsaw", country="PL", alt_text="Five lanterns.")

    html = visitor.get(action.get_absolute_url()).content.decode()

    display = action.rendition("display")["path"]
    assert '<a href="#photo-large" class="action__enlarge">' in html
    lightbox = re.search(r'<div id="photo-large" class="lightbox">(.*?)</div>', html, re.S).group(1)
    assert f'src="/media/{display}"' in lightbox
    assert 'alt="Five lanterns."' in lightbox
    assert '<a href="#" class="lightbox__close">' in lightbox
    assert_csp_clean(html)


@pytest.mark.usefixtures("every_city_named")
def test_an_action_without_a_photo_has_nothing_to_enlarge(visitor, approved):
    action = approved(city="Warsaw", country="PL", photo=False)

    html = visitor.get(action.get_absolute_url()).content.decode()

    assert "photo-large" not in html
