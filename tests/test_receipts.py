"""The participant's receipt: the secret link of the thanks page, used as a participant would.

With it they see the status, put off publication ("not before") and withdraw. A wrong,
withdrawn or unknown token gets the same 404 for the same single query.
"""

import functools
import hashlib
import re
import smtplib
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from actions import services
from actions.models import Action, MapCell, Report, TaggedAction, Takedown, Tally
from actions.services import mail as participant_mail
from actions.views import receipts
from tests.helpers.actions import submit
from tests.helpers.files import stored_files
from tests.helpers.images import encode, two_colour
from tests.helpers.pages import assert_csp_clean

THANKS = "/en/actions/submit/thanks/"
RECEIPT = "/en/actions/receipt/"
DELAY = "/en/actions/receipt/delay/"
WITHDRAW = "/en/actions/receipt/withdraw/"
PHOTO = "/en/actions/receipt/photo/"
WITHDRAWN = "/en/actions/receipt/withdrawn/"
LINK = re.compile(r'value="([^"]*/actions/receipt/\?token=([A-Za-z0-9_-]+))"')


@pytest.fixture(autouse=True)
def english(in_english):
    """Dates and messages in English whatever the previous test left active."""


@pytest.fixture
def send(submitted):
    """An action as the form sends it, its photo processed; `.receipt_token` is its link's."""
    return functools.partial(submitted, hashtags=["4august", "freebelarus"])


@pytest.fixture
def approve(moderator, django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            services.approve([action], moderator)
        action.refresh_from_db()
        return action

    return run


def page(participant, token):
    return participant.get(RECEIPT, {"token": token})


def total(campaign, dimension="total", key=""):
    tally = Tally.objects.filter(campaign=campaign, dimension=dimension, key=key).first()
    return tally.count if tally else 0


def public_everywhere(client, action):
    """Where a visitor may meet the action: its page, the gallery, a hashtag page, the
    campaign's feed and the GeoJSON."""
    url = f"/en/actions/{action.pk}/"
    return {
        "page": client.get(url).status_code == 200,
        "gallery": url in client.get("/en/actions/").content.decode(),
        "tag": url in client.get("/en/actions/tag/4august/").content.decode(),
        "feed": url in client.get("/en/actions/feed/campaign/4august/").content.decode(),
        "geojson": action.pk
        in [f["properties"]["id"] for f in client.get("/api/actions.geojson").json()["features"]],
    }


NOWHERE = {"page": False, "gallery": False, "tag": False, "feed": False, "geojson": False}
EVERYWHERE = {"page": True, "gallery": True, "tag": True, "feed": True, "geojson": True}


def local_input(when):
    """`when` the way a datetime-local input sends it, in the portal's time zone."""
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


# The token


def test_only_the_hash_of_the_token_is_stored(send):
    action = send()
    token = action.receipt_token

    assert len(token) >= 43  # 32 random bytes
    assert action.receipt_hash == hashlib.sha256(token.encode()).hexdigest()
    assert Action.objects.with_receipt(token).get() == action
    for field in Action._meta.concrete_fields:
        assert token not in str(getattr(action, field.attname))


def test_every_action_gets_its_own_token(send):
    first, second = send(), send()
    assert first.receipt_token != second.receipt_token
    assert first.receipt_hash != second.receipt_hash


# The thanks page


def test_the_thanks_page_shows_the_secret_link_for_thirty_minutes(participant, campaign):
    response = participant.send(campaign)
    assert response.status_code == 302
    assert response["Location"] == THANKS
    for code in ("en", "be", "ru"):  # one per language, sent to its thanks page only
        cookie = response.cookies[receipts.cookie_name(code)]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Strict"
        assert cookie["path"] == f"/{code}/actions/submit/thanks/"
        assert int(cookie["max-age"]) == 30 * 60

    thanks = participant.get(THANKS)
    html = thanks.content.decode()
    url, token = LINK.search(html).groups()
    assert url == f"http://testserver{RECEIPT}?token={token}"  # the host the browser asked
    assert Action.objects.with_receipt(token).get() == Action.objects.get()
    assert "for 30 more minutes, even if you reload it or change the language" in html
    assert "After that it is never shown again." in html
    assert thanks["Cache-Control"] == "private, no-store"
    assert thanks["Referrer-Policy"] == "same-origin"
    assert not any(name.startswith(receipts.COOKIE) for name in thanks.cookies)  # kept
    # A reload, and the same page in Belarusian and Russian, show the same link.
    assert LINK.search(participant.get(THANKS).content.decode()).group(2) == token
    for code in ("be", "ru"):
        other = participant.get(f"/{code}/actions/submit/thanks/").content.decode()
        assert LINK.search(other).group(2) == token


def test_the_link_is_not_shown_after_thirty_minutes(participant, campaign, monkeypatch):
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 30 * 60 - 1)
    participant.send(campaign)  # sent thirty minutes and a second ago
    monkeypatch.undo()

    for code in ("en", "be", "ru"):
        html = participant.get(f"/{code}/actions/submit/thanks/").content.decode()
        assert not LINK.search(html)
        assert "receipt-copy" not in html


