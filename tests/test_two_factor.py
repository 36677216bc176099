"""Two-factor login (TOTP) for staff, required for moderators when the setting says so."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# Requests in Belarusian and Russian leave the language active in the thread.
pytestmark = pytest.mark.usefixtures("in_english")

LOGIN = "/admin/login/"
ENROL = "/admin/two-factor/"
CHANGELIST = "/admin/actions/action/?status=pending"


@pytest.fixture
def moderators_need_2fa(settings):
    settings.ADMIN_2FA_REQUIRED_GROUPS = ["Moderators"]


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp waits seconds after each wrong code; tests that want it turn it back on."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device, steps_ahead=0):
    """The code the moderator's app shows now (or in the next steps: a code is good once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client, token=None, username="moderator", **headers):
    data = {"username": username, "password": "password", "next": "/admin/"}
    if token is not None:
        data["otp_token"] = token
    return client.post(LOGIN, data, headers=headers)


def enrol(client):
    """The moderator opens the enrolment page and types the code their app shows."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(ENROL, {"otp_token": code(device)})
    assert response.status_code == 302, response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_by_default_a_moderator_logs_in_with_the_password_alone(moderator):
    client = Client()
    response = log_in(client)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get(CHANGELIST).status_code == 200


def test_the_login_page_asks_for_the_code(db):
    html = Client().get(LOGIN).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'for="id_otp_token"' in html


def test_a_moderator_without_a_device_is_sent_to_enrol_before_anything_else(
    moderator, moderators_need_2fa, submitted
):
    action = submitted()
    client = Client()
    response = log_in(client)
    assert response.status_code == 302

    # Every admin page leads to the enrolment page; the photos answer 404.
    change = f"/admin/actions/action/{action.pk}/change/"
    for path in ["/admin/", CHANGELIST, change, "/admin/auth/user/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ENROL, path
    photo = reverse("admin:actions_action_photo", args=[action.pk, "master"])
    assert client.get(photo).status_code == 404

    # The enrolment page shows the secret, its otpauth link and a QR code made here.
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=moderator, confirmed=False)
    assert device.config_url in html.replace("&amp;", "&")
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "") in device.config_url
    assert re.search(r'<img [^>]*src="data:image/svg\+xml', html)
    assert re.search(r'<img [^>]*alt="[^"]+"', html)
    assert "<script" not in html.split("</head>")[1]
    assert " style=" not in html


def test_a_wrong_code_at_enrolment_keeps_the_device_unconfirmed(moderator, moderators_need_2fa):
    client = Client()
    log_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = f"{(int(code(device)) + 1) % 10**6:06d}"

    response = client.post(ENROL, {"otp_token": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/admin/")["Location"] == ENROL


def test_an_empty_code_at_enrolment_is_refused_clearly(moderator, moderators_need_2fa):
    client = Client()
    log_in(client)
    client.get(ENROL)

    response = client.post(ENROL, {"otp_token": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_after_enrolment_the_moderator_works_and_later_logs_in_with_a_code(
    moderator, moderators_need_2fa, submitted
):
    action = submitted()
    client = Client()
    log_in(client)
    device = enrol(client)

    assert client.get("/admin/").status_code == 200
    assert client.get(CHANGELIST).status_code == 200
    photo = reverse("admin:actions_action_photo", args=[action.pk, "master"])
    assert client.get(photo).status_code == 200
    client.post("/admin/logout/")

    # The password alone no longer logs in.
    client = Client()
    response = log_in(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = log_in(client, token=code(device, steps_ahead=1))
    assert response.status_code == 302
    assert client.get(CHANGELIST).status_code == 200


def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(moderator):
    client = Client()
    log_in(client)
    device = enrol(client)
    client.post("/admin/logout/")
    wrong = f"{(int(code(device)) + 7) % 10**6:06d}"

    client = Client()
    response = log_in(client, token=wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, token=wrong)
    assert response.status_code == 429  # the password was right, the codes were not
    assert log_in(client, token=code(device, steps_ahead=1)).status_code == 429


def test_a_code_is_good_once(moderator):
    client = Client()
    log_in(client)
    device = enrol(client)
    client.post("/admin/logout/")
    token = code(device, steps_ahead=1)

    assert log_in(Client(), token=token).status_code == 302
    response = log_in(Client(), token=token)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()


def test_wrong_codes_in_a_row_make_the_moderator_wait(moderator, settings):
    client = Client()
    log_in(client)
    device = enrol(client)
    client.post("/admin/logout/")
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    wrong = f"{(int(code(device)) + 3) % 10**6:06d}"

    log_in(Client(), token=wrong)
    response = log_in(Client(), token=code(device, steps_ahead=1))

    assert response.status_code == 200
    assert "Too many wrong codes in a row" in response.content.decode()


def test_a_session_from_before_enrolment_must_log_in_again_with_a_code(moderator):
    """A moderator's other browser, logged in with the password alone, loses the admin."""
    other_browser = Client()
    log_in(other_browser)
    client = Client()
    log_in(client)
    enrol(client)

    response = other_browser.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_editor_is_not_made_to_enrol_but_may(editor, moderators_need_2fa):
    client = Client()
    log_in(client, username="editor")
    assert client.get("/admin/").status_code == 200
    assert ENROL in client.get("/admin/").content.decode()  # the link in the user tools

    device = enrol(client)
    client.post("/admin/logout/")
    assert log_in(Client(), username="editor").status_code == 200
    assert log_in(Client(), username="editor", token=code(device, 1)).status_code == 302


def test_a_verified_moderator_may_replace_the_device(moderator, moderators_need_2fa):
    client = Client()
    log_in(client)
    old = enrol(client)

    client.get(ENROL)
    new = TOTPDevice.objects.get(confirmed=False)
    assert client.post(ENROL, {"otp_token": code(new, 1)}).status_code == 302

    assert list(TOTPDevice.objects.filter(user=moderator)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(CHANGELIST).status_code == 200  # this session moved to the new device


def test_someone_logged_out_cannot_enrol(db):
    response = Client().get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_stranger_cannot_enrol(stranger):
    client = Client()
    client.force_login(stranger)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("be", "Двухфактарны ўваход"), ("ru", "Двухфакторный вход")],
)
def test_the_enrolment_page_speaks_the_moderators_language(
    moderator, moderators_need_2fa, language, expected
):
    client = Client()
    log_in(client)
    html = client.get(ENROL, headers={"accept-language": language}).content.decode()
    assert expected in html
    assert f'lang="{language}"' in html
