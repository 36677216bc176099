"""`manage.py check_files [--repair]`: rows without files and files without rows."""

from django.core.management.base import BaseCommand

from soliday import filecheck


class Command(BaseCommand):
    help = (
        "Report rows whose file is missing and files no row points to, in private and "
        "public storage. With --repair, drop the missing files' references (an action's "
        "photo then shows as 'processing failed') and delete the orphans older than "
        "ACTIONS_ORPHAN_GRACE seconds. Idempotent; run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Repair what is found (default: report only)."
        )

    def handle(self, *args, repair=False, **options):
        report = filecheck.check(repair=repair)
        for ref in report.missing:
            self.stdout.write(f"missing file\t{ref.storage}\t{ref.path}\t{ref.owner}")
        for alias, path in report.orphans:
            self.stdout.write(f"file without row\t{alias}\t{path}")
        summary = (
            f"{len(report.missing)} missing files, {len(report.orphans)} files without rows "
            f"({len(report.young)} more younger than the grace period, left alone)."
        )
        if repair:
            summary += (
                f" Repaired {report.repaired_rows} rows, deleted {report.deleted_files} files."
            )
        elif report.missing or report.orphans:
            summary += " Run with --repair to repair."
        self.stdout.write(summary)
