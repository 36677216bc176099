from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from news import legacy
from news.models import Article


class Command(BaseCommand):
    help = (
        "Import articles exported from the legacy site. PATH is a file or a folder of .txt "
        "files. All files are checked first: if any is malformed, nothing is imported. "
        "Importing a file again updates its article."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        parsed, errors = [], []
        for path in self.expand(paths):
            try:
                # utf-8-sig: a byte order mark from a Windows editor is not part of the title.
                text = path.read_text(encoding="utf-8-sig")
                item = legacy.parse(text)
                self.check_lengths(item)
                parsed.append((path, item))
            except (OSError, UnicodeDecodeError, legacy.LegacyFormatError) as exc:
                errors.append(f"{path}: {self.describe(exc)}")
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} malformed file(s); nothing was imported.")
        created = updated = 0
        with transaction.atomic():
            for path, item in parsed:
                article, was_created = self.save(item)
                created += was_created
                updated += not was_created
                verb = "created" if was_created else "updated"
                self.stdout.write(f"{path}: {verb} {article.language}/{article.slug}")
        self.stdout.write(f"Imported {len(parsed)} file(s): {created} created, {updated} updated.")

    def expand(self, paths):
        for name in paths:
            path = Path(name)
            if path.is_dir():
                yield from sorted(path.glob("*.txt"))
            else:
                yield path

    def check_lengths(self, item):
        """What the database would refuse is a malformed file too, found before any write."""
        for attribute, field in [
            ("title", "title"),
            ("author", "author"),
            ("source", "source"),
            ("image_url", "lead_image_source_url"),
        ]:
            limit = Article._meta.get_field(field).max_length
            if len(getattr(item, attribute)) > limit:
                name = attribute.replace("_", " ")
                raise legacy.LegacyFormatError(f"the {name} is longer than {limit} characters")

    def describe(self, exc):
        if isinstance(exc, UnicodeDecodeError):
            return "not UTF-8 text"
        if isinstance(exc, OSError):
            return exc.strerror or str(exc)
        return str(exc)

    def save(self, item):
        article = Article.objects.filter(legacy_key=item.legacy_key).first()
        created = article is None
        if created:
            article = Article(legacy_key=item.legacy_key, language=item.language)
        article.title = item.title
        article.slug = article.slug if not created else self.unique_slug(item)
        article.lead = item.lead
        article.body = item.body_html
        article.body_format = Article.BodyFormat.HTML
        article.author = item.author
        article.source = item.source
        article.lead_image_source_url = item.image_url
        article.status = Article.Status.PUBLISHED
        article.published_at = item.published_at
        article.save()
        # updated_at is auto_now; keep the legacy modification time instead.
        Article.objects.filter(pk=article.pk).update(
            updated_at=item.modified_at or item.published_at
        )
        return article, created

    def unique_slug(self, item):
        base = slugify(item.title, allow_unicode=True)[:240] or "article"
        slug, n = base, 1
        while Article.objects.filter(language=item.language, slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug
