"""Lift the admin login's lockout of an account: `manage.py unlock_login USERNAME...`."""

from axes.utils import reset
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Lift the lockout of these accounts after too many failed admin logins."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args, usernames, **options):
        for username in usernames:
            if reset(username=username):
                self.stdout.write(f"{username}: unlocked; the failed logins are forgotten.")
            else:
                self.stdout.write(f"{username}: no failed logins to forget.")
