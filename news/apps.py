from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def stored_files(self):
        """Which files the rows point to, for manage.py check_files (soliday.filecheck)."""
        from news.filecheck import ArticleFiles

        return ArticleFiles()
