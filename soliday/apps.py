from django.apps import AppConfig


class SolidayConfig(AppConfig):
    name = "soliday"
    verbose_name = "Soliday"

    def ready(self):
        from soliday import checks  # noqa: F401  (registers the system checks)
