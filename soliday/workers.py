"""Background workers that die mid-task: heartbeats, and reclaiming what they left.

django-tasks' database worker marks a task RUNNING when it takes it and FINISHED when
it ends; a worker killed in between (kill -9, out of memory, a lost machine) leaves the
task RUNNING for ever. `manage.py worker` runs that same worker with a heartbeat row
(`TaskWorker`) refreshed every TASKS_LEASE / 4 seconds, and `reclaim()` (run by every
worker as it starts and with each heartbeat, and by `manage.py reclaim_tasks` from
cron) queues again each RUNNING task whose worker is dead:

- its worker's heartbeat is older than TASKS_LEASE seconds, or
- its worker never had a heartbeat (a plain `db_worker`) and it started more than
  TASKS_UNTRACKED_LEASE seconds ago.

A task that has been taken MAX_RUNS times without finishing (it may be what kills
its worker) is marked FAILED instead, and `task_finished` is sent as for any failure,
so its owner can say so (actions.tasks: the photo shows as "processing failed").
The tasks must be idempotent: a worker cut off from the database, not dead, may still
finish a task that was queued again.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from soliday.models import TaskWorker

logger = logging.getLogger(__name__)

# A task taken this many times by workers that died is not queued again.
MAX_RUNS = 5


class WorkerLost(Exception):
    """Recorded as the error of a task whose workers kept dying while running it."""


def heartbeat_interval():
    return max(settings.TASKS_LEASE / 4, 0.05)


def beat(worker_id, now=None):
    """Record that the worker is alive (creating its row if a reclaim removed it)."""
    TaskWorker.objects.update_or_create(
        worker_id=worker_id, defaults={"last_seen": now or timezone.now()}
    )


def forget(worker_id):
    """The worker stops cleanly: its row goes."""
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def reclaim(now=None):
    """Queue again the RUNNING tasks of dead workers; returns (requeued, failed) ids."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.TASKS_LEASE)
    untracked_since = now - timedelta(seconds=settings.TASKS_UNTRACKED_LEASE)
    seen = dict(TaskWorker.objects.values_list("worker_id", "last_seen"))
    requeued, failed = [], []
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running.order_by("started_at"):
            owner = result.worker_ids[-1] if result.worker_ids else None
            last_seen = seen.get(owner)
            if last_seen is not None:
                if last_seen >= now - lease:
                    continue  # alive
            elif result.started_at is not None and result.started_at > untracked_since:
                continue  # an untracked worker's task, not yet overdue
            if len(result.worker_ids) >= MAX_RUNS:
                result.set_failed(
                    WorkerLost(f"{len(result.worker_ids)} workers stopped while running it")
                )
                failed.append(result)
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued.append(result.id)
        # The dead workers' rows go once their tasks are back in the queue.
        TaskWorker.objects.filter(last_seen__lt=now - lease).delete()
    for result in failed:
        logger.error("Task %s (%s) failed: its workers kept dying", result.id, result.task_path)
        _send_finished(result)
    for task_id in requeued:
        logger.warning("Task %s was queued again: its worker died while running it", task_id)
    return requeued, [result.id for result in failed]


def _send_finished(result):
    try:
        task_result = result.task_result
    except Exception:  # the task's code is gone: nobody to tell
        logger.exception("Task %s failed and its code cannot be loaded", result.id)
        return
    task_finished.send(sender=type(result.task.get_backend()), task_result=task_result)


class Heartbeat(threading.Thread):
    """Keeps the worker's row fresh and reclaims dead workers' tasks, until stopped."""

    def __init__(self, worker_id):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(heartbeat_interval()):
                self.tick()
        finally:
            connection.close()

    def tick(self):
        try:
            close_old_connections()
            beat(self.worker_id)
            reclaim()
        except Exception:  # the database is away: try again at the next beat
            logger.exception("Worker %s: heartbeat failed", self.worker_id)

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)
