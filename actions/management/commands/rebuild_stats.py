from django.core.management.base import BaseCommand

from actions import stats


class Command(BaseCommand):
    help = (
        "Recount the campaign results (tallies and map cells) from the approved actions. "
        "Idempotent; needed only after changing rows outside the services."
    )

    def handle(self, *args, **options):
        count = stats.rebuild()
        self.stdout.write(f"Counted {count} approved actions.")
