"""Moderators' decisions: approve or reject pending actions, one locked row at a time.

Views, admin actions and commands call approve() and reject(); each decision stamps
the moderator, records the checklist, writes the history and tells the participant.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import Action, ChecklistItem
from actions.services import history, mail, queue, reports
from actions.services.storage import (
    STORAGE_ERRORS,
    consistent_files,
    forget_master,
    private_storage,
)
from actions.services.visibility import DECIDED_VISIBLE, conceal, release, remove_photo, save
from soliday import files

logger = logging.getLogger(__name__)

# Photos that cannot be published: still being processed, failed, or deleted.
NOT_PUBLISHABLE = (
    Action.PhotoStatus.QUEUED,
    Action.PhotoStatus.FAILED,
    Action.PhotoStatus.REMOVED,
)


@dataclass
class Outcome:
    """What a moderation call did, for the moderator's message."""

    decided: list = field(default_factory=list)
    already_decided: list = field(default_factory=list)
    photo_not_ready: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def approve(actions, moderator, *, reconsider=False, checklist=()):
    """Approve pending actions: each is made public, or held (see visibility.release()).

    Only pending actions are decided (with `reconsider`, rejected ones too), each
    under a row lock, so two moderators approving at once record one decision.
    An action whose photo is not ready (waiting, failed or deleted) is refused.
    `checklist` is the moderator's ticks (ChecklistItem values), recorded with it.
    """
    allowed = {Action.Status.PENDING} | ({Action.Status.REJECTED} if reconsider else set())

    def decide(action, outcome):
        if action.photo_status in NOT_PUBLISHABLE:
            outcome.photo_not_ready.append(action)
            return False
        files.delete_on_commit(private_storage(), forget_master(action))
        action.rejection_reason = ""
        action.canned_reason = None
        action.checklist = list(checklist)
        stamp(action, moderator)
        release(action)
        history.log(
            moderator, action, gettext("Approved.") + _checklist_note(checklist, approving=True)
        )
        return True

    return _decide(actions, allowed, decide, failure="Could not publish the photo of action %s")


def reject(actions, moderator, reason="", *, reconsider=False, checklist=(), canned=None):
    """Reject pending actions: nothing of theirs stays public, and the photo is deleted.

    `canned` is the RejectionReason picked (mailed in the participant's language),
    `reason` the moderator's free text; either may be empty, not both (the forms check).
    With `reconsider`, approved (or scheduled, or hidden) actions are rejected too.
    Safe under concurrency like approve().
    """
    said = " ".join(part for part in (canned.text() if canned else "", reason) if part)
    allowed = {Action.Status.PENDING} | (DECIDED_VISIBLE if reconsider else set())

    def decide(action, outcome):
        remove_photo(action)  # first: public renditions are deleted, not moved back
        conceal(action, Action.Status.REJECTED)
        action.rejection_reason = reason
        action.canned_reason = canned
        action.featured = False
        action.checklist = list(checklist)
        stamp(action, moderator)
        save(action)
        reports.close(action, moderator, gettext("Rejected"))
        history.log(
            moderator,
            action,
            gettext("Rejected: %(reason)s") % {"reason": said} + _checklist_note(checklist),
        )
        return True

    return _decide(actions, allowed, decide, failure="Could not unpublish the photo of action %s")


def retry_processing(actions):
    """Queue failed (or stuck) photos again with a fresh count of attempts."""
    pks = list(
        Action.objects.filter(
            pk__in=pks_of(actions),
            photo_status__in=[Action.PhotoStatus.FAILED, Action.PhotoStatus.QUEUED],
        )
        .exclude(upload="")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        Action.objects.filter(pk__in=pks).update(
            photo_status=Action.PhotoStatus.QUEUED, processing_attempts=0, processing_error=""
        )
        for pk in pks:
            queue.process_photo_on_commit(pk)
    return pks


def _checklist_note(checklist, *, approving=False):
    if not checklist:
        return " " + gettext("Checklist not filled in.") if approving else ""
    labels = [str(ChecklistItem(item).label) for item in checklist]
    return " " + gettext("Checked: %(items)s.") % {"items": "; ".join(labels)}


def _decide(actions, allowed, decide, *, failure):
    """Lock each action, skip those decided meanwhile, apply `decide`, and report.

    `decide(action, outcome)` returns True when it recorded a decision. Each action
    is its own transaction with its files, so a storage error spoils only that one.
    """
    outcome = Outcome()
    for pk in pks_of(actions):
        try:
            with consistent_files():
                action = Action.objects.select_for_update().filter(pk=pk).first()
                if action is None:
                    continue
                if action.status not in allowed:
                    outcome.already_decided.append(action)
                    continue
                if decide(action, outcome):
                    mail.decision_on_commit(action)
                    outcome.decided.append(action)
        except STORAGE_ERRORS:
            logger.exception(failure, pk)
            outcome.failed.append(pk)
    return outcome


def stamp(action, moderator):
    """Who decided and when; the claim on the action (services.claims) ends with it."""
    action.moderated_at = timezone.now()
    action.moderated_by = moderator
    action.claimed_by = action.claimed_until = None


def pks_of(actions):
    """The sorted primary keys of a queryset, a list of actions or of keys."""
    if isinstance(actions, QuerySet):
        return sorted(actions.values_list("pk", flat=True))
    return sorted(getattr(action, "pk", action) for action in actions)
