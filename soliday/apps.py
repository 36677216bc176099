from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


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
