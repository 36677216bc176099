"""Whole public pages for anonymous visitors, stored under the public generation
(soliday.publiccache.public_page): repeat visitors get a stored copy or a 304, an
approval or a takedown shows at once, a logged-in moderator never shares a page."""

import datetime
import time

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.http import http_date

from actions import services
from news.models import Article
from soliday import publiccache

PAGES = ["/en/", "/en/actions/", "/en/campaigns/4august/", "/en/news/", "/en/privacy/"]


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE = True


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_visitor_gets_validators_and_a_304_on_repeat(page_cache, campaign, visitor, path):
    first = visitor.get(path)
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]

    by_tag = visitor.get(path, headers={"if-none-match": first["ETag"]})
    assert by_tag.status_code == 304
    assert not by_tag.content
    by_date = visitor.get(path, headers={"if-modified-since": first["Last-Modified"]})
    assert by_date.status_code == 304


@pytest.mark.django_db
def test_repeat_visitor_runs_no_query(
    page_cache, campaign, approved, visitor, django_assert_num_queries
):
    approved()
    first = visitor.get("/en/campaigns/4august/")
    with django_assert_num_queries(0):
        again = visitor.get("/en/campaigns/4august/")
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


@pytest.mark.django_db
def test_visitor_with_an_old_validator_gets_the_whole_page(page_cache, campaign, visitor):
    first = visitor.get("/en/actions/")
    stale = visitor.get(
        "/en/actions/",
        headers={"if-none-match": '"0123456789abcdef0123456789abcdef"', "if-modified-since": "x"},
    )
    assert stale.status_code == 200
    assert stale.content == first.content
    older = visitor.get("/en/actions/", headers={"if-modified-since": http_date(0)})
    assert older.status_code == 200


@pytest.mark.django_db
def test_approval_shows_at_once_to_a_repeat_visitor(
    page_cache,
    campaign,
    approved,
    submitted,
    moderator,
    visitor,
    django_capture_on_commit_callbacks,
):
    approved()
    before = visitor.get("/en/actions/")
    pending = submitted()
    link = f"/en/actions/{pending.pk}/"
    assert link not in visitor.get("/en/actions/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve([pending], moderator)
    after = visitor.get("/en/actions/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert link in after.content.decode()


@pytest.mark.django_db
def test_takedown_of_an_action_hides_it_from_the_stored_page(
    page_cache, campaign, approved, moderator, visitor, django_capture_on_commit_callbacks
):
    action = approved()
    link = f"/en/actions/{action.pk}/"
    assert link in visitor.get("/en/actions/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.reject([action], moderator, "Taken down", reconsider=True)
    assert link not in visitor.get("/en/actions/").content.decode()


@pytest.mark.django_db
def test_a_new_article_shows_at_once_on_the_home_page(
    page_cache, campaign, visitor, django_capture_on_commit_callbacks
):
    visitor.get("/en/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.create(
            title="Letters reached the prisoners",
            slug="letters-reached",
            language="en",
            status=Article.Status.PUBLISHED,
            body="They did.",
            published_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    assert "Letters reached the prisoners" in visitor.get("/en/").content.decode()


@pytest.mark.django_db
def test_moderator_is_never_served_nor_stores_a_page(
    page_cache, campaign, moderator_client, visitor, django_assert_max_num_queries
):
    logged_in = moderator_client.get("/en/actions/")
    assert logged_in.status_code == 200
    assert "ETag" not in logged_in
    # The visitor's first request finds nothing the moderator might have left.
    first = visitor.get("/en/actions/")
    assert "ETag" in first
    again = moderator_client.get("/en/actions/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "ETag" not in again


@pytest.mark.django_db
def test_languages_are_stored_apart(page_cache, campaign, visitor):
    english = visitor.get("/en/actions/")
    russian = visitor.get("/ru/actions/")
    assert english["ETag"] != russian["ETag"]
    assert russian.content != english.content
    assert visitor.get("/ru/actions/").content == russian.content


@pytest.mark.django_db
def test_submission_form_is_never_stored(page_cache, campaign, visitor):
    first = visitor.get("/en/actions/submit/")
    assert first.status_code == 200
    assert "ETag" not in first


@pytest.mark.django_db
def test_a_validator_is_confirmed_for_one_window_only(page_cache, campaign, visitor, monkeypatch):
    # Pages change with the clock too (a campaign opening at midnight, an article due now):
    # an ETag older than BODY_SECONDS gets the whole page again, never a 304.
    etag = visitor.get("/en/campaigns/4august/")["ETag"]
    assert visitor.get("/en/campaigns/4august/", headers={"If-None-Match": etag}).status_code == 304

    later = time.time() + publiccache.BODY_SECONDS
    monkeypatch.setattr(publiccache.time, "time", lambda: later)

    again = visitor.get("/en/campaigns/4august/", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_page_that_asks_for_a_csrf_token_is_never_stored(page_cache, rf):
    runs = []

    @publiccache.public_page
    def form_page(request):
        runs.append(1)
        return HttpResponse(get_token(request))

    first = form_page(rf.get("/en/a-form/"))
    second = form_page(rf.get("/en/a-form/"))

    assert len(runs) == 2  # the view ran for each visitor: no one else's token is served
    assert first.content != second.content
