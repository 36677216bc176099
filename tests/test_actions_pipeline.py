"""The photo pipeline: submitting, processing in the background, approving and rejecting,
and the consistency of rows and files throughout."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from actions import photos, services, tasks
from actions.models import Action
from actions.services import moderation
from soliday import files
from tests.helpers.actions import submit
from tests.helpers.files import stored_files
from tests.helpers.images import (
    BLUE,
    RED,
    animated_bytes,
    assert_no_metadata,
    encode,
    gps_exif,
    heic_bytes,
    jpeg_with_everything,
    mpo_bytes,
    two_colour,
)

RANDOM_NAME = re.compile(r"^actions/[0-9a-f]{32}\.(jpg|webp)$")


def private_path(media_dirs, path):
    return media_dirs / "private" / path


def close(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=False))


# Submitting


def test_submit_without_photo_stores_a_pending_action_and_no_file(campaign, media_dirs):
    action = submit(campaign, None, hashtags=["4августа", "bysoliday"])

    assert action.status == Action.Status.PENDING
    assert action.photo_status == Action.PhotoStatus.NONE
    assert sorted(t.name for t in action.hashtags.all()) == ["4августа", "bysoliday"]
    assert stored_files(media_dirs / "private") == []
    assert stored_files(media_dirs / "media") == []


def test_submit_stores_the_upload_privately_and_queues_it(campaign, media_dirs, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    data = jpeg_with_everything()

    with transaction.atomic():
        action = submit(campaign, data)
        # Nothing is queued before the row is committed.
        assert tasks.process_action_photo.get_backend().results == []

    assert action.photo_status == Action.PhotoStatus.QUEUED
    assert re.fullmatch(r"incoming/[0-9a-f]{32}\.upload", action.upload)
    # The participant's picture, without its metadata (tests/test_location_precision.py).
    stored = private_path(media_dirs, action.upload).read_bytes()
    assert b"PhoneMaker" not in stored
    assert stored.endswith(data[data.index(b"\xff\xda") :])
    assert stored_files(media_dirs / "media") == []


def test_submit_queues_the_task_after_commit(
    campaign, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        action = submit(campaign, jpeg_with_everything())

    [result] = tasks.process_action_photo.get_backend().results
    assert result.task.func is tasks.process_action_photo.func
    assert result.args == [action.pk]


def test_a_rolled_back_submission_leaves_no_file(campaign, media_dirs):
    with pytest.raises(RuntimeError), files.delete_files_on_error(), transaction.atomic():
        submit(campaign, jpeg_with_everything())
        assert len(stored_files(media_dirs / "private")) == 1
        raise RuntimeError("the view failed after storing")

    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []


def test_a_failure_after_the_file_is_written_leaves_no_file(campaign, media_dirs, monkeypatch):
    def broken_set(self, tags, **kwargs):
        raise RuntimeError("database trouble")

    monkeypatch.setattr("taggit.managers._TaggableManager.set", broken_set)

    with pytest.raises(RuntimeError):
        submit(campaign, jpeg_with_everything())

    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []


def test_a_failed_storage_write_leaves_no_row(campaign, media_dirs, monkeypatch):
    storage = storages["private"]

    def full_disk(name, content):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "_save", full_disk)

    with pytest.raises(OSError, match="No space"):
        submit(campaign, jpeg_with_everything())

    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []


def test_nothing_about_the_request_is_stored(campaign):
    action = submit(campaign, None)
    fields = {f.name for f in Action._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user_agent", "remote_addr"}
    assert action.email == ""


# Processing


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("JPEG", lambda: jpeg_with_everything()),
        ("PNG", lambda: encode(two_colour((640, 480)), "PNG")),
        ("PNG with alpha", lambda: encode(two_colour((640, 480)).convert("RGBA"), "PNG")),
        ("WEBP", lambda: encode(two_colour((640, 480)), "WEBP", exif=gps_exif().tobytes())),
        ("HEIF", lambda: heic_bytes(two_colour((640, 480)), exif=gps_exif().tobytes())),
        ("MPO", lambda: mpo_bytes((640, 480))),
        ("16-bit PNG", lambda: encode(Image.new("I;16", (640, 480), 30000), "PNG")),
        ("1-bit PNG", lambda: encode(Image.new("1", (640, 480), 1), "PNG")),
        ("CMYK JPEG", lambda: encode(two_colour((640, 480)).convert("CMYK"), "JPEG")),
        ("greyscale JPEG", lambda: encode(two_colour((640, 480)).convert("L"), "JPEG")),
    ],
)
def test_each_allowed_format_becomes_clean_renditions(media_dirs, submitted, fmt, data):
    action = submitted(photo=data())

    assert action.photo_status == Action.PhotoStatus.READY, action.processing_error
    assert action.upload == ""
    assert [r["name"] for r in action.renditions] == ["thumb", "medium", "display", "share"]
    assert not action.renditions_public
    paths = [action.photo, *(r["path"] for r in action.renditions)]
    for path in paths:
        assert RANDOM_NAME.match(path), path
        assert_no_metadata(private_path(media_dirs, path))
    # The original bytes are gone; only the clean copies remain, none of them public.
    assert sorted(stored_files(media_dirs / "private")) == sorted(paths)
    assert stored_files(media_dirs / "media") == []


def test_renditions_have_their_sizes_on_the_row(media_dirs, submitted):
    action = submitted(photo=encode(two_colour((4000, 3000)), "JPEG"))

    # Decoded at half size (2000 px still covers the 1600 px display rendition).
    assert (action.photo_width, action.photo_height) == (2000, 1500)
    sizes = {r["name"]: (r["width"], r["height"]) for r in action.renditions}
    assert sizes == {
        "thumb": (400, 300),
        "medium": (800, 600),
        "display": (1600, 1200),
        "share": (1200, 630),
    }
    for rendition in action.renditions:
        with Image.open(private_path(media_dirs, rendition["path"])) as image:
            assert image.size == (rendition["width"], rendition["height"])
            assert image.format == ("JPEG" if rendition["name"] == "share" else "WEBP")


def test_decoder_scaling_is_used_for_big_jpegs():
    image = photos.decode(encode(two_colour((8000, 6000)), "JPEG"), max_pixels=50_000_000)

    # Decoded at 1/4 scale, never below the display rendition's 1600 px: not 8000 × 6000
    # in memory.
    assert image.size == (2000, 1500)
    assert photos.clean(image).size == (2000, 1500)


def test_orientation_is_applied_once(media_dirs, submitted):
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    data = encode(two_colour((400, 200)), "JPEG", exif=gps_exif(orientation=6).tobytes())

    action = submitted(photo=data)

    sizes = {r["name"]: (r["width"], r["height"]) for r in action.renditions}
    assert (action.photo_width, action.photo_height) == (200, 400)
    assert sizes["thumb"] == (200, 400)
    assert sizes["display"] == (200, 400)
    with Image.open(private_path(media_dirs, action.photo)) as master:
        assert close(master.getpixel((100, 50)), RED)  # the left half is now on top
        assert close(master.getpixel((100, 350)), BLUE)


def test_heic_rotation_is_not_applied_twice(media_dirs, submitted):
    """pillow-heif rotates on decoding and resets the EXIF orientation to 1."""
    action = submitted(photo=heic_bytes(two_colour((400, 200)), exif=gps_exif(6).tobytes()))

    assert action.photo_status == Action.PhotoStatus.READY, action.processing_error
    assert (action.photo_width, action.photo_height) == (200, 400)
    with Image.open(private_path(media_dirs, action.photo)) as master:
        assert close(master.getpixel((100, 50)), RED)
        assert close(master.getpixel((100, 350)), BLUE)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animations_keep_their_first_frame(media_dirs, submitted, fmt):
    action = submitted(photo=animated_bytes(fmt))

    assert action.photo_status == Action.PhotoStatus.READY
    for path in [action.photo, *(r["path"] for r in action.renditions)]:
        with Image.open(private_path(media_dirs, path)) as image:
            assert getattr(image, "n_frames", 1) == 1
            assert close(image.convert("RGB").getpixel((10, 10)), RED)


def test_processing_twice_changes_nothing(media_dirs, submitted):
    action = submitted(photo=jpeg_with_everything())
    before = stored_files(media_dirs / "private")

    assert services.process_photo(action.pk) is False
    assert stored_files(media_dirs / "private") == before


def test_a_photo_finished_elsewhere_meanwhile_is_left_alone(
    campaign, media_dirs, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    action = submit(campaign, jpeg_with_everything())
    render = photos.render

    def render_while_another_worker_finishes(master, *args, **kwargs):
        Action.objects.filter(pk=action.pk).update(photo_status=Action.PhotoStatus.READY)
        return render(master, *args, **kwargs)

    monkeypatch.setattr(photos, "render", render_while_another_worker_finishes)

    assert services.process_photo(action.pk) is False
    assert stored_files(media_dirs / "private") == [action.upload]  # nothing written twice
    # A failure reported late for an action that no longer waits changes nothing.
    assert services.record_processing_failure(action.pk, "late") is None
    action.refresh_from_db()
    assert action.processing_error == ""


def test_a_photo_whose_action_was_deleted_is_not_processed(campaign, media_dirs, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    action = submit(campaign, jpeg_with_everything())
    Action.objects.filter(pk=action.pk).delete()

    assert services.process_photo(action.pk) is False
    assert [p for p in stored_files(media_dirs / "private") if p.startswith("actions/")] == []


def test_a_failing_task_is_retried_then_visible_and_never_lost(media_dirs, submitted, monkeypatch):
    calls = []

    def broken_render(master, *args, **kwargs):
        calls.append(1)
        raise OSError("storage unavailable")

    monkeypatch.setattr(photos, "render", broken_render)

    action = submitted(photo=jpeg_with_everything())

    assert len(calls) == services.MAX_PROCESSING_ATTEMPTS
    assert action.photo_status == Action.PhotoStatus.FAILED
    assert action.processing_attempts == services.MAX_PROCESSING_ATTEMPTS
    assert "storage unavailable" in action.processing_error
    # The upload is kept, so a moderator can retry once the trouble is over.
    assert private_path(media_dirs, action.upload).exists()
    assert Action.objects.filter(photo_status=Action.PhotoStatus.FAILED).count() == 1


def test_retry_processing_makes_a_failed_photo_ready(
    media_dirs, submitted, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(photos, "render", lambda master: (_ for _ in ()).throw(OSError("down")))
    action = submitted(photo=jpeg_with_everything())
    assert action.photo_status == Action.PhotoStatus.FAILED
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_processing(Action.objects.filter(pk=action.pk))

    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.READY
    assert action.processing_attempts == 1
    assert action.processing_error == ""
    assert not private_path(media_dirs, "incoming").exists() or not any(
        private_path(media_dirs, "incoming").iterdir()
    )


def test_a_retry_waits_when_the_backend_can_defer(campaign, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(photos, "render", lambda master: (_ for _ in ()).throw(OSError("down")))
    action = submit(campaign, jpeg_with_everything())
    backend = tasks.process_action_photo.get_backend()

    tasks.process_action_photo.call(action.pk)

    [retry] = backend.results
    assert retry.args == [action.pk]
    assert retry.task.run_after > timezone.now() + timedelta(seconds=20)
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.QUEUED
    assert action.processing_attempts == 1


def test_an_unreadable_file_fails_at_once(campaign, media_dirs):
    # The service refuses such a file: here it is damaged in storage while it waits.
    action = submit(campaign, encode(two_colour((640, 480)), "JPEG"))
    truncated = heic_bytes(two_colour((640, 480)), exif=gps_exif().tobytes())[:300]
    private_path(media_dirs, action.upload).write_bytes(truncated)

    tasks.process_action_photo.call(action.pk)
    action.refresh_from_db()

    assert action.photo_status == Action.PhotoStatus.FAILED
    assert action.processing_attempts == 1
    assert action.processing_error.startswith("Unreadable photo")
    assert action.renditions == []


def test_too_many_pixels_is_refused_by_the_task_too(settings):
    with pytest.raises(photos.UnreadablePhoto):
        photos.decode(encode(two_colour((400, 300)), "PNG"), max_pixels=100_000)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        encode(Image.new("RGB", (64, 64)), "TIFF"),
    ],
)
def test_foreign_or_broken_files_are_unreadable(data):
    with pytest.raises(photos.UnreadablePhoto):
        photos.decode(data, max_pixels=50_000_000)


# Approving and rejecting


def test_approve_publishes_the_renditions_under_new_names(
    media_dirs, submitted, moderator, django_capture_on_commit_callbacks
):
    action = submitted(photo=jpeg_with_everything())
    private_renditions = [r["path"] for r in action.renditions]

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.approve(Action.objects.filter(pk=action.pk), moderator)

    action.refresh_from_db()
    assert outcome.decided == [action]
    assert action.status == Action.Status.APPROVED
    assert action.renditions_public
    assert action.moderated_by == moderator
    assert action.moderated_at is not None
    public = [r["path"] for r in action.renditions]
    assert not set(public) & set(private_renditions)
    assert sorted(stored_files(media_dirs / "media")) == sorted(public)
    # The private copies and the unblurred master go on commit: nothing stays private.
    assert action.photo == ""
    assert stored_files(media_dirs / "private") == []
    entry = LogEntry.objects.get(object_id=str(action.pk))
    assert entry.user == moderator
    assert entry.change_message == "Approved. Checklist not filled in."


def test_approve_refuses_a_photo_that_is_not_ready(campaign, moderator, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    waiting = submit(campaign, jpeg_with_everything())
    failed = submit(campaign, jpeg_with_everything())
    Action.objects.filter(pk=failed.pk).update(photo_status=Action.PhotoStatus.FAILED)

    outcome = services.approve([waiting, failed], moderator)

    assert outcome.decided == []
    assert [a.pk for a in outcome.photo_not_ready] == [waiting.pk, failed.pk]
    assert Action.objects.approved().count() == 0
    assert LogEntry.objects.count() == 0


def test_an_action_without_photo_can_be_approved(campaign, moderator, media_dirs):
    letter = submit(campaign, None, action_type="letter")

    services.approve([letter], moderator)

    letter.refresh_from_db()
    assert letter.status == Action.Status.APPROVED
    assert stored_files(media_dirs / "media") == []


def test_reject_keeps_nothing_public(
    media_dirs, submitted, moderator, django_capture_on_commit_callbacks
):
    action = submitted(photo=jpeg_with_everything())
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)
    assert stored_files(media_dirs / "media") != []

    # Without `reconsider`, an approved action is not rejected (someone decided first).
    outcome = services.reject([action], moderator, "Too late")
    assert outcome.already_decided and not outcome.decided

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.reject([action], moderator, "A face is visible.", reconsider=True)

    action.refresh_from_db()
    assert outcome.decided == [action]
    assert action.status == Action.Status.REJECTED
    assert action.rejection_reason == "A face is visible."
    assert not action.renditions_public
    assert stored_files(media_dirs / "media") == []
    # Only the blurred renditions are kept; the unblurred master went with the approval.
    assert action.photo == ""
    kept = sorted(r["path"] for r in action.renditions)
    assert sorted(stored_files(media_dirs / "private")) == kept


def test_a_rolled_back_approval_leaves_no_public_file(media_dirs, submitted, moderator):
    action = submitted(photo=jpeg_with_everything())
    private_before = stored_files(media_dirs / "private")

    with pytest.raises(RuntimeError), files.delete_files_on_error(), transaction.atomic():
        services.approve([action], moderator)
        assert stored_files(media_dirs / "media") != []
        raise RuntimeError("the admin view failed after approving")

    action.refresh_from_db()
    assert action.status == Action.Status.PENDING
    assert stored_files(media_dirs / "media") == []
    assert stored_files(media_dirs / "private") == private_before


def test_a_missing_file_fails_one_approval_not_the_batch(media_dirs, submitted, moderator):
    broken = submitted(photo=jpeg_with_everything())
    fine = submitted(photo=jpeg_with_everything())
    private_path(media_dirs, broken.renditions[1]["path"]).unlink()

    outcome = services.approve(Action.objects.all(), moderator)

    assert outcome.failed == [broken.pk]
    assert outcome.decided == [fine]
    broken.refresh_from_db()
    assert broken.status == Action.Status.PENDING
    assert len(stored_files(media_dirs / "media")) == 4  # only the fine action's renditions


def test_a_public_file_already_missing_does_not_block_rejecting(
    media_dirs, submitted, moderator, django_capture_on_commit_callbacks
):
    # Rejecting deletes the photo rather than moving it back to private storage: nothing
    # is read, so a file lost meanwhile cannot keep a photo public.
    action = submitted(photo=jpeg_with_everything())
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)
    action.refresh_from_db()
    (media_dirs / "media" / action.renditions[0]["path"]).unlink()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.reject([action], moderator, "Remove it.", reconsider=True)

    assert outcome.decided == [action] and outcome.failed == []
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert action.photo_status == Action.PhotoStatus.REMOVED
    assert stored_files(media_dirs / "media") == []
    assert stored_files(media_dirs / "private") == []


def test_deciding_a_deleted_action_does_nothing(campaign, moderator):
    outcome = services.approve([12345], moderator)
    assert outcome == services.Outcome()
    assert services.reject([12345], moderator, "x") == services.Outcome()


def test_delete_action_removes_its_files(
    media_dirs, submitted, moderator, django_capture_on_commit_callbacks
):
    action = submitted(photo=jpeg_with_everything())
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)
    action.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_action(action)

    assert stored_files(media_dirs / "media") == []
    assert stored_files(media_dirs / "private") == []


# Two moderators at once (PostgreSQL: SQLite has no row locks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_moderators_deciding_at_once_record_one_decision(
    campaign, moderator, django_user_model, media_dirs, monkeypatch, second
):
    other = django_user_model.objects.create_user(username="other", is_staff=True)
    # No transaction around the test: the immediate backend processes it on commit.
    action = submit(campaign, encode(two_colour((640, 480)), "JPEG"))
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.READY
    barrier = threading.Barrier(2)
    stamp = moderation.stamp

    def slow_stamp(action, moderator):
        time.sleep(0.3)  # hold the row lock while the other moderator arrives
        stamp(action, moderator)

    monkeypatch.setattr(moderation, "stamp", slow_stamp)
    outcomes = {}

    def decide(name, user, decision):
        try:
            barrier.wait()
            if decision == "approve":
                outcomes[name] = services.approve([action.pk], user)
            else:
                outcomes[name] = services.reject([action.pk], user, "No.")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("first", moderator, "approve")),
        threading.Thread(target=decide, args=("second", other, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    decided = [name for name, outcome in outcomes.items() if outcome.decided]
    skipped = [name for name, outcome in outcomes.items() if outcome.already_decided]
    assert len(decided) == 1 and len(skipped) == 1
    assert LogEntry.objects.filter(object_id=str(action.pk)).count() == 1
    action.refresh_from_db()
    winner = moderator if decided == ["first"] else other
    assert action.moderated_by == winner


def test_a_portrait_photo_fits_in_the_box_not_by_width(media_dirs, submitted):
    action = submitted(photo=encode(two_colour((3000, 4000)), "JPEG"))

    sizes = {r["name"]: (r["width"], r["height"]) for r in action.renditions}
    # Not 1600 × 2133: a portrait photo is as high as a landscape one is wide.
    assert sizes == {
        "thumb": (300, 400),
        "medium": (600, 800),
        "display": (1200, 1600),
        "share": (1200, 630),
    }


def test_a_photo_between_two_decoder_scales_keeps_what_covers_the_display(media_dirs, submitted):
    # Half of 3000 would be below 1600 px: decoded whole, and within the master's cap.
    action = submitted(photo=encode(two_colour((3000, 2000)), "JPEG"))

    assert (action.photo_width, action.photo_height) == (3000, 2000)
    assert action.rendition("display")["width"] == 1600
