"""The privacy page, and what the portal keeps of a participant's request: nothing.

No IP address or user agent reaches the logs, the database or the rate limit's keys;
gunicorn's access log records neither (tests/test_deployment.py).
"""

import logging
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from actions import services
from actions.models import Action
from tests.helpers.actions import Participant
from tests.helpers.pages import assert_csp_clean

PRIVACY = "/en/privacy/"
ADDRESS = "203.0.113.199"
FORWARDED = "198.51.100.77"
USER_AGENT = "Mozilla/5.0 (DistinctiveTestPhone 9; Soliday-UA-Probe)"
SECRETS = (ADDRESS, FORWARDED, USER_AGENT, "DistinctiveTestPhone", "Soliday-UA-Probe")


# The page


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_privacy_page_exists_in_every_language(visitor, db, code):
    response = visitor.get(f"/{code}/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}">' in html
    assert_csp_clean(html)


def test_the_page_explains_every_protection(visitor, db):
    html = visitor.get(PRIVACY).content.decode()
    for anchor in (
        "faces",
        "metadata",
        "place",
        "receipt",
        "deletion",
        "not-collected",
        "takedown",
    ):
        assert f'id="{anchor}"' in html
    for words in (
        "cannot be undone",
        "deleted as soon as they decide",
        "GPS",
        "the country only",
        "never the time",
        "secret link",
        "withdraw",
        "no IP address",
        "salted hash",
        "No trackers",
        "emergency",
    ):
        assert words.lower() in html.lower(), words


def test_the_numbers_are_the_settings(visitor, db, settings):
    settings.ACTIONS_MIN_CITY_COUNT = 5
    settings.ACTIONS_PURGE_DAYS = 9
    html = visitor.get(PRIVACY).content.decode()
    assert "fewer than 5 approved actions" in html
    assert "deleted for good 9 days later" in html

    settings.ACTIONS_PURGE_DAYS = 1
    assert "deleted for good 1 day later" in visitor.get(PRIVACY).content.decode()


@pytest.mark.parametrize("available", [True, False])
def test_the_faces_paragraph_says_who_blurs(client, db, monkeypatch, available):
    monkeypatch.setattr("soliday.views.faces_available", lambda: available)
    html = client.get(PRIVACY).content.decode()
    assert ("Our server then finds the faces" in html) is available
    assert ("marks every face in your photo by hand" in html) is not available


def test_an_external_tile_server_is_named(visitor, db, settings):
    assert "loads nothing from other servers: fonts" in visitor.get(PRIVACY).content.decode()
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    html = visitor.get(PRIVACY).content.decode()
    assert "come from tile.example.org" in html
    assert "loads nothing from other servers: fonts" not in html


def test_the_page_is_linked_from_the_footer_the_form_and_the_thanks_page(visitor, campaign):
    for url in ("/en/", "/en/actions/submit/", "/en/actions/submit/thanks/"):
        assert f'href="{PRIVACY}"' in visitor.get(url).content.decode(), url
    form = visitor.get("/en/actions/submit/").content.decode()
    consent = form.index('name="consent"')
    assert form.index(f'href="{PRIVACY}"') > consent  # beside the consent box


def test_robots_stay_off_receipts(visitor, db):
    lines = visitor.get("/robots.txt").content.decode().splitlines()
    for code, _name in settings.LANGUAGES:
        assert f"Disallow: /{code}/actions/receipt/" in lines


# No address, no user agent


def test_no_address_or_user_agent_is_kept_anywhere(
    campaign, moderator, settings, every_log, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXY_COUNT = 1  # the rate limit uses the forwarded address
    participant = Participant(
        REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=FORWARDED, HTTP_USER_AGENT=USER_AGENT
    )

    # Submit; the photo task runs on commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.send(campaign)
    assert response.status_code == 302
    thanks = participant.get(response["Location"]).content.decode()
    token = re.search(r"receipt/\?token=([A-Za-z0-9_-]+)", thanks).group(1)
    action = Action.objects.get()
    assert action.photo_status == Action.PhotoStatus.READY, action.processing_error
    # The receipt page, a wrong token, and a moderator's approval.
    assert participant.get("/en/actions/receipt/", {"token": token}).status_code == 200
    assert participant.get("/en/actions/receipt/", {"token": "wrong"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)
    assert participant.get(f"/en/actions/{action.pk}/").status_code == 200

    # Something was logged (SQL at least), and none of it names the participant.
    records = every_log.records
    assert any(record.name == "django.db.backends" for record in records)
    for record in records:
        text = " ".join([record.getMessage(), repr(record.args), record.exc_text or ""])
        for secret in SECRETS:
            assert secret not in text, (record.name, secret)
    # Nor the receipt token. (django.template's DEBUG records print a page's whole
    # context; the settings keep that logger at INFO whatever LOG_LEVEL says.)
    assert logging.getLogger("django.template").level == logging.DEBUG  # forced above
    assert settings.LOGGING["loggers"]["django.template"]["level"] == "INFO"
    for record in records:
        if record.name != "django.template":
            assert token not in record.getMessage() + repr(record.args), record.name

    # Not in any column of any row of any table.
    for model in apps.get_models():
        for row in model.objects.values():
            for secret in SECRETS:
                assert secret not in str(row), (model.__name__, secret)

    # The rate limit's keys: salted hashes that expire, not the address.
    keys = [key for key in cache._cache if "ratelimit" in key]
    assert keys
    for key in keys:
        for secret in (ADDRESS, FORWARDED, ADDRESS.replace(".", "-")):
            assert secret not in key
        assert cache._expire_info[key] is not None


def test_template_debug_records_are_off_even_at_log_level_debug():
    # They would print a page's context, a receipt link included.
    assert not logging.getLogger("django.template").isEnabledFor(logging.DEBUG)
