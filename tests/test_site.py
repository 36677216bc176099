"""Site-wide behaviour: health, robots, sitemap, languages, dates, headers and the 404 page."""

from datetime import datetime
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from tests.helpers.news import make_article, make_draft, make_scheduled
from tests.helpers.pages import parse_xml

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def main_content(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def locations(response):
    assert response.status_code == 200
    root = parse_xml(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


# Operations


def test_healthz_is_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("soliday.views.connection", DownConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_answers_only_get(client, db):
    assert client.post("/healthz").status_code == 405


def test_robots_txt(visitor):
    response = visitor.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    for code in LANGUAGES:
        assert f"Disallow: /{code}/news/search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_sitemap_index_lists_its_sections(visitor, db):
    assert set(locations(visitor.get("/sitemap.xml"))) == {
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-news.xml",
    }


def test_sitemap_holds_the_public_articles_of_every_language(visitor, db):
    english = make_article(slug="lanterns")
    belarusian = make_article(language="be", slug="ліхтарыкі", title="Ліхтарыкі")
    make_draft(slug="draft")
    make_scheduled(slug="scheduled")

    urls = locations(visitor.get("/sitemap-news.xml"))

    assert sorted(urls) == sorted(
        f"http://testserver{a.get_absolute_url()}" for a in [english, belarusian]
    )


def test_sitemap_holds_home_and_news_list_in_every_language(visitor, db):
    urls = locations(visitor.get("/sitemap-pages.xml"))
    assert sorted(urls) == sorted(
        f"http://testserver/{code}/{page}" for code in LANGUAGES for page in ["", "news/"]
    )


def test_every_response_carries_the_content_security_policy(visitor, db):
    article = make_article()
    for path in ["/en/", article.get_absolute_url(), "/en/news/feed/atom/", "/en/nowhere/"]:
        response = visitor.get(path)
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy, path
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy, path


# Languages


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("be", "/be/"),
        ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"),
        ("be-BY,be;q=0.9", "/be/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("de-DE,de;q=0.9", "/en/"),
        ("", "/en/"),
        ("*;q=0.1, garbage;;q=x", "/en/"),
    ],
)
def test_root_redirects_by_accept_language(visitor, db, accept, expected):
    response = visitor.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_path_without_language_goes_to_the_visitor_language(visitor, db):
    response = visitor.get("/news/", headers={"accept-language": "ru"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/news/"


@pytest.mark.parametrize("code", LANGUAGES)
def test_html_lang_is_the_page_language(visitor, db, code):
    html = visitor.get(f"/{code}/news/").content.decode()
    assert f'<html lang="{code}">' in html


def test_switcher_keeps_the_visitor_on_the_same_page(visitor, db):
    make_article()
    html = visitor.get("/en/news/", {"page": 1}).content.decode()

    assert '<a href="/be/news/?page=1" hreflang="be" lang="be">Беларуская</a>' in html
    assert '<a href="/ru/news/?page=1" hreflang="ru" lang="ru">Русский</a>' in html
    assert 'href="/en/news/?page=1" hreflang="en" lang="en" aria-current="true"' in html


def test_switcher_on_a_cyrillic_tag_page(visitor, db):
    make_article(language="be", tags=["4жніўня"])

    html = visitor.get("/be/news/tag/4жніўня/").content.decode()

    assert f'<a href="{quote("/ru/news/tag/4жніўня/")}" hreflang="ru"' in html
    assert f'<a href="{quote("/en/news/tag/4жніўня/")}" hreflang="en"' in html


def test_switcher_goes_to_the_translation_of_an_article(visitor, db):
    original = make_article(title="Lanterns", slug="lanterns")
    be = make_article(language="be", title="Ліхтарыкі", slug="ліхтарыкі", translation_of=original)

    html = visitor.get(original.get_absolute_url()).content.decode()

    assert f'<a href="{be.get_absolute_url()}" hreflang="be" lang="be">' in html
    # No Russian translation: the switcher leads to the Russian news list instead of a 404.
    assert '<a href="/ru/news/" hreflang="ru" lang="ru">' in html

    html = visitor.get(be.get_absolute_url()).content.decode()
    assert f'<a href="{original.get_absolute_url()}" hreflang="en" lang="en">' in html


def test_switcher_ignores_an_unpublished_translation(visitor, db):
    original = make_article(slug="lanterns")
    make_draft(language="be", slug="ліхтарыкі", title="Ліхтарыкі", translation_of=original)

    html = visitor.get(original.get_absolute_url()).content.decode()

    assert '<a href="/be/news/" hreflang="be" lang="be">' in html
    assert quote("ліхтарыкі") not in html


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "4 August 2026"), ("be", "4 жніўня 2026"), ("ru", "4 августа 2026")],
)
def test_dates_are_written_the_local_way(visitor, db, code, expected):
    published = timezone.make_aware(datetime(2026, 8, 4, 19, 0))
    article = make_article(language=code, title="Дата", slug="date", published_at=published)

    for path in [article.get_absolute_url(), f"/{code}/news/"]:
        html = visitor.get(path).content.decode()
        assert f'<time datetime="2026-08-04">{expected}</time>' in html, path


# Translated interface. These strings come from the catalogues in locale/.

TRANSLATIONS = {
    "be": {"News": "Навіны", "Latest news": "Апошнія навіны"},
    "ru": {"News": "Новости", "Latest news": "Последние новости"},
}


@pytest.mark.parametrize("code", ["be", "ru"])
def test_home_page_speaks_the_visitor_language(visitor, db, code):
    html = visitor.get(f"/{code}/").content.decode()

    assert f">{TRANSLATIONS[code]['News']}</a>" in html
    assert f">{TRANSLATIONS[code]['Latest news']}</h2>" in html
    assert ">Latest news<" not in html


def test_english_home_page(visitor, db):
    html = visitor.get("/en/").content.decode()
    assert ">News</a>" in html
    assert ">Latest news</h2>" in html


# The 404 page

NOT_FOUND = {"en": "Page not found", "be": "Старонка не знойдзена", "ru": "Страница не найдена"}


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["news/no-such-article/", "news/tag/no-such-tag/", "nowhere/", "news/archive/1900/"],
)
def test_404_page_is_in_the_visitor_language(visitor, db, code, path):
    response = visitor.get(f"/{code}/{path}")

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{code}">' in html
    assert f"<h1>{NOT_FOUND[code]}</h1>" in html


