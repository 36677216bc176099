"""Absolute links start with the host the visitor used; SITE_URL only where there is no
request; start-up warns when SITE_URL is not a host the site answers on (soliday.W001)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from actions import services
from soliday.checks import site_url_is_allowed
from tests.helpers.pages import browse_from

GEOJSON = "/api/actions.geojson"


@pytest.fixture
def site_on_8000(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]


def test_a_visitor_on_another_port_gets_links_to_that_port(
    visitor, approved, site_on_8000, every_city_named
):
    action = approved(city="Warsaw", country="PL", latitude=52.2, longitude=21.0)

    data = visitor.get(GEOJSON, HTTP_HOST="127.0.0.1:8711").json()

    [feature] = data["features"]
    assert feature["properties"]["url"] == f"http://127.0.0.1:8711/en/actions/{action.pk}/"
    assert feature["properties"]["thumb"]["url"].startswith("http://127.0.0.1:8711/media/")


def test_the_public_cache_keeps_one_answer_per_host(visitor, approved, site_on_8000):
    approved(city="Warsaw", country="PL", latitude=52.2, longitude=21.0)
    on_8711 = visitor.get(GEOJSON, HTTP_HOST="127.0.0.1:8711")

    on_8000 = visitor.get(GEOJSON, HTTP_HOST="127.0.0.1:8000")

    assert "127.0.0.1:8711" in on_8711.content.decode()
    assert "127.0.0.1:8711" not in on_8000.content.decode()
    assert on_8000["ETag"] != on_8711["ETag"]


def test_the_receipt_link_on_the_thanks_page_follows_the_port(participant, campaign, site_on_8000):
    participant.defaults["HTTP_HOST"] = "127.0.0.1:8711"
    participant.send(campaign)

    html = participant.get("/en/actions/submit/thanks/").content.decode()

    assert re.search(r'href="http://127\.0\.0\.1:8711/en/actions/receipt/\?token=', html)
    assert "127.0.0.1:8000" not in html


def test_a_feed_read_through_a_proxy_links_to_the_public_address(visitor, campaign, settings):
    origin = browse_from(visitor, settings, "https://soliday.example")

    feed = visitor.get(f"/en/actions/feed/campaign/{campaign.slug}/").content.decode()

    assert f"{origin}/en/" in feed
    assert settings.SITE_URL not in feed


def test_mail_sent_without_a_request_links_to_site_url(
    campaign, moderator, site_on_8000, django_capture_on_commit_callbacks
):
    from tests.helpers.actions import submit

    action = submit(campaign, None, email="ala@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)

    [message] = mail.outbox
    assert f"http://127.0.0.1:8000/en/actions/{action.pk}/" in message.body


# soliday.W001


@pytest.mark.parametrize(
    ("site_url", "allowed"),
    [
        ("https://soliday.example", ["soliday.example"]),
        ("https://soliday.example", [".soliday.example"]),
        ("https://soliday.example:8443", ["soliday.example"]),
        ("http://127.0.0.1:8711", ["127.0.0.1", "localhost"]),
        ("http://[::1]:8000", ["[::1]"]),
        ("https://soliday.example", ["*"]),
    ],
)
def test_a_site_url_the_site_answers_on_passes(settings, site_url, allowed):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed

    assert site_url_is_allowed(None) == []


@pytest.mark.parametrize(
    ("site_url", "allowed"),
    [
        ("http://127.0.0.1:8000", ["soliday.example"]),
        ("https://soliday.example", ["www.soliday.example"]),
        ("soliday.example", ["soliday.example"]),  # no scheme: not an address
        ("ftp://soliday.example", ["soliday.example"]),
    ],
)
def test_a_site_url_on_another_host_is_a_warning(settings, site_url, allowed):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed

    [warning] = site_url_is_allowed(None)

    assert warning.id == "soliday.W001"
    assert site_url in warning.msg
    assert "ALLOWED_HOSTS" in warning.msg


def test_the_warning_is_shown_at_start_up(settings):
    settings.SITE_URL, settings.ALLOWED_HOSTS = "http://127.0.0.1:8000", ["soliday.example"]

    with pytest.raises(SystemCheckError, match="soliday.W001"):
        call_command("check", fail_level="WARNING")