def test_the_minutes_left_are_stated(participant, campaign, monkeypatch):
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 29 * 60 - 30)
    participant.send(campaign)  # 29½ minutes ago
    monkeypatch.undo()

    html = participant.get(THANKS).content.decode()

    assert "for 1 more minute, even if" in html


def test_the_participant_can_stop_the_link_being_shown_at_once(participant, campaign):
    participant.send(campaign)
    html = participant.get(THANKS).content.decode()
    assert 'action="/en/actions/submit/thanks/forget/"' in html

    response = participant.post("/en/actions/submit/thanks/forget/")

    assert response.status_code == 302
    assert response["Location"] == THANKS
    for code in ("en", "be", "ru"):
        assert response.cookies[receipts.cookie_name(code)]["max-age"] == 0
        assert not LINK.search(participant.get(f"/{code}/actions/submit/thanks/").content.decode())


def test_stopping_the_link_needs_a_post_with_the_csrf_token(participant, campaign):
    participant.send(campaign)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = participant.cookies

    assert strict.get("/en/actions/submit/thanks/forget/").status_code == 405
    assert strict.post("/en/actions/submit/thanks/forget/").status_code == 403
    assert LINK.search(participant.get(THANKS).content.decode())


def test_the_link_survives_the_forms_script_following_the_redirect(participant, campaign):
    # submit.js sends the form by XHR: the XHR loads the thanks page first, then the
    # browser opens it; the browser's load must still show the link.
    participant.send(campaign)
    by_script = participant.get(THANKS, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert LINK.search(by_script.content.decode())
    by_browser = participant.get(THANKS)
    assert LINK.search(by_browser.content.decode())


def test_the_copy_button_is_an_enhancement(participant, campaign):
    participant.send(campaign)
    html = participant.get(THANKS).content.decode()
    assert re.search(r'<button type="button"[^>]*id="receipt-copy"[^>]*hidden>', html)
    assert '<script src="/static/js/receipt.js" defer></script>' in html
    assert 'readonly value="' in html  # the link itself, to copy by hand
    assert_csp_clean(html)


@pytest.mark.parametrize("cookie", ["", "not-signed", "a:b:c", "a:b"])
def test_a_forged_cookie_shows_no_link(participant, db, cookie):
    participant.cookies[receipts.cookie_name("en")] = cookie
    response = participant.get(THANKS)
    assert response.status_code == 200
    assert not LINK.search(response.content.decode())


def test_a_stale_cookie_shows_no_link(participant, campaign, monkeypatch):
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 3600)
    participant.send(campaign)  # the cookie is signed an hour ago
    monkeypatch.undo()
    assert receipts.cookie_name("en") in participant.cookies
    assert not LINK.search(participant.get(THANKS).content.decode())


