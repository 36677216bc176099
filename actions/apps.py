from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Actions")

    def stored_files(self):
        """Which files the rows point to, for manage.py check_files (soliday.filecheck)."""
        from actions.filecheck import ActionFiles

        return ActionFiles()

    def ready(self):
        # Connects the receiver that marks a photo whose task failed (actions.tasks).
        from actions import tasks  # noqa: F401
