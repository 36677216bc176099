"""Background tasks (django-tasks): photo processing with retries.

The immediate backend (the embedded default) runs a task as soon as it is
enqueued; production runs `manage.py db_worker` with the database backend,
which also supports waiting before a retry (`run_after`).
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from actions import photos, services

# Waits before the 2nd, 3rd, ... attempt when the backend can defer a task.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))


@task()
def process_action_photo(action_id):
    """Make the clean copy and renditions of an action's photo; retried on failure."""
    try:
        return services.process_photo(action_id)
    except photos.UnreadablePhoto as exc:
        # The same bytes will never decode: no point in trying again.
        services.record_processing_failure(action_id, f"Unreadable photo: {exc}", final=True)
    except Exception as exc:
        attempts = services.record_processing_failure(action_id, f"{type(exc).__name__}: {exc}")
        if attempts is not None and attempts < services.MAX_PROCESSING_ATTEMPTS:
            enqueue_processing(action_id, delay=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])
    return False


def enqueue_processing(action_id, *, delay=None):
    """Queue the photo of `action_id`; wait `delay` first when the backend can."""
    queued = process_action_photo
    if delay and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + delay)
    return queued.enqueue(action_id)


@task()
def publish_due_actions():
    """Publish the scheduled actions whose "not before" time has come."""
    return services.publish_due()


def enqueue_publication(at):
    """Publish what is due at `at`, when the backend can wait until then.

    The immediate backend cannot: `manage.py publish_due` (run every minute by cron
    or the scheduler) publishes what is due in any case.
    """
    if publish_due_actions.get_backend().supports_defer:
        return publish_due_actions.using(run_after=at).enqueue()
    return None


@task()
def hide_public_renditions(action_ids):
    """Move the photos of actions hidden by a takedown out of public storage."""
    return len(services.hide_renditions(action_ids))


def enqueue_hiding(action_ids):
    """Queue the move of these actions' photos (one batch: services.HIDE_BATCH at most)."""
    return hide_public_renditions.enqueue(list(action_ids))
