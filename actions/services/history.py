"""The admin's history of an action or a takedown: who did what, when and why."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from actions.models import Action

# Rows written per statement when thousands of actions get the same entry.
CHUNK = 500


def log(user, obj, message, flag=CHANGE):
    """One history entry by `user` (nothing for the command line, which has none)."""
    if user is not None:
        LogEntry.objects.log_actions(
            user.pk, [obj], flag, change_message=message, single_object=True
        )


def log_many(user, pks, message):
    """The same entry for many actions (a takedown), a few statements per thousand."""
    for start in range(0, len(pks), CHUNK):
        actions = Action.objects.filter(pk__in=pks[start : start + CHUNK]).only(
            "pk", "action_type", "city"
        )
        LogEntry.objects.log_actions(user.pk, list(actions), CHANGE, change_message=message)


def entries(pk):
    """The history entries of the action `pk`."""
    content_type = ContentType.objects.get_for_model(Action)
    return LogEntry.objects.filter(content_type=content_type, object_id=str(pk))
