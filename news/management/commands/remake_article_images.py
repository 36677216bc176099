from django.core.management.base import BaseCommand
from django.db import transaction

from news import services
from news.models import Article
from soliday import files


class Command(BaseCommand):
    help = (
        "Make the lead image renditions of every article again from its stored master, "
        "at the widths and formats new uploads get (after an upgrade that changed them). "
        "Articles whose renditions are already current are left alone, so running it again "
        "changes nothing; the old files are deleted once the new ones are committed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the articles it would remake."
        )

    def handle(self, *args, dry_run=False, **options):
        remade = current = failed = 0
        pks = Article.objects.exclude(lead_image="").order_by("pk").values_list("pk", flat=True)
        for pk in list(pks):
            try:
                changed = self.remake(pk, dry_run)
            except OSError as exc:
                # A missing or broken master is check_files' business, not a reason to stop;
                # the rollback has deleted whatever was written for this article.
                self.stderr.write(f"article {pk}: {exc}")
                failed += 1
                continue
            remade += changed is True
            current += changed is False
        verb = "would remake" if dry_run else "remade"
        self.stdout.write(
            f"Article images: {verb} {remade}, {current} already current, {failed} failed."
        )

    def remake(self, pk, dry_run):
        """True if the article's renditions were (or would be) made again, False if they
        are current, None if the article or its image has gone meanwhile."""
        # One article a transaction: an editor waits for one article's lock at most, and
        # a failure keeps the articles remade before it.
        with files.delete_files_on_error(), transaction.atomic():
            article = Article.objects.select_for_update().filter(pk=pk).first()
            if article is None or not article.lead_image:
                return None
            changed = services.remake_renditions(article, dry_run=dry_run)
            if changed and not dry_run:
                # Not updated_at: the article's text did not change, and feeds and the
                # sitemap must not announce the whole archive as updated.
                article.save(update_fields=["lead_image_renditions"])
            return changed
