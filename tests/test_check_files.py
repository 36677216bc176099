"""`manage.py check_files [--repair]` as an operator runs it after a crash: rows whose
file is gone and files no row points to, in private and public storage."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from actions import photos
from actions.models import Action, CampaignMaterial
from news.models import Article
from tests.helpers.files import stored_files
from tests.helpers.images import make_image_bytes, upload
from tests.helpers.news import make_article

DAY = 24 * 3600


def check_files(*args):
    out = io.StringIO()
    call_command("check_files", *args, stdout=out)
    return out.getvalue()


def write(root, path, *, age):
    """A file left behind `age` seconds ago."""
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"left behind")
    then = time.time() - age
    os.utime(file, (then, then))
    return path


@pytest.fixture
def everything(approved, submitted, campaign, settings):
    """An approved action (public photo), a pending one (private photo and master), an
    action whose photo waits for the worker, a campaign poster and an article's image."""
    public = approved()
    pending = submitted()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    waiting = submitted()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    poster = CampaignMaterial(campaign=campaign, title="Poster")
    poster.file.save("poster.pdf", ContentFile(b"%PDF-1.4 poster"), save=True)
    article = make_article(image=upload(make_image_bytes()))
    return {
        "public": public,
        "pending": pending,
        "waiting": waiting,
        "poster": poster,
        "article": article,
    }


def test_a_consistent_site_reports_nothing_and_repair_changes_nothing(everything, media_dirs):
    before = stored_files(media_dirs / "media"), stored_files(media_dirs / "private")
    assert everything["waiting"].upload and everything["public"].renditions_public

    summary = "0 missing files, 0 files without rows (0 more younger than the grace period"
    assert check_files().startswith(summary)
    check_files("--repair")

    assert (stored_files(media_dirs / "media"), stored_files(media_dirs / "private")) == before


def test_files_without_rows_are_deleted_once_older_than_the_grace_period(
    everything, media_dirs, settings
):
    settings.ACTIONS_ORPHAN_GRACE = 3600
    private, public = media_dirs / "private", media_dirs / "media"
    old = [
        ("private", write(private, "incoming/killed-during-upload.upload", age=DAY)),
        ("private", write(private, "actions/killed-during-processing.jpg", age=DAY)),
        ("default", write(public, "actions/failed-delete.jpg", age=DAY)),
        ("default", write(public, "news/old-image.jpg", age=DAY)),
        ("default", write(public, "campaigns/old-poster.pdf", age=DAY)),
    ]
    being_written = write(private, "incoming/being-written-now.upload", age=60)
    # Not ours: a folder no app owns is never touched.
    elsewhere = write(public, "robots/other.txt", age=DAY)

    report = check_files()

    for alias, path in old:
        assert f"file without row\t{alias}\t{path}" in report
    assert "being-written-now" not in report and "robots" not in report
    assert "0 missing files, 5 files without rows (1 more younger than the grace period" in report
    assert (private / old[0][1]).exists()  # a report changes nothing

    report = check_files("--repair")

    assert "Repaired 0 rows, deleted 5 files." in report
    for alias, path in old:
        assert not ((private if alias == "private" else public) / path).exists()
    assert (private / being_written).exists()
    assert (public / elsewhere).exists()
    assert "0 missing files, 0 files without rows" in check_files()
    for action in ("public", "pending", "waiting"):
        row = Action.objects.get(pk=everything[action].pk)
        assert row.photo_status == everything[action].photo_status


def test_rows_without_files_are_repaired_and_say_what_is_missing(
    everything, media_dirs, moderator_client, django_capture_on_commit_callbacks
):
    private, public = media_dirs / "private", media_dirs / "media"
    approved = everything["public"]
    (public / approved.rendition("display")["path"]).unlink()
    waiting = everything["waiting"]
    (private / waiting.upload).unlink()
    pending = everything["pending"]
    (private / pending.photo).unlink()
    poster = everything["poster"]
    (public / poster.file.name).unlink()
    article = everything["article"]
    (public / article.lead_image_renditions[0]["path"]).unlink()

    report = check_files()

    assert f"missing file\tdefault\t{approved.rendition('display')['path']}" in report
    assert f"action {approved.pk}: display" in report
    assert f"missing file\tprivate\t{waiting.upload}\taction {waiting.pk}: upload" in report
    assert f"action {pending.pk}: master" in report
    assert f"material {poster.pk}" in report
    assert f"article {article.pk}: " in report
    assert "5 missing files, 0 files without rows" in report

    with django_capture_on_commit_callbacks(execute=True):
        report = check_files("--repair")

    assert "Repaired 5 rows" in report
    approved.refresh_from_db()
    assert approved.renditions == [] and not approved.renditions_public
    assert approved.photo_status == Action.PhotoStatus.FAILED
    assert not any("actions/" in path for path in stored_files(public))  # the rest deleted
    waiting.refresh_from_db()
    assert waiting.upload == "" and waiting.photo_status == Action.PhotoStatus.FAILED
    assert "uploaded file is missing" in waiting.processing_error
    pending.refresh_from_db()
    assert pending.photo == "" and pending.photo_status == Action.PhotoStatus.READY
    assert len(pending.renditions) == len(photos.RENDITIONS)
    assert not CampaignMaterial.objects.filter(pk=poster.pk).exists()
    article.refresh_from_db()
    assert not article.lead_image and article.lead_image_renditions == []
    assert Article.objects.count() == 1
    assert "0 missing files, 0 files without rows" in check_files()

    # The moderators see both photos under "processing failed".
    page = moderator_client.get("/admin/actions/action/?status=all&photo_status__exact=failed")
    html = page.content.decode()
    for action in (approved, waiting):
        assert f"/admin/actions/action/{action.pk}/change/" in html
