"""`manage.py worker`: django-tasks' db_worker with a heartbeat, so that the tasks of a
worker that dies are queued again (soliday.workers)."""

from django_tasks_db.management.commands import db_worker

from soliday import workers


class Command(db_worker.Command):
    help = (
        "Run the background tasks (the database backend) with a heartbeat; on start and "
        "with each heartbeat, queue again the tasks of workers that died. Takes "
        "db_worker's options."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A production command: no autoreload unless asked (--reload).
        parser.set_defaults(reload=False)

    def handle(self, *args, worker_id, **options):
        workers.beat(worker_id)
        requeued, failed = workers.reclaim()
        if requeued or failed:
            self.stdout.write(
                f"Queued again {len(requeued)} tasks of dead workers; {len(failed)} failed."
            )
        heartbeat = workers.Heartbeat(worker_id)
        heartbeat.start()
        try:
            return super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stop()
            workers.forget(worker_id)
