"""`manage.py purge`: rejected and withdrawn actions are deleted for good after N days."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions import services
from actions.models import Action, TaggedAction
from tests.helpers.files import stored_files


@pytest.fixture
def rejected(submitted, moderator, django_capture_on_commit_callbacks):
    """A rejected action, decided `days_ago`."""

    def make(days_ago, **overrides):
        action = submitted(**overrides)
        with django_capture_on_commit_callbacks(execute=True):
            services.reject([action], moderator, "Faces")
        Action.objects.filter(pk=action.pk).update(
            moderated_at=timezone.now() - timedelta(days=days_ago)
        )
        return action

    return make


@pytest.fixture
def withdrawn(submitted, django_capture_on_commit_callbacks):
    """A withdrawn action, withdrawn `days_ago`."""

    def make(days_ago, **overrides):
        action = submitted(**overrides)
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw(action)
        Action.objects.filter(pk=action.pk).update(
            withdrawn_at=timezone.now() - timedelta(days=days_ago)
        )
        return action

    return make


def purge(*args):
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue().strip()


def exists(action):
    return Action.objects.filter(pk=action.pk).exists()


def test_old_rejected_and_withdrawn_actions_are_deleted(rejected, withdrawn, submitted, settings):
    assert settings.ACTIONS_PURGE_DAYS == 7
    old_rejected, new_rejected = rejected(8), rejected(6)
    old_withdrawn, new_withdrawn = withdrawn(8), withdrawn(6)
    pending = submitted()
    Action.objects.filter(pk=pending.pk).update(submitted_at=timezone.now() - timedelta(days=30))

    assert purge() == "Deleted 1 rejected and 1 withdrawn actions older than 7 days."

    assert not exists(old_rejected)
    assert not exists(old_withdrawn)
    assert exists(new_rejected)
    assert exists(new_withdrawn)
    assert exists(pending)


def test_approved_scheduled_and_hidden_actions_are_never_purged(
    submitted, moderator, django_capture_on_commit_callbacks
):
    actions = [submitted(), submitted(), submitted()]
    services.set_not_before(actions[1], timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(actions, moderator)
    Action.objects.update(
        moderated_at=timezone.now() - timedelta(days=100),
        submitted_at=timezone.now() - timedelta(days=100),
    )
    Action.objects.filter(pk=actions[2].pk).update(status=Action.Status.HIDDEN)

    assert purge("--days", "0") == "Deleted 0 rejected and 0 withdrawn actions older than 0 days."
    assert Action.objects.count() == 3


def test_purge_takes_the_hashtags_history_and_files_along(
    rejected, media_dirs, django_capture_on_commit_callbacks
):
    action = rejected(8, hashtags=["4august", "freebelarus"])
    kept = rejected(1, hashtags=["4august"])
    assert TaggedAction.objects.filter(content_object=action).count() == 2
    assert LogEntry.objects.filter(object_id=str(action.pk)).exists()
    # A file left behind (a photo still being processed when it was rejected, say).
    leftover = services.private_storage().save("incoming/leftover.upload", ContentFile(b"x"))
    Action.objects.filter(pk=action.pk).update(upload=leftover)

    with django_capture_on_commit_callbacks(execute=True):
        purge()

    assert not TaggedAction.objects.filter(content_object_id=action.pk).exists()
    assert not LogEntry.objects.filter(object_id=str(action.pk)).exists()
    assert not services.private_storage().exists(leftover)
    assert TaggedAction.objects.filter(content_object=kept).count() == 1
    assert LogEntry.objects.filter(object_id=str(kept.pk)).exists()
    assert stored_files(media_dirs / "private") == []
    assert stored_files(media_dirs / "media") == []


def test_purge_is_idempotent(rejected, withdrawn):
    rejected(10)
    withdrawn(10)
    assert purge() == "Deleted 1 rejected and 1 withdrawn actions older than 7 days."
    assert purge() == "Deleted 0 rejected and 0 withdrawn actions older than 7 days."
    assert not Action.objects.exists()


def test_the_age_comes_from_the_setting_or_the_option(rejected, settings):
    settings.ACTIONS_PURGE_DAYS = 3
    four, two = rejected(4), rejected(2)

    assert purge() == "Deleted 1 rejected and 0 withdrawn actions older than 3 days."
    assert not exists(four)
    assert exists(two)
    assert purge("--days", "1") == "Deleted 1 rejected and 0 withdrawn actions older than 1 day."
    assert not exists(two)


def test_without_a_decision_time_the_submission_time_counts(submitted):
    action = submitted()
    Action.objects.filter(pk=action.pk).update(
        status=Action.Status.REJECTED,
        moderated_at=None,
        submitted_at=timezone.now() - timedelta(days=8),
    )
    assert purge() == "Deleted 1 rejected and 0 withdrawn actions older than 7 days."


@pytest.mark.parametrize("days", ["-1", "seven"])
def test_a_bad_number_of_days_is_refused(db, days):
    with pytest.raises(CommandError):
        call_command("purge", "--days", days, stdout=StringIO())
