from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class SolidayConfig(AppConfig):
    name = "soliday"
    verbose_name = "Soliday"

    def ready(self):
        from soliday import checks  # noqa: F401  (registers the system checks)

        self._bump_on_edits()

    @staticmethod
    def _bump_on_edits():
        """Saving or deleting what public pages show besides actions (articles, campaigns
        and their ideas and materials) makes every cached public page stale on commit."""
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from soliday import publiccache

        def bump(**kwargs):
            publiccache.bump_on_commit()

        for label in (
            "news.Article",
            "actions.Campaign",
            "actions.CampaignIdea",
            "actions.CampaignMaterial",
        ):
            model = apps.get_model(label)
            post_save.connect(bump, sender=model, weak=False, dispatch_uid=f"publiccache-{label}")
            post_delete.connect(
                bump, sender=model, weak=False, dispatch_uid=f"publiccache-{label}-d"
            )


class SolidayAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (two-factor login); `default = False` keeps
    SolidayConfig the one Django picks for "soliday" in INSTALLED_APPS."""

    default = False
    default_site = "soliday.adminsite.SolidayAdminSite"


class TasksDatabaseConfig(tasks_db_apps.TasksAppConfig):
    """django_tasks_db under a translated name: its own, "Tasks Database Backend", is in
    English only. `default = False`, as above."""

    default = False
    verbose_name = _("Background tasks")
