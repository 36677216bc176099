from django.core.management.base import BaseCommand

from actions import services


class Command(BaseCommand):
    help = (
        'Publish the approved actions whose participant\'s "not before" time has come. '
        "Idempotent; run it every minute (cron, or a scheduler)."
    )

    def handle(self, *args, **options):
        published = services.publish_due()
        self.stdout.write(f"Published {len(published)} scheduled actions.")
