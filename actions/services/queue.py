"""The one place that hands work to the background tasks (`actions.tasks`).

Services name the tasks they queue instead of importing them: the tasks call the
services, so importing them here would close a loop (`release()` queues the task
that calls `publish_due()`, which calls `release()`). Everything is queued once the
caller's transaction is committed, and `robust`: a queue that is down must not fail
the participant's or moderator's request (the admin shows what waits and can retry).
"""

from django.db import transaction
from django.utils.module_loading import import_string

PROCESS_PHOTO = "actions.tasks.process_action_photo"
PUBLISH_DUE = "actions.tasks.publish_due_actions"
HIDE_RENDITIONS = "actions.tasks.hide_public_renditions"

# Actions moved out of public storage per background task after a takedown.
HIDE_BATCH = 200


def task(name):
    return import_string(name)


def process_photo_on_commit(action_id):
    """Queue the processing of an action's photo."""
    process = task(PROCESS_PHOTO)
    transaction.on_commit(lambda: process.enqueue(action_id), robust=True)


def publish_due_on_commit(at):
    """Publish what is due at `at`, when the backend can wait until then.

    The immediate backend cannot: `manage.py publish_due` (run every minute by cron or
    the scheduler) publishes what is due in any case.
    """
    publish = task(PUBLISH_DUE)

    def enqueue():
        if publish.get_backend().supports_defer:
            publish.using(run_after=at).enqueue()

    transaction.on_commit(enqueue, robust=True)


def hide_renditions_on_commit(action_ids):
    """Queue the move of these actions' photos out of public storage, HIDE_BATCH at a time."""
    hide = task(HIDE_RENDITIONS)
    batches = [action_ids[i : i + HIDE_BATCH] for i in range(0, len(action_ids), HIDE_BATCH)]

    def enqueue():
        for batch in batches:
            hide.enqueue(list(batch))

    transaction.on_commit(enqueue, robust=True)
