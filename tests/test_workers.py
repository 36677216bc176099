"""A worker killed in the middle of a task: the task is queued again by the next worker
(or `manage.py reclaim_tasks`), and a task whose workers keep dying shows as failed.

The first test kills a real `manage.py worker` with SIGKILL while it processes a photo
(PostgreSQL only: the worker process must see the test's database). The others give
workers heartbeats of a chosen age and call what the worker and the command call."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from soliday import workers
from soliday.models import TaskWorker
from tests.helpers.actions import submit
from tests.helpers.images import encode, noise

ROOT = Path(__file__).resolve().parent.parent
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.TASKS_LEASE = 60
    settings.TASKS_UNTRACKED_LEASE = 3600


def queued_photo(campaign, capture, data=None):
    """A participant's action whose photo task waits in the database queue."""
    with capture(execute=True):
        action = submit(campaign, data or encode(noise((800, 600)), "JPEG"))
    return action, DBTaskResult.objects.get()


def taken_by(result, worker_id, *, minutes_ago=0):
    """A worker takes the task, as db_worker does (DBTaskResult.claim)."""
    result.claim(worker_id)
    started = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
    result.refresh_from_db()


def heartbeat(worker_id, *, seconds_ago):
    TaskWorker.objects.create(
        worker_id=worker_id, last_seen=timezone.now() - timedelta(seconds=seconds_ago)
    )


def status(result):
    result.refresh_from_db()
    return result.status


# A real worker, killed


def manage(*args, env):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the worker process needs the test database on PostgreSQL (DATABASE_URL)",
)
@pytest.mark.usefixtures("transactional_db")
def test_a_worker_killed_during_processing_leaves_the_photo_to_the_next_worker(
    campaign, media_dirs, database_tasks, django_capture_on_commit_callbacks
):
    # Big enough that processing takes a good second: the kill lands in the middle.
    photo = encode(noise((5000, 3750)), "JPEG", quality=95)
    action, result = queued_photo(campaign, django_capture_on_commit_callbacks, photo)
    database = connection.settings_dict
    login = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{login}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        ),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TASKS_LEASE": "1",
        "MEDIA_ROOT": str(media_dirs / "media"),
        "PRIVATE_MEDIA_ROOT": str(media_dirs / "private"),
    }
    options = ["--no-startup-delay", "--interval", "0.05"]

    first = manage("worker", *options, env=env)
    try:
        wait_for(lambda: status(result) == TaskResultStatus.RUNNING, timeout=60, what="the task")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.QUEUED
    assert status(result) == TaskResultStatus.RUNNING  # what the kill leaves behind

    time.sleep(1.2)  # the dead worker's lease runs out
    second = manage("worker", *options, "--batch", env=env)
    output, _ = second.communicate(timeout=120)

    assert second.returncode == 0, output
    assert b"Queued again 1 tasks of dead workers" in output
    assert status(result) == TaskResultStatus.SUCCESSFUL
    assert len(result.worker_ids) == 2
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.READY
    assert not TaskWorker.objects.exists()  # the dead one reclaimed, the second gone cleanly


# Heartbeats of a chosen age


def test_the_task_of_a_worker_whose_heartbeat_stopped_is_queued_again(
    campaign, database_tasks, django_capture_on_commit_callbacks
):
    action, result = queued_photo(campaign, django_capture_on_commit_callbacks)
    taken_by(result, "dead-worker", minutes_ago=2)
    heartbeat("dead-worker", seconds_ago=61)

    out = io.StringIO()
    call_command("reclaim_tasks", stdout=out)

    assert "1 tasks queued again, 0 marked failed." in out.getvalue()
    assert status(result) == TaskResultStatus.READY
    assert result.started_at is None
    assert DBTaskResult.objects.ready().get() == result
    assert not TaskWorker.objects.exists()  # the dead worker's row is gone
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.QUEUED


def test_the_task_of_a_live_worker_is_left_alone_however_long_it_runs(
    campaign, database_tasks, django_capture_on_commit_callbacks
):
    action, result = queued_photo(campaign, django_capture_on_commit_callbacks)
    taken_by(result, "live-worker", minutes_ago=600)
    heartbeat("live-worker", seconds_ago=5)

    assert workers.reclaim() == ([], [])
    assert status(result) == TaskResultStatus.RUNNING
    assert TaskWorker.objects.filter(worker_id="live-worker").exists()


@pytest.mark.parametrize(("minutes_ago", "reclaimed"), [(59, False), (61, True)])
def test_a_worker_without_heartbeat_gets_the_untracked_lease(
    campaign, database_tasks, django_capture_on_commit_callbacks, minutes_ago, reclaimed
):
    """A plain db_worker (no heartbeat row): its task is overdue after TASKS_UNTRACKED_LEASE."""
    action, result = queued_photo(campaign, django_capture_on_commit_callbacks)
    taken_by(result, "db-worker", minutes_ago=minutes_ago)

    requeued, failed = workers.reclaim()

    assert (requeued == [result.id]) is reclaimed
    assert status(result) == (TaskResultStatus.READY if reclaimed else TaskResultStatus.RUNNING)


def test_a_photo_whose_workers_keep_dying_shows_as_processing_failed_to_moderators(
    campaign, moderator_client, database_tasks, django_capture_on_commit_callbacks
):
    action, result = queued_photo(campaign, django_capture_on_commit_callbacks)
    for run in range(workers.MAX_RUNS):
        taken_by(result, f"worker-{run}", minutes_ago=2)
        heartbeat(f"worker-{run}", seconds_ago=120)
        requeued, failed = workers.reclaim()
    assert (requeued, failed) == ([], [result.id])

    assert status(result) == TaskResultStatus.FAILED
    assert result.exception_class_path == "soliday.workers.WorkerLost"
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.FAILED
    assert "worker died" in action.processing_error
    page = moderator_client.get("/admin/actions/action/?status=all&photo_status__exact=failed")
    assert f"/admin/actions/action/{action.pk}/change/" in page.content.decode()


def test_the_worker_beats_and_forgets_its_row_when_it_stops(db, settings):
    workers.beat("w1")
    first = TaskWorker.objects.get().last_seen
    workers.beat("w1")
    assert TaskWorker.objects.get().last_seen >= first
    workers.forget("w1")
    assert not TaskWorker.objects.exists()
