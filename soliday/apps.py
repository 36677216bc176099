from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class SolidayConfig(AppConfig):
    name = "soliday"
    verbose_name = "Soliday"

    def ready(self):
        from soliday import checks  # noqa: F401  (registers the system checks)


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
