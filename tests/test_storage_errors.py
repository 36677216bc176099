"""Object storage fails otherwise than the local disk: botocore's errors are no OSError.

Every path that carries on past one file's failure (a takedown, lifting it, a moderator's
batch, hiding a reported photo, the feed's enclosure) carries on past these too.
"""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.core.files.storage import storages
from django.urls import reverse

from actions import services
from actions.models import Action, Report
from actions.services.storage import STORAGE_ERRORS
from tests.helpers.admin import messages_of
from tests.helpers.files import refuse_to_open, stored_files

pytestmark = pytest.mark.usefixtures("in_english")


def paths_of(action):
    return {r["path"] for r in action.renditions}


def queued_hides(backend):
    return [r.args[0] for r in backend.results if r.task.name == "hide_public_renditions"]


def keep_queued_tasks(settings):
    """From now on queued tasks are kept, not run: what a request queued is there to see."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    return default_task_backend


def test_storage_errors_cover_the_disk_and_s3():
    for error in (
        FileNotFoundError("gone"),
        ClientError({"Error": {"Code": "AccessDenied"}}, "GetObject"),
        EndpointConnectionError(endpoint_url="http://s3.invalid"),
    ):
        assert isinstance(error, STORAGE_ERRORS)


def test_hiding_reported_photos_goes_on_past_an_s3_error(
    moderator_client,
    approved,
    media_dirs,
    settings,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    broken, fine = approved(), approved()
    dummy_tasks = keep_queued_tasks(settings)
    reports = [Report.objects.create(action=a, reason=Report.Reason.DANGER) for a in (broken, fine)]
    refuse_to_open(monkeypatch, storages["default"], paths_of(broken))

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            "/admin/actions/report/",
            {"action": "hide_now", "_selected_action": [r.pk for r in reports], "index": 0},
            follow=True,
        )

    assert response.status_code == 200
    assert messages_of(response) == [
        "2 actions are hidden from every public page; reject them or keep them."
    ]
    broken.refresh_from_db()
    fine.refresh_from_db()
    # Both are off every page at once; the one whose photo could not move is queued.
    assert {broken.status, fine.status} == {Action.Status.HIDDEN}
    assert fine.renditions_public is False
    assert not paths_of(fine) & set(stored_files(media_dirs / "media"))
    assert broken.renditions_public is True
    assert queued_hides(dummy_tasks) == [[broken.pk]]
    assert f"reported action {broken.pk}" in caplog.text
    # The task, once storage answers again, moves it.
    monkeypatch.undo()
    assert services.hide_renditions([broken.pk]) == [broken.pk]
    broken.refresh_from_db()
    assert not paths_of(broken) & set(stored_files(media_dirs / "media"))


def test_moving_a_takedowns_files_goes_on_past_an_s3_error(
    approved, moderator, monkeypatch, media_dirs, django_capture_on_commit_callbacks, caplog
):
    broken, fine = approved(country="PL"), approved(country="PL")
    with django_capture_on_commit_callbacks(execute=False):
        services.take_down(country="PL", reason="Danger.", user=moderator)
    refuse_to_open(monkeypatch, storages["default"], paths_of(broken))

    assert services.hide_renditions([broken.pk, fine.pk]) == [fine.pk]

    assert f"hidden action {broken.pk}" in caplog.text
    broken.refresh_from_db()
    assert broken.renditions_public is True  # left for the task to try again


def test_lifting_a_takedown_counts_an_s3_error_and_releases_the_rest(
    approved, moderator, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    broken, fine = approved(country="PL"), approved(country="PL")
    with django_capture_on_commit_callbacks(execute=True):
        takedown = services.take_down(country="PL", reason="Danger.", user=moderator)
    broken.refresh_from_db()
    refuse_to_open(monkeypatch, storages["private"], paths_of(broken))

    with django_capture_on_commit_callbacks(execute=True):
        lifted = services.lift_takedown(takedown, user=moderator, reason="Over.")

    assert (lifted.released, lifted.failed) == (1, 1)
    assert f"action {broken.pk} after lifting" in caplog.text
    assert Action.objects.get(pk=fine.pk).status == Action.Status.APPROVED
    assert Action.objects.get(pk=broken.pk).status == Action.Status.HIDDEN


def test_approving_a_batch_goes_on_past_an_s3_error(
    submitted, moderator, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    broken, fine = submitted(), submitted()
    broken.refresh_from_db()
    refuse_to_open(monkeypatch, storages["private"], paths_of(broken))

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.approve([broken, fine], moderator)

    assert outcome.failed == [broken.pk]
    assert [a.pk for a in outcome.decided] == [fine.pk]
    assert f"photo of action {broken.pk}" in caplog.text
    assert Action.objects.get(pk=broken.pk).status == Action.Status.PENDING


def test_the_feed_shows_a_photo_whose_size_s3_cannot_tell(visitor, approved, campaign, monkeypatch):
    action = approved()

    def size_unknown(name):
        raise EndpointConnectionError(endpoint_url="http://s3.invalid")

    monkeypatch.setattr(storages["default"], "size", size_unknown)
    response = visitor.get(reverse("actions:feed-campaign", kwargs={"slug": campaign.slug}))

    assert response.status_code == 200
    assert f"/en/actions/{action.pk}/" in response.content.decode()
    assert 'length="0"' in response.content.decode()
