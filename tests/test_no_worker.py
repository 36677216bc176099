"""No worker runs (the tasks are queued and never run): an emergency takedown, a
withdrawal and a rejection still make every public file of the action unreachable
before the command or request returns.

These tests commit for real (transactional_db), so that what runs after the commit runs
where it would in production, inside the command or request, not when a test helper
chooses to run it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions import photos
from actions.models import Action
from tests.helpers.files import stored_files

pytestmark = pytest.mark.usefixtures("transactional_db", "in_english")


@pytest.fixture
def published(approved, visitor, media_dirs, settings):
    """An approved action whose photo is public; then the worker stops: from now on
    tasks are queued and never run (django-tasks' dummy backend)."""

    def make(**fields):
        action = approved(**fields)
        assert_published(visitor, action, media_dirs)
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        return action

    return make


def public_urls(action):
    return [f"/media/{rendition['path']}" for rendition in action.renditions]


def assert_published(visitor, action, media_dirs):
    assert action.renditions_public
    assert (
        len(stored_files(media_dirs / "media")) == len(action.renditions) == len(photos.RENDITIONS)
    )
    for url in public_urls(action):
        assert visitor.get(url).status_code == 200


def assert_unreachable(visitor, urls, media_dirs):
    assert stored_files(media_dirs / "media") == []
    for url in urls:
        assert visitor.get(url).status_code == 404


def test_an_emergency_takedown_by_command_removes_the_public_files_without_a_worker(
    visitor, published, media_dirs
):
    action = published(city="Minsk", country="BY")
    urls = public_urls(action)

    call_command(
        "takedown", "--city", "Minsk", "--country", "BY", "--reason", "Arrests.",
        stdout=io.StringIO(),
    )  # fmt: skip

    assert_unreachable(visitor, urls, media_dirs)
    action.refresh_from_db()
    assert action.status == Action.Status.HIDDEN
    assert not action.renditions_public
    # Kept in private storage, so that lifting the takedown can publish it again.
    private = set(stored_files(media_dirs / "private"))
    assert {rendition["path"] for rendition in action.renditions} <= private


def test_an_emergency_takedown_in_the_admin_removes_the_public_files_without_a_worker(
    visitor, published, moderator_client, media_dirs
):
    action = published(city="Minsk", country="BY")
    urls = public_urls(action)

    response = moderator_client.post(
        reverse("admin:actions_takedown_add"),
        {"country": "BY", "city": "Minsk", "reason": "Arrests.", "campaign": "", "hashtag": ""},
    )

    assert response.status_code == 302
    assert_unreachable(visitor, urls, media_dirs)


def test_a_moderators_rejection_of_a_public_action_removes_its_files_without_a_worker(
    visitor, published, moderator_client, media_dirs
):
    action = published()
    urls = public_urls(action)

    response = moderator_client.post(
        reverse("admin:actions_action_reject", args=[action.pk]),
        {"reason": "Faces after all.", "status_seen": "approved"},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert_unreachable(visitor, urls, media_dirs)
    assert stored_files(media_dirs / "private") == []


def test_a_participants_withdrawal_removes_the_public_files_without_a_worker(
    visitor, participant, published, media_dirs
):
    action = published()
    urls = public_urls(action)

    response = participant.post(
        "/en/actions/receipt/withdraw/", {"token": action.receipt_token, "confirm": "on"}
    )

    assert response.status_code == 302
    assert_unreachable(visitor, urls, media_dirs)
    assert stored_files(media_dirs / "private") == []
