"""Deleting actions for good: rejected and withdrawn ones after ACTIONS_PURGE_DAYS, and
what an administrator deletes in the admin."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from actions import stats
from actions.models import Action
from actions.services import history
from actions.services.storage import consistent_files, delete_files_on_commit


def delete_action(action):
    """Delete an action with every file it has, once the deletion is committed."""
    stats.unpublish(action)
    delete_files_on_commit(action)
    action.delete()


def purge(days, *, now=None):
    """Delete the rejected and withdrawn actions decided more than `days` days ago.

    Each goes with its remaining files, its hashtags and its admin history.
    Idempotent; returns how many were deleted, by status.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    rejected, withdrawn = Action.Status.REJECTED, Action.Status.WITHDRAWN
    stale = (
        Q(status=rejected, moderated_at__lt=cutoff)
        | Q(status=rejected, moderated_at__isnull=True, submitted_at__lt=cutoff)
        | Q(status=withdrawn, withdrawn_at__lt=cutoff)
        | Q(status=withdrawn, withdrawn_at__isnull=True, submitted_at__lt=cutoff)
    )
    deleted = {rejected: 0, withdrawn: 0}
    for pk in list(Action.objects.filter(stale).order_by("pk").values_list("pk", flat=True)):
        with consistent_files():
            # Locked and checked again: a moderator may have reconsidered it meanwhile.
            action = Action.objects.select_for_update().filter(stale, pk=pk).first()
            if action is None:
                continue
            history.entries(pk).delete()
            delete_action(action)
        deleted[action.status] += 1
    return deleted
