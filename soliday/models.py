"""Site-wide rows: the background workers' heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskWorker(models.Model):
    """A running `manage.py worker`, which refreshes `last_seen` while it lives.

    A RUNNING task whose worker has not been seen for TASKS_LEASE seconds was left by a
    worker that died (killed, out of memory, machine lost): `soliday.workers.reclaim()`
    queues it again. Nothing about people is stored here.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")
        # reclaim() asks for the workers not seen since a moment.
        indexes = [models.Index(fields=["last_seen"], name="taskworker_last_seen_idx")]

    def __str__(self):
        return self.worker_id
