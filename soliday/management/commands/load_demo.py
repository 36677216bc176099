from django.core.management.base import BaseCommand

from actions import demo as actions_demo
from news import demo as news_demo


class Command(BaseCommand):
    help = "Load demo content for a local site. Idempotent: running it twice changes nothing."

    def handle(self, *args, **options):
        news_demo.load(stdout=self.stdout)
        actions_demo.load(stdout=self.stdout)
