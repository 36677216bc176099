from django.core.management.base import BaseCommand, CommandError

from soliday import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's backup API) and the public and private "
        "media (through the storages: disk or buckets) into a new folder, with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="a new or empty folder")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup.backup(destination)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        files = {alias: len(entries) for alias, entries in manifest["media"].items()}
        self.stdout.write(
            f"Backed up the {manifest['database']['engine']} database, {files['default']} public "
            f"and {files['private']} private media files into {destination}."
        )
