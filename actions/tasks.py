"""Background tasks (django-tasks): photo processing with retries, scheduled publication,
and moving hidden photos out of public storage.

The immediate backend (the embedded default) runs a task as soon as it is
enqueued; production runs `manage.py worker` with the database backend,
which also supports waiting before a retry (`run_after`). Services queue these
through `actions.services.queue`, by name; the tasks call the services.
"""

from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from actions import photos
from actions.services import processing, takedowns, visibility

# Waits before the 2nd, 3rd, ... attempt when the backend can defer a task.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))


@task()
def process_action_photo(action_id):
    """Make the clean copy and renditions of an action's photo; retried on failure."""
    try:
        return processing.process_photo(action_id)
    except photos.UnreadablePhoto as exc:
        # The same bytes will never decode: no point in trying again.
        processing.record_processing_failure(action_id, f"Unreadable photo: {exc}", final=True)
    except Exception as exc:
        attempts = processing.record_processing_failure(action_id, f"{type(exc).__name__}: {exc}")
        if attempts is not None and attempts < processing.MAX_PROCESSING_ATTEMPTS:
            _retry(action_id, delay=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])
    return False


def _retry(action_id, *, delay):
    """Queue the photo of `action_id` again, after `delay` when the backend can wait."""
    queued = process_action_photo
    if queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + delay)
    return queued.enqueue(action_id)


@task()
def publish_due_actions():
    """Publish the scheduled actions whose "not before" time has come."""
    return visibility.publish_due()


@task()
def hide_public_renditions(action_ids):
    """Move the photos of actions hidden by a takedown out of public storage."""
    return len(takedowns.hide_renditions(action_ids))


@receiver(task_finished)
def photo_task_failed(sender, task_result, **kwargs):
    """A photo task that ended FAILED never recorded why itself (it records every error
    it catches): its workers kept dying (soliday.workers.reclaim) or it was interrupted.
    The photo then shows as "processing failed" to moderators, who may retry it."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != process_action_photo.module_path:
        return
    (action_id,) = task_result.args
    processing.record_processing_failure(
        action_id, "Processing stopped: the worker died or was interrupted.", final=True
    )
