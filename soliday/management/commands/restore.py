from django.core.management.base import BaseCommand, CommandError

from soliday import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database (DATABASE_URL) "
        "and empty media storage. Refuses a database that has any table."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup's folder")

    def handle(self, *args, source, **options):
        try:
            manifest = backup.restore(source)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        files = sum(len(entries) for entries in manifest["media"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created']}: the database and {files} media "
            "files. Run `manage.py migrate` if this code is newer than the backup."
        )
