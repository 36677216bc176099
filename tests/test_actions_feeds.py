"""Atom feeds of newly approved actions, per campaign and per hashtag."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Campaign
from actions.views import feeds
from tests.helpers.actions import assert_nothing_private
from tests.helpers.pages import browse_from

ATOM = "{http://www.w3.org/2005/Atom}"


# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed) well-formed, or raises
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def link_ids(found):
    return [
        int(entry.find(f"{ATOM}link[@rel='alternate']").get("href").split("/")[-2])
        for entry in found
    ]


def test_the_campaign_feed_has_exactly_its_approved_photos(
    visitor, approved, hidden, campaign, settings
):
    browse_from(visitor, settings)  # absolute links start with the host asked for
    other = Campaign.objects.create(
        slug="letters", name_en="Letters", starts_on=datetime.date(2026, 1, 1)
    )
    first = approved(city="Warsaw", country="PL", caption="Lanterns.", hashtags=["4августа"])
    second = approved(city="Vilnius", country="LT", display_name="Ala")
    approved(campaign=other, city="Elsewhere")
    approved(photo=False, city="Letterville")

    response = visitor.get(reverse("actions:feed-campaign", kwargs={"slug": campaign.slug}))

    found = entries(response)
    assert link_ids(found) == [second.pk, first.pk]
    entry = found[1]
    assert entry.find(f"{ATOM}title").text == "Picket, Warsaw, Poland"
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    display = first.rendition("display")
    assert enclosure.get("href") == f"https://soliday.example/media/{display['path']}"
    assert enclosure.get("type") == "image/webp"
    assert int(enclosure.get("length")) > 0
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} == {"4августа"}
    assert "Lanterns." in entry.find(f"{ATOM}summary").text
    assert found[0].find(f"{ATOM}author/{ATOM}name").text == "Ala"
    # Dates only: midnight of the day of publication.
    day = timezone.localdate(first.published_at)
    updated = datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert updated.astimezone(timezone.get_current_timezone()).time() == datetime.time()
    assert timezone.localdate(updated) == day
    text = response.content.decode()
    assert "Elsewhere" not in text and "Letterville" not in text
    assert_nothing_private(text, *hidden)


def test_the_hashtag_feed_with_a_cyrillic_tag(visitor, approved, hidden):
    tagged = approved(hashtags=["4августа"])
    approved(hashtags=["bysoliday"])

    url = reverse("actions:feed-tag", kwargs={"slug": "4августа"})
    response = visitor.get(url)

    assert url == "/en/actions/feed/tag/4%D0%B0%D0%B2%D0%B3%D1%83%D1%81%D1%82%D0%B0/"
    assert link_ids(entries(response)) == [tagged.pk]
    root = ET.fromstring(response.content)  # noqa: S314
    assert "#4августа" in root.find(f"{ATOM}title").text
    assert_nothing_private(response.content.decode(), *hidden)


def test_feeds_keep_the_newest(client, approved, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    made = [approved().pk for _ in range(3)]

    found = entries(client.get(reverse("actions:feed-campaign", kwargs={"slug": "4august"})))

    assert link_ids(found) == made[:0:-1]


def test_an_unpublished_action_leaves_the_feed(visitor, approved, moderator):
    action = approved()
    services.reject([action], moderator, "Faces", reconsider=True)

    assert entries(visitor.get(reverse("actions:feed-campaign", kwargs={"slug": "4august"}))) == []


def test_a_feed_reader_polling_again_costs_no_query_nor_storage_call(
    visitor, approved, django_assert_num_queries, monkeypatch
):
    approved()
    url = reverse("actions:feed-campaign", kwargs={"slug": "4august"})
    first = entries(visitor.get(url))
    sizes = []
    storage_class = type(feeds.default_storage._wrapped)  # set up by the first request
    monkeypatch.setattr(storage_class, "size", lambda self, path: sizes.append(path) or 1)

    with django_assert_num_queries(0):
        again = visitor.get(url)

    assert len(entries(again)) == len(first) == 1
    assert sizes == []
    assert visitor.get(url, headers={"If-None-Match": again["ETag"]}).status_code == 304


def test_unknown_feeds_are_404(visitor, db):
    assert visitor.get(reverse("actions:feed-campaign", kwargs={"slug": "nope"})).status_code == 404
    assert visitor.get(reverse("actions:feed-tag", kwargs={"slug": "nope"})).status_code == 404


def test_pages_link_their_feeds(visitor, approved):
    approved(hashtags=["4августа"])

    gallery = visitor.get(reverse("actions:gallery")).content.decode()
    tag = visitor.get(reverse("actions:tag", kwargs={"slug": "4августа"})).content.decode()

    campaign_feed = reverse("actions:feed-campaign", kwargs={"slug": "4august"})
    tag_feed = reverse("actions:feed-tag", kwargs={"slug": "4августа"})
    title = "New actions: Day of Solidarity with Belarus (Atom)"
    assert f'type="application/atom+xml" title="{title}" href="{campaign_feed}"' in gallery
    assert f'href="{tag_feed}"' in tag


def test_the_feed_of_a_hashtag_of_hidden_actions_only_is_404(visitor, approved, hidden, campaign):
    approved(hashtags=["4august"])
    pending, _rejected = hidden
    pending.hashtags.set(["pendingonly"])

    hidden_feed = reverse("actions:feed-tag", kwargs={"slug": "pendingonly"})
    assert visitor.get(hidden_feed).status_code == 404
    assert visitor.get(reverse("actions:feed-tag", kwargs={"slug": "4august"})).status_code == 200