def test_404_page_without_language_prefix_follows_accept_language(visitor, db):
    response = visitor.get("/nowhere/", headers={"accept-language": "ru"})

    assert response.status_code == 404
    assert f"<h1>{NOT_FOUND['ru']}</h1>" in response.content.decode()


def test_404_for_a_draft_looks_like_any_other_404(visitor, db):
    draft = make_draft(language="be", slug="чарнавік", title="Сакрэтны чарнавік")

    hidden = visitor.get(draft.get_absolute_url())
    missing = visitor.get(quote("/be/news/няма-такога/"))

    assert hidden.status_code == missing.status_code == 404
    assert "Сакрэтны" not in hidden.content.decode()
    assert main_content(hidden) == main_content(missing)


def test_switcher_on_a_404_leads_to_each_language_home(visitor, db):
    response = visitor.get("/be/nowhere/")

    html = response.content.decode()
    assert response.status_code == 404
    assert 'href="/en/" hreflang="en"' in html
    assert 'href="/ru/" hreflang="ru"' in html


def test_favicon_ico_leads_to_the_icon(visitor):
    response = visitor.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


@pytest.mark.parametrize("private", ["{media}", "{media}/private", "{root}"])
def test_private_media_inside_the_public_media_is_refused(settings, tmp_path, private):
    from soliday.checks import private_media_is_not_public

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = private.format(media=tmp_path / "media", root=tmp_path)

    assert [e.id for e in private_media_is_not_public(None)] == ["soliday.E001"]


def test_separate_media_folders_pass_the_check(settings, tmp_path):
    from soliday.checks import private_media_is_not_public

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    assert private_media_is_not_public(None) == []
