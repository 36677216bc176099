from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Actions")

    def ready(self):
        # Connects the receiver that marks a photo whose task failed (actions.tasks).
        from actions import tasks  # noqa: F401
