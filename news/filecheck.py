"""The files of news articles (lead images and their renditions), for `manage.py
check_files` (soliday.filecheck)."""

from django.core.files.storage import default_storage
from django.db import transaction

from news.models import Article
from news.services import PREFIX, image_paths
from soliday import files
from soliday.filecheck import Reference


class ArticleFiles:
    folders = {"default": (PREFIX,)}

    def references(self):
        rows = Article.objects.exclude(lead_image="").values_list(
            "pk", "lead_image", "lead_image_renditions"
        )
        for pk, image, renditions in rows.order_by("pk").iterator(chunk_size=2000):
            yield Reference("default", image, f"article {pk}: lead image", pk)
            for rendition in renditions:
                owner = f"article {pk}: {rendition.get('name', '?')}"
                yield Reference("default", rendition["path"], owner, pk)

    def repair_missing(self, missing):
        """An article with a file of its lead image gone loses the lead image (what is
        left of it is deleted on commit): the page shows none rather than a broken one."""
        repaired = 0
        for pk in sorted({ref.key for ref in missing}):
            with transaction.atomic():
                article = Article.objects.select_for_update().filter(pk=pk).first()
                if article is None:
                    continue
                paths = image_paths(article)
                present = [path for path in paths if default_storage.exists(path)]
                if len(present) == len(paths):
                    continue
                files.delete_on_commit(default_storage, present)
                article.lead_image = ""
                article.lead_image_renditions = []
                article.save(update_fields=["lead_image", "lead_image_renditions"])
                repaired += 1
        return repaired
