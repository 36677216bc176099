"""Going public and back. Every change of what the public sees goes through release()
and conceal(), inside the caller's transaction with the action's row locked.

A public action is APPROVED: it is counted in the campaign results (`actions.stats`),
its renditions are in public storage, and the public cache is told. Approved actions
held back are SCHEDULED (the participant's "not before" time) or HIDDEN (an active
emergency takedown matches them); neither is counted or public.
"""

from django.core.files.storage import default_storage
from django.utils import timezone

from actions import stats
from actions.models import Action, Campaign, Takedown
from actions.services import queue
from actions.services.storage import (
    consistent_files,
    delete_files_on_commit,
    move_renditions,
    private_storage,
)
from soliday import publiccache

# Approved by a moderator, whether public now or held back.
DECIDED_VISIBLE = {Action.Status.APPROVED, Action.Status.SCHEDULED, Action.Status.HIDDEN}

# What a decision, release() or conceal() may change. stats writes its own fields.
DECISION_FIELDS = [
    "status", "rejection_reason", "featured", "moderated_at", "moderated_by", "published_at",
    "renditions", "renditions_public", "photo", "upload", "photo_status", "face_boxes",
    "checklist", "takedown", "canned_reason", "claimed_by", "claimed_until",
]  # fmt: skip


def save(action):
    action.save(update_fields=DECISION_FIELDS)


def release(action):
    """Make an approved action public now, or hold it back and save it.

    Held back while an active takedown matches it (HIDDEN), or until the
    participant's "not before" time (SCHEDULED; publish_due() releases it then).
    """
    # The campaign's row lock, also taken by take_down(): a takedown made meanwhile
    # either is seen here or sees this action approved.
    lock_campaigns(Campaign.objects.filter(pk=action.campaign_id))
    takedown = Takedown.objects.matching(action).first()
    if takedown is not None:
        action.takedown = takedown
        conceal(action, Action.Status.HIDDEN)
    elif action.not_before is not None and action.not_before > timezone.now():
        conceal(action, Action.Status.SCHEDULED)
        queue.publish_due_on_commit(action.not_before)
    else:
        if action.renditions and not action.renditions_public:
            move_renditions(action, private_storage(), default_storage, public=True)
        action.status = Action.Status.APPROVED
        action.takedown = None
        action.published_at = timezone.now()
        stats.publish(action)
        publiccache.bump_on_commit()
    save(action)


def conceal(action, status, *, move_files=True):
    """Take `action` off every public page and count, and give it `status` (not saved).

    `move_files=False` leaves its renditions in public storage for the caller to queue
    (queue.hide_renditions_on_commit), as after a storage error.
    """
    if action.status == Action.Status.APPROVED:
        publiccache.bump_on_commit()
    if move_files and action.renditions_public:
        move_renditions(action, default_storage, private_storage(), public=False)
    action.status = status
    action.published_at = None
    stats.unpublish(action)


def remove_photo(action):
    """Delete every file of the photo once committed (rejected or withdrawn: none is kept)."""
    delete_files_on_commit(action)
    if action.photo_status != Action.PhotoStatus.NONE:
        action.photo_status = Action.PhotoStatus.REMOVED
    action.upload = action.photo = ""
    action.renditions = []
    action.renditions_public = False
    action.face_boxes = []


def refresh_public(action):
    """After a moderator's edit of an action (city, hashtags, place): count it again as
    it now is, and let the public cache know when it is public."""
    stats.recount(action)
    if action.status == Action.Status.APPROVED:
        publiccache.bump_on_commit()


def publish_due(now=None):
    """Release the scheduled actions whose time has come; returns their ids. Idempotent."""
    now = now or timezone.now()
    due = Action.objects.filter(status=Action.Status.SCHEDULED, not_before__lte=now)
    released = []
    for pk in due.order_by("not_before", "pk").values_list("pk", flat=True):
        with consistent_files():
            action = Action.objects.select_for_update().filter(pk=pk).first()
            if action is None or action.status != Action.Status.SCHEDULED:
                continue
            if action.not_before is not None and action.not_before > now:
                continue  # moved later meanwhile
            release(action)
            released.append(pk)
    return released


def lock_campaigns(campaigns):
    # NO KEY UPDATE: participants' inserts of actions, which take a KEY SHARE lock on
    # their campaign, are not blocked meanwhile.
    list(campaigns.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
