"""Security headers on every kind of response: pages, the submission page, static files, media.

A visitor's browser is told: no other site may embed our responses (Cross-Origin-Resource-
Policy), no page may use the camera, microphone or other powerful features, and only the
submission form may ask for the visitor's location (Permissions-Policy); and the Content-
Security-Policy holds for static files and media too (an uploaded SVG runs no script).
"""

import pytest
from django.conf import settings
from django.test import Client

# Requests in Belarusian and Russian leave the language active in the thread.
pytestmark = pytest.mark.usefixtures("in_english")

DENIED = ["camera=()", "microphone=()", "payment=()", "usb=()", "display-capture=()"]


def policy(response):
    return [part.strip() for part in response["Permissions-Policy"].split(",")]


def assert_common_headers(response):
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    for feature in DENIED:
        assert feature in policy(response)


@pytest.mark.parametrize("path", ["/en/", "/ru/news/", "/en/actions/", "/en/nowhere/", "/healthz"])
def test_a_visitors_page_allows_no_powerful_feature(client, db, path):
    response = client.get(path)

    assert_common_headers(response)
    assert "geolocation=()" in policy(response)


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_only_the_submission_page_may_ask_for_the_location(client, campaign, language):
    response = client.get(f"/{language}/actions/submit/")

    assert response.status_code == 200
    assert_common_headers(response)
    assert "geolocation=(self)" in policy(response)
    assert "geolocation=()" not in policy(response)


def test_the_thanks_and_receipt_pages_do_not_ask_for_the_location(client, db):
    for path in ["/en/actions/submit/thanks/", "/en/actions/receipt/?token=x"]:
        response = client.get(path)
        assert "geolocation=()" in policy(response), path


def test_the_admin_allows_no_powerful_feature(client, db):
    response = client.get("/admin/login/")
    assert_common_headers(response)
    assert "geolocation=()" in policy(response)


def test_a_static_file_carries_the_policies(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ without collectstatic
    client = Client()  # its middleware is built with the setting above

    response = client.get(settings.STATIC_URL + "css/site.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert_common_headers(response)
    assert "geolocation=()" in policy(response)


@pytest.mark.skipif(not settings.SERVE_MEDIA, reason="media is served by Django only with it")
def test_a_media_file_carries_the_policies(client, settings):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    (settings.MEDIA_ROOT / "materials").mkdir(parents=True)
    (settings.MEDIA_ROOT / "materials" / "leaflet.svg").write_bytes(svg)

    response = client.get(settings.MEDIA_URL + "materials/leaflet.svg")

    assert response.status_code == 200
    assert_common_headers(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "geolocation=()" in policy(response)


def test_every_feature_is_named_once(client, db):
    features = [part.split("=")[0] for part in policy(client.get("/en/"))]
    assert len(features) == len(set(features))
    assert "geolocation" in features
