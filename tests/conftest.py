"""Shared fixtures: the test environment, people by role, a campaign and its actions.

Plain helpers (pictures, stored files, actions and articles made in code) are in tests/helpers/."""

import datetime
import io
import logging
from contextlib import ExitStack

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation

from actions.models import ActionType, Campaign
from tests.helpers.actions import Participant, make_approved, make_hidden, make_submitted


@pytest.fixture(autouse=True)
def media_dirs(settings, tmp_path):
    """Every test writes media into its own temporary folders, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": settings.MEDIA_URL},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
    }
    return tmp_path


@pytest.fixture(autouse=True)
def fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Whole pages are stored only where a test asks (tests/test_page_cache.py): a test's
    # changes are never committed, so they would not bump the public generation.
    settings.PUBLIC_PAGE_CACHE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def no_language_left_behind():
    """A request in another language leaves it active in the thread: no test inherits it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clear_cache(fast_and_quiet):
    """Runs after the cache is swapped for a local one, so it clears the one tests use."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def task_not_run(settings, django_capture_on_commit_callbacks):
    """A worker that is down: the task is queued on commit, and does not run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        yield


@pytest.fixture
def in_english():
    """A request in another language leaves it active in the thread: start from English."""
    with translation.override("en"):
        yield


@pytest.fixture
def every_city_named(settings):
    """K = 1: public pages name every city from its first action. For tests of what pages
    show, not of the K threshold (tests/test_k_threshold.py keeps the default K)."""
    settings.ACTIONS_MIN_CITY_COUNT = 1


# People. moderator_client and editor_client are pytest-django's `client`, logged in: a
# test that also asks for `client` gets that same browser. `visitor` and `participant`
# are browsers of their own, never logged in.


@pytest.fixture
def visitor():
    """Someone who reads the public pages."""
    return Client()


@pytest.fixture
def participant():
    """Someone who sends the submission form: participant.send(campaign, **fields)."""
    return Participant()


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


def _staff_in(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(
        username=username, password="password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def moderator(roles, django_user_model):
    return _staff_in(django_user_model, "moderator", "Moderators")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def editor(roles, django_user_model):
    return _staff_in(django_user_model, "editor", "Editors")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def stranger(db, django_user_model):
    """Logged in, but no staff member."""
    return django_user_model.objects.create_user(username="stranger", password="password")


# Campaigns, and actions made as participants send them and moderators decide them


@pytest.fixture
def campaign(db):
    campaign = Campaign.objects.create(
        slug="4august",
        name_en="Day of Solidarity with Belarus",
        name_be="Дзень салідарнасці з Беларуссю",
        name_ru="День солидарности с Беларусью",
        starts_on=datetime.date(2026, 8, 4),
        action_types=[ActionType.PICKET, ActionType.PHOTO],
        is_active=True,
    )
    campaign.hashtags.add("4august", "4августа", "bysoliday")
    return campaign


@pytest.fixture
def other_campaign(db):
    """A second campaign, active too, later in the year: the letter marathon."""
    return Campaign.objects.create(
        slug="letters", name_en="Letter marathon", starts_on=datetime.date(2026, 12, 10)
    )


@pytest.fixture
def submitted(campaign, django_capture_on_commit_callbacks):
    """Make pending actions as the form submits them, and run what runs after commit:
    submitted(*, campaign, photo=True, **fields).

    `photo`: True for a 640 × 480 picture (processed by the task), the bytes of another,
    False for none; `fields` go to services.submit_action (see tests.helpers.actions.submit).
    """

    def make(*, campaign=campaign, photo=True, **fields):
        return make_submitted(campaign, django_capture_on_commit_callbacks, photo=photo, **fields)

    return make


@pytest.fixture
def approved(campaign, moderator, django_capture_on_commit_callbacks):
    """Make approved actions as participants send them and moderators approve them, and
    run what runs after commit: approved(place=None, *, campaign, photo=True, **fields).

    `place`: a dict of city, country, latitude and longitude; `photo`: a processed photo,
    public once approved (False: an action without one, quicker where pictures do not
    matter); `fields` go to services.submit_action (see tests.helpers.actions.submit;
    the private address is SECRET_EMAIL unless given).
    """

    def make(place=None, *, campaign=campaign, photo=True, **fields):
        fields = {**(place or {}), **fields}
        capture = django_capture_on_commit_callbacks
        return make_approved(campaign, moderator, capture, photo=photo, **fields)

    return make


@pytest.fixture
def hidden(campaign, moderator, django_capture_on_commit_callbacks):
    """A pending and a rejected action, which no public page may show."""
    return make_hidden(campaign, moderator, django_capture_on_commit_callbacks)


@pytest.fixture
def every_log(caplog):
    """Every logger at DEBUG into caplog, those that do not propagate included, and the
    SQL with its parameters (django.db.backends logs it only with a debug cursor)."""
    with ExitStack() as stack:
        names = ["", *logging.root.manager.loggerDict]
        for name in names:
            stack.enter_context(caplog.at_level(logging.DEBUG, logger=name or None))
            logger = logging.getLogger(name)
            if name and not logger.propagate:
                logger.addHandler(caplog.handler)
                stack.callback(logger.removeHandler, caplog.handler)
        previous = connection.force_debug_cursor
        connection.force_debug_cursor = True
        stack.callback(setattr, connection, "force_debug_cursor", previous)
        yield caplog
