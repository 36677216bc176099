"""Orientation for a visitor: what the portal is and who runs it (the About page, written
by editors in three languages), every campaign in one index, and whether a campaign is
upcoming, on now or past."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Campaign
from news.models import Page
from tests.helpers.pages import assert_csp_clean

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def make_campaign(slug, starts_on, ends_on=None, **fields):
    return Campaign.objects.create(
        slug=slug, name_en=f"Campaign {slug}", starts_on=starts_on, ends_on=ends_on, **fields
    )


# The About page


def test_a_visitor_reads_who_runs_the_portal(visitor, db):
    Page.objects.create(
        language="en", title="About us", body="Run by **volunteers**. Write to a@example.org."
    )

    response = visitor.get("/en/about/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>About us</h1>" in html
    assert "Soliday is a portal for days of solidarity" in html  # what it is, always
    assert "Run by <strong>volunteers</strong>." in html
    assert 'href="/en/about/" aria-current="page"' in html  # in the navigation
    assert_csp_clean(html)


def test_the_about_page_is_in_the_visitors_language_or_english(visitor, db):
    Page.objects.create(language="en", title="About us", body="In English.")
    Page.objects.create(language="be", title="Пра нас", body="Па-беларуску.")

    be = visitor.get("/be/about/").content.decode()
    ru = visitor.get("/ru/about/").content.decode()

    assert "Па-беларуску." in be and "In English." not in be
    assert "In English." in ru
    assert '<div lang="en">' in ru  # the English text is marked as such


def test_the_about_page_before_the_editors_wrote_it(visitor, db):
    html = visitor.get("/en/about/").content.decode()

    assert "<h1>About Soliday</h1>" in html
    assert "The editors have not written this part yet." in html


def test_the_about_page_costs_one_query(visitor, db, django_assert_num_queries):
    Page.objects.create(language="en", title="About us", body="Text.")
    with django_assert_num_queries(1):
        assert visitor.get("/ru/about/").status_code == 200


def test_markup_in_the_about_page_is_sanitised(visitor, db):
    Page.objects.create(
        language="en", title="About", body='<script>alert(1)</script><a onclick="x">a</a>'
    )

    html = visitor.get("/en/about/").content.decode()

    assert "<script>alert" not in html
    assert "onclick" not in html


def test_an_editor_writes_the_about_page_in_the_admin(editor_client):
    response = editor_client.post(
        "/admin/news/page/add/",
        {"slug": "about", "language": "ru", "title": "О нас", "body": "Пишите нам."},
    )

    assert response.status_code == 302
    page = Page.objects.get()
    assert (page.language, page.body_html) == ("ru", "<p>Пишите нам.</p>")
    # One page per language.
    again = editor_client.post(
        "/admin/news/page/add/",
        {"slug": "about", "language": "ru", "title": "Ещё", "body": "Другое."},
    )
    assert again.status_code == 200
    assert "already exists" in again.content.decode()
    assert Page.objects.count() == 1


# The campaigns index


@pytest.fixture
def three_campaigns(db):
    return {
        "past": make_campaign("past", TODAY - 40 * DAY, TODAY - 30 * DAY),
        "open": make_campaign("open", TODAY - 2 * DAY, TODAY + 5 * DAY),
        "upcoming": make_campaign("upcoming", TODAY + 10 * DAY, TODAY + 11 * DAY),
    }


def test_a_visitor_sees_every_campaign_and_whether_it_is_on(visitor, three_campaigns, approved):
    approved({"city": "Riga", "country": "LV"}, photo=False, campaign=three_campaigns["past"])

    response = visitor.get("/en/campaigns/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/en/campaigns/" aria-current="page"' in html  # in the navigation
    # Newest first, each with its phase.
    positions = [
        html.index(f'href="/en/campaigns/{slug}/"') for slug in ("upcoming", "open", "past")
    ]
    assert positions == sorted(positions)
    assert html.count("<strong>Upcoming</strong>") == 1
    assert html.count("<strong>On now</strong>") == 2  # and `approved`'s own, 4august
    assert html.count("<strong>Past</strong>") == 1
    # Only the open campaign asks for actions.
    assert 'href="/en/actions/submit/?campaign=open"' in html
    assert 'href="/en/actions/submit/?campaign=4august"' in html
    assert "?campaign=past" not in html and "?campaign=upcoming" not in html
    assert "<dd>1</dd>" in html  # the past campaign's one action
    assert_csp_clean(html)


@pytest.mark.parametrize("language", ["be", "ru"])
def test_the_index_in_belarusian_and_russian(visitor, three_campaigns, language):
    html = visitor.get(f"/{language}/campaigns/").content.decode()

    for english in ("Upcoming", "On now", "Past", "Campaigns"):
        assert f">{english}<" not in html


def test_the_index_costs_the_same_queries_for_more_campaigns(
    visitor, db, django_assert_num_queries
):
    make_campaign("one", TODAY)
    with django_assert_num_queries(2):  # the campaigns, their counters
        visitor.get("/en/campaigns/")
    for n in range(10):
        make_campaign(f"more-{n}", TODAY - n * DAY)
    with django_assert_num_queries(2):
        visitor.get("/en/campaigns/")


def test_no_campaign_yet(visitor, db):
    assert "No campaigns yet." in visitor.get("/en/campaigns/").content.decode()


# The home page


def test_the_home_page_says_what_the_portal_is_and_that_the_campaign_is_on(visitor, db):
    make_campaign("open", TODAY - DAY, TODAY + DAY, is_active=True)

    html = visitor.get("/en/").content.decode()

    assert "Days of solidarity with civil society under repression" in html
    assert 'href="/en/about/"' in html
    assert 'href="/en/campaigns/"' in html
    assert "<strong>On now</strong>" in html
    assert 'href="/en/actions/submit/?campaign=open"' in html


def test_the_home_page_says_when_the_campaign_is_upcoming(visitor, db):
    make_campaign("soon", TODAY + 3 * DAY, TODAY + 4 * DAY, is_active=True)

    html = visitor.get("/en/").content.decode()

    assert "<strong>Upcoming</strong> · opens on" in html
    assert "?campaign=soon" not in html  # the form would refuse it yet


def test_the_home_page_says_when_the_campaign_is_past(visitor, db):
    make_campaign("over", TODAY - 9 * DAY, TODAY - 8 * DAY, is_active=True)

    html = visitor.get("/en/").content.decode()

    assert "<strong>Past</strong>" in html
    assert "?campaign=over" not in html


# City names in the page's language


@pytest.mark.parametrize(
    ("language", "warsaw", "poland"), [("be", "Варшава", "Польшча"), ("ru", "Варшава", "Польша")]
)
def test_a_city_is_named_in_the_pages_language_where_cldr_knows_it(
    visitor, approved, every_city_named, language, warsaw, poland
):
    action = approved(city="Warsaw", country="PL", latitude=52.2, longitude=21.0)
    approved(city="Hrodna", country="BY", latitude=53.7, longitude=23.8)

    page = visitor.get(f"/{language}{action.get_absolute_url()[3:]}").content.decode()
    campaign = visitor.get(f"/{language}/campaigns/4august/").content.decode()

    assert f"{warsaw}, {poland}" in page
    assert f"{warsaw}, {poland}" in campaign
    assert "Hrodna" in campaign  # CLDR does not name it: as the participant wrote it


def test_vilnius_is_named_in_the_official_belarusian_orthography(
    visitor, approved, every_city_named
):
    action = approved(city="Vilnius", country="LT", latitude=54.7, longitude=25.3)

    page = visitor.get(f"/be{action.get_absolute_url()[3:]}").content.decode()

    assert "Вільнюс" in page
    assert "Вільня" not in page  # the classical orthography's name
