"""Who is looking at a pending action now: a short, renewable claim, so that two
moderators do not review the same photo, and "next pending" skips what others hold.

A claim is two columns of the action (`claimed_by`, `claimed_until`), written with one
conditional UPDATE: it never waits on a lock, and two moderators opening the same action
at once leave exactly one of them holding it. A decision clears it (moderation.stamp).
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from actions.models import Action

# Photos a moderator can decide on now (the others are waiting or failed).
REVIEWABLE = (Action.PhotoStatus.READY, Action.PhotoStatus.NONE)


def _free_for(moderator, now):
    return Q(claimed_by__isnull=True) | Q(claimed_until__lte=now) | Q(claimed_by=moderator)


def claim(action, moderator):
    """Claim (or renew the claim on) a pending action for `moderator` for
    settings.ACTIONS_CLAIM_SECONDS. True when it is theirs; False when another
    moderator holds it or it is no longer pending. One query."""
    now = timezone.now()
    until = now + datetime.timedelta(seconds=settings.ACTIONS_CLAIM_SECONDS)
    taken = (
        Action.objects.filter(pk=action.pk, status=Action.Status.PENDING)
        .filter(_free_for(moderator, now))
        .update(claimed_by=moderator, claimed_until=until)
    )
    if taken:
        action.claimed_by, action.claimed_until = moderator, until
    return bool(taken)


def unclaim(action, moderator):
    """Give up `moderator`'s claim on `action` (nothing if another holds it)."""
    Action.objects.filter(pk=action.pk, claimed_by=moderator).update(
        claimed_by=None, claimed_until=None
    )


def unclaimed_pending(moderator, *, exclude=()):
    """Pending actions that can be decided now and no other moderator holds, oldest first."""
    now = timezone.now()
    return (
        Action.objects.pending()
        .filter(photo_status__in=REVIEWABLE)
        .filter(_free_for(moderator, now))
        .exclude(pk__in=exclude)
        .order_by("submitted_at", "id")
    )


def next_pending(moderator, *, exclude=()):
    """The oldest pending action nobody else holds, claimed for `moderator`, or None.

    Two moderators asking at once may pick the same row; the loser of the claim takes
    the next one (at most a few tries, each two queries)."""
    for _attempt in range(5):
        action = unclaimed_pending(moderator, exclude=exclude).first()
        if action is None or claim(action, moderator):
            return action
        exclude = [*exclude, action.pk]
    return None


def peek_next(moderator, *, exclude=()):
    """The action "next pending" would give now, without claiming it (to preload its photo)."""
    return (
        unclaimed_pending(moderator, exclude=exclude)
        .only("pk", "renditions", "renditions_public")
        .first()
    )
