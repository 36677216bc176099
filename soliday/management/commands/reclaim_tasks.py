"""`manage.py reclaim_tasks`: queue again the tasks left RUNNING by dead workers."""

from django.core.management.base import BaseCommand

from soliday import workers


class Command(BaseCommand):
    help = (
        "Queue again the RUNNING tasks whose worker died (no heartbeat for TASKS_LEASE "
        "seconds, or a worker without heartbeat and TASKS_UNTRACKED_LEASE seconds); a task "
        "whose workers died too often is marked failed. Idempotent; run it from cron."
    )

    def handle(self, *args, **options):
        requeued, failed = workers.reclaim()
        self.stdout.write(f"{len(requeued)} tasks queued again, {len(failed)} marked failed.")