def test_a_cookie_for_another_purpose_opens_nothing(participant, send):
    # Signed by the same key for another cookie: the salt makes it worthless here.
    token = send().receipt_token
    participant.cookies[receipts.cookie_name("en")] = signing.get_cookie_signer(salt="other").sign(
        f"{int(signing.time.time()) + 600}:{token}"
    )
    assert not LINK.search(participant.get(THANKS).content.decode())


def test_the_honeypot_gets_a_decoy_link_that_opens_nothing(participant, campaign, media_dirs):
    response = participant.send(campaign, website="http://spam.example", follow=True)
    url, token = LINK.search(response.content.decode()).groups()
    assert not Action.objects.exists()
    assert stored_files(media_dirs / "private") == []
    assert page(participant, token).status_code == 404


# The link by email


def test_the_link_is_mailed_in_the_participants_language(
    participant, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        participant.send(campaign, language="be", email="alesia@example.org")
    token = LINK.search(participant.get("/be/actions/submit/thanks/").content.decode()).group(2)

    [message] = mail.outbox
    assert message.to == ["alesia@example.org"]
    assert f"{settings.SITE_URL}/be/actions/receipt/?token={token}" in message.body
    assert "Дзень салідарнасці з Беларуссю" in message.body  # the campaign, in Belarusian
    with translation.override("be"):
        assert translation.gettext("Hello,") in message.body


def test_no_email_no_mail(participant, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.send(campaign, email="")
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_mail_failure_loses_nothing_and_logs_no_address(
    participant, campaign, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"alesia@example.org": (550, b"No such user")})

    monkeypatch.setattr(participant_mail, "send_mail", refused)
    with caplog.at_level("DEBUG"), django_capture_on_commit_callbacks(execute=True):
        response = participant.send(campaign, email="alesia@example.org")

    assert response.status_code == 302
    action = Action.objects.get()
    token = LINK.search(participant.get(THANKS).content.decode()).group(2)
    assert Action.objects.with_receipt(token).get() == action
    assert f"Could not send the receipt mail for action {action.pk}" in caplog.text
    assert "alesia@example.org" not in caplog.text
    assert token not in caplog.text


# The status page


def test_the_page_shows_what_was_sent(participant, send):
    action = send(city="Vilnius", country="LT")
    response = page(participant, action.receipt_token)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Waiting for a moderator" in html
    assert "Picket" in html
    assert "Day of Solidarity with Belarus" in html
    assert "Vilnius, Lithuania" in html
    assert f'src="{PHOTO}?token={action.receipt_token}"' in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert_csp_clean(html)


def test_the_photo_is_the_blurred_thumbnail_for_the_token_holder_only(participant, send, approve):
    action = send()
    thumb = action.rendition("thumb")

    pending = participant.get(PHOTO, {"token": action.receipt_token})
    assert pending.status_code == 200
    assert pending["Content-Type"] == f"image/{thumb['path'].rsplit('.', 1)[1]}"
    assert pending["Cache-Control"] == "private, no-store"
    body = b"".join(pending.streaming_content)
    with services.private_storage().open(thumb["path"], "rb") as stored:
        assert body == stored.read()

    approve(action)
    assert participant.get(PHOTO, {"token": action.receipt_token}).status_code == 200  # now public
    assert participant.get(PHOTO, {"token": "x" + action.receipt_token}).status_code == 404


def test_without_a_photo_there_is_no_picture(participant, send):
    action = send(photo=False)
    html = page(participant, action.receipt_token).content.decode()
    assert PHOTO not in html
    assert participant.get(PHOTO, {"token": action.receipt_token}).status_code == 404


def test_scheduled_status_names_the_time(participant, send, approve):
    action = send()
    when = timezone.now() + timedelta(days=2)
    services.set_not_before(action, when)
    approve(action)
    assert action.status == Action.Status.SCHEDULED

    html = page(participant, action.receipt_token).content.decode()
    assert "Approved, published later" in html
    assert timezone.localtime(when).strftime("%H:%M") in html
    assert "(Vilnius time)" in html  # a place, not the identifier Europe/Vilnius
    assert "Europe/Vilnius" not in html


def test_approved_status_links_the_public_page(participant, send, approve):
    action = approve(send())
    html = page(participant, action.receipt_token).content.decode()
    assert "Your action is public" in html
    assert f'href="/en/actions/{action.pk}/"' in html


def test_rejected_status_gives_the_reason(participant, send, moderator):
    action = send()
    services.reject([action], moderator, "A face is visible in the window.")
    html = page(participant, action.receipt_token).content.decode()
    assert "Not published" in html
    assert "A face is visible in the window." in html
    assert f"deleted {settings.ACTIONS_PURGE_DAYS} days after the decision" in html
    assert 'action="/en/actions/receipt/delay/"' not in html  # too late to delay
    assert 'action="/en/actions/receipt/withdraw/"' in html  # never too late to withdraw


def test_hidden_status_says_it_is_for_safety(participant, send, approve):
    Takedown.objects.create(country="LT", reason="Arrests after the picket")
    action = approve(send(city="Vilnius", country="LT"))
    assert action.status == Action.Status.HIDDEN

    html = page(participant, action.receipt_token).content.decode()
    assert "Hidden for now, for your safety" in html
    assert "Arrests after the picket" not in html  # the moderators' reason stays theirs


# Bad tokens: one query, one 404


def bad_tokens(action, withdrawn):
    token = action.receipt_token
    return {
        "unknown": "A" * 43,
        "one character changed": ("B" if token[0] != "B" else "C") + token[1:],
        "longer": token + "x",
        "shorter": token[:-1],
        "the stored hash itself": action.receipt_hash,
        "empty": "",
        "odd characters": "%00'; DROP TABLE--<script>",
        "withdrawn": withdrawn.receipt_token,
    }


def test_every_wrong_token_gets_the_same_404_for_one_query(
    participant, send, django_assert_num_queries
):
    action = send()
    withdrawn = send()
    services.withdraw(withdrawn)

    bodies = set()
    for name, token in bad_tokens(action, withdrawn).items():
        # Query: the action by the token's hash. Nothing else, whatever the token.
        with django_assert_num_queries(1):
            response = page(participant, token)
        assert response.status_code == 404, name
        assert response["Cache-Control"] == "private, no-store", name
        assert response["Referrer-Policy"] == "same-origin", name
        bodies.add(response.content)
    with django_assert_num_queries(1):
        missing = participant.get(RECEIPT)
    bodies.add(missing.content)
    assert len(bodies) == 1
    assert "Page not found" in missing.content.decode()
    # And the right one opens the page.
    assert page(participant, action.receipt_token).status_code == 200


@pytest.mark.parametrize("url", [DELAY, WITHDRAW])
def test_changes_with_a_wrong_token_are_404_and_change_nothing(participant, send, url):
    action = send()
    data = {"not_before": local_input(timezone.now() + timedelta(days=1)), "confirm": "on"}
    for token in ("", "A" * 43, action.receipt_hash):
        assert participant.post(url, {**data, "token": token}).status_code == 404
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING
    assert action.not_before is None


def test_the_token_only_travels_in_query_strings_and_forms(participant, send):
    action = send()
    html = page(participant, action.receipt_token).content.decode()
    for path in re.findall(r'(?:href|src|action)="([^"?]*)', html):
        assert action.receipt_token not in path
    assert html.count(f'name="token" value="{action.receipt_token}"') == 2  # delay, withdraw


@pytest.mark.parametrize("url", [RECEIPT, PHOTO])
def test_reading_answers_get_only(participant, send, url):
    action = send()
    assert participant.post(url, {"token": action.receipt_token}).status_code == 405


@pytest.mark.parametrize("url", [DELAY, WITHDRAW])
def test_changes_answer_post_only(participant, send, url):
    action = send()
    assert participant.get(url, {"token": action.receipt_token}).status_code == 405


@pytest.mark.parametrize("url", [DELAY, WITHDRAW])
def test_changes_need_the_csrf_token(send, url):
    action = send()
    browser = Client(enforce_csrf_checks=True)
    data = {
        "token": action.receipt_token,
        "not_before": local_input(timezone.now() + timedelta(days=1)),
        "confirm": "on",
    }
    assert browser.post(url, data).status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING
    assert action.not_before is None


@pytest.mark.parametrize("url", [DELAY, WITHDRAW])
def test_a_browser_can_send_the_forms_of_the_receipt_page(send, url):
    """As a browser does: the CSRF cookie and token from the page, and the Origin header.

    Browsers send `Origin: null` with a form posted from a page whose referrer policy
    is no-referrer, which Django's CSRF check refuses: the page must not use it.
    """
    action = send()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(RECEIPT, {"token": action.receipt_token})
    assert page["Referrer-Policy"] != "no-referrer"
    assert 'content="no-referrer"' not in page.content.decode()
    origin = "null" if page["Referrer-Policy"] == "no-referrer" else "http://testserver"
    data = {
        "token": action.receipt_token,
        "not_before": local_input(timezone.now() + timedelta(days=1)),
        "confirm": "on",
        "csrfmiddlewaretoken": page.context["csrf_token"],
    }

    response = browser.post(url, data, HTTP_ORIGIN=origin)

    assert response.status_code == 302
    action.refresh_from_db()
    if url == DELAY:
        assert action.not_before is not None
    else:
        assert action.status == Action.Status.WITHDRAWN


# Not before


def test_a_pending_action_keeps_the_time_for_its_approval(participant, send, approve, campaign):
    action = send()
    when = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)

    response = participant.post(
        DELAY, {"token": action.receipt_token, "not_before": local_input(when)}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{RECEIPT}?token={action.receipt_token}"
    action.refresh_from_db()
    assert action.not_before == when
    assert action.status == Action.Status.PENDING
    html = participant.get(response["Location"]).content.decode()
    assert "Your choice is saved." in html
    assert f'value="{local_input(when)}"' in html

    # Approved: held back, counted nowhere, shown nowhere.
    approve(action)
    assert action.status == Action.Status.SCHEDULED
    assert action.published_at is None
    assert total(campaign) == 0
    assert public_everywhere(participant, action) == NOWHERE
    assert stored_files(settings.MEDIA_ROOT) == []


def test_publish_due_publishes_when_the_time_has_come(
    participant, send, approve, campaign, django_capture_on_commit_callbacks
):
    def publish_due():
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_due", stdout=out)
        return out.getvalue().strip()

    action = send()
    services.set_not_before(action, timezone.now() + timedelta(hours=1))
    approve(action)
    assert publish_due() == "Published 0 scheduled actions."
    assert Action.objects.get(pk=action.pk).status == Action.Status.SCHEDULED
    assert public_everywhere(participant, action) == NOWHERE

    # The hour has passed.
    Action.objects.filter(pk=action.pk).update(not_before=timezone.now() - timedelta(minutes=1))
    assert publish_due() == "Published 1 scheduled actions."
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert action.published_at is not None
    assert total(campaign) == 1
    assert total(campaign, "hashtag", "freebelarus") == 1
    # Every public surface, the cached ones too.
    assert public_everywhere(participant, action) == EVERYWHERE

    # Idempotent.
    assert publish_due() == "Published 0 scheduled actions."
    assert total(campaign) == 1


def test_delaying_a_public_action_takes_it_off_until_then(
    participant, send, approve, campaign, django_capture_on_commit_callbacks
):
    action = approve(send())
    assert public_everywhere(participant, action) == EVERYWHERE
    assert total(campaign) == 1
    assert total(campaign, "hashtag", "freebelarus") == 1

    when = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.post(
            DELAY, {"token": action.receipt_token, "not_before": local_input(when)}
        )
    assert response.status_code == 302

    action.refresh_from_db()
    assert action.status == Action.Status.SCHEDULED
    assert public_everywhere(participant, action) == NOWHERE
    assert total(campaign) == 0
    assert total(campaign, "hashtag", "freebelarus") == 0
    assert sum(MapCell.objects.values_list("count", flat=True)) == 0
    # The photo went back to private storage: no public URL serves it any more.
    assert stored_files(settings.MEDIA_ROOT) == []
    assert page(participant, action.receipt_token).status_code == 200

    # Changed their mind: publish without waiting.
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.post(
            DELAY, {"token": action.receipt_token, "not_before": "whatever", "clear": "1"}
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert action.not_before is None
    assert public_everywhere(participant, action) == EVERYWHERE
    assert total(campaign) == 1
    assert total(campaign, "hashtag", "freebelarus") == 1


def test_a_scheduled_action_can_be_moved_later(send, approve):
    action = send()
    services.set_not_before(action, timezone.now() + timedelta(hours=1))
    approve(action)
    later = timezone.now() + timedelta(days=5)

    assert services.set_not_before(action, later) is True
    action.refresh_from_db()
    assert action.status == Action.Status.SCHEDULED
    assert action.not_before == later
    assert services.publish_due(now=timezone.now() + timedelta(hours=2)) == []


def test_a_scheduled_action_whose_time_is_past_is_released_at_once(participant, send, approve):
    action = send()
    services.set_not_before(action, timezone.now() + timedelta(hours=1))
    approve(action)

    assert services.set_not_before(action, timezone.now() - timedelta(minutes=1)) is True
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert public_everywhere(participant, action) == EVERYWHERE


def test_a_hidden_action_keeps_the_time_for_the_lifting(send, approve):
    Takedown.objects.create(country="LT", reason="Arrests")
    action = approve(send(city="Vilnius", country="LT"))
    when = timezone.now() + timedelta(days=1)

    assert services.set_not_before(action, when) is True
    action.refresh_from_db()
    assert action.status == Action.Status.HIDDEN
    assert action.not_before == when


def test_the_time_is_read_in_the_portals_time_zone(participant, send, settings):
    settings.TIME_ZONE = "America/New_York"
    action = send()
    typed = (timezone.now() + timedelta(days=10)).astimezone(ZoneInfo("America/New_York"))
    typed = typed.replace(second=0, microsecond=0)

    html = page(participant, action.receipt_token).content.decode()
    assert "time zone New York" in html
    participant.post(
        DELAY, {"token": action.receipt_token, "not_before": typed.strftime("%Y-%m-%dT%H:%M")}
    )
    action.refresh_from_db()
    # The same instant as typed in New York (Vilnius would be 7 hours off).
    assert action.not_before == typed


BAD_TIMES = {
    "past": (lambda now: local_input(now - timedelta(hours=1)), "Choose a time in the future."),
    "now": (lambda now: local_input(now), "Choose a time in the future."),
    "over a year": (
        lambda now: local_input(now + timedelta(days=366)),
        "Choose a time within a year from now.",
    ),
    "empty": (lambda now: "", "Choose a date and a time."),
    "words": (lambda now: "tomorrow evening", "Enter a valid date/time."),
    "no such day": (lambda now: "2026-02-30T12:00", "Enter a valid date/time."),
}


@pytest.mark.parametrize("case", BAD_TIMES, ids=list(BAD_TIMES))
def test_a_bad_time_is_refused_beside_the_field(participant, send, approve, case):
    action = approve(send())
    typed, message = BAD_TIMES[case]
    response = participant.post(
        DELAY, {"token": action.receipt_token, "not_before": typed(timezone.now())}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="field field--invalid"' in html
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert action.not_before is None


def test_a_rejected_action_can_no_longer_be_delayed(participant, send, moderator):
    action = send()
    services.reject([action], moderator, "Faces")
    response = participant.post(
        DELAY,
        {
            "token": action.receipt_token,
            "not_before": local_input(timezone.now() + timedelta(days=1)),
        },
        follow=True,
    )
    assert "This action can no longer be delayed." in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert action.not_before is None
    assert services.set_not_before(action, timezone.now() + timedelta(days=1)) is False


def test_a_scheduled_approval_is_mailed_as_approved_with_its_time(
    send, moderator, django_capture_on_commit_callbacks
):
    action = send(email="alesia@example.org")
    when = timezone.now() + timedelta(days=1)
    services.set_not_before(action, when)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)

    [message] = mail.outbox
    assert message.subject == "Your action is approved on Soliday"
    assert "not to publish" not in message.body
    assert timezone.localtime(when).strftime("%H:%M") in message.body
    assert f"{settings.SITE_URL}/en/actions/{action.pk}/" in message.body


# Withdrawal


def test_withdrawal_needs_the_box_ticked(participant, send, approve):
    action = approve(send())
    response = participant.post(WITHDRAW, {"token": action.receipt_token})

    assert response.status_code == 200
    assert "Tick the box to confirm the withdrawal." in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert public_everywhere(participant, action) == EVERYWHERE


def test_withdrawing_a_public_action_deletes_it_everywhere_at_once(
    participant, send, approve, campaign, media_dirs, moderator, django_capture_on_commit_callbacks
):
    action = approve(
        send(
            city="Vilnius",
            country="LT",
            email="alesia@example.org",
            display_name="Alesia",
            caption="Lanterns by the river.",
        )
    )
    token = action.receipt_token
    assert stored_files(media_dirs / "media")
    assert total(campaign) == total(campaign, "country", "LT") == 1
    assert LogEntry.objects.filter(object_id=str(action.pk)).exists()
    # Someone else's action stays.
    other = approve(send(city="Riga", country="LV"))

    with django_capture_on_commit_callbacks(execute=True):
        response = participant.post(WITHDRAW, {"token": token, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == WITHDRAWN
    assert "is no longer shown anywhere" in participant.get(WITHDRAWN).content.decode()

    # Files gone: public and private.
    other_files = {r["path"] for r in other.renditions}
    assert set(stored_files(media_dirs / "media")) == other_files
    assert stored_files(media_dirs / "private") == []
    # Off every public page, feed and count.
    assert public_everywhere(participant, action) == NOWHERE
    assert public_everywhere(participant, other) == EVERYWHERE
    assert total(campaign) == 1
    assert total(campaign, "country", "LT") == 0
    assert total(campaign, "hashtag", "freebelarus") == 1  # the other's
    assert sum(MapCell.objects.filter(zoom=0).values_list("count", flat=True)) == 1
    # Personal data erased now; the rest waits for purge.
    action.refresh_from_db()
    assert action.status == Action.Status.WITHDRAWN
    assert action.withdrawn_at is not None
    for name in ("email", "display_name", "caption", "alt_text", "city", "country"):
        assert getattr(action, name) == "", name
    for name in ("latitude", "longitude", "public_latitude", "public_longitude", "receipt_hash"):
        assert getattr(action, name) is None, name
    assert action.renditions == [] and action.photo == "" and action.upload == ""
    assert action.photo_status == Action.PhotoStatus.REMOVED
    assert not TaggedAction.objects.filter(content_object=action).exists()
    assert action.counted == {}
    row = str(Action.objects.filter(pk=action.pk).values().get())
    for secret in ("Vilnius", "alesia@example.org", "Alesia", "Lanterns"):
        assert secret not in row, secret
    # The admin's history no longer names the city.
    entries = LogEntry.objects.filter(object_id=str(action.pk))
    assert entries.exists()
    assert all("Vilnius" not in entry.object_repr for entry in entries)
    # The link is dead: the same 404 as any unknown token.
    assert page(participant, token).status_code == 404
    assert participant.get(PHOTO, {"token": token}).status_code == 404
    assert participant.post(WITHDRAW, {"token": token, "confirm": "on"}).status_code == 404


def test_withdrawing_closes_the_reports_and_erases_what_the_reporter_wrote(
    participant, visitor, send, approve
):
    action = approve(send())
    visitor.post(
        f"/en/actions/{action.pk}/report/",
        {
            "reason": Report.Reason.IN_PHOTO,
            "details": "I am the woman on the left; my employer must not see this.",
            "contact": "me@example.org",
            "website": "",
        },
    )
    assert Report.objects.open().filter(action=action).count() == 1

    participant.post(WITHDRAW, {"token": action.receipt_token, "confirm": "on"})

    assert not Report.objects.open().exists()
    report = Report.objects.get(action=action)
    assert report.resolved_at is not None
    assert report.outcome == "Withdrawn by the participant"
    assert report.details == "" and report.contact == ""
    assert report.reason == Report.Reason.IN_PHOTO


def test_withdrawing_while_the_photo_waits_deletes_the_upload(
    participant, campaign, media_dirs, django_capture_on_commit_callbacks
):
    action = submit(campaign, encode(two_colour(), "JPEG"))  # the task has not run
    assert stored_files(media_dirs / "private")

    with django_capture_on_commit_callbacks(execute=True):
        participant.post(WITHDRAW, {"token": action.receipt_token, "confirm": "on"})

    assert stored_files(media_dirs / "private") == []
    # The task, when it comes, finds nothing to do.
    assert services.process_photo(action.pk) is False
    assert stored_files(media_dirs / "private") == []


@pytest.mark.parametrize("state", ["pending", "scheduled", "rejected", "hidden"])
def test_any_action_can_be_withdrawn(participant, send, approve, moderator, campaign, state):
    if state == "hidden":
        Takedown.objects.create(country="LT", reason="Arrests")
    action = send(city="Vilnius", country="LT")
    if state == "scheduled":
        services.set_not_before(action, timezone.now() + timedelta(days=1))
    if state in ("scheduled", "hidden"):
        approve(action)
    if state == "rejected":
        services.reject([action], moderator, "Faces")
    action.refresh_from_db()
    assert action.status == state

    response = participant.post(WITHDRAW, {"token": action.receipt_token, "confirm": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.WITHDRAWN
    assert action.city == "" and action.receipt_hash is None
    assert total(campaign) == 0


def test_withdrawing_twice_changes_nothing(send):
    action = send()
    assert services.withdraw(action) is True
    withdrawn_at = Action.objects.get(pk=action.pk).withdrawn_at
    assert services.withdraw(action) is False
    assert Action.objects.get(pk=action.pk).withdrawn_at == withdrawn_at


def test_a_withdrawn_action_cannot_be_approved(send, moderator):
    action = send()
    services.withdraw(action)
    outcome = services.approve([action], moderator)
    assert outcome.decided == []
    assert Action.objects.get(pk=action.pk).status == Action.Status.WITHDRAWN


def test_the_receipt_page_exists_in_every_language(participant, send):
    action = send()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            url = reverse("actions:receipt")
        assert url == f"/{code}/actions/receipt/"
        response = participant.get(url, {"token": action.receipt_token})
        assert response.status_code == 200
        assert f'<html lang="{code}">' in response.content.decode()


@pytest.mark.parametrize(("language", "place"), [("be", "Вільнюс"), ("ru", "Вильнюс")])
def test_the_time_zone_is_a_place_in_the_participants_language(
    participant, send, approve, language, place
):
    action = send()
    services.set_not_before(action, timezone.now() + timedelta(days=2))
    approve(action)

    html = participant.get(
        f"/{language}/actions/receipt/", {"token": action.receipt_token}
    ).content.decode()

    assert place in html
    assert "Europe/Vilnius" not in html
