"""The whole cycle: submit → pending → approve → public, and nothing with metadata public."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

from actions import services
from actions.models import Action, Campaign
from tests.helpers.actions import submit
from tests.helpers.admin import approve_on_page, messages_of
from tests.helpers.files import stored_files
from tests.helpers.images import (
    assert_no_metadata,
    gps_exif,
    heic_bytes,
    jpeg_with_everything,
    two_colour,
)


@pytest.mark.parametrize("photo", ["jpeg", "heic"])
def test_submit_pending_approve_public(
    moderator_client, visitor, campaign, media_dirs, django_capture_on_commit_callbacks, photo
):
    data = (
        jpeg_with_everything(orientation=6)
        if photo == "jpeg"
        else heic_bytes(two_colour((1200, 900)), exif=gps_exif(6).tobytes())
    )

    # Submit (the form's part is tested in test_actions_submit.py).
    with django_capture_on_commit_callbacks(execute=True):
        action = submit(campaign, data, email="participant@example.org", language="ru")
    action.refresh_from_db()

    # Pending: processed, private, not public anywhere.
    assert action.status == Action.Status.PENDING
    assert action.photo_status == Action.PhotoStatus.READY, action.processing_error
    assert stored_files(media_dirs / "media") == []
    assert not Action.objects.approved().exists()
    detail = reverse("actions:detail", args=[action.pk])
    assert visitor.get(detail).status_code == 404
    thumb = reverse("admin:actions_action_photo", args=[action.pk, "thumb"])
    assert visitor.get(thumb).status_code == 404
    assert moderator_client.get(thumb).status_code == 200
    assert_no_metadata(media_dirs / "private" / action.photo)

    # The moderator opens it from the pending queue, goes through the checklist, approves.
    queue = moderator_client.get("/admin/actions/action/?status=pending")
    assert list(queue.context["cl"].result_list) == [action]
    with django_capture_on_commit_callbacks(execute=True):
        response = approve_on_page(moderator_client, action)
    assert "1 action approved." in messages_of(response)

    # Public: the renditions are in the public storage, turned the right way.
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert list(Action.objects.approved()) == [action]
    public = sorted(r["path"] for r in action.renditions)
    assert sorted(stored_files(media_dirs / "media")) == public
    for rendition in action.renditions:
        assert default_storage.exists(rendition["path"])
        if rendition["name"] != "share":
            assert rendition["height"] > rendition["width"]  # orientation 6 was applied
    # Nothing stays private: the upload, the private copies and the unblurred master are gone.
    assert action.photo == ""
    assert stored_files(media_dirs / "private") == []
    page = visitor.get(detail)
    assert page.status_code == 200
    display = default_storage.url(action.rendition("display")["path"])
    assert display in page.content.decode()

    # Every file under the public media root is free of metadata.
    for path in stored_files(media_dirs / "media"):
        assert_no_metadata(media_dirs / "media" / path)

    # The participant is told, in Russian, with the public link.
    [message] = mail.outbox
    assert f"{settings.SITE_URL}/ru/actions/{action.pk}/" in message.body
    assert "participant@example.org" not in page.content.decode()


def test_approved_photo_is_served_publicly_and_pending_is_not(
    campaign, media_dirs, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pending = submit(campaign, jpeg_with_everything())
        approved = submit(campaign, jpeg_with_everything())
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([approved], moderator)
    pending.refresh_from_db()
    approved.refresh_from_db()

    public_paths = {r["path"] for r in approved.renditions}
    for rendition in pending.renditions:
        assert rendition["path"] not in public_paths
        assert not default_storage.exists(rendition["path"])
    assert set(stored_files(media_dirs / "media")) == public_paths


def test_demo_content_is_idempotent(
    db, media_dirs, monkeypatch, django_capture_on_commit_callbacks
):
    from actions import demo

    monkeypatch.setattr(demo, "SIZES", {"landscape": (240, 160), "portrait": (160, 220)})
    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load() == len(demo.APPROVED) + len(demo.PENDING)
    files_after_first = stored_files(media_dirs)

    with django_capture_on_commit_callbacks(execute=True):
        assert demo.load() == 0

    assert stored_files(media_dirs) == files_after_first
    campaign = Campaign.objects.get(slug="4august")
    assert campaign.is_active
    assert sorted(t.name for t in campaign.hashtags.all()) == ["4august", "4августа", "bysoliday"]
    approved = Action.objects.approved()
    assert approved.count() == len(demo.APPROVED) >= 24
    assert approved.values("country").distinct().count() >= 10
    assert Action.objects.pending().count() == len(demo.PENDING)
    assert not Action.objects.exclude(photo_status__in=["ready", "none"]).exists()
    for action in approved.exclude(photo_status="none"):
        assert action.renditions_public
        for rendition in action.renditions:
            assert (media_dirs / "media" / rendition["path"]).exists()
