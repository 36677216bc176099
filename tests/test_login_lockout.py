"""The admin login locks an account out for a client after repeated wrong passwords.

Moderators see unblurred photos and participants' emails, so guessing their password must
stop after a few tries, a right password included, until the cool-off has passed or an
administrator unlocks the account. The client is known by a salted hash, never its address.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

# Requests in Belarusian and Russian leave the language active in the thread.
pytestmark = pytest.mark.usefixtures("in_english")

LOGIN = "/admin/login/"
ADDRESS = "203.0.113.45"
ELSEWHERE = "198.51.100.23"
USER_AGENT = "Mozilla/5.0 (LockoutProbePhone 7; Soliday-Lockout-UA)"
SECRETS = (ADDRESS, ELSEWHERE, USER_AGENT, "LockoutProbePhone", "Soliday-Lockout-UA")


def attacker(address=ADDRESS, **extra):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=USER_AGENT, **extra)


def log_in(client, password, username="moderator", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        headers=headers,
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def test_forty_wrong_passwords_then_the_right_one_is_still_refused(moderator):
    client = attacker()
    for _ in range(40):
        response = log_in(client, "wrong")
        assert response.status_code in (200, 429)
        assert not logged_in(client)

    response = log_in(client, "password")

    assert response.status_code == 429
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302  # back to the login page


def test_the_lockout_starts_at_the_limit_with_a_clear_message(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    response = log_in(client, "wrong")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed logins" in html
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} minutes" in html
    assert "unlock_login" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("be", "Занадта шмат няўдалых уваходаў"), ("ru", "Слишком много неудачных входов")],
)
def test_the_lockout_message_is_in_the_moderators_language(moderator, language, expected):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong", accept_language=language)

    assert response.status_code == 429
    html = response.content.decode()
    assert expected in html
    assert f'lang="{language}"' in html


def test_the_right_password_works_again_after_the_cool_off(moderator):
    from axes.models import AccessAttempt

    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    assert log_in(client, "password").status_code == 429

    # The cool-off passes: the attempts are older than it.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )

    response = log_in(client, "password")
    assert response.status_code == 302
    assert logged_in(client)


def test_a_right_password_before_the_limit_clears_the_count(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, "password").status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, "password").status_code == 302


def test_the_moderator_on_another_network_is_not_locked_out_by_an_attacker(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")

    moderator_elsewhere = Client(REMOTE_ADDR=ELSEWHERE)
    assert log_in(moderator_elsewhere, "password").status_code == 302


def test_the_same_ipv6_network_counts_as_one_client(moderator):
    for host in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker(f"2001:db8:1:2::{host + 1}"), "wrong")

    assert log_in(attacker("2001:db8:1:2:ffff::9"), "password").status_code == 429
    assert log_in(attacker("2001:db8:1:3::1"), "password").status_code == 302


def test_behind_proxies_the_attacker_cannot_escape_by_forging_x_forwarded_for(moderator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.5"
    for forged in range(settings.AXES_FAILURE_LIMIT):
        client = attacker(balancer, HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, {ADDRESS}")
        log_in(client, "wrong")

    forging = attacker(balancer, HTTP_X_FORWARDED_FOR=f"192.0.2.200, {ADDRESS}")
    assert log_in(forging, "password").status_code == 429
    # Another client behind the same balancer is someone else.
    other = attacker(balancer, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert log_in(other, "password").status_code == 302


def test_a_wrong_username_is_counted_too(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong", username="nobody")
    assert response.status_code == 429
    # The lockout is per account: the moderator's own login from there still works.
    assert log_in(client, "password").status_code == 302


def test_the_username_counts_whatever_its_case(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", username="MODERATOR")
    assert log_in(client, "password").status_code == 429


def test_a_password_typed_as_the_username_is_not_kept(moderator):
    from axes.models import AccessAttempt

    log_in(attacker(), "moderator", username="my-secret-password-typed-there")

    [attempt] = AccessAttempt.objects.values()
    assert "my-secret-password" not in str(attempt)
    assert "moderator" not in str(attempt)


def test_an_administrator_unlocks_the_account_with_unlock_login(moderator):
    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    assert log_in(client, "password").status_code == 429

    out = io.StringIO()
    call_command("unlock_login", "moderator", stdout=out)

    assert "moderator" in out.getvalue()
    assert "unlocked" in out.getvalue()
    assert log_in(client, "password").status_code == 302


def test_unlock_login_says_when_there_was_nothing_to_unlock(moderator):
    out = io.StringIO()
    call_command("unlock_login", "moderator", stdout=out)
    assert "no failed logins" in out.getvalue()


def test_unlock_login_needs_a_username(db):
    with pytest.raises(CommandError):
        call_command("unlock_login")


def test_the_lockout_is_kept_in_the_database_shared_by_every_web_process(moderator):
    """Not in one process's memory: clearing the local cache unlocks nothing."""
    from axes.models import AccessAttempt
    from django.core.cache import cache

    client = attacker()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    cache.clear()

    assert AccessAttempt.objects.filter(failures_since_start=settings.AXES_FAILURE_LIMIT).exists()
    assert log_in(client, "password").status_code == 429


def test_no_address_or_user_agent_is_kept_or_logged(moderator, settings, every_log):
    settings.TRUSTED_PROXY_COUNT = 1
    client = attacker("10.0.0.5", HTTP_X_FORWARDED_FOR=ELSEWHERE + ", " + ADDRESS)
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        log_in(client, "wrong")
    log_in(attacker(ELSEWHERE), "password")
    attacker(ELSEWHERE).get("/admin/logout/")

    # Something about the lockout was logged, and none of it names the client.
    assert any(record.name.startswith("axes") for record in every_log.records)
    for record in every_log.records:
        text = " ".join([record.getMessage(), repr(record.args), record.exc_text or ""])
        for secret in SECRETS:
            assert secret not in text, (record.name, secret)

    # Not in any column of any row of any table, axes' own tables included.
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.exists()
    for model in apps.get_models():
        for row in model.objects.values():
            for secret in SECRETS:
                assert secret not in str(row), (model.__name__, secret)
