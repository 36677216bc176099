"""Lift the admin login's lockout of an account: `manage.py unlock_login USERNAME...`.

axes keeps usernames as salted hashes (soliday.loginlock), so its own axes_reset_username
finds nothing; this hashes the names first. `manage.py axes_reset` still forgets everything.
"""

from axes.utils import reset
from django.conf import settings
from django.core.management.base import BaseCommand

from soliday.loginlock import username_pseudonym


class Command(BaseCommand):
    help = "Lift the lockout of these accounts after too many failed admin logins."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args, usernames, **options):
        for username in usernames:
            credentials = {settings.AXES_USERNAME_FORM_FIELD: username}
            if reset(username=username_pseudonym(None, credentials)):
                self.stdout.write(f"{username}: unlocked; the failed logins are forgotten.")
            else:
                self.stdout.write(f"{username}: no failed logins to forget.")
