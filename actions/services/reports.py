"""Reports from the public: filing one, hiding the reported action at once, and closing
them when the moderator has decided.

Filing a report hides nothing (anyone could otherwise take any photo down); a moderator
hides the action with one click, as a takedown does: off every page, count and feed at
once, its files back in private storage, until the moderator rejects it or keeps it.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import Action, Report
from actions.services import history, queue
from actions.services.storage import STORAGE_ERRORS, consistent_files
from actions.services.visibility import conceal, release, save

logger = logging.getLogger(__name__)


def file_report(action, *, reason, details="", contact=""):
    """A visitor's report about a public action: stored, waiting at the top of the queue."""
    return Report.objects.create(
        action=action, reason=reason, details=details.strip(), contact=contact.strip()
    )


def hide_now(action_ids, moderator):
    """Hide each reported action that is public now; returns the ids hidden.

    Each under its row lock: an action decided meanwhile is left as it is; one a takedown
    hid stays hidden when the takedown is lifted (`hold_for_the_reports`).
    The reports stay open: hiding is not a decision, only a pause until one.
    A storage error while moving one action's photo spoils none of the others: that
    action is hidden all the same, and the task moves its photo (as after a takedown).
    """
    hidden, unmoved = hold_for_the_reports(action_ids, moderator), []
    # Those a takedown hid are held, hidden already: no second lock for them.
    for pk in sorted(set(action_ids) - set(hidden)):
        try:
            done = _hide(pk, moderator, move_files=True)
        except STORAGE_ERRORS:
            logger.exception(
                "Could not move the photo of reported action %s to private storage", pk
            )
            done = _hide(pk, moderator, move_files=False)
            if done:
                unmoved.append(pk)
        if done:
            hidden.append(pk)
    if unmoved:
        queue.hide_renditions_on_commit(unmoved)
    return hidden


def _hide(pk, moderator, *, move_files):
    """Hide one reported action if it is public now, in its own transaction; True if hidden."""
    with consistent_files():
        action = Action.objects.select_for_update().filter(pk=pk).first()
        if action is None or action.status not in (
            Action.Status.APPROVED,
            Action.Status.SCHEDULED,
        ):
            return False
        conceal(action, Action.Status.HIDDEN, move_files=move_files)
        action.takedown = None
        save(action)
        history.log(moderator, action, gettext("Hidden at once after a report."))
        return True


def hold_for_the_reports(action_ids, moderator):
    """Actions already hidden by a takedown are detached from it, so that lifting the
    takedown does not bring them back before the moderator rejects or keeps them; returns
    their ids."""
    held = []
    for pk in sorted(set(action_ids)):
        with transaction.atomic():
            action = (
                Action.objects.select_for_update()
                .filter(pk=pk, status=Action.Status.HIDDEN, takedown__isnull=False)
                .first()
            )
            if action is None:
                continue
            action.takedown = None
            action.save(update_fields=["takedown"])
            history.log(
                moderator,
                action,
                gettext("Hidden after a report: lifting the takedown no longer brings it back."),
            )
            held.append(pk)
    return held


def keep(action_ids, moderator):
    """The moderator looked and keeps the photo: the open reports are closed, and an action
    hidden after a report is public again (or held back as release() decides)."""
    kept = []
    for pk in sorted(set(action_ids)):
        with consistent_files():
            action = Action.objects.select_for_update().filter(pk=pk).first()
            if action is None:
                continue
            if action.status == Action.Status.HIDDEN and action.takedown_id is None:
                release(action)
            close(action, moderator, gettext("Kept public"))
            history.log(moderator, action, gettext("Reports closed: the photo is kept."))
            kept.append(pk)
    return kept


def close(action, moderator, outcome):
    """Close the open reports of `action` (inside the caller's transaction). What the
    reporter wrote and their contact go: the record keeps the reason and the outcome."""
    return (
        Report.objects.open()
        .filter(action=action)
        .update(
            resolved_at=timezone.now(),
            resolved_by=moderator,
            outcome=outcome[:200],
            details="",
            contact="",
        )
    )
