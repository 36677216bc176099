from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actions import services
from actions.models import Action


class Command(BaseCommand):
    help = (
        "Delete rejected and withdrawn actions decided more than N days ago, with their "
        "files, hashtags and admin history. Idempotent; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ACTIONS_PURGE_DAYS,
            help="Age in days of the decision or withdrawal (default: ACTIONS_PURGE_DAYS, "
            f"now {settings.ACTIONS_PURGE_DAYS}).",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = services.purge(days)
        rejected = deleted[Action.Status.REJECTED]
        withdrawn = deleted[Action.Status.WITHDRAWN]
        unit = "day" if days == 1 else "days"
        self.stdout.write(
            f"Deleted {rejected} rejected and {withdrawn} withdrawn actions "
            f"older than {days} {unit}."
        )
